import type { Finding } from '../src/model/result';
import { runPosture } from '../src/posture/runner';
import { BadInputError } from '../src/util/errors';
import type { Command } from './types';

export interface PostureData {
  findings: Finding[];
}

export const postureCommand: Command<PostureData> = {
  name: 'posture',
  summary: "The cluster's traffic-control posture: findings by severity, each with why it matters and the fix.",
  usage: 'posture',
  examples: ['posture', 'posture --json'],
  readOnly: true,
  async run(args, ctx) {
    if (args.words.length > 0) throw new BadInputError(`posture takes no arguments (got ${args.words.join(' ')})`);
    const state = await ctx.loadState(args);
    const findings = runPosture(state.snapshot);
    return { command: 'posture', data: { findings }, state: state.info, exitCode: 0, notices: [] };
  },
};
