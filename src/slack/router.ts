import { parseArgs, splitWords, VALUE_FLAGS } from '../../commands/args';
import { findCommand } from '../../commands/index';
import type { Command, CommandArgs } from '../../commands/types';
import { ConfigError, loadConfig } from '../config';
import type { SlackMessage } from '../render/slack/types';
import { escapeControl } from '../util/escape';
import { BadInputError, errorMessage } from '../util/errors';
import { recordAudit } from '../state/audit';
import { openStateStore } from '../state/index';
import { describeError, log } from '../util/log';
import { checkCommandAccess, invocationReadOnly, type GroupMembers } from './authorize';
import type { SlackJob } from './job';
import { badInputMessage, commandHelpMessage, misconfiguredMessage, refusalMessage, SERVER_PATH_FLAGS, usageMessage } from './messages';
import { resolveSlackScope } from './scope';

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

/** The words without the named flags (`--name value`, `--name=value`, or a switch). */
function withoutFlags(words: string[], names: string[]): string[] {
  const out: string[] = [];
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    const name = w.startsWith('--') ? w.slice(2).split('=')[0]! : undefined;
    if (name !== undefined && names.includes(name)) {
      if (!w.includes('=') && VALUE_FLAGS.has(name)) i++;
      continue;
    }
    out.push(w);
  }
  return out;
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
  if (!command) return { kind: 'reply', message: usageMessage(inv.slash, `Unknown subcommand "${escapeControl(name)}".`) };

  let config;
  try {
    config = loadConfig(env);
  } catch (err) {
    // A broken configuration is the operator's problem: the person asking learns which key, never the defaults.
    if (err instanceof ConfigError) return { kind: 'reply', message: misconfiguredMessage(err) };
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

  const flagText = (f: string) => (typeof args.flags[f] === 'string' ? (args.flags[f] as string) : undefined);
  const scope = resolveSlackScope(config, {
    channelId: inv.channelId,
    cluster: flagText('cluster'),
    region: flagText('region'),
    snapshotMode: Boolean(env.EKSNET_SNAPSHOT),
    defaultRegion: env.AWS_REGION ?? env.AWS_DEFAULT_REGION,
  });
  if (!scope.allowed) return { kind: 'reply', message: refusalMessage(`\`${inv.slash} ${command.name}\` in this channel`, scope.reason) };
  // The cluster, region and role come from the configuration: the words handed on carry exactly those.
  const argv = withoutFlags(rest, ['share', 'cluster', 'region']);
  const cluster = scope.cluster?.name;
  if (scope.cluster) {
    argv.push('--cluster', scope.cluster.name, ...(scope.cluster.region ? ['--region', scope.cluster.region] : []));
    args.flags.cluster = scope.cluster.name;
    if (scope.cluster.region) args.flags.region = scope.cluster.region;
  } else if (!env.EKSNET_SNAPSHOT) {
    delete args.flags.cluster;
    delete args.flags.region;
  }

  // Snapshot mode (EKSNET_SNAPSHOT, or no cluster at all: the bundled demo) answers in well under a second.
  const job: SlackJob = { command: command.name, argv, userId: inv.userId, channelId: inv.channelId, responseUrl: inv.responseUrl, share: args.flags.share === true, ref: inv.ref };
  // EKSNET_SLACK_ASYNC=always hands snapshot answers to the worker too (very large snapshots).
  const inline = cluster === undefined && env.EKSNET_SLACK_ASYNC !== 'always';
  return { kind: 'run', job, command, args, inline, cluster };
}
