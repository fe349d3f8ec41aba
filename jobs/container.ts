import { openStateStore } from '../src/state';
import type { StateStore } from '../src/state/types';
import type { PostMessage } from '../src/scheduled/slack-post';

/**
 * What one warm Lambda container keeps between invocations: the Slack poster (secrets read once) and the
 * state store (every claim and message lives there, never here). The Slack client is loaded on first use,
 * so the dispatcher, which never posts, starts without it.
 */
let poster: Promise<PostMessage> | undefined;
let state: StateStore | undefined;

export function containerPoster(): Promise<PostMessage> {
  poster ??= import('../src/scheduled/slack-post').then(({ slackPoster }) => slackPoster(process.env));
  poster.catch(() => (poster = undefined));
  return poster;
}

export function containerState(env: NodeJS.ProcessEnv = process.env): StateStore {
  state ??= openStateStore(env);
  return state;
}

/** Tests: a fresh container (secrets read again, the state store opened anew). */
export function resetContainer(): void {
  poster = undefined;
  state = undefined;
}
