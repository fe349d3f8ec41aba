import { describeError, log } from '../src/util/log';
import { runAddonCheck } from './addon-check';
import { jobContext } from './context';
import { runDriftDigest } from './drift-digest';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { slackPoster, type PostMessage } from './slack-post';
import { isJobName, type JobEvent, type JobSummary } from './types';

// Per warm container: a redelivered event finds its claims here (see idempotency.ts for the shared store).
let store: IdempotencyStore = new MemoryIdempotencyStore();
let poster: Promise<PostMessage> | undefined;

/** Run one scheduled job with the given surroundings (the Lambda handler and the local runner). */
export async function runScheduledJob(event: JobEvent, env: NodeJS.ProcessEnv, post: PostMessage, idempotency: IdempotencyStore): Promise<JobSummary> {
  const ctx = jobContext(event, env, post, idempotency);
  const clusters = event.job === 'drift-digest' ? await runDriftDigest(ctx) : await runAddonCheck(ctx);
  return { job: event.job, clusters };
}

/**
 * The `jobs` function: EventBridge Scheduler invokes it with `{"job": "drift-digest" | "addon-check",
 * "scheduledTime": ..., "executionId": ...}`. It never throws — a failure is posted to the cluster's channel
 * and logged — so Lambda does not retry what already reached Slack.
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
    const summary = await runScheduledJob(event, process.env, await poster, store);
    log.info('scheduled job finished', { job: event.job, clusters: summary.clusters });
    return summary;
  } catch (err) {
    log.error('scheduled job could not run', { job: event.job, error: describeError(err) });
    return { job: event.job, clusters: [] };
  }
}

/** Tests: a fresh container (no claims, secrets read again). */
export function resetJobsHandler(next: IdempotencyStore = new MemoryIdempotencyStore()): void {
  store = next;
  poster = undefined;
}
