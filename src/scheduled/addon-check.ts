import { addonStatuses } from '../addons/status';
import { renderAddonOffer } from '../render/slack/addon-offer';
import { renderJobFailure } from '../render/slack/digest';
import { describeError, log, newReference } from '../util/log';
import { clustersFor, deliverAll, type JobContext } from './context';
import { claimRun, finishRun, releaseRun, runKey } from './idempotency';
import type { ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'addon-check';

/** One cluster: offer an "Upgrade" button per managed add-on behind its newest compatible version. */
async function checkCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
  const name = cluster.name;
  const run = runKey(JOB, name, ctx.day);
  if (!(await claimRun(ctx.store, run, ctx.now()))) {
    log.info('add-on offer already posted for this day; duplicate event skipped', { cluster: name, day: ctx.day });
    return { cluster: name, outcome: 'duplicate', posted: 0 };
  }
  const ref = newReference();
  let key: string | undefined;
  let outcome: ClusterOutcome['outcome'] = 'posted';
  try {
    const state = await ctx.loadCluster(name);
    const offer = renderAddonOffer(name, addonStatuses(state.snapshot));
    if (!offer) {
      log.info('add-on check: every add-on is on its newest compatible version', { cluster: name });
      outcome = 'nothing-to-offer';
    } else {
      key = `${run}#offer`;
      await ctx.outbox.enqueue(key, cluster.channel, offer);
      log.info('add-on upgrades offered', { cluster: name, day: ctx.day, mode: state.info.mode });
    }
  } catch (err) {
    log.error('add-on check failed', { ref, cluster: name, error: describeError(err) });
    outcome = 'failed';
    try {
      key = `${run}#failed`;
      await ctx.outbox.enqueue(key, cluster.channel, renderJobFailure('add-on check', name, ref));
    } catch (queueErr) {
      log.error('could not queue the add-on check failure', { ref, cluster: name, error: describeError(queueErr) });
      await releaseRun(ctx.store, run);
      return { cluster: name, outcome, posted: 0, ref };
    }
  }
  await finishRun(ctx.store, run);
  const { posted, pending } = await deliverAll(ctx, key ? [key] : []);
  return { cluster: name, outcome, posted, ...(pending ? { pending } : {}), ...(outcome === 'failed' ? { ref } : {}) };
}

export async function runAddonCheck(ctx: JobContext): Promise<ClusterOutcome[]> {
  const clusters = clustersFor(ctx);
  if (clusters.length === 0) log.warn('add-on check: no cluster has a channel in the eksnet configuration; nothing to post');
  const out: ClusterOutcome[] = [];
  for (const cluster of clusters) out.push(await checkCluster(ctx, cluster));
  return out;
}
