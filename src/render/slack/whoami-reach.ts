import type { BatchRow, ReachDetail } from '../../../commands/whoami-reach';
import type { CommandResult } from '../../../commands/types';
import type { FlowResult, LayerResult, LayerVerdict, ReachResult, Verdict } from '../../model/result';
import type { MapEntry, ReachMap } from '../../engine/reach-map';
import { describeState } from '../text/state-line';
import { BlockBudget, codeBlock, context, escapeMrkdwn, LIMITS, moreNote, section, truncate } from './limits';
import { shareButton } from './share';
import type { Block, SlackMessage, SlackRenderOptions } from './types';

export const LAYER_ICON: Record<LayerVerdict, string> = {
  allow: ':white_check_mark:',
  deny: ':x:',
  'not-evaluated': ':grey_question:',
  'not-enforced': ':white_circle:',
};

export const VERDICT_ICON: Record<Verdict, string> = { allowed: ':white_check_mark:', denied: ':no_entry:', partial: ':warning:' };

/** Flows whose layers say the same thing (verdicts and objects) are shown once, with a count. */
function groupFlows(flows: FlowResult[]): { sample: FlowResult; count: number }[] {
  const groups = new Map<string, { sample: FlowResult; count: number }>();
  for (const f of flows) {
    const key = `${f.verdict}|${f.port}/${f.protocol}|` + f.layers.map((l) => `${l.layer}:${l.verdict}:${l.objects.join(',')}`).join('|');
    const g = groups.get(key);
    if (g) g.count++;
    else groups.set(key, { sample: f, count: 1 });
  }
  // Denied groups first: they are what the person asking needs to act on.
  return [...groups.values()].sort((a, b) => Number(a.sample.verdict === 'allowed') - Number(b.sample.verdict === 'allowed'));
}

function layerLine(l: LayerResult): string {
  const objects = l.objects.length ? `  ${l.objects.map((o) => '`' + o + '`').join(' ')}` : '';
  const verdict = l.verdict === 'allow' || l.verdict === 'deny' ? '' : ` _(${l.verdict})_`;
  return `${LAYER_ICON[l.verdict]} *${l.layer}*${verdict} — ${escapeMrkdwn(truncate(l.reason, 400))}${objects}`;
}

function flowBlocks(sample: FlowResult, count: number): Block[] {
  const more = count > 1 ? ` (+${count - 1} more flow${count > 2 ? 's' : ''} with the same answer)` : '';
  const title = `${sample.verdict === 'allowed' ? ':white_check_mark:' : ':no_entry:'} *${escapeMrkdwn(sample.from)} → ${escapeMrkdwn(sample.to)}*  ${sample.protocol}/${sample.port} — ${sample.verdict}${more}`;
  const blocks: Block[] = [section([title, ...sample.layers.map(layerLine)].join('\n'))];
  for (const l of sample.layers) {
    if (l.verdict !== 'deny' || !l.fix) continue;
    blocks.push(section(`*Fix for ${l.layer}* (${l.fix.kind}): ${escapeMrkdwn(truncate(l.fix.description, 600))}\n${codeBlock(l.fix.text, LIMITS.sectionText - 700)}`));
  }
  return blocks;
}

function headline(verdict: Verdict, text: string): Block {
  return section(`${VERDICT_ICON[verdict]} *${verdict.toUpperCase()}*  ${text}`);
}

function stateContext(result: CommandResult): Block[] {
  const line = describeState(result.state);
  const notes = [...result.notices, ...(result.state?.missing ?? []).map((m) => `${m.resource} was not collected (${m.reason}); layers that need it are not evaluated.`)];
  const parts = [line, ...notes.map((n) => `note: ${n}`)].filter(Boolean);
  return parts.length ? [context(escapeMrkdwn(parts.join('\n')))] : [];
}

