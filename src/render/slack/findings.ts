import type { AddonsData } from '../../../commands/addons';
import type { DriftData, DriftDetail } from '../../../commands/drift';
import { attributionKey } from '../../drift/attribution';
import { attributionText } from '../text/drift';
import type { PostureData } from '../../../commands/posture';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER, type Severity } from '../../model/result';
import { describeState } from '../text/state-line';
import { BlockBudget, codeBlock, context, escapeMrkdwn, LIMITS, moreNote, section, truncate } from './limits';
import { groupLine, groupRepeated, severityIcon } from './blocks';
import { STATE_ICONS } from '../palette';
import { shareButton } from './share';
import type { Block, SlackMessage, SlackRenderOptions } from './types';

/** The one severity palette (src/render/palette.ts), as Slack emoji. */
export const SEVERITY_ICON: Record<Severity, string> = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, severityIcon(s)])) as Record<Severity, string>;

/** What a group of one check's findings is called: "3 namespaces without default deny: data, monitoring, batch". */
const GROUP_NOUN: Record<string, string> = {
  'namespace-without-default-deny': 'namespaces without default deny',
  'subnet-auto-assign-public-ip': 'public subnets that auto-assign public IPs',
  'addon-outdated': 'add-ons behind the newest compatible version',
  'node-in-public-subnet': 'public subnets with nodes',
  'pod-in-public-subnet': 'public subnets with pods',
  'sg-open-to-world': 'security groups open to the world',
  'sg-rule-stale-reference': 'security groups with stale group references',
  'networkpolicy-selects-no-pods': 'NetworkPolicies that select no pods',
  'sgp-selects-no-pods': 'SecurityGroupPolicies that select no pods',
  'nacl-blocks-ephemeral-return': 'NACLs that block the ephemeral return range',
  'nacl-denies-sg-allowed': 'NACLs that deny what a security group allows',
  'check-not-evaluated': 'checks not evaluated',
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

/**
 * Posture: counts by severity, then findings worst first, one block per check and severity: a single finding
 * with its summary and the fix as code; repeated findings of one check as one line naming every object
 * ("3 namespaces without default deny: data, monitoring, batch") with one example's fix.
 */
export function renderPostureSlack(result: CommandResult<PostureData>, opts: SlackRenderOptions): SlackMessage {
  const findings = [...result.data.findings].sort((a, b) => SEVERITY_ORDER.indexOf(a.severity) - SEVERITY_ORDER.indexOf(b.severity));
  const title = 'Traffic-control posture';
  const budget = new BlockBudget();
  budget.push(section(findings.length ? `*${title}*: ${findings.length} finding${findings.length === 1 ? '' : 's'} (${counts(findings)})` : `*${title}*: no findings`));
  const stateLine = describeState(result.state);
  if (stateLine) budget.push(context(escapeMrkdwn(stateLine)));
  const groups = groupRepeated(findings, (f) => `${f.severity}|${f.id}`, (f) => f.object);
  let shown = 0;
  for (const g of groups) {
    const f = g.sample;
    const head =
      g.items.length === 1
        ? `${severityIcon(f.severity)} *${escapeMrkdwn(f.id)}* on \`${escapeMrkdwn(f.object)}\` — ${escapeMrkdwn(truncate(f.summary, 1200))}`
        : `${severityIcon(f.severity)} *${groupLine(g.items.length, GROUP_NOUN[f.id] ?? `× ${f.id}`, g.objects)}*\n${escapeMrkdwn(truncate(f.summary, 600))}`;
    const fixTitle = g.items.length === 1 ? '_Fix:_' : `_Fix (for \`${escapeMrkdwn(f.object)}\`; the same for each):_`;
    const text = `${head}\n${fixTitle}\n${codeBlock(f.fix, LIMITS.sectionText - head.length - fixTitle.length - 10)}`;
    if (!budget.push(section(text))) break;
    shown += g.items.length;
  }
  if (shown < findings.length) budget.pushReserved(moreNote(`…and ${findings.length - shown} more findings.`, opts.cliCommand));
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: findings.length ? `${title}: ${findings.length} (${counts(findings)})` : `${title}: no findings`, blocks: budget.blocks };
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
    const icon = a.upgradeAvailable ? STATE_ICONS.upgrade.slack : a.current === null || a.latest === null ? STATE_ICONS.unknown.slack : STATE_ICONS.ok.slack;
    const upgrade = a.upgradeAvailable ? ` → \`${escapeMrkdwn(a.latest ?? '')}\`` : a.latest === null ? ' (newest compatible version unknown)' : '';
    return `${icon} *${escapeMrkdwn(a.name)}* \`${escapeMrkdwn(a.current ?? 'unknown')}\`${upgrade}${a.managed ? '' : ' _(self-managed)_'}`;
  });
  if (!budget.push(section(truncate(lines.join('\n'), 2900)))) budget.pushReserved(moreNote('The list is too long for Slack.', opts.cliCommand));
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: `Add-ons: ${behind.length} behind`, blocks: budget.blocks };
}
