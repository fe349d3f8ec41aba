import * as path from 'node:path';
import type { Change } from '../src/model/result';
import { assessDrift } from '../src/impact';
import { loadSnapshot } from '../src/snapshot/load';
import { BadInputError } from '../src/util/errors';
import type { Command } from './types';

/** Exactly what `eksnet drift --json` prints (CONTRACT §2). */
export interface DriftData {
  changes: Change[];
}

export interface DriftDetail {
  baseline: string;
  /** When the baseline was collected, if it says. */
  baselineCollectedAt?: string;
  current: string;
  notes: string[];
}

export const driftCommand: Command<DriftData> = {
  name: 'drift',
  summary: 'What changed in the cluster\'s traffic controls since a baseline snapshot, worst first.',
  usage: 'drift --baseline PATH [--snapshot PATH]',
  examples: ['drift --baseline baselines/prod-2024-06-01', 'drift --baseline baseline/ --snapshot today/ --json'],
  readOnly: true,
  async run(args, ctx) {
    const baselinePath = args.flags.baseline;
    if (typeof baselinePath !== 'string' || baselinePath === '') {
      throw new BadInputError('drift needs --baseline PATH (a snapshot directory or file, or a baseline eksnet saved)');
    }
    if (args.words.length > 0) throw new BadInputError(`drift takes no words (got ${args.words.join(' ')}); use --baseline PATH`);
    const baseline = await loadSnapshot(path.resolve(baselinePath));
    const state = await ctx.loadState(args);
    // Each change with the flows it opened or closed, and a severity from them (issue 11).
    const report = assessDrift(baseline, state.snapshot);
    const notices = [...baseline.warnings.map((w) => `baseline: ${w}`), ...report.notes];
    return {
      command: 'drift',
      data: { changes: report.changes },
      state: state.info,
      exitCode: 0,
      notices,
      detail: {
        baseline: baselinePath,
        baselineCollectedAt: baseline.collection.collectedAt,
        current: state.info.source,
        notes: report.notes,
      } satisfies DriftDetail,
    };
  },
};
