import { buildOffers } from '../src/addons/offer-build';
import { newBatchId, saveOfferBatch } from '../src/addons/offers';
import { renderOfferMessage } from '../src/render/slack/addon-offer';
import { recordAudit } from '../src/state/audit';
import { openStateStore } from '../src/state/index';
import { renderJobFailure } from '../src/render/slack/digest';
import { describeError, log, newReference } from '../src/util/log';
import { claim, release, type JobContext } from './context';
import { scheduledClusters, type ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'addon-check';

/**
 * One cluster: an offer per add-on (managed or self-managed) with a version it may move to (src/addons/offer-rules.ts),
 * each a record in the state store whose id is all its "Upgrade" button carries; every offer is an audit event.
 */
async function checkCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
  const name = cluster.name;
  if (!(await claim(ctx, JOB, name))) {
    log.info('add-on offer already posted for this day; duplicate event skipped', { cluster: name, day: ctx.day });
    return { cluster: name, outcome: 'duplicate', posted: 0 };
  }
  const ref = newReference();
  let posted = 0;
  try {
    const state = await ctx.loadCluster(name);
    const { meta, offers } = buildOffers(state.snapshot, {
      cluster: name,
      channel: cluster.channel,
      region: cluster.region,
      batch: newBatchId(),
      required: cluster.approvals?.required ?? 1,
      ttlDays: cluster.approvals?.offerTtlDays ?? 7,
    });
    if (offers.length === 0) {
      log.info('add-on check: every add-on is on its newest compatible version', { cluster: name, notes: meta.notes });
      return { cluster: name, outcome: 'nothing-to-offer', posted: 0 };
    }
    const store = openStateStore(ctx.env);
    await saveOfferBatch(store, meta, offers);
    await ctx.post(cluster.channel, renderOfferMessage(meta, offers));
    posted++;
    for (const o of offers) {
      await recordAudit(store, {
        actor: 'eksnet',
        action: 'upgrade-offer',
        cluster: name,
        subject: o.id,
        detail: `${o.addon} ${o.from} → ${o.to} (${o.action}); compatibilities ${o.evidence.compatibilities.join(', ')}; expires ${o.expiresAt}${o.notOffered ? `; not offered: ${o.notOffered}` : ''}`,
        outcome: 'ok',
      });
    }
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
