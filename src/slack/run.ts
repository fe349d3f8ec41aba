import { parseArgs } from '../../commands/args';
import { findCommand } from '../../commands/index';
import type { CommandContext } from '../../commands/types';
import { renderSlack } from '../render/slack/index';
import { LIMITS } from '../render/slack/limits';
import type { SlackMessage } from '../render/slack/types';
import { loadState } from '../../commands/source';
import { ConfigError } from '../config';
import { BadInputError, ExplainedError } from '../util/errors';
import { cliCommandFor, type SlackJob } from './job';
import { describeError, log } from '../util/log';
import { badInputMessage, failureMessage, misconfiguredMessage } from './messages';
import { context } from '../render/slack/limits';
import { STATE_ICONS } from '../render/palette';

/** What a "Share in channel" button carries: the command's words (≤ 2000 characters, else no button). */
export function shareValue(job: SlackJob): string | undefined {
  const value = JSON.stringify({ c: job.command, a: job.argv });
  return value.length <= LIMITS.buttonValue ? value : undefined;
}

export function parseShareValue(value: string): { command: string; argv: string[] } | undefined {
  try {
    const v = JSON.parse(value) as { c?: unknown; a?: unknown };
    if (typeof v.c === 'string' && Array.isArray(v.a) && v.a.every((w) => typeof w === 'string')) return { command: v.c, argv: v.a as string[] };
  } catch {
    // fall through
  }
  return undefined;
}

/** A one-clause hint for failures people can do something about; never the raw message (it may hold ARNs). */
function failureHint(err: unknown): string | undefined {
  const name = (err as { name?: string })?.name ?? '';
  if (/AccessDenied|UnauthorizedOperation|Forbidden|ExpiredToken|CredentialsProviderError/i.test(name)) return 'eksnet is not allowed to read the cluster or its AWS resources';
  if (/Timeout|TimedOut|ETIMEDOUT|ECONNREFUSED|ENOTFOUND/i.test(name + ' ' + String((err as { code?: string })?.code ?? ''))) return 'the cluster or AWS did not answer in time';
  return undefined;
}

/** Run one job and render its answer for Slack; bad input and failures become one-line ephemeral messages. */
export async function runJob(job: SlackJob, env: NodeJS.ProcessEnv = process.env): Promise<SlackMessage> {
  const command = findCommand(job.command);
  if (!command) return badInputMessage(`unknown command "${job.command}"`);
  const started = Date.now();
  const ctx: CommandContext = {
    env,
    actor: job.userId,
    loadState: (args) => loadState(args, env),
    readInput: async () => {
      throw new BadInputError('--batch reads a file and is not available from Slack; use the eksnet CLI');
    },
  };
  try {
    const args = parseArgs(job.argv);
    const result = await command.run(args, ctx);
    const message = renderSlack(result, {
      cliCommand: cliCommandFor(job),
      shareValue: job.share ? undefined : shareValue(job),
      json: args.flags.json === true,
    });
    if (job.sharedBy && /^[UW][A-Z0-9]+$/.test(job.sharedBy)) {
      message.blocks = [...(message.blocks ?? []), context(`${STATE_ICONS.shared.slack} Shared by <@${job.sharedBy}>`)];
    }
    log.info('command answered', { ref: job.ref, command: job.command, user: job.userId, channel: job.channelId, ms: Date.now() - started, mode: result.state?.mode });
    return { ...message, response_type: job.share ? 'in_channel' : 'ephemeral' };
  } catch (err) {
    if (err instanceof ConfigError) {
      log.error('eksnet is misconfigured', { ref: job.ref, command: job.command, key: err.key, error: err.message });
      return misconfiguredMessage(err);
    }
    if (err instanceof BadInputError) {
      log.info('bad input', { ref: job.ref, command: job.command, user: job.userId, message: err.message });
      return badInputMessage(err.message, '/eksnet', job.command);
    }
    if (err instanceof ExplainedError) {
      log.info('command could not answer', { ref: job.ref, command: job.command, user: job.userId, message: err.message });
      return { response_type: 'ephemeral', text: `:warning: ${err.message.split('\n')[0]}` };
    }
    log.error('command failed', { ref: job.ref, command: job.command, user: job.userId, channel: job.channelId, error: describeError(err) });
    return failureMessage(job.command, job.ref, failureHint(err));
  }
}
