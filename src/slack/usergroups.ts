import type { webApi } from '@slack/bolt';
import { openStateStore } from '../state/index';
import type { StateStore } from '../state/types';
import type { GroupMembers } from './authorize';
import { describeError, log } from '../util/log';

/** Members are cached this long in the state store (shared by every container). */
export const GROUP_CACHE_SECONDS = 300;
/** usergroups.users.list gets this long: the ack must reach Slack within 3 s (https://api.slack.com/interactivity/slash-commands). */
export const GROUP_LOOKUP_TIMEOUT_MS = 1500;

/** The members of a user group could not be read: whoever asks is refused, and told why. */
export class GroupLookupError extends Error {
  override readonly name = 'GroupLookupError';
  constructor(
    readonly groupId: string,
    readonly why: string,
  ) {
    super(`could not read the members of user group ${groupId} from Slack (${why})`);
  }
}

export interface GroupLookupOptions {
  env?: NodeJS.ProcessEnv;
  store?: StateStore;
  timeoutMs?: number;
}

interface CachedGroup {
  users: string[];
}

/** This process's short-lived copy, so one command that checks a group twice reads the store once. */
const memo = new Map<string, { at: number; users: string[] }>();
const MEMO_MS = 10_000;

function withTimeout<T>(promise: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
  });
  return Promise.race([promise, timeout]).finally(() => clearTimeout(timer));
}

/**
 * Members of a user group via usergroups.users.list (scope usergroups:read): from the durable cache in the
 * state store when fresh, else from Slack within a short timeout, then cached for five minutes. When Slack
 * does not answer (or answers an error) and nothing is cached, the lookup fails: the caller refuses and says
 * why, rather than treating the person as "not a member" or waiting past Slack's 3-second ack.
 */
export function groupMembersVia(client: webApi.WebClient, opts: GroupLookupOptions = {}): GroupMembers {
  let store = opts.store;
  const timeoutMs = opts.timeoutMs ?? GROUP_LOOKUP_TIMEOUT_MS;
  return async (groupId) => {
    const hit = memo.get(groupId);
    if (hit && Date.now() - hit.at < MEMO_MS) return hit.users;
    try {
      store ??= openStateStore(opts.env ?? process.env);
      const cached = await withTimeout(store.getRecord<CachedGroup>('usergroup', groupId), timeoutMs);
      if (cached && Array.isArray(cached.data.users)) {
        memo.set(groupId, { at: Date.now(), users: cached.data.users });
        return cached.data.users;
      }
    } catch (err) {
      log.warn('could not read the user-group cache', { usergroup: groupId, error: describeError(err) });
    }
    let users: string[];
    try {
      const res = await withTimeout(client.usergroups.users.list({ usergroup: groupId }), timeoutMs);
      users = (res.users ?? []).filter((u): u is string => typeof u === 'string');
    } catch (err) {
      const why = /no answer within/.test((err as Error).message) ? `Slack did not answer within ${timeoutMs} ms` : `Slack answered ${(err as { data?: { error?: string } }).data?.error ?? (err as Error).name}`;
      log.warn('could not read user group members', { usergroup: groupId, error: describeError(err) });
      throw new GroupLookupError(groupId, why);
    }
    memo.set(groupId, { at: Date.now(), users });
    try {
      await store?.putRecord<CachedGroup>('usergroup', groupId, { users }, { ttlSeconds: GROUP_CACHE_SECONDS });
    } catch (err) {
      log.warn('could not cache user group members', { usergroup: groupId, error: describeError(err) });
    }
    return users;
  };
}

/** Tests: forget this process's copies (the durable cache is the store's). */
export function clearGroupCache(): void {
  memo.clear();
}
