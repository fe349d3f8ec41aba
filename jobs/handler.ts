import { openStateStore } from '../src/state';
import type { StateStore } from '../src/state/types';
import { describeError, log } from '../src/util/log';
import { runAddonCheck } from './addon-check';
import { jobContext } from './context';
import { runDriftCheck } from './drift-check';
import { runDriftDigest } from './drift-digest';
import { slackPoster, type PostMessage } from './slack-post';
import { isJobName, type JobEvent, type JobSummary } from './types';

let poster: Promise<PostMessage> | undefined;

const JOBS = { 'drift-digest': runDriftDigest, 'drift-check': runDriftCheck, 'addon-check': runAddonCheck } as const;

/**
 * Run one scheduled job with the given surroundings: the Lambda handler, `eksnet jobs run` and the local
 * runner all come here. Messages earlier runs could not deliver go out first.
 */
export async function runScheduledJob(event: JobEvent, env: NodeJS.ProcessEnv, post: PostMessage, store: StateStore): Promise<JobSummary> {
  const ctx = jobContext(event, env, post, store);
  try {
    await ctx.outbox.flush();
  } catch (err) {
    log.error('could not deliver earlier messages', { error: describeError(err) });
  }
  const clusters = await JOBS[event.job](ctx);
  return { job: event.job, clusters };
}

/**
 * The `jobs` function: EventBridge Scheduler invokes it with `{"job": "drift-digest" | "drift-check" |
 * "addon-check", "scheduledTime": ..., "executionId": ...}`. Every claim and message lives in the state
 * store, so a retried or redelivered event — in any process — posts nothing twice. It never throws: a
 * failure is posted to the cluster's channel (or kept in the outbox) and logged.
 */
export async function handler(event: JobEvent): Promise<JobSummary> {
  if (!event || !isJobName(event.job)) {
    log.error('jobs received an event without a known job', { job: (event as { job?: unknown } | undefined)?.job ?? null });
    return { job: 'unknown', clusters: [] };
  }
  log.info('scheduled job started', { job: event.job, scheduledTime: event.scheduledTime ?? event.time ?? null, executionId: event.executionId ?? null });
  try {
    poster ??= slackPoster(process.env);
    poster.catch(() => (poster = undefined));
    const summary = await runScheduledJob(event, process.env, await poster, openStateStore(process.env));
    log.info('scheduled job finished', { job: event.job, clusters: summary.clusters });
    return summary;
  } catch (err) {
    log.error('scheduled job could not run', { job: event.job, error: describeError(err) });
    return { job: event.job, clusters: [] };
  }
}

/** Tests: a fresh container (secrets read again). */
export function resetJobsHandler(): void {
  poster = undefined;
}
