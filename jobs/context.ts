import type { LoadedState } from '../commands/types';
import { loadConfig, type EksnetConfig } from '../src/config';
import { loadState } from '../commands/source';
import { CLAIM_TTL_SECONDS, runDay, runKey, type IdempotencyStore } from './idempotency';
import type { PostMessage } from './slack-post';
import type { JobEvent, JobName } from './types';

/** What a job needs from its surroundings; the handler and the local runner build it, tests replace parts. */
export interface JobContext {
  env: NodeJS.ProcessEnv;
  config: EksnetConfig;
  post: PostMessage;
  store: IdempotencyStore;
  /** The run's day (UTC), from the schedule's time. */
  day: string;
  /** Current state of one cluster: EKSNET_SNAPSHOT when set, else collected live (never the cache). */
  loadCluster(cluster: string): Promise<LoadedState>;
}

export function jobContext(event: JobEvent, env: NodeJS.ProcessEnv, post: PostMessage, store: IdempotencyStore): JobContext {
  return {
    env,
    config: loadConfig(env),
    post,
    store,
    day: runDay(event.scheduledTime ?? event.time),
    loadCluster: (cluster) => loadState({ words: [], flags: { cluster, fresh: true } }, env),
  };
}

/** Claim (job, cluster, day); false means another delivery of this event already did (or is doing) it. */
export function claim(ctx: JobContext, job: JobName, cluster: string): Promise<boolean> {
  return ctx.store.claim(runKey(job, cluster, ctx.day), CLAIM_TTL_SECONDS);
}

export function release(ctx: JobContext, job: JobName, cluster: string): Promise<void> {
  return ctx.store.release(runKey(job, cluster, ctx.day));
}
