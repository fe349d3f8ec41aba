import * as path from 'node:path';
import type { Change, ImpactFlow } from '../src/model/result';
import { reachEngine } from '../src/engine/reach';
import { assessChange, contractFlow, type MovedFlow } from '../src/impact';
import { loadSnapshot } from '../src/snapshot/load';
import { BadInputError } from '../src/util/errors';
import type { Command } from './types';
import { answerBatch, type BatchRow } from './whoami-reach';

/** Exactly what `eksnet impact --json` prints (CONTRACT §2). */
export interface ImpactData {
  opened: ImpactFlow[];
  closed: ImpactFlow[];
  changes: Change[];
}

export interface ImpactDetail {
  before: string;
  after: string;
  /** `--after` held proposed manifests applied over `--before` (not a whole snapshot). */
  proposal: boolean;
  format: 'text' | 'markdown' | 'json';
  /** Opened and closed flows with the changes responsible (the JSON keeps the contract's FLOW fields). */
  opened: MovedFlow[];
  closed: MovedFlow[];
  notes: string[];
  /** `--expect FILE`: the batch lines checked on the after-state. */
  expect?: { file: string; rows: BatchRow[]; failures: string[] };
}

const FORMATS = new Set(['text', 'markdown', 'json']);

export const impactCommand: Command<ImpactData> = {
  name: 'impact',
  summary: 'Which flows a change opens or closes: --before a snapshot, --after a snapshot or proposed manifests.',
  usage: 'impact --before PATH --after PATH [--format text|markdown] [--expect FILE]',
  examples: ['impact --before snapshot/ --after proposed/ --format markdown', 'impact --before baseline/ --after today/ --json', 'impact --before snapshot/ --after proposed/ --expect connectivity.txt'],
  readOnly: true,
  async run(args, ctx) {
    const beforePath = args.flags.before;
    const afterPath = args.flags.after;
    if (typeof beforePath !== 'string' || typeof afterPath !== 'string') throw new BadInputError('impact needs --before PATH and --after PATH (snapshots, or proposed manifests for --after)');
    if (args.words.length > 0) throw new BadInputError(`impact takes no words (got ${args.words.join(' ')}); use --before PATH --after PATH`);
    const format = typeof args.flags.format === 'string' ? args.flags.format : args.flags.json === true ? 'json' : 'text';
    if (!FORMATS.has(format)) throw new BadInputError(`bad --format "${format}": use text, markdown or json`);
    if (args.flags.json === true && format !== 'json') throw new BadInputError('--json and --format markdown both choose the output: give one');
    // The loader validates every object as the API server would; a rejected one is bad input naming file and object.
    const before = await loadSnapshot(path.resolve(beforePath));
    const afterInput = await loadSnapshot(path.resolve(afterPath));
    const expectText = typeof args.flags.expect === 'string' ? await ctx.readInput(args.flags.expect) : undefined;
    const report = assessChange(before, afterInput);
    let expect: ImpactDetail['expect'];
    let exitCode: 0 | 1 | 2 = 0;
    if (expectText !== undefined) {
      const batch = answerBatch(reachEngine(report.after), expectText);
      expect = { file: args.flags.expect as string, rows: batch.rows, failures: [...batch.notices, ...batch.rows.filter((r) => r.error).map((r) => `line ${r.line}: ${r.error}`)] };
      exitCode = batch.badInput ? 2 : batch.failed ? 1 : 0;
    }
    const notices = [...before.warnings.map((w) => `before: ${w}`), ...afterInput.warnings.map((w) => `after: ${w}`), ...report.notes, ...(expect?.failures ?? [])];
    return {
      command: 'impact',
      data: { opened: report.opened.map(contractFlow), closed: report.closed.map(contractFlow), changes: report.changes },
      exitCode,
      notices,
      detail: { before: beforePath, after: afterPath, proposal: report.proposal, format: format as ImpactDetail['format'], opened: report.opened, closed: report.closed, notes: report.notes, expect } satisfies ImpactDetail,
    };
  },
};
