import { addonStatuses } from '../src/addons/status';
import { renderAddonOffer } from '../src/render/slack/addon-offer';
import { renderJobFailure } from '../src/render/slack/digest';
import { describeError, log, newReference } from '../src/util/log';
import { claim, release, type JobContext } from './context';
import { scheduledClusters, type ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'addon-check';

/** One cluster: offer an "Upgrade" button per managed add-on behind its newest compatible version. */
export async function checkCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
  const name = cluster.name;
  if (!(await claim(ctx, JOB, name))) {
    log.info('add-on offer already posted for this day; duplicate event skipped', { cluster: name, day: ctx.day });
    return { cluster: name, outcome: 'duplicate', posted: 0 };
  }
  const ref = newReference();
  let posted = 0;
  try {
    const state = await ctx.loadCluster(name);
    const offer = renderAddonOffer(name, addonStatuses(state.snapshot));
    if (!offer) {
      log.info('add-on check: every add-on is on its newest compatible version', { cluster: name });
      return { cluster: name, outcome: 'nothing-to-offer', posted: 0 };
    }
    await ctx.post(cluster.channel, offer);
    posted++;
    log.info('add-on upgrades offered', { cluster: name, day: ctx.day, mode: state.info.mode });
    return { cluster: name, outcome: 'posted', posted };
  } catch (err) {
    log.error('add-on check failed', { ref, cluster: name, error: describeError(err) });
    try {
      await ctx.post(cluster.channel, renderJobFailure('add-on check', name, ref));
      posted++;
    } catch (postErr) {
      log.error('could not post the add-on check failure', { ref, cluster: name, error: describeError(postErr) });
    }
    if (posted === 0) await release(ctx, JOB, name);
    return { cluster: name, outcome: 'failed', posted, ref };
  }
}

export async function runAddonCheck(ctx: JobContext): Promise<ClusterOutcome[]> {
  const clusters = scheduledClusters(ctx.config);
  if (clusters.length === 0) log.warn('add-on check: no cluster has a channel in the eksnet configuration; nothing to post');
  const out: ClusterOutcome[] = [];
  for (const cluster of clusters) out.push(await checkCluster(ctx, cluster));
  return out;
}
