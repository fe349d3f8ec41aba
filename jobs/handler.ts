import { runScheduledJob } from '../src/scheduled/run';
import { slackPoster, type PostMessage } from '../src/scheduled/slack-post';
import { isJobName, type JobEvent, type JobSummary } from '../src/scheduled/types';
import { openStateStore } from '../src/state';
import { describeError, log } from '../src/util/log';

let poster: Promise<PostMessage> | undefined;

/**
 * The `jobs` function: EventBridge Scheduler invokes it with `{"job": "drift-digest" | "drift-check" |
 * "addon-check", "scheduledTime": ..., "executionId": ...}`. Every claim and message lives in the state
 * store (src/scheduled), so a retried or redelivered event — in any process — posts nothing twice. It never
 * throws: a failure is posted to the cluster's channel (or kept in the outbox) and logged.
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
