import type { LoadedState } from '../../commands/types';
import { loadConfig, type EksnetConfig } from '../config';
import { loadState } from '../../commands/source';
import type { StateStore } from '../state/types';
import { runDay, runTime } from './idempotency';
import { Outbox } from './outbox';
import type { PostMessage } from './slack-post';
import { scheduledClusters, type ScheduledCluster } from './targets';
import type { JobEvent } from './types';

/** What a job needs from its surroundings; the handler, `eksnet jobs run` and the local runner build it. */
export interface JobContext {
  env: NodeJS.ProcessEnv;
  config: EksnetConfig;
  store: StateStore;
  outbox: Outbox;
  /**
   * The run's time (the schedule's, else now) and its day (UTC): they key idempotency, and the drift life
   * cycle is dated by them (first seen, alerted at, ages), so a retried run tells the same story.
   */
  time: Date;
  day: string;
  /** Only this cluster, when asked. */
  cluster?: string;
  /** The wall clock (claims' leases). */
  now(): Date;
  /** Current state of one cluster: EKSNET_SNAPSHOT when set, else collected live (never the cache). */
  loadCluster(cluster: string): Promise<LoadedState>;
}

export function jobContext(event: JobEvent, env: NodeJS.ProcessEnv, post: PostMessage, store: StateStore): JobContext {
  const scheduled = event.scheduledTime ?? event.time;
  return {
    env,
    config: loadConfig(env),
    store,
    outbox: new Outbox(store, post),
    time: runTime(scheduled),
    day: runDay(scheduled),
    cluster: event.cluster,
    now: () => new Date(),
    loadCluster: (cluster) => loadState({ words: [], flags: { cluster, fresh: true } }, env),
  };
}

/** The clusters a run reports on: those with a channel, or only the one asked for. */
export function clustersFor(ctx: JobContext): ScheduledCluster[] {
  const all = scheduledClusters(ctx.config);
  return ctx.cluster ? all.filter((c) => c.name === ctx.cluster) : all;
}

/** Deliver the messages a run queued, in order; counts what went out and what waits for the next run. */
export async function deliverAll(ctx: JobContext, keys: string[]): Promise<{ posted: number; pending: number }> {
  let posted = 0;
  let pending = 0;
  for (const key of keys) {
    const d = await ctx.outbox.deliver(key);
    if (d === 'sent') posted++;
    else if (d === 'pending' || d === 'busy') pending++;
  }
  return { posted, pending };
}
