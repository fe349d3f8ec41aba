import { buildOffers } from '../addons/offer-build';
import { newBatchId, saveOfferBatch } from '../addons/offers';
import { renderOfferMessage } from '../render/slack/addon-offer';
import { recordAudit } from '../state/audit';
import { renderJobFailure } from '../render/slack/digest';
import { describeError, log, newReference } from '../util/log';
import { clustersFor, deliverAll, type JobContext } from './context';
import { claimRun, finishRun, releaseRun, runKey } from './idempotency';
import type { ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'addon-check';

/**
 * One cluster: an offer per add-on (managed or self-managed) with a version it may move to (src/addons/offer-rules.ts),
 * each a record in the state store whose id is all its "Upgrade" button carries; every offer is an audit event.
 */
export async function checkCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
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
    const { meta, offers } = buildOffers(state.snapshot, {
      cluster: name,
      channel: cluster.channel,
      region: cluster.region,
      batch: newBatchId(),
      required: cluster.approvals?.required ?? 1,
      ttlDays: cluster.approvals?.offerTtlDays ?? 7,
      now: ctx.now(),
    });
    if (offers.length === 0) {
      log.info('add-on check: every add-on is on its newest compatible version', { cluster: name, notes: meta.notes });
      outcome = 'nothing-to-offer';
    } else {
      await saveOfferBatch(ctx.store, meta, offers);
      key = `${run}#offer`;
      await ctx.outbox.enqueue(key, cluster.channel, renderOfferMessage(meta, offers, ctx.now()));
      for (const o of offers) {
        await recordAudit(ctx.store, {
          actor: 'eksnet',
          action: 'upgrade-offer',
          cluster: name,
          subject: o.id,
          detail: `${o.addon} ${o.from} → ${o.to} (${o.action}); compatibilities ${o.evidence.compatibilities.join(', ')}; expires ${o.expiresAt}${o.notOffered ? `; not offered: ${o.notOffered}` : ''}`,
          outcome: 'ok',
        });
      }
      log.info('add-on upgrades offered', { cluster: name, day: ctx.day, mode: state.info.mode, offers: offers.map((o) => o.id) });
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
