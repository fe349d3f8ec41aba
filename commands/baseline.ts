import { snapshotDocuments } from '../src/baseline/documents';
import { saveBaseline } from '../src/baseline/store';
import { BadInputError } from '../src/util/errors';
import type { Command } from './types';

export interface BaselineSaveData {
  baseline: string;
  files: number;
  cluster?: string;
  collectedAt: string;
}

export const baselineCommand: Command<BaselineSaveData> = {
  name: 'baseline',
  summary: 'Save the current state as a baseline directory for later `eksnet drift --baseline DIR`.',
  usage: 'baseline save --out DIR [--snapshot PATH]',
  examples: ['baseline save --out baselines/prod-2026-11-27', 'baseline save --out baseline/ --snapshot today/'],
  // Saving a baseline changes what later drift reports compare against (CONTRACT §4).
  readOnly: false,
  async run(args, ctx) {
    const [verb, ...rest] = args.words;
    if (verb !== 'save' || rest.length) throw new BadInputError(`usage: eksnet ${this.usage}`);
    const out = args.flags.out;
    if (typeof out !== 'string' || out === '') throw new BadInputError('baseline save needs --out DIR');
    const state = await ctx.loadState(args);
    const collectedAt = state.info.collectedAt ?? new Date().toISOString();
    const saved = await saveBaseline(out, snapshotDocuments(state.snapshot, collectedAt));
    return {
      command: 'baseline',
      data: { baseline: saved.dir, files: saved.files.length, cluster: state.info.cluster, collectedAt },
      state: state.info,
      exitCode: 0,
      notices: [],
    };
  },
};
