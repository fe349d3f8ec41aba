import { BadInputError } from '../src/util/errors';
import { stateStore } from './state-access';
import type { Command } from './types';

export interface StateInitData {
  /** Where the state lives (the store's own description: a directory, or bucket and table). */
  store: string;
  /** What init created or found, one line each. */
  actions: string[];
}

export const stateCommand: Command<StateInitData> = {
  name: 'state',
  summary: 'Create the state store (the local directory, or the S3 bucket and DynamoDB table) when missing; safe to repeat.',
  usage: 'state init',
  examples: ['state init'],
  readOnly: false,
  // It creates server infrastructure, so only an operator with credentials runs it, from the CLI.
  cliOnly: true,
  async run(args, ctx) {
    if (args.words.length !== 1 || args.words[0] !== 'init') throw new BadInputError(`usage: eksnet ${this.usage}`);
    const store = stateStore(ctx);
    const actions = await store.init();
    return { command: 'state', data: { store: store.describe(), actions }, exitCode: 0, notices: [] };
  },
};
