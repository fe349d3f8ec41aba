import { addonStatuses } from '../src/addons/status';
import type { AddonStatus } from '../src/model/result';
import { BadInputError } from '../src/util/errors';
import type { Command } from './types';

export interface AddonsData {
  addons: AddonStatus[];
}

export const addonsCommand: Command<AddonsData> = {
  name: 'addons',
  summary: 'Core and managed add-ons: the version running and the newest compatible with the cluster.',
  usage: 'addons',
  examples: ['addons', 'addons --json'],
  readOnly: true,
  async run(args, ctx) {
    if (args.words.length > 0) throw new BadInputError(`addons takes no arguments (got ${args.words.join(' ')})`);
    const state = await ctx.loadState(args);
    const addons = addonStatuses(state.snapshot);
    return { command: 'addons', data: { addons }, state: state.info, exitCode: 0, notices: [] };
  },
};
