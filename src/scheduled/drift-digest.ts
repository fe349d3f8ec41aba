import { alertCandidates, alertKey, markAlerted, reconcileForDigest, recordChange, type ChangedBy, type DigestEntry } from '../digest/lifecycle';
import { renderCriticalAlert, renderDriftDigest, renderDriftFailure, renderNoBaseline, renderQuietDay, type DigestItem } from '../render/slack/digest';
import { describeError, log, newReference } from '../util/log';
import { clustersFor, deliverAll, type JobContext } from './context';
import { compareCluster, whoChanged, type Comparison } from './drift-compare';
import { claimRun, finishRun, releaseRun, runKey } from './idempotency';
import type { ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'drift-digest';

/** The digest's record (partition `digest#<cluster>`, key = day): which changes (in which form) its "Accept all" covers. */
export interface DigestRecord {
  cluster: string;
  day: string;
  channel: string;
  items: { key: string; hash: string }[];
}

export const digestPartition = (cluster: string) => `digest#${cluster}`;
/** A change's button value: its record's id, and the form (content hash) the digest showed. */
export const changeRecordId = (cluster: string, key: string, hash: string) => `change:${cluster}:${key}.${hash}`;
export const digestRecordId = (cluster: string, day: string) => `digest:${cluster}:${day}`;

const item = (cluster: string, e: DigestEntry): DigestItem => ({
  change: recordChange(e.record),
  key: e.record.key,
  recordId: changeRecordId(cluster, e.record.key, e.record.hash),
  firstSeen: e.record.firstSeen,
  ...(e.alertedAt ? { alertedAt: e.alertedAt } : {}),
  ...(e.record.changedBy ? { changedBy: e.record.changedBy } : {}),
});

/** Alert at once on critical changes not alerted yet (the frequent check does the same every 15 minutes). */
export async function queueAlert(ctx: JobContext, cluster: ScheduledCluster, cmp: Extract<Comparison, { kind: 'ok' }>, by?: ChangedBy): Promise<string | undefined> {
  const alerts = await alertCandidates(ctx.store, cluster.name, cmp.changes, cmp.current, ctx.time, by);
  if (!alerts.length) return undefined;
  const key = alertKey(cluster.name, alerts);
  await ctx.outbox.enqueue(key, cluster.channel, renderCriticalAlert(cmp.digest, alerts.map((a) => ({ ...recordChange(a), ...(a.changedBy ? { changedBy: a.changedBy } : {}) })))!);
  await markAlerted(ctx.store, cluster.name, alerts, ctx.time);
  return key;
}

/**
 * One cluster's digest: its changes against its current stored baseline, sorted into new / still open /
 * resolved; critical ones alerted first (unless already alerted). Everything goes through the outbox.
 */
export async function digestCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
  const name = cluster.name;
  const run = runKey(JOB, name, ctx.day);
  if (!(await claimRun(ctx.store, run, ctx.now()))) {
    log.info('drift digest already done for this day; duplicate event skipped', { cluster: name, day: ctx.day });
    return { cluster: name, outcome: 'duplicate', posted: 0 };
  }
  const ref = newReference();
  const queued: string[] = [];
  let outcome: ClusterOutcome['outcome'] = 'posted';
  try {
    const cmp = await compareCluster(ctx, cluster, ref);
    if (cmp.kind === 'no-baseline') {
      outcome = 'no-baseline';
      await ctx.outbox.enqueue(`${run}#no-baseline`, cluster.channel, renderNoBaseline(name));
      queued.push(`${run}#no-baseline`);
    } else if (cmp.kind === 'failed') {
      outcome = 'failed';
      await ctx.outbox.enqueue(`${run}#failed`, cluster.channel, renderDriftFailure(name, cmp.why, ref));
      queued.push(`${run}#failed`);
    } else {
      const by = await whoChanged(ctx, name, cmp);
      const alert = await queueAlert(ctx, cluster, cmp, by);
      if (alert) queued.push(alert);
      const view = await reconcileForDigest(ctx.store, name, cmp.changes, cmp.current, ctx.time, ctx.day, by);
      const items = { new: view.new.map((e) => item(name, e)), open: view.open.map((e) => item(name, e)) };
      const shown = [...view.new, ...view.open].map((e) => ({ key: e.record.key, hash: e.record.hash }));
      const record: DigestRecord = { cluster: name, day: ctx.day, channel: cluster.channel, items: shown };
      await ctx.store.putRecord(digestPartition(name), ctx.day, record, { ttlSeconds: 30 * 24 * 3600 });
      const quiet = items.new.length === 0 && items.open.length === 0 && view.resolved.length === 0;
      const message = quiet
        ? ctx.config.digest.quietDays === 'line'
          ? renderQuietDay(cmp.digest, view.snoozed)
          : undefined
        : renderDriftDigest(cmp.digest, { ...items, resolved: view.resolved.map(recordChange), snoozed: view.snoozed, acceptAllId: digestRecordId(name, ctx.day) }, cmp.notes);
      if (quiet) outcome = 'quiet';
      if (message) {
        await ctx.outbox.enqueue(`${run}#digest`, cluster.channel, message);
        queued.push(`${run}#digest`);
      }
      log.info('drift digest prepared', { cluster: name, day: ctx.day, new: items.new.length, open: items.open.length, resolved: view.resolved.length, snoozed: view.snoozed, alerted: !!alert });
    }
  } catch (err) {
    log.error('drift digest failed', { ref, cluster: name, error: describeError(err) });
    // Nothing could be queued: give the claim up so that a retry of this event can do it.
    if (queued.length === 0) await releaseRun(ctx.store, run);
    else await finishRun(ctx.store, run);
    const { posted, pending } = await deliverAll(ctx, queued);
    return { cluster: name, outcome: 'failed', posted, ...(pending ? { pending } : {}), ref };
  }
  await finishRun(ctx.store, run);
  const { posted, pending } = await deliverAll(ctx, queued);
  return { cluster: name, outcome, posted, ...(pending ? { pending } : {}), ...(outcome === 'failed' ? { ref } : {}) };
}

/** The daily drift digest for every cluster with a channel, one cluster after another (collection is heavy). */
export async function runDriftDigest(ctx: JobContext): Promise<ClusterOutcome[]> {
  const clusters = clustersFor(ctx);
  if (clusters.length === 0) log.warn('drift digest: no cluster has a channel in the eksnet configuration; nothing to post');
  const out: ClusterOutcome[] = [];
  for (const cluster of clusters) out.push(await digestCluster(ctx, cluster));
  return out;
}
