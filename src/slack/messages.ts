import { parseArgs } from '../../commands/args';
import { COMMANDS } from '../../commands/index';
import type { Command } from '../../commands/types';
import { STATE_ICONS } from '../render/palette';
import { context, escapeMrkdwn, section } from '../render/slack/limits';
import type { SlackMessage } from '../render/slack/types';
import { escapeControl } from '../util/escape';
import { misconfiguredText, type ConfigError } from '../config';

const FLAGS_LINE = 'Every subcommand takes `--cluster NAME` (and `--region R`), `--json`, `-v` (every flow and layer) and `--share` (post the answer in the channel; answers are private by default).';

/** Flags that name files on the server to read or write: never taken from Slack. */
export const SERVER_PATH_FLAGS = ['snapshot', 'batch', 'out', 'before', 'after', 'expect'];

/** Whether an example's words would be accepted from Slack (no flag that names a server file). */
function worksFromSlack(example: string): boolean {
  try {
    const args = parseArgs(example.split(/\s+/).slice(1));
    // From Slack, --baseline names a stored baseline by its version (the router refuses paths).
    const baseline = args.flags.baseline;
    return !SERVER_PATH_FLAGS.some((f) => args.flags[f] !== undefined) && (baseline === undefined || (typeof baseline === 'string' && /^\d+$/.test(baseline)));
  } catch {
    return false;
  }
}

/** A command's examples that Slack accepts. */
export function slackExamples(c: Command): string[] {
  return c.examples.filter(worksFromSlack);
}

/** A command's usage without the forms Slack refuses (`| whoami-reach --batch FILE`, `--snapshot PATH`, `--out DIR`). */
export function slackUsage(c: Command): string {
  const needsFile = (alt: string) => SERVER_PATH_FLAGS.some((f) => alt.replace(/\[[^\]]*\]/g, '').includes(`--${f}`));
  const alts = c.usage.split(' | ');
  const ok = alts.filter((alt) => !needsFile(alt));
  return (ok.length ? ok : alts).join(' | ').replace(/\s*\[--(snapshot|batch|out) [A-Z]+\]/g, '');
}

/** The subcommands that can do something from Slack: those with at least one example Slack accepts. */
export function slackCommands(): Command[] {
  return COMMANDS.filter((c) => !c.cliOnly && slackExamples(c).length > 0);
}

/** `/eksnet help` and the answer to an unknown subcommand: the subcommands Slack can run, with examples. */
export function usageMessage(slash: string, problem?: string): SlackMessage {
  const commands = slackCommands();
  const lines = commands.map((c) => `• \`${escapeMrkdwn(slash)} ${escapeMrkdwn(c.name)}\` — ${escapeMrkdwn(c.summary)}`);
  const examples = commands.flatMap((c) => slackExamples(c).slice(0, 2)).map((e) => `\`${escapeMrkdwn(`${slash} ${e}`)}\``);
  const blocks = [
    ...(problem ? [section(`${STATE_ICONS.warning.slack} ${escapeMrkdwn(escapeControl(problem))}`)] : []),
    section(`*Usage:* \`${escapeMrkdwn(slash)} <subcommand> [args]\``.replace('<subcommand>', '&lt;subcommand&gt;') + `\n${lines.join('\n')}`),
    section(`*Examples*\n${examples.join('\n')}`),
    context(`${FLAGS_LINE} \`${escapeMrkdwn(slash)} help SUBCOMMAND\` shows one subcommand's usage. Snapshots, batch files and \`--out\` are for the eksnet CLI.`),
  ];
  const text = escapeMrkdwn(`${problem ? escapeControl(problem) + ' ' : ''}Usage: ${slash} <subcommand> [args]; subcommands: ${commands.map((c) => c.name).join(', ')}`);
  return { response_type: 'ephemeral', text, blocks };
}

export function commandHelpMessage(slash: string, c: Command): SlackMessage {
  const examples = slackExamples(c).map((e) => `\`${escapeMrkdwn(`${slash} ${e}`)}\``);
  const usage = `${slash} ${slackUsage(c)}`;
  return {
    response_type: 'ephemeral',
    text: escapeMrkdwn(`Usage: ${usage}`),
    blocks: [
      section(`*Usage:* \`${escapeMrkdwn(usage)}\`\n${escapeMrkdwn(c.summary)}`),
      ...(examples.length ? [section(`*Examples*\n${examples.join('\n')}`)] : [section(`\`${escapeMrkdwn(c.name)}\` needs files on the server; run it with the eksnet CLI.`)]),
      context(FLAGS_LINE),
    ],
  };
}

/** Bad input: the one line the CLI prints on stderr for exit status 2, and where to look next. */
export function badInputMessage(message: string, slash = '/eksnet', command?: string): SlackMessage {
  const line = escapeControl(message.split('\n')[0]!);
  const next = /did you mean/.test(line) ? '' : command ? `; \`${slash} help ${command}\` shows the usage` : `; \`${slash} help\` lists what works here`;
  const sentence = /[.?!]$/.test(line + next) ? line + next : `${line + next}.`;
  return { response_type: 'ephemeral', text: `${STATE_ICONS.warning.slack} ${escapeMrkdwn(sentence)}` };
}

export function refusalMessage(what: string, reason: string): SlackMessage {
  // The reasons name the configuration that grants access (authorization.…, channels).
  return { response_type: 'ephemeral', text: `${STATE_ICONS.lock.slack} You may not run ${escapeMrkdwn(escapeControl(what))}: ${escapeMrkdwn(escapeControl(reason))}.` };
}

/** An unexpected failure: one sentence, what to do, and the reference that finds the details in the logs. */
export function failureMessage(command: string, ref: string, hint?: string): SlackMessage {
  const why = hint ? ` (${escapeMrkdwn(hint)})` : '';
  return {
    response_type: 'ephemeral',
    text: `${STATE_ICONS.warning.slack} eksnet could not finish \`${escapeMrkdwn(command)}\`${why}. Try again in a minute; if it fails again, give reference ${escapeMrkdwn(ref)} to whoever runs eksnet (the logs have the details).`,
  };
}

export function workingMessage(words: string, cluster?: string): SlackMessage {
  return {
    response_type: 'ephemeral',
    text: `${STATE_ICONS.started.slack} Working on \`${escapeMrkdwn(escapeControl(words))}\`${cluster ? ` (cluster ${escapeMrkdwn(cluster)})` : ''}; the answer replaces this message shortly.`,
  };
}

/** A second click on "Share in channel": the answer is already in the channel. */
export function alreadySharedMessage(): SlackMessage {
  return { response_type: 'ephemeral', text: `${STATE_ICONS.shared.slack} This answer is already shared in the channel.` };
}

/** "eksnet is misconfigured: <key>", to the person asking; the operator's log and `eksnet config check` say more. */
export function misconfiguredMessage(err: ConfigError): SlackMessage {
  return { response_type: 'ephemeral', text: `${STATE_ICONS.warning.slack} ${escapeMrkdwn(misconfiguredText(err))} (the operator can run \`eksnet config check\`); nothing was run.` };
}
