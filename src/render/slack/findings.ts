import type { AddonsData } from '../../../commands/addons';
import type { DriftData, DriftDetail } from '../../../commands/drift';
import { attributionKey } from '../../drift/attribution';
import { attributionText } from '../text/drift';
import type { PostureData } from '../../../commands/posture';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER, type Severity } from '../../model/result';
import { describeState } from '../text/state-line';
import { BlockBudget, context, escapeMrkdwn, moreNote, section, truncate } from './limits';
import { shareButton } from './share';
import type { Block, SlackMessage, SlackRenderOptions } from './types';

export const SEVERITY_ICON: Record<Severity, string> = {
  critical: ':rotating_light:',
  high: ':red_circle:',
  medium: ':large_orange_circle:',
  low: ':large_yellow_circle:',
  info: ':information_source:',
};

function counts(items: { severity: Severity }[]): string {
  return SEVERITY_ORDER.map((s) => [s, items.filter((i) => i.severity === s).length] as const)
    .filter(([, n]) => n > 0)
    .map(([s, n]) => `${n} ${s}`)
    .join(', ');
}

/**
 * A list answer (posture findings, drift changes): the headline with counts by severity, then the
 * worst items first for as long as the message has room, then how many were left out and the CLI
 * command that prints them all.
 */
function severityList<T extends { severity: Severity }>(
  title: string,
  items: T[],
  line: (item: T) => string,
  empty: string,
  result: CommandResult,
  opts: SlackRenderOptions,
): SlackMessage {
  const budget = new BlockBudget();
  const sorted = [...items].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const headline = items.length ? `*${title}*: ${items.length} (${counts(items)})` : `*${title}*: ${empty}`;
  budget.push(section(headline));
  const stateLine = describeState(result.state);
  if (stateLine) budget.push(context(escapeMrkdwn(stateLine)));
  let shown = 0;
  for (const item of sorted) {
    const block: Block = section(truncate(line(item), 2900));
    if (!budget.push(block)) break;
    shown++;
  }
  if (shown < sorted.length) budget.pushReserved(moreNote(`…and ${sorted.length - shown} more.`, opts.cliCommand));
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: items.length ? `${title}: ${items.length} (${counts(items)})` : `${title}: ${empty}`, blocks: budget.blocks };
}

export function renderPostureSlack(result: CommandResult<PostureData>, opts: SlackRenderOptions): SlackMessage {
  return severityList(
    'Traffic-control posture',
    result.data.findings,
    (f) => `${SEVERITY_ICON[f.severity]} *${f.id}* on \`${escapeMrkdwn(f.object)}\` — ${escapeMrkdwn(f.summary)}\n_Fix:_ ${escapeMrkdwn(truncate(f.fix, 1200))}`,
    'no findings',
    result,
    opts,
  );
}

export function renderDriftSlack(result: CommandResult<DriftData>, opts: SlackRenderOptions): SlackMessage {
  return severityList(
    'Drift since the baseline',
    result.data.changes,
    (c) => {
      const who = (result.detail as DriftDetail | undefined)?.attribution?.[attributionKey(c)];
      return `${SEVERITY_ICON[c.severity]} *${c.kind}* \`${escapeMrkdwn(c.id)}\` ${c.change} — ${escapeMrkdwn(c.summary)}${who ? `\n_by ${escapeMrkdwn(truncate(attributionText(who), 400))}_` : ''}`;
    },
    'no drift, the traffic controls match',
    result,
    opts,
  );
}

export function renderAddonsSlack(result: CommandResult<AddonsData>, opts: SlackRenderOptions): SlackMessage {
  const budget = new BlockBudget();
  const behind = result.data.addons.filter((a) => a.upgradeAvailable);
  budget.push(section(`*Add-ons*: ${result.data.addons.length}, ${behind.length ? `${behind.length} behind the newest compatible version` : 'all on the newest compatible version known'}`));
  const stateLine = describeState(result.state);
  if (stateLine) budget.push(context(escapeMrkdwn(stateLine)));
  const lines = result.data.addons.map((a) => {
    const icon = a.upgradeAvailable ? ':arrow_up:' : a.current === null || a.latest === null ? ':grey_question:' : ':white_check_mark:';
    const upgrade = a.upgradeAvailable ? ` → \`${a.latest}\`` : a.latest === null ? ' (newest compatible version unknown)' : '';
    return `${icon} *${escapeMrkdwn(a.name)}* \`${a.current ?? 'unknown'}\`${upgrade}${a.managed ? '' : ' _(self-managed)_'}`;
  });
  if (!budget.push(section(truncate(lines.join('\n'), 2900)))) budget.pushReserved(moreNote('The list is too long for Slack.', opts.cliCommand));
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: `Add-ons: ${behind.length} behind`, blocks: budget.blocks };
}