export function renderPairBlocks(result: CommandResult<ReachResult>, detail: ReachDetail, opts: SlackRenderOptions): SlackMessage {
  const data = result.data;
  const allowed = data.flows.filter((f) => f.verdict === 'allowed').length;
  const what = `${detail.from} → ${detail.to}${detail.port ? ' port ' + detail.port : ''}`;
  const budget = new BlockBudget();
  budget.push(headline(data.verdict, `${escapeMrkdwn(what)}  (${allowed} of ${data.flows.length} flows allowed)`));
  for (const b of stateContext(result)) budget.push(b);

  const groups = groupFlows(data.flows);
  let shownFlows = 0;
  let shownGroups = 0;
  for (const { sample, count } of groups) {
    const blocks: Block[] = [{ type: 'divider' }, ...flowBlocks(sample, count)];
    if (!blocks.every((b) => budget.fits(b)) || budget.blocks.length + blocks.length + 3 > LIMITS.blocks) break;
    blocks.forEach((b) => budget.push(b));
    shownFlows += count;
    shownGroups++;
  }
  const notEvaluated = [...new Set(data.flows.flatMap((f) => f.layers.filter((l) => l.verdict === 'not-evaluated').map((l) => l.layer)))];
  if (notEvaluated.length) budget.pushReserved(context(`This answer covers only the evaluated layers; not evaluated: ${notEvaluated.join(', ')}.`));
  if (shownGroups < groups.length) {
    const rest = data.flows.length - shownFlows;
    budget.pushReserved(moreNote(`…and ${rest} more flow${rest === 1 ? '' : 's'} (${groups.length - shownGroups} more distinct answers).`, opts.cliCommand));
  }
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: `${data.verdict.toUpperCase()}: ${what} (${allowed} of ${data.flows.length} flows allowed)`, blocks: budget.blocks };
}

function entryLine(e: MapEntry): string {
  const ports = e.ports.map((p) => `${p.port}/${p.protocol}${p.verdict === 'allowed' ? '' : ' ' + p.verdict}`).join(', ');
  return `${VERDICT_ICON[e.verdict]} ${escapeMrkdwn(e.service)}  ${ports}`;
}

/**
 * One map direction as compact lines, using at most `maxChars` of the message so the other direction
 * keeps room too (Services that are denied outright are only counted).
 */
function mapSection(budget: BlockBudget, title: string, entries: MapEntry[], cliCommand: string, maxChars: number): void {
  const open = entries.filter((e) => e.verdict !== 'denied');
  const denied = entries.length - open.length;
  const sections: string[] = [`*${escapeMrkdwn(title)}* (${open.length} of ${entries.length} services)`];
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
  const notes: string[] = [];
  if (shown < open.length) notes.push(`…and ${open.length - shown} more services.`);
  if (denied > 0) notes.push(`Denied: ${denied} other service${denied > 1 ? 's' : ''}.`);
  if (shown < open.length) budget.pushReserved(moreNote(notes.join(' '), cliCommand));
  else if (notes.length) budget.push(context(notes.join(' ') + ` \`${truncate(cliCommand, 1500)} --json\` lists all.`));
}

export function renderMapBlocks(result: CommandResult<ReachMap>, opts: SlackRenderOptions): SlackMessage {
  const map = result.data;
  const budget = new BlockBudget(4, 1500);
  budget.push(section(`:world_map: *Reach map of ${escapeMrkdwn(map.from)}*`));
  for (const b of stateContext(result)) budget.push(b);
  const half = Math.floor((LIMITS.totalText - 2500) / 2);
  mapSection(budget, `${map.from} can reach`, map.reaches, opts.cliCommand, half);
  budget.push({ type: 'divider' });
  mapSection(budget, 'Reached by', map.reachedBy, opts.cliCommand, half);
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  const reach = map.reaches.filter((e) => e.verdict !== 'denied').length;
  return { text: `Reach map of ${map.from}: reaches ${reach} of ${map.reaches.length} services`, blocks: budget.blocks };
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
