import type { webApi } from '@slack/bolt';
import type { GroupMembers } from './authorize';
import { describeError, log } from '../util/log';

const TTL_MS = 5 * 60_000;
const cache = new Map<string, { at: number; users: Promise<string[]> }>();

/**
 * Members of a user group via usergroups.users.list (scope usergroups:read), cached for five minutes.
 * A failed lookup counts as "not a member": the refusal is safe, and the log says why.
 */
export function groupMembersVia(client: webApi.WebClient): GroupMembers {
  return async (groupId) => {
    const hit = cache.get(groupId);
    if (hit && Date.now() - hit.at < TTL_MS) return hit.users;
    const users = client.usergroups.users
      .list({ usergroup: groupId })
      .then((res) => res.users ?? [])
      .catch((err: unknown) => {
        cache.delete(groupId);
        log.warn('could not read user group members', { usergroup: groupId, error: describeError(err) });
        return [] as string[];
      });
    cache.set(groupId, { at: Date.now(), users });
    return users;
  };
}

export function clearGroupCache(): void {
  cache.clear();
}
