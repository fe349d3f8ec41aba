import { COMMANDS } from '../../commands/index';
import type { Command } from '../../commands/types';
import { context, escapeMrkdwn, section } from '../render/slack/limits';
import type { SlackMessage } from '../render/slack/types';
import { escapeControl } from '../util/escape';
import { misconfiguredText, type ConfigError } from '../config';

const FLAGS_LINE = 'Every subcommand takes `--cluster NAME` (and `--region R`), `--json` and `--share` (post the answer in the channel; answers are private by default).';

/** `/eksnet help` and the answer to an unknown subcommand: every subcommand with examples. */
/** Examples that name files on the server (--batch, --out, --snapshot) are CLI-only. */
const slackExample = (e: string) => !/--(batch|out|snapshot)\b/.test(e);

export function usageMessage(slash: string, problem?: string): SlackMessage {
  const SLACK_COMMANDS = COMMANDS.filter((c) => !c.cliOnly);
  const lines = SLACK_COMMANDS.map((c) => `• \`${slash} ${c.name}\` — ${escapeMrkdwn(c.summary)}`);
  const examples = SLACK_COMMANDS.flatMap((c) => c.examples.filter(slackExample).slice(0, 2)).map((e) => `\`${slash} ${e}\``);
  const blocks = [
    ...(problem ? [section(`:warning: ${escapeMrkdwn(escapeControl(problem))}`)] : []),
    section(`*Usage:* \`${slash} <subcommand> [args]\`\n${lines.join('\n')}`),
    section(`*Examples*\n${examples.join('\n')}`),
    context(`${FLAGS_LINE} \`${slash} <subcommand> --help\` shows one subcommand's usage.`),
  ];
  const text = `${problem ? escapeControl(problem) + ' ' : ''}Usage: ${slash} <subcommand> [args]; subcommands: ${SLACK_COMMANDS.map((c) => c.name).join(', ')}`;
  return { response_type: 'ephemeral', text, blocks };
}

export function commandHelpMessage(slash: string, c: Command): SlackMessage {
  const examples = c.examples.filter(slackExample).map((e) => `\`${slash} ${e}\``);
  return {
    response_type: 'ephemeral',
    text: `Usage: ${slash} ${c.usage}`,
    blocks: [section(`*Usage:* \`${slash} ${escapeMrkdwn(c.usage)}\`\n${escapeMrkdwn(c.summary)}`), section(`*Examples*\n${examples.join('\n')}`), context(FLAGS_LINE)],
  };
}

/** Bad input: the same one line the CLI prints on stderr for exit status 2. */
export function badInputMessage(message: string): SlackMessage {
  return { response_type: 'ephemeral', text: `eksnet: ${escapeMrkdwn(escapeControl(message.split('\n')[0]!))}` };
}

export function refusalMessage(what: string, reason: string): SlackMessage {
  return { response_type: 'ephemeral', text: `:lock: You may not run ${escapeControl(what)}: ${escapeControl(reason)}.` };
}

/** An unexpected failure: one sentence and the reference that finds the details in the logs. */
export function failureMessage(command: string, ref: string, hint?: string): SlackMessage {
  const why = hint ? ` (${hint})` : '';
  return { response_type: 'ephemeral', text: `:warning: eksnet could not finish \`${command}\`${why}; reference ${ref} in the eksnet logs has the details.` };
}

export function workingMessage(words: string, cluster?: string): SlackMessage {
  return { response_type: 'ephemeral', text: `:hourglass_flowing_sand: Working on \`${escapeMrkdwn(escapeControl(words))}\`${cluster ? ` (cluster ${escapeMrkdwn(cluster)})` : ''}; the answer follows here shortly.` };
}

/** "eksnet is misconfigured: <key>", to the person asking; the operator's log and `eksnet config check` say more. */
export function misconfiguredMessage(err: ConfigError): SlackMessage {
  return { response_type: 'ephemeral', text: `:warning: ${escapeMrkdwn(misconfiguredText(err))} (the operator can run \`eksnet config check\`); nothing was run.` };
}
