import type { BatchRow, ReachDetail } from '../../../commands/whoami-reach';
import type { CommandResult } from '../../../commands/types';
import type { ReachResult } from '../../model/result';
import type { MapEntry, ReachMap } from '../../engine/reach-map';
import { describeState } from '../text/state-line';
import { BlockBudget, codeBlock, context, escapeMrkdwn, LIMITS, moreNote, section, truncate } from './limits';
import { LAYER_ICONS, STATE_ICONS, slackWord } from '../palette';
import { namesWithCount, portsLine, summarisePair, type CauseGroup } from '../summary';
import { flowsText, headlineText, questionText } from '../text/whoami-reach';
import { fixBlocks } from './blocks';
import { shareButton } from './share';
import type { Block, SlackMessage, SlackRenderOptions } from './types';

function stateContext(result: CommandResult): Block[] {
  const line = describeState(result.state);
  const notes = [...result.notices, ...(result.state?.missing ?? []).map((m) => `${m.resource} was not collected (${m.reason}); layers that need it are not evaluated.`)];
  const parts = [line, ...notes.map((n) => `note: ${n}`)].filter(Boolean);
  return parts.length ? [context(escapeMrkdwn(parts.join('\n')))] : [];
}

/** The blocking lines of a group: one per denying layer, object and why. */
function groupText(g: CauseGroup, heading: boolean): string {
  const lines = g.blocking.map((b) => `${LAYER_ICONS.deny.slack} *${b.layer}* — ${escapeMrkdwn(truncate(b.why, 700))}`);
  if (heading) lines.unshift(`${slackWord(g.word)} *${escapeMrkdwn(g.ports.join(', '))}* — ${escapeMrkdwn(flowsText(g.flows))}`);
  return lines.join('\n');
}

/**
 * The same structure as the terminal's summary: verdict, per-port verdicts, what blocks (one line per blocking
 * layer, flows with the same cause grouped), the passing layers in one line, the fix once as code, then how to
 * see every flow.
 */
export function renderPairBlocks(result: CommandResult<ReachResult>, detail: ReachDetail, opts: SlackRenderOptions): SlackMessage {
  const data = result.data;
  const s = summarisePair(data);
  const question = questionText(detail, data);
  const budget = new BlockBudget();
  const headline = headlineText(s, question);
  const cut = headline.indexOf(' ');
  budget.push(section(`${slackWord(s.word)} *${headline.slice(0, cut)}* ${escapeMrkdwn(headline.slice(cut + 1))}`));
  for (const b of stateContext(result)) budget.push(b);
  if (s.ports.length > 1) budget.push(section(`*Ports:* ${escapeMrkdwn(portsLine(s.ports, slackWord))}`));

  const single = s.groups.length === 1 && s.ports.length === 1;
  let shownGroups = 0;
  for (const g of s.groups) {
    if (!budget.push(section(groupText(g, !single)))) break;
    shownGroups++;
  }
  const lines: string[] = [];
  for (const n of s.notEnforced) lines.push(`${LAYER_ICONS['not-enforced'].slack} *${n.layer}* not enforced — ${escapeMrkdwn(truncate(n.reason, 500))}`);
  for (const n of s.notEvaluated) lines.push(`${LAYER_ICONS['not-evaluated'].slack} *${n.layer}* not evaluated — ${escapeMrkdwn(truncate(n.reason, 500))}`);
  if (lines.length) budget.push(section(lines.join('\n')));
  const pass = s.passing.length ? `${LAYER_ICONS.allow.slack} ${escapeMrkdwn(s.passing.join(', '))}: pass` : '';
  const covers = s.notEvaluated.length ? 'This answer covers only the evaluated layers.' : '';
  if (pass || covers) budget.push(context([pass, covers].filter(Boolean).join('  ·  ')));
  for (const b of fixBlocks(s.fixes)) if (!budget.push(b)) budget.pushReserved(moreNote('The fix is too long for Slack.', opts.cliCommand));
  if (shownGroups < s.groups.length) {
    const rest = s.groups.slice(shownGroups).reduce((n, g) => n + g.flows.length, 0);
    budget.pushReserved(moreNote(`…and ${rest} more failing flow${rest === 1 ? '' : 's'} (${s.groups.length - shownGroups} more causes).`, opts.cliCommand));
  } else if (s.total > 0) {
    budget.pushReserved(context(escapeMrkdwn(`${s.total} flow${s.total === 1 ? '' : 's'}, ${s.allowed} allowed. \`${truncate(opts.cliCommand, 1500)} -v\` prints every flow and layer.`)));
  }
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: escapeMrkdwn(headlineText(s, question)), blocks: budget.blocks };
}

