import { loadConfig } from '../src/config';
import { log } from '../src/util/log';
import type { JobMessage, Queue } from './queue';
import { scheduledClusters } from '../src/scheduled/targets';
import type { JobEvent } from '../src/scheduled/types';

export interface Dispatched {
  job: JobEvent['job'];
  scheduledTime: string;
  /** The clusters a message was queued for. */
  queued: string[];
}

/**
 * The scheduled half of a job: one message per cluster with a channel, all carrying the schedule's time
 * (so every consumer keys its claim on the same day). Collecting and posting is the consumer's.
 */
export async function dispatch(event: JobEvent, env: NodeJS.ProcessEnv, queue: Queue, now: number = Date.now()): Promise<Dispatched> {
  const config = loadConfig(env);
  const scheduledTime = event.scheduledTime ?? event.time ?? new Date(now).toISOString();
  const clusters = scheduledClusters(config);
  if (clusters.length === 0) log.warn('no cluster has a channel in the eksnet configuration; nothing to queue', { job: event.job });
  const messages: JobMessage[] = clusters.map((c) => ({
    job: event.job,
    cluster: c.name,
    scheduledTime,
    ...(event.executionId ? { executionId: event.executionId } : {}),
  }));
  await queue.send(messages);
  log.info('job queued', { job: event.job, scheduledTime, clusters: messages.length });
  return { job: event.job, scheduledTime, queued: messages.map((m) => m.cluster) };
}
