import { loadConfig, type EksnetConfig } from '../src/config';
import { describeError, log, newReference } from '../src/util/log';
import type { StateStore } from '../src/state/types';
import { jobContext, type JobContext } from '../src/scheduled/context';
import { releaseRun, runDay } from '../src/scheduled/idempotency';
import { DeadlineError, untilAborted, withDeadline } from './deadline';
import { decodeMessage, type BatchResponse, type JobMessage, type QueueEvent } from './queue';
import { CLUSTER_JOBS } from './registry';
import type { PostMessage } from '../src/scheduled/slack-post';
import { scheduledClusters } from '../src/scheduled/targets';
import type { ClusterOutcome, JobName } from '../src/scheduled/types';

/** Per-cluster deadline unless EKSNET_CLUSTER_DEADLINE_SECONDS says otherwise (the consumer's timeout is 300 s). */
export const DEFAULT_DEADLINE_SECONDS = 240;
/** Time kept back from the Lambda timeout for recording a failure and answering the event source. */
const MARGIN_MS = 10_000;
/** Why the last attempt failed, kept for the dead-letter message (a week covers every retry). */
const FAILURE_TTL_SECONDS = 7 * 24 * 3600;
export const FAILURE_PK = 'job-failure';

export interface ConsumerSurroundings {
  env: NodeJS.ProcessEnv;
  post: PostMessage;
  /** The durable store: the jobs' claims and outbox, and the last failure's reason (read by the dead-letter handler). */
  state: StateStore;
  /** Milliseconds left in this invocation (Lambda's context.getRemainingTimeInMillis); absent = no limit. */
  remainingMs?: () => number;
}

export interface Consumed extends BatchResponse {
  outcomes: (ClusterOutcome & { job: JobName })[];
}

export function deadlineMs(env: NodeJS.ProcessEnv): number {
  const s = Number(env.EKSNET_CLUSTER_DEADLINE_SECONDS);
  return (Number.isFinite(s) && s > 0 ? s : DEFAULT_DEADLINE_SECONDS) * 1000;
}

export function failureKey(m: Pick<JobMessage, 'job' | 'cluster' | 'scheduledTime'>): string {
  return `${m.job}#${m.cluster}#${runDay(m.scheduledTime)}`;
}

/**
 * The queue consumer: for each message, the job's per-cluster function (jobs/registry.ts) under the
 * cluster's deadline. A message comes back in batchItemFailures — SQS delivers it again, and after
 * maxReceiveCount moves it to the dead-letter queue — when its run threw, passed its deadline, or failed
 * without anything reaching the channel; a run that posted (a digest, or a failure notice) is done.
 * A message that cannot be read, or names a cluster no longer configured, is dropped with a log line:
 * no retry could do better.
 */
export async function consumeQueue(event: QueueEvent, s: ConsumerSurroundings): Promise<Consumed> {
  const failures: { itemIdentifier: string }[] = [];
  const outcomes: Consumed['outcomes'] = [];
  let config: EksnetConfig | undefined;
  for (const record of event.Records ?? []) {
    const m = decodeMessage(record.body);
    if (typeof m === 'string') {
      log.error('job message dropped: it cannot be read', { messageId: record.messageId, reason: m });
      continue;
    }
    config ??= loadConfig(s.env);
    const cluster = scheduledClusters(config).find((c) => c.name === m.cluster);
    if (!cluster) {
      log.warn('job message dropped: the cluster has no channel in the configuration any more', { job: m.job, cluster: m.cluster });
      continue;
    }
    const receives = Number(record.attributes?.ApproximateReceiveCount ?? 1);
    const event = { job: m.job, scheduledTime: m.scheduledTime, cluster: m.cluster };
    const ctx = jobContext(event, s.env, s.post, s.state);
    const job = CLUSTER_JOBS[m.job];
    const budget = Math.max(1000, Math.min(deadlineMs(s.env), (s.remainingMs?.() ?? Infinity) - MARGIN_MS));
    const what = `the ${job.title} for ${m.cluster}`;
    let reason: string | undefined;
    try {
      const outcome = await withDeadline(budget, what, (signal) => job.run(guardedContext(jobContext(event, s.env, guardedPost(s.post, signal), s.state), signal), cluster));
      outcomes.push({ job: m.job, ...outcome });
      if (outcome.outcome === 'failed' && outcome.posted === 0 && !outcome.pending) reason = `nothing reached the channel (reference ${outcome.ref ?? 'none'} in the eksnet logs)`;
    } catch (err) {
      const ref = newReference();
      if (err instanceof DeadlineError) {
        reason = err.message;
        log.error('cluster run passed its deadline', { ref, job: m.job, cluster: m.cluster, deadlineMs: budget, receives });
        // The run holds its claim while it hangs; give it up so the redelivery may run.
        await releaseRun(s.state, job.claimKey(ctx, m.cluster)).catch((e) => log.error('could not release the claim', { ref, error: describeError(e) }));
      } else {
        reason = `it stopped with an error (reference ${ref} in the eksnet logs)`;
        log.error('cluster run threw', { ref, job: m.job, cluster: m.cluster, receives, error: describeError(err) });
      }
      outcomes.push({ job: m.job, cluster: m.cluster, outcome: 'failed', posted: 0, ref });
    }
    if (reason !== undefined) {
      failures.push({ itemIdentifier: record.messageId });
      await recordFailure(s, m, reason, receives);
    }
  }
  return { batchItemFailures: failures, outcomes };
}

/**
 * Once the deadline passed, the run may neither post nor wait for more state: its cluster has failed. (What
 * it still queues in the outbox goes out once, under the outbox's key, with a later run's messages.)
 */
function guardedPost(post: PostMessage, signal: AbortSignal): PostMessage {
  return async (channel, message) => {
    if (signal.aborted) throw signal.reason;
    return post(channel, message);
  };
}

function guardedContext(ctx: JobContext, signal: AbortSignal): JobContext {
  return { ...ctx, loadCluster: (cluster) => untilAborted(ctx.loadCluster(cluster), signal) };
}

async function recordFailure(s: ConsumerSurroundings, m: JobMessage, reason: string, receives: number): Promise<void> {
  try {
    await s.state.putRecord(FAILURE_PK, failureKey(m), { reason, receives, at: new Date().toISOString() }, { ttlSeconds: FAILURE_TTL_SECONDS });
  } catch (err) {
    log.error('could not record why a job failed', { job: m.job, cluster: m.cluster, error: describeError(err) });
  }
}