function entryLine(e: MapEntry): string {
  const ports = portsLine(e.ports.map((p) => ({ port: p.port, protocol: p.protocol, word: p.verdict, blockedBy: [] })), slackWord);
  return `${slackWord(e.verdict)} *${escapeMrkdwn(e.service)}*  ${escapeMrkdwn(ports)}`;
}

/**
 * One map direction: every Service with at least one open port, its verdict per port (a Service is never called
 * denied for one port), then the denied Services by name — as many names as fit, and how many more.
 */
function mapSection(budget: BlockBudget, title: string, entries: MapEntry[], cliCommand: string, maxChars: number): void {
  const open = entries.filter((e) => e.verdict !== 'denied');
  const denied = entries.filter((e) => e.verdict === 'denied').map((e) => e.service);
  const sections: string[] = [`*${escapeMrkdwn(title)}* ${open.length} of ${entries.length} services`];
  let used = sections[0]!.length;
  let shown = 0;
  for (const line of open.map(entryLine)) {
    if (used + line.length + 1 > maxChars) break;
    const last = sections.length - 1;
    if (sections[last]!.length + line.length + 1 > LIMITS.sectionText - 100) sections.push(line);
    else sections[last] += '\n' + line;
    used += line.length + 1;
    shown++;
  }
  for (const [i, text] of sections.entries()) {
    if (!budget.push(section(text))) {
      shown -= sections.slice(i).join('\n').split('\n').length - (i === 0 ? 1 : 0);
      break;
    }
  }
  shown = Math.max(0, shown);
  if (denied.length) {
    let n = denied.length;
    const line = (k: number) => `${slackWord('denied')} denied (${denied.length}): ${escapeMrkdwn(namesWithCount(denied, k))}`;
    while (n > 1 && line(n).length > Math.min(1500, Math.max(200, maxChars - used))) n--;
    budget.push(context(line(n)));
  }
  if (shown < open.length) budget.pushReserved(moreNote(`…and ${open.length - shown} more services.`, cliCommand));
}

export function renderMapBlocks(result: CommandResult<ReachMap>, opts: SlackRenderOptions): SlackMessage {
  const map = result.data;
  const budget = new BlockBudget(4, 1500);
  budget.push(section(`${STATE_ICONS.map.slack} *Reach map of ${escapeMrkdwn(map.from)}*`));
  for (const b of stateContext(result)) budget.push(b);
  const half = Math.floor((LIMITS.totalText - 2500) / 2);
  mapSection(budget, `${map.from} reaches`, map.reaches, opts.cliCommand, half);
  budget.push({ type: 'divider' });
  mapSection(budget, 'Reached by', map.reachedBy, opts.cliCommand, half);
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  const reach = map.reaches.filter((e) => e.verdict !== 'denied').length;
  return { text: escapeMrkdwn(`Reach map of ${map.from}: reaches ${reach} of ${map.reaches.length} services`), blocks: budget.blocks };
}

export function renderBatchBlocks(rows: BatchRow[], opts: SlackRenderOptions): SlackMessage {
  const failed = rows.filter((r) => r.error || (r.expect && r.expect !== r.verdict));
  const budget = new BlockBudget();
  budget.push(section(`${failed.length ? ':x:' : ':white_check_mark:'} *${rows.length} queries, ${failed.length} failed*`));
  const lines = rows.map((r) => `${String(r.line).padStart(4)}  ${r.error ? 'error  ' : r.verdict!.padEnd(7)}  ${r.expect && r.expect !== r.verdict ? 'FAILED ' : r.error ? 'ERROR  ' : 'ok     '} ${r.text}${r.error ? ' — ' + r.error : ''}`);
  budget.push(section(codeBlock(lines.join('\n'))));
  if (codeBlock(lines.join('\n')).includes('more lines')) budget.pushReserved(moreNote('Some rows are left out.', opts.cliCommand));
  return { text: `${rows.length} queries, ${failed.length} failed`, blocks: budget.blocks };
}

export function renderReachSlack(result: CommandResult<ReachResult | ReachMap>, opts: SlackRenderOptions): SlackMessage {
  const detail = (result.detail ?? { mode: 'pair' }) as ReachDetail;
  if (detail.mode === 'batch') return renderBatchBlocks(detail.rows ?? [], opts);
  if (detail.mode === 'map') return renderMapBlocks(result as CommandResult<ReachMap>, opts);
  return renderPairBlocks(result as CommandResult<ReachResult>, detail, opts);
}
