import { checkCluster as addonCheckCluster } from '../src/scheduled/addon-check';
import type { JobContext } from '../src/scheduled/context';
import { checkCluster as driftCheckCluster } from '../src/scheduled/drift-check';
import { digestCluster } from '../src/scheduled/drift-digest';
import { runKey, runSlot } from '../src/scheduled/idempotency';
import type { ScheduledCluster } from '../src/scheduled/targets';
import type { ClusterOutcome, JobName } from '../src/scheduled/types';

/** One job's work for one cluster: what a queue message asks the consumer to do. */
export type ClusterJob = (ctx: JobContext, cluster: ScheduledCluster) => Promise<ClusterOutcome>;

export interface RegisteredJob {
  run: ClusterJob;
  /** How Slack names it ("drift check for CLUSTER failed N times"). */
  title: string;
  /**
   * The key the job claims its run under (src/scheduled/idempotency.ts): the consumer gives it up when the
   * run passes its deadline, so the redelivery may do the work.
   */
  claimKey(ctx: JobContext, cluster: string): string;
}

/**
 * Every scheduled job by name. The dispatcher puts one message per (job, cluster) on the queue; the
 * consumer looks the job up here. A new job: its schedule in src/scheduled/schedules.ts and serverless.yml,
 * its name in src/scheduled/types.ts, its per-cluster function here.
 */
export const CLUSTER_JOBS: Record<JobName, RegisteredJob> = {
  'drift-digest': { run: digestCluster, title: 'drift check', claimKey: (ctx, c) => runKey('drift-digest', c, ctx.day) },
  'drift-check': { run: driftCheckCluster, title: 'frequent drift check', claimKey: (ctx, c) => runKey('drift-check', c, runSlot(ctx.time)) },
  'addon-check': { run: addonCheckCluster, title: 'add-on check', claimKey: (ctx, c) => runKey('addon-check', c, ctx.day) },
};
