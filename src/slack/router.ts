import { parseArgs, splitWords } from '../../commands/args';
import { findCommand } from '../../commands/index';
import type { Command, CommandArgs } from '../../commands/types';
import { loadConfig } from '../config';
import { pickCluster } from '../../commands/source';
import type { SlackMessage } from '../render/slack/types';
import { BadInputError, errorMessage } from '../util/errors';
import { recordAudit } from '../state/audit';
import { openStateStore } from '../state/index';
import { describeError, log } from '../util/log';
import { checkChannelCluster, checkCommandAccess, invocationReadOnly, type GroupMembers } from './authorize';
import type { SlackJob } from './job';
import { badInputMessage, commandHelpMessage, refusalMessage, SERVER_PATH_FLAGS, usageMessage } from './messages';

export interface Invocation {
  /** The slash command as typed, e.g. /eksnet. */
  slash: string;
  text: string;
  userId: string;
  channelId?: string;
  responseUrl: string;
  ref: string;
}

export type Route =
  /** Answer at once (usage, help, bad input, refusal). */
  | { kind: 'reply'; message: SlackMessage }
  /** Run the command: `inline` when the answer comes from a snapshot (fast), else hand it to the worker. */
  | { kind: 'run'; job: SlackJob; command: Command; args: CommandArgs; inline: boolean; cluster?: string };

/** From Slack, --baseline names a stored baseline by its version, never a path on the server. */
function baselinePath(value: string | boolean | undefined): boolean {
  return value !== undefined && !(typeof value === 'string' && /^\d+$/.test(value));
}

/**
 * A refused state change is an audit event (CONTRACT `eksnet audit`: "refusal"), action named like the
 * change itself (`baseline-save`). The refusal is answered even when the store cannot record it.
 */
async function auditRefusal(command: Command, words: string[], userId: string, reason: string, defaultCluster: string | undefined, env: NodeJS.ProcessEnv): Promise<void> {
  let verb: string | undefined;
  let cluster: string | undefined;
  try {
    const args = parseArgs(words);
    verb = args.words[0];
    cluster = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
  } catch {
    // words that do not parse: the command's name alone
  }
  const action = verb && /^[a-z][a-z-]*$/.test(verb) ? `${command.name}-${verb}` : command.name;
  try {
    await recordAudit(openStateStore(env), { actor: userId, action, cluster: cluster ?? defaultCluster ?? '-', subject: command.name, detail: reason, outcome: 'refused' });
  } catch (err) {
    log.warn('could not record a refusal in the audit trail', { action, user: userId, error: describeError(err) });
  }
}

/**
 * Everything a slash command needs decided before the ack, synchronously or nearly: which subcommand,
 * well-formed words, may this user run it, may this channel query that cluster, and can it answer inline.
 */
export async function routeInvocation(inv: Invocation, members: GroupMembers, env: NodeJS.ProcessEnv): Promise<Route> {
  const words = splitWords(inv.text);
  const [name, ...rest] = words;
  if (!name || name === 'help' || name === '--help' || name === '-h') {
    const c = name === 'help' && rest[0] ? findCommand(rest[0]) : undefined;
    return { kind: 'reply', message: c ? commandHelpMessage(inv.slash, c) : usageMessage(inv.slash) };
  }
  const command = findCommand(name);
  if (!command) return { kind: 'reply', message: usageMessage(inv.slash, `Unknown subcommand "${name}".`) };

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    // A broken configuration is the operator's problem, not bad input from the person asking.
    throw new Error(`configuration: ${errorMessage(err)}`, { cause: err });
  }
  if (command.cliOnly) {
    return { kind: 'reply', message: refusalMessage(`\`${inv.slash} ${command.name}\``, `\`${command.name}\` manages eksnet's own infrastructure and runs only from the eksnet CLI`) };
  }
  const readOnly = invocationReadOnly(command, rest);
  const access = await checkCommandAccess(command, inv.userId, config, members, readOnly);
  if (!access.allowed) {
    if (!readOnly) await auditRefusal(command, rest, inv.userId, access.reason, config.defaultCluster, env);
    return { kind: 'reply', message: refusalMessage(`\`${inv.slash} ${command.name}\``, access.reason) };
  }

  let args: CommandArgs;
  try {
    args = parseArgs(rest);
  } catch (err) {
    if (err instanceof BadInputError) return { kind: 'reply', message: badInputMessage(err.message, inv.slash, command.name) };
    throw err;
  }
  if (args.flags.help) return { kind: 'reply', message: commandHelpMessage(inv.slash, command) };
  const serverPath = SERVER_PATH_FLAGS.find((f) => args.flags[f] !== undefined);
  if (serverPath) return { kind: 'reply', message: badInputMessage(`--${serverPath} names a file on the server and is not available from Slack; use the eksnet CLI`, inv.slash, command.name) };
  if (baselinePath(args.flags.baseline)) {
    return { kind: 'reply', message: badInputMessage(`--baseline takes the version of a stored baseline from Slack (see ${inv.slash} baseline history); snapshot paths work only in the eksnet CLI`, inv.slash, command.name) };
  }

  const requested = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
  const where = checkChannelCluster(inv.channelId, requested, config);
  if (!where.allowed) return { kind: 'reply', message: refusalMessage(`\`${inv.slash} ${command.name}\` in this channel`, where.reason) };
  const argv = rest.filter((w) => w !== '--share');
  if (where.cluster && !requested) {
    argv.push('--cluster', where.cluster);
    args.flags.cluster = where.cluster;
  }

  // Snapshot mode (EKSNET_SNAPSHOT, or no cluster at all: the bundled demo) answers in well under a second.
  let cluster: string | undefined;
  try {
    cluster = env.EKSNET_SNAPSHOT ? undefined : pickCluster(args, config)?.name;
  } catch (err) {
    if (err instanceof BadInputError) return { kind: 'reply', message: badInputMessage(err.message) };
    throw err;
  }
  const job: SlackJob = { command: command.name, argv, userId: inv.userId, channelId: inv.channelId, responseUrl: inv.responseUrl, share: args.flags.share === true, ref: inv.ref };
  // EKSNET_SLACK_ASYNC=always hands snapshot answers to the worker too (very large snapshots).
  const inline = cluster === undefined && env.EKSNET_SLACK_ASYNC !== 'always';
  return { kind: 'run', job, command, args, inline, cluster };
}
