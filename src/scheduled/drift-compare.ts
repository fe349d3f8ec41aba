import { attribution } from '../../commands/drift';
import type { StateInfo } from '../../commands/types';
import { changeKey, needsAttribution, type ChangedBy } from '../digest/lifecycle';
import { attributionKey, type Attribution } from '../drift/attribution';
import { assessDrift } from '../impact';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import type { DigestContext } from '../render/slack/digest';
import { age } from '../render/text/state-line';
import { snapshotFromDocuments } from '../snapshot/load';
import { describeError, log } from '../util/log';
import { loadStoredBaseline, type BaselineMeta } from '../state/baselines';
import type { JobContext } from './context';
import type { ScheduledCluster } from './targets';
import { InvalidObjectError } from '../snapshot/validate/index';

export type Comparison =
  | { kind: 'no-baseline' }
  | { kind: 'failed'; why: string }
  | { kind: 'ok'; changes: Change[]; notes: string[]; current: Snapshot; state: StateInfo; baseline: BaselineMeta; digest: DigestContext };

/** Why collection failed, in words people can act on, from the error's name only (messages may hold ARNs). */
function collectionHint(err: unknown): string {
  // An object its API would refuse (src/snapshot/validate): name it, and compare nothing it could get wrong.
  if (err instanceof InvalidObjectError) return `the cluster's current state holds an object its API would refuse, so nothing was compared: ${err.message}`;
  const text = `${(err as { name?: string })?.name ?? ''} ${(err as { code?: string })?.code ?? ''}`;
  if (/AccessDenied|UnauthorizedOperation|Forbidden|ExpiredToken|CredentialsProviderError|InvalidClientTokenId/i.test(text)) return "the cluster's current state could not be collected: eksnet's credentials were refused";
  if (/Timeout|TimedOut|ETIMEDOUT|ECONNREFUSED|ENOTFOUND|ECONNRESET/i.test(text)) return "the cluster's current state could not be collected: the AWS or Kubernetes API did not answer";
  if (/ResourceNotFound/i.test(text)) return "the cluster's current state could not be collected: EKS does not know the cluster";
  return "the cluster's current state could not be collected";
}

/**
 * The cluster's current state against its current stored baseline (src/state/baselines.ts). A baseline
 * or a collection that fails is `failed` with the reason — never an empty list of changes.
 */
export async function compareCluster(ctx: JobContext, cluster: ScheduledCluster, ref: string): Promise<Comparison> {
  const name = cluster.name;
  let stored;
  try {
    stored = await loadStoredBaseline(ctx.store, name);
  } catch (err) {
    log.error('baseline could not be read', { ref, cluster: name, error: describeError(err) });
    return { kind: 'failed', why: "the cluster's stored baseline could not be read" };
  }
  if (!stored) return { kind: 'no-baseline' };
  let state;
  try {
    state = await ctx.loadCluster(name);
  } catch (err) {
    log.error('collection failed', { ref, cluster: name, error: describeError(err) });
    return { kind: 'failed', why: collectionHint(err) };
  }
  const baseline = snapshotFromDocuments(`baseline v${stored.meta.version}`, stored.documents.map((d) => ({ doc: d.doc, origin: d.file })));
  const report = assessDrift(baseline, state.snapshot);
  const m = stored.meta;
  const digest: DigestContext = {
    cluster: name,
    baseline: `v${m.version} (saved by ${m.savedBy} ${age(m.savedAt, ctx.time.getTime())})`,
    baselineCollectedAt: m.collectedAt,
    state: state.info,
    cliCommand: `eksnet drift --cluster ${name}`,
    now: ctx.time.getTime(),
  };
  return { kind: 'ok', changes: report.changes, notes: [...baseline.warnings.map((w) => `baseline: ${w}`), ...report.notes], current: state.snapshot, state: state.info, baseline: m, digest };
}

function whoText(a: Attribution | undefined): string {
  if (!a) return 'changed by unknown';
  const when = a.at ? ` at ${a.at.slice(0, 16).replace('T', ' ')} UTC` : '';
  return `changed by ${a.by}${when}${a.event ? ` (${a.event})` : ''}`;
}

/**
 * Who made the changes not attributed yet (src/drift/attribution.ts: CloudTrail for AWS objects,
 * managedFields for Kubernetes ones, "unknown" otherwise) — once per form of a change, so the frequent
 * check and the daily digest do not ask CloudTrail again for what they already know.
 */
export async function whoChanged(ctx: JobContext, cluster: string, cmp: Extract<Comparison, { kind: 'ok' }>, changes: Change[] = cmp.changes): Promise<ChangedBy> {
  const todo = await needsAttribution(ctx.store, cluster, changes);
  if (todo.length === 0) return new Map();
  try {
    const found = await attribution(todo, { snapshot: cmp.current, info: cmp.state }, cmp.baseline.collectedAt, { env: ctx.env });
    return new Map(todo.map((c) => [changeKey(c), whoText(found[attributionKey(c)])]));
  } catch (err) {
    log.warn('who-changed-it lookup failed; the digest says unknown', { cluster, error: describeError(err) });
    return new Map();
  }
}
