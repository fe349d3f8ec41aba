import { openStateStore } from '../src/state';
import type { StateStore } from '../src/state/types';
import { MemoryIdempotencyStore, type IdempotencyStore } from './idempotency';
import type { PostMessage } from './slack-post';

/**
 * What one warm Lambda container keeps between invocations: the Slack poster (secrets read once), the
 * state store, and the per-container idempotency store (see idempotency.ts). The Slack client is loaded on
 * first use, so the dispatcher, which never posts, starts without it.
 */
let idempotency: IdempotencyStore = new MemoryIdempotencyStore();
let poster: Promise<PostMessage> | undefined;
let state: StateStore | undefined;

export function containerPoster(): Promise<PostMessage> {
  poster ??= import('./slack-post').then(({ slackPoster }) => slackPoster(process.env));
  poster.catch(() => (poster = undefined));
  return poster;
}

export function containerState(env: NodeJS.ProcessEnv = process.env): StateStore {
  state ??= openStateStore(env);
  return state;
}

export function containerIdempotency(): IdempotencyStore {
  return idempotency;
}

/** Tests: a fresh container (no claims, secrets read again, the state store opened anew). */
export function resetContainer(next: IdempotencyStore = new MemoryIdempotencyStore()): void {
  idempotency = next;
  poster = undefined;
  state = undefined;
}
