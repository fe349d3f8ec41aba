import { checkCluster } from './addon-check';
import type { JobContext } from './context';
import { digestCluster } from './drift-digest';
import type { ScheduledCluster } from './targets';
import type { ClusterOutcome, JobName } from './types';

/** One job's work for one cluster: what a queue message asks the consumer to do. */
export type ClusterJob = (ctx: JobContext, cluster: ScheduledCluster) => Promise<ClusterOutcome>;

/**
 * Every scheduled job by name. The dispatcher puts one message per (job, cluster) on the queue; the
 * consumer looks the job up here. A new job: its schedule in jobs/schedules.ts and serverless.yml, its name
 * in jobs/types.ts, its per-cluster function here.
 */
export const CLUSTER_JOBS: Record<JobName, ClusterJob> = {
  'drift-digest': digestCluster,
  'addon-check': checkCluster,
};

/** How a job is named in Slack ("drift check for CLUSTER failed N times"). */
export const JOB_TITLES: Record<JobName, string> = {
  'drift-digest': 'drift check',
  'addon-check': 'add-on check',
};
