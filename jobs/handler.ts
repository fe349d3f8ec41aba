import { describeError, log } from '../src/util/log';
import { openStateStore } from '../src/state';
import type { StateStore } from '../src/state/types';
import { consumeQueue } from './consume';
import { dispatch } from './dispatch';
import { handleDeadLetters, maxReceiveCount } from './dlq';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import { MemoryQueue, type BatchResponse, type QueueEvent } from './queue';
import { slackPoster, type PostMessage } from './slack-post';
import { isJobName, type JobEvent, type JobSummary } from './types';

// Per warm container: a redelivered event finds its claims here (see idempotency.ts for the shared store).
let store: IdempotencyStore = new MemoryIdempotencyStore();
let poster: Promise<PostMessage> | undefined;
let state: StateStore | undefined;

/**
 * Consumers at once in one process: EKSNET_JOBS_CONCURRENCY, default 1 (clusters one after another, in the
 * configuration's order, one collection in memory at a time). On AWS the event source's maximumConcurrency
 * plays this role.
 */
function localConcurrency(env: NodeJS.ProcessEnv): number {
  const n = Number(env.EKSNET_JOBS_CONCURRENCY);
  return Number.isInteger(n) && n > 0 ? n : 1;
}

function sharedPoster(): Promise<PostMessage> {
  poster ??= slackPoster(process.env);
  poster.catch(() => (poster = undefined));
  return poster;
}

function sharedState(env: NodeJS.ProcessEnv): StateStore {
  state ??= openStateStore(env);
  return state;
}

/**
 * One scheduled job in this process, exactly as on Lambda: the dispatcher puts one message per cluster on
 * an in-memory queue, and the same consumer and dead-letter handler take them (retries and the
 * dead-letter step included). Used by the local runner (npm run jobs:dev), and by the `jobs` function when
 * no queue is configured (EKSNET_JOBS_QUEUE_URL unset).
 */
export async function runScheduledJob(
  event: JobEvent,
  env: NodeJS.ProcessEnv,
  post: PostMessage,
  idempotency: IdempotencyStore,
  opts: { concurrency?: number; state?: StateStore; queue?: MemoryQueue } = {},
): Promise<JobSummary> {
  const queue = opts.queue ?? new MemoryQueue();
  const dispatched = await dispatch(event, env, queue);
  const stateStore = () => opts.state ?? sharedState(env);
  const outcomes: JobSummary['clusters'] = [];
  await queue.drain(
    async (e) => {
      const r = await consumeQueue(e, { env, post, idempotency, state: stateStore });
      for (const o of r.outcomes) outcomes.push({ cluster: o.cluster, outcome: o.outcome, posted: o.posted, ...(o.ref ? { ref: o.ref } : {}) });
      return { batchItemFailures: r.batchItemFailures };
    },
    (e) => handleDeadLetters(e, { env, post, state: stateStore() }),
    { concurrency: opts.concurrency ?? localConcurrency(env), batchSize: 1, maxReceiveCount: maxReceiveCount(env) },
  );
  // One outcome per cluster, in the configuration's order: the last attempt that did the work (a duplicate
  // delivery that stopped at the claim says nothing new).
  const last = new Map<string, JobSummary['clusters'][number]>();
  for (const o of outcomes) if (o.outcome !== 'duplicate' || !last.has(o.cluster)) last.set(o.cluster, o);
  return { job: event.job, clusters: dispatched.queued.flatMap((c) => (last.has(c) ? [last.get(c)!] : [])) };
}

/**
 * The `jobs` function (the dispatcher): EventBridge Scheduler invokes it with `{"job": "drift-digest" |
 * "addon-check", "scheduledTime": ..., "executionId": ...}`; it puts one message per cluster on the jobs
 * queue (EKSNET_JOBS_QUEUE_URL) and returns. When SQS does not take them it throws, so the invocation is
 * retried: the consumers' per-(job, cluster, day) claims make a second message for a cluster post nothing.
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
    const summary = await runScheduledJob(event, process.env, await sharedPoster(), store);
    log.info('scheduled job finished', { job: event.job, clusters: summary.clusters });
    return summary;
  } catch (err) {
    log.error('scheduled job could not run', { job: event.job, error: describeError(err) });
    return { job: event.job, clusters: [] };
  }
}

/** The `jobsConsumer` function: the jobs queue's SQS event source (ReportBatchItemFailures). */
export async function consume(event: QueueEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<BatchResponse> {
  const remaining = context?.getRemainingTimeInMillis?.bind(context);
  let post: PostMessage;
  try {
    post = await sharedPoster();
  } catch (err) {
    // No Slack token: nothing can be posted; every message returns to the queue.
    log.error('jobs consumer cannot reach Slack', { error: describeError(err) });
    return { batchItemFailures: (event.Records ?? []).map((r) => ({ itemIdentifier: r.messageId })) };
  }
  const r = await consumeQueue(event, { env: process.env, post, idempotency: store, state: () => sharedState(process.env), ...(remaining ? { remainingMs: remaining } : {}) });
  log.info('jobs consumed', { outcomes: r.outcomes, retried: r.batchItemFailures.length });
  return { batchItemFailures: r.batchItemFailures };
}

/** The `jobsDeadLetters` function: the dead-letter queue's event source. */
export async function deadLetter(event: QueueEvent): Promise<BatchResponse> {
  let post: PostMessage;
  try {
    post = await sharedPoster();
  } catch (err) {
    log.error('dead-letter handler cannot reach Slack', { error: describeError(err) });
    return { batchItemFailures: (event.Records ?? []).map((r) => ({ itemIdentifier: r.messageId })) };
  }
  return handleDeadLetters(event, { env: process.env, post, state: sharedState(process.env) });
}

/** Tests: a fresh container (no claims, secrets read again, the state store opened anew). */
export function resetJobsHandler(next: IdempotencyStore = new MemoryIdempotencyStore()): void {
  store = next;
  poster = undefined;
  state = undefined;
}
