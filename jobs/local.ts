import type { StateStore } from '../src/state/types';
import { Outbox } from '../src/scheduled/outbox';
import { describeError, log } from '../src/util/log';
import { consumeQueue } from './consume';
import { dispatch } from './dispatch';
import { handleDeadLetters, maxReceiveCount } from './dlq';
import { MemoryQueue } from './queue';
import type { PostMessage } from '../src/scheduled/slack-post';
import type { JobEvent, JobSummary } from '../src/scheduled/types';

/**
 * Consumers at once in one process: EKSNET_JOBS_CONCURRENCY, default 1 (clusters one after another, in the
 * configuration's order, one collection in memory at a time). On AWS the event source's maximumConcurrency
 * plays this role.
 */
function localConcurrency(env: NodeJS.ProcessEnv): number {
  const n = Number(env.EKSNET_JOBS_CONCURRENCY);
  return Number.isInteger(n) && n > 0 ? n : 1;
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
  state: StateStore,
  opts: { concurrency?: number; queue?: MemoryQueue } = {},
): Promise<JobSummary> {
  // Messages earlier runs could not deliver go out first (as src/scheduled/run.ts does).
  await new Outbox(state, post).flush().catch((err) => log.error('could not deliver earlier messages', { error: describeError(err) }));
  const queue = opts.queue ?? new MemoryQueue();
  const dispatched = await dispatch(event, env, queue);
  const outcomes: JobSummary['clusters'] = [];
  await queue.drain(
    async (e) => {
      const r = await consumeQueue(e, { env, post, state });
      for (const { job: _job, ...o } of r.outcomes) outcomes.push(o);
      return { batchItemFailures: r.batchItemFailures };
    },
    (e) => handleDeadLetters(e, { env, post, state }),
    { concurrency: opts.concurrency ?? localConcurrency(env), batchSize: 1, maxReceiveCount: maxReceiveCount(env) },
  );
  // One outcome per cluster, in the configuration's order: the last attempt that did the work (a duplicate
  // delivery that stopped at the claim says nothing new).
  const last = new Map<string, JobSummary['clusters'][number]>();
  for (const o of outcomes) if (o.outcome !== 'duplicate' || !last.has(o.cluster)) last.set(o.cluster, o);
  return { job: event.job, clusters: dispatched.queued.flatMap((c) => (last.has(c) ? [last.get(c)!] : [])) };
}
