import { snapshotDocuments } from '../src/baseline/documents';
import { saveBaseline } from '../src/baseline/store';
import { recordAudit } from '../src/state/audit';
import { baselineHistory, saveStoredBaseline, storedBaselineMeta, type BaselineMeta } from '../src/state/baselines';
import { BadInputError, ExplainedError } from '../src/util/errors';
import { actorOf, clusterFor, stateStore } from './state-access';
import type { Command, CommandArgs, CommandContext, CommandResult } from './types';

/** `baseline save --out DIR`: the files written. */
export interface BaselineSaveData {
  baseline: string;
  files: number;
  cluster?: string;
  collectedAt: string;
}

/**
 * One stored baseline as `baseline show --json` prints it (CONTRACT §2). `objects` is the number of objects
 * it holds (the items of its Kubernetes lists and AWS API outputs), the same number in show, history and save.
 */
export type BaselineJson = Pick<BaselineMeta, 'cluster' | 'version' | 'savedAt' | 'savedBy' | 'collectedAt' | 'objects'>;

export interface BaselineHistoryJson {
  baselines: BaselineJson[];
}

export type BaselineData = BaselineSaveData | BaselineJson | BaselineHistoryJson;

/** What the renderers need beyond the JSON: which verb ran, and the records' notes (accepts). */
export interface BaselineDetail {
  verb: 'save-dir' | 'save' | 'show' | 'history';
  cluster: string;
  /** Why each listed baseline was saved ("save", "accept …"), by version. */
  reasons: Record<number, string>;
}

const VERBS = ['save', 'show', 'history'] as const;

/** Exactly the contract's six fields, in its order. */
export function baselineJson(m: BaselineMeta): BaselineJson {
  return { cluster: m.cluster, version: m.version, savedAt: m.savedAt, savedBy: m.savedBy, collectedAt: m.collectedAt, objects: m.objects };
}

function reasons(metas: BaselineMeta[]): Record<number, string> {
  return Object.fromEntries(metas.filter((m) => m.reason).map((m) => [m.version, m.reason!]));
}

/** A `--version` value: a positive whole number. */
export function parseVersion(value: string | boolean | undefined, option = '--version'): number | undefined {
  if (value === undefined) return undefined;
  if (typeof value !== 'string' || !/^\d+$/.test(value) || Number(value) < 1 || !Number.isSafeInteger(Number(value))) {
    throw new BadInputError(`${option} must be a baseline version number (1, 2, …), not ${JSON.stringify(value)}`);
  }
  return Number(value);
}

export function noBaselineMessage(cluster: string): string {
  return `no baseline is saved for cluster ${cluster}: save one with \`eksnet baseline save --cluster ${cluster}\` (or /eksnet baseline save)`;
}

function result(data: BaselineData, detail: BaselineDetail, extra: Partial<CommandResult<BaselineData>> = {}): CommandResult<BaselineData> {
  return { command: 'baseline', data, exitCode: 0, notices: [], detail, ...extra };
}

async function saveToDirectory(args: CommandArgs, out: string, ctx: CommandContext): Promise<CommandResult<BaselineData>> {
  const state = await ctx.loadState(args);
  const collectedAt = state.info.collectedAt ?? new Date().toISOString();
  const saved = await saveBaseline(out, snapshotDocuments(state.snapshot, collectedAt));
  const data: BaselineSaveData = { baseline: saved.dir, files: saved.files.length, cluster: state.info.cluster, collectedAt };
  return result(data, { verb: 'save-dir', cluster: state.info.cluster ?? '', reasons: {} }, { state: state.info });
}

export const baselineCommand: Command<BaselineData> = {
  name: 'baseline',
  summary: 'Save the cluster\'s current state as its baseline in the state store, show it, or list its history.',
  usage: 'baseline save [--cluster C] [--out DIR] | baseline show [--version N] | baseline history',
  examples: ['baseline save --cluster prod', 'baseline show --json', 'baseline history --cluster prod', 'baseline save --out baselines/prod-2026-11-27'],
  // Saving changes what later drift reports compare against (CONTRACT §4); show and history only read.
  readOnly: false,
  readOnlyFor: (args) => args.words[0] === 'show' || args.words[0] === 'history',
  async run(args, ctx) {
    const [verb, ...rest] = args.words;
    if (!VERBS.includes(verb as (typeof VERBS)[number]) || rest.length) {
      throw new BadInputError(verb && !VERBS.includes(verb as never) ? `unknown baseline verb "${verb}" (save, show, history)` : `usage: eksnet ${this.usage}`);
    }
    if (verb !== 'show' && args.flags.version !== undefined) throw new BadInputError('--version goes with baseline show');
    if (verb !== 'save' && args.flags.out !== undefined) throw new BadInputError('--out goes with baseline save');

    if (verb === 'save') {
      const out = args.flags.out;
      if (out !== undefined) {
        if (typeof out !== 'string' || out === '') throw new BadInputError('baseline save --out needs a directory');
        return saveToDirectory(args, out, ctx);
      }
      const store = stateStore(ctx);
      const state = await ctx.loadState(args);
      const cluster = await clusterFor(args, ctx, state);
      const collectedAt = state.info.collectedAt ?? new Date().toISOString();
      const savedBy = actorOf(ctx);
      const meta = await saveStoredBaseline(store, { cluster, documents: snapshotDocuments(state.snapshot, collectedAt), savedBy, collectedAt, reason: 'save' });
      if (!meta) throw new ExplainedError(`the baseline of ${cluster} changed while saving; run baseline save again`);
      await recordAudit(store, {
        actor: savedBy,
        action: 'baseline-save',
        cluster,
        subject: `baseline ${meta.version}`,
        detail: `${meta.objects} objects from ${state.info.mode === 'live' ? 'the live cluster' : state.info.mode === 'demo' ? 'the bundled demo snapshot' : `snapshot ${state.info.source}`}, collected ${collectedAt}`,
        outcome: 'ok',
      });
      return result(baselineJson(meta), { verb: 'save', cluster, reasons: {} }, { state: state.info });
    }

    const cluster = await clusterFor(args, ctx);
    const store = stateStore(ctx);
    if (verb === 'history') {
      const metas = await baselineHistory(store, cluster);
      return result({ baselines: metas.map(baselineJson) }, { verb: 'history', cluster, reasons: reasons(metas) });
    }
    const version = parseVersion(args.flags.version);
    const meta = await storedBaselineMeta(store, cluster, version);
    if (!meta) {
      if (version === undefined) throw new ExplainedError(noBaselineMessage(cluster));
      const newest = (await baselineHistory(store, cluster))[0];
      throw new BadInputError(`cluster ${cluster} has no baseline version ${version} (${newest ? `versions 1-${newest.version}; see eksnet baseline history` : 'none saved yet'})`);
    }
    return result(baselineJson(meta), { verb: 'show', cluster, reasons: reasons([meta]) });
  },
};
