import { parseArgs } from '../../commands/args';
import type { Command } from '../../commands/types';
import type { EksnetConfig } from '../config';

export type Decision = { allowed: true } | { allowed: false; reason: string };

/** Looks up the members of a Slack user group (usergroups.users.list). */
export type GroupMembers = (groupId: string) => Promise<string[]>;

/** Slack user group ids start with S (user ids with U or W). */
export function isUserGroupId(id: string): boolean {
  return /^S[A-Z0-9]+$/.test(id);
}

async function isListed(userId: string, list: string[], members: GroupMembers): Promise<boolean> {
  if (list.includes('*') || list.includes(userId)) return true;
  for (const id of list.filter(isUserGroupId)) {
    if ((await members(id)).includes(userId)) return true;
  }
  return false;
}

/**
 * Who may run a subcommand (least privilege, CONTRACT §4):
 * - `authorization.commands[sub]` set: only the users / user groups listed ("*" = everyone);
 * - otherwise a read-only command: everyone in the workspace;
 * - a command that changes state: refused to everyone while `authorization.approvers` is empty,
 *   else the approvers (or `commands[sub]` when set, but still only once approvers exist).
 */
export async function checkCommandAccess(command: Command, userId: string, config: EksnetConfig, members: GroupMembers, readOnly: boolean = command.readOnly): Promise<Decision> {
  const listed = config.authorization.commands[command.name];
  const approvers = config.authorization.approvers;
  if (!readOnly && approvers.length === 0) {
    return { allowed: false, reason: `\`${command.name}\` changes state, and no approvers are configured (authorization.approvers), so nobody may run it yet` };
  }
  const allowedList = listed ?? (readOnly ? undefined : approvers);
  if (!allowedList) return { allowed: true };
  if (await isListed(userId, allowedList, members)) return { allowed: true };
  const source = listed ? `authorization.commands.${command.name}` : 'authorization.approvers';
  return { allowed: false, reason: `\`${command.name}\` is limited to the users and groups in ${source}, and you are not one of them` };
}

/**
 * Whether this invocation only reads: a command with verbs (`baseline show` reads, `baseline save` writes)
 * decides per invocation; words that do not parse count as a change (the stricter rule).
 */
export function invocationReadOnly(command: Command, words: string[]): boolean {
  if (!command.readOnlyFor) return command.readOnly;
  try {
    return command.readOnlyFor(parseArgs(words));
  } catch {
    return false;
  }
}

export type ClusterDecision = { allowed: true; cluster?: string } | { allowed: false; reason: string };

/**
 * Which cluster a channel queries: --cluster, else the channel's default (or its only cluster).
 * When `channels` is configured, a channel that is not listed may query nothing, and a listed one
 * only its clusters.
 */
export function checkChannelCluster(channelId: string | undefined, requested: string | undefined, config: EksnetConfig): ClusterDecision {
  const channels = config.channels;
  if (Object.keys(channels).length === 0) return { allowed: true, cluster: requested };
  const entry = channelId ? channels[channelId] : undefined;
  if (!entry) return { allowed: false, reason: 'this channel is not configured to query any cluster (channels in the eksnet configuration)' };
  const cluster = requested ?? entry.defaultCluster ?? (entry.clusters.length === 1 ? entry.clusters[0] : undefined);
  if (cluster === undefined) {
    return { allowed: false, reason: `this channel may query ${entry.clusters.join(', ') || 'no cluster'}; name one with --cluster NAME` };
  }
  if (!entry.clusters.includes(cluster) && entry.defaultCluster !== cluster) {
    return { allowed: false, reason: `this channel may query only ${entry.clusters.join(', ') || 'its default cluster'}, not ${cluster}` };
  }
  return { allowed: true, cluster };
}
