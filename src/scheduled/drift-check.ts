import { renderDriftFailure } from '../render/slack/digest';
import { describeError, log, newReference } from '../util/log';
import { clustersFor, deliverAll, type JobContext } from './context';
import { compareCluster, whoChanged } from './drift-compare';
import { queueAlert } from './drift-digest';
import { claimRun, finishRun, releaseRun, runKey, runSlot } from './idempotency';
import type { ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'drift-check';

/**
 * The frequent check (every 15 minutes by default): alert at once on a critical change not alerted yet —
 * once per change in one form (its content hash), again only when it changes further. It posts nothing
 * else: no baseline is the digest's to say, and a failed collection is said once a day.
 */
export async function checkCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
  const name = cluster.name;
  const run = runKey(JOB, name, runSlot(ctx.time));
  if (!(await claimRun(ctx.store, run, ctx.now()))) return { cluster: name, outcome: 'duplicate', posted: 0 };
  const ref = newReference();
  const queued: string[] = [];
  try {
    const cmp = await compareCluster(ctx, cluster, ref);
    if (cmp.kind === 'failed') {
      const key = runKey('drift-check-failed', name, ctx.day);
      if (await ctx.outbox.enqueue(key, cluster.channel, renderDriftFailure(name, cmp.why, ref))) queued.push(key);
    } else if (cmp.kind === 'ok') {
      const by = await whoChanged(ctx, name, cmp, cmp.changes.filter((c) => c.severity === 'critical'));
      const alert = await queueAlert(ctx, cluster, cmp, by);
      if (alert) queued.push(alert);
    }
    await finishRun(ctx.store, run);
    const { posted, pending } = await deliverAll(ctx, queued);
    const outcome = cmp.kind === 'failed' ? 'failed' : cmp.kind === 'no-baseline' ? 'no-baseline' : queued.length ? 'posted' : 'nothing-new';
    return { cluster: name, outcome, posted, ...(pending ? { pending } : {}), ...(outcome === 'failed' ? { ref } : {}) };
  } catch (err) {
    log.error('drift check failed', { ref, cluster: name, error: describeError(err) });
    if (queued.length === 0) await releaseRun(ctx.store, run);
    return { cluster: name, outcome: 'failed', posted: 0, ref };
  }
}

export async function runDriftCheck(ctx: JobContext): Promise<ClusterOutcome[]> {
  const out: ClusterOutcome[] = [];
  for (const cluster of clustersFor(ctx)) out.push(await checkCluster(ctx, cluster));
  return out;
}
