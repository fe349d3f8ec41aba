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

/** True when listed; a string when a group could not be read and nothing else lists the user (fail closed, with why). */
async function isListed(userId: string, list: string[], members: GroupMembers): Promise<boolean | string> {
  if (list.includes('*') || list.includes(userId)) return true;
  let failure: string | undefined;
  for (const id of list.filter(isUserGroupId)) {
    try {
      if ((await members(id)).includes(userId)) return true;
    } catch (err) {
      failure ??= (err as Error).message;
    }
  }
  return failure ?? false;
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
  const verdict = await isListed(userId, allowedList, members);
  if (verdict === true) return { allowed: true };
  const source = listed ? `authorization.commands.${command.name}` : 'authorization.approvers';
  if (typeof verdict === 'string') {
    return { allowed: false, reason: `\`${command.name}\` is limited to the users and groups in ${source}, and eksnet ${verdict}, so it cannot tell whether you are one of them; try again in a moment` };
  }
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
