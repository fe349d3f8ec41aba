import { describeError, log } from '../src/util/log';
import { containerPoster, containerState, resetContainer } from './container';
import { dispatch } from './dispatch';
import { isJobName, type JobEvent, type JobSummary } from '../src/scheduled/types';

/**
 * The `jobs` function (the dispatcher): EventBridge Scheduler invokes it with `{"job": "drift-digest" |
 * "addon-check", "scheduledTime": ..., "executionId": ...}`; it puts one message per cluster on the jobs
 * queue (EKSNET_JOBS_QUEUE_URL) and returns — the `jobsConsumer` function (jobs/consumer.ts) does the work.
 * When SQS does not take them it throws, so the invocation is retried: the consumers' per-(job, cluster,
 * day) claims make a second message for a cluster post nothing. Without a queue (a single function, or
 * tests) the same dispatcher and consumer run here, on an in-process queue (jobs/local.ts). Both are
 * loaded on first use: the dispatcher's cold start carries neither the collector nor the Slack client.
 */
export async function handler(event: JobEvent): Promise<JobSummary> {
  if (!event || !isJobName(event.job)) {
    log.error('jobs received an event without a known job', { job: (event as { job?: unknown } | undefined)?.job ?? null });
    return { job: 'unknown', clusters: [] };
  }
  log.info('scheduled job started', { job: event.job, scheduledTime: event.scheduledTime ?? event.time ?? null, executionId: event.executionId ?? null });
  const queueUrl = process.env.EKSNET_JOBS_QUEUE_URL;
  if (queueUrl) {
    const { SqsQueue } = await import('./sqs-queue');
    const d = await dispatch(event, process.env, new SqsQueue(queueUrl));
    return { job: event.job, clusters: [], queued: d.queued };
  }
  try {
    const { runScheduledJob } = await import('./local');
    const summary = await runScheduledJob(event, process.env, await containerPoster(), containerState());
    log.info('scheduled job finished', { job: event.job, clusters: summary.clusters });
    return summary;
  } catch (err) {
    log.error('scheduled job could not run', { job: event.job, error: describeError(err) });
    return { job: event.job, clusters: [] };
  }
}

/** Tests: a fresh container (secrets read again, the state store opened anew). */
export function resetJobsHandler(): void {
  resetContainer();
}
