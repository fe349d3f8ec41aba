import * as path from 'node:path';
import { assessDrift } from '../src/impact';
import { renderCriticalAlert, renderDriftDigest, renderJobFailure, renderNoBaseline, type DigestContext } from '../src/render/slack/digest';
import { describeError, log, newReference } from '../src/slack/log';
import { loadSnapshot } from '../src/snapshot/load';
import { claim, release, type JobContext } from './context';
import { baselineDirFor, baselineExists, scheduledClusters, type ScheduledCluster } from './targets';
import type { ClusterOutcome } from './types';

const JOB = 'drift-digest';

/** Why a run failed, in words people can act on; never the raw error (it may hold ARNs). */
function failureHint(stage: 'baseline' | 'state' | 'post', where: string): string {
  if (stage === 'baseline') return `the baseline at ${where} could not be read`;
  if (stage === 'state') return 'the cluster\'s current state could not be collected';
  return 'Slack did not accept the digest';
}

/**
 * One cluster's digest: diff the current state against its baseline, post the digest, and at once a
 * separate alert when a change is critical. No baseline: a message that says how to save one.
 */
async function digestCluster(ctx: JobContext, cluster: ScheduledCluster): Promise<ClusterOutcome> {
  const name = cluster.name;
  if (!(await claim(ctx, JOB, name))) {
    log.info('drift digest already posted for this day; duplicate event skipped', { cluster: name, day: ctx.day });
    return { cluster: name, outcome: 'duplicate', posted: 0 };
  }
  const ref = newReference();
  const where = baselineDirFor(cluster, ctx.env);
  let posted = 0;
  let stage: 'baseline' | 'state' | 'post' = 'baseline';
  try {
    if (!where || !(await baselineExists(where))) {
      stage = 'post';
      await ctx.post(cluster.channel, renderNoBaseline(name, where));
      log.info('drift digest: no baseline', { cluster: name, baseline: where ?? null });
      return { cluster: name, outcome: 'no-baseline', posted: 1 };
    }
    const baseline = await loadSnapshot(path.resolve(where));
    stage = 'state';
    const state = await ctx.loadCluster(name);
    const report = assessDrift(baseline, state.snapshot);
    const digest: DigestContext = {
      cluster: name,
      baseline: where,
      baselineCollectedAt: baseline.collection.collectedAt,
      state: state.info,
      cliCommand: `eksnet drift --baseline ${where} --cluster ${name}`,
    };
    const notes = [...baseline.warnings.map((w) => `baseline: ${w}`), ...report.notes];
    stage = 'post';
    await ctx.post(cluster.channel, renderDriftDigest(digest, report.changes, notes));
    posted++;
    const alert = renderCriticalAlert(digest, report.changes);
    if (alert) {
      await ctx.post(cluster.channel, alert);
      posted++;
    }
    const critical = report.changes.filter((c) => c.severity === 'critical').length;
    log.info('drift digest posted', { cluster: name, day: ctx.day, changes: report.changes.length, critical, mode: state.info.mode });
    return { cluster: name, outcome: 'posted', posted };
  } catch (err) {
    log.error('drift digest failed', { ref, cluster: name, stage, error: describeError(err) });
    try {
      await ctx.post(cluster.channel, renderJobFailure('drift digest', name, ref, failureHint(stage, where ?? '')));
      posted++;
    } catch (postErr) {
      log.error('could not post the drift digest failure', { ref, cluster: name, error: describeError(postErr) });
    }
    // Nothing reached the channel: let a redelivery try again.
    if (posted === 0) await release(ctx, JOB, name);
    return { cluster: name, outcome: 'failed', posted, ref };
  }
}

/** The daily drift digest for every cluster with a channel, one cluster after another (collection is heavy). */
export async function runDriftDigest(ctx: JobContext): Promise<ClusterOutcome[]> {
  const clusters = scheduledClusters(ctx.config);
  if (clusters.length === 0) log.warn('drift digest: no cluster has a channel in the eksnet configuration; nothing to post');
  const out: ClusterOutcome[] = [];
  for (const cluster of clusters) out.push(await digestCluster(ctx, cluster));
  return out;
}
