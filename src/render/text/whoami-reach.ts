import type { BatchRow, ReachDetail } from '../../../commands/whoami-reach';
import type { CommandResult } from '../../../commands/types';
import type { FlowResult, LayerResult, ReachResult } from '../../model/result';
import type { MapEntry, ReachMap } from '../../engine/reach-map';
import { LAYER_ICONS, STATE_ICONS, WORD_ICONS } from '../palette';
import { collectFixes, namesWithCount, portsLine, summarisePair, type Fixes, type PairSummary, type Word } from '../summary';

/** How many lines a summary answer aims to fit in (a terminal screen, with the prompt). */
export const SUMMARY_LINES = 25;
import { DEFAULT_TEXT_OPTIONS, paint, wrap, type Colour, type TextOptions } from './layout';
import { describeState } from './state-line';

const WORD_COLOUR: Record<Word, Colour> = { allowed: 'green', denied: 'red', partial: 'yellow', intermittent: 'yellow' };

function icon(w: Word): string {
  return WORD_ICONS[w].text;
}

/** What was asked: `shop/svc/frontend → shop/svc/payments 9090/TCP`. */
export function questionText(detail: ReachDetail, data: ReachResult): string {
  const ports = [...new Set(data.flows.map((f) => `${f.port}/${f.protocol}`))];
  const port = ports.length === 1 ? ports[0] : detail.port ? `port ${detail.port}` : '';
  return `${detail.from} → ${detail.to}${port ? ' ' + port : ''}`;
}

/** The verdict line's words after the icon: `DENIED shop/svc/a → shop/svc/b 9090/TCP: 0 of 2 flows allowed`. */
export function headlineText(s: PairSummary, question: string): string {
  const counts = `${s.allowed} of ${s.total} flow${s.total === 1 ? '' : 's'} allowed`;
  if (s.intermittent) return `INTERMITTENT ${question}: about ${s.intermittent.percent}% of connections time out (${s.intermittent.acls.join(', ')}) · ${counts}`;
  return `${s.word.toUpperCase()} ${question}: ${counts}`;
}

/** `2 flows (shop/frontend-x → shop/payments-y 9090/TCP, +1 more)`. */
export function flowsText(flows: FlowResult[]): string {
  const f = flows[0]!;
  const more = flows.length > 1 ? `, +${flows.length - 1} more` : '';
  return `${flows.length} flow${flows.length === 1 ? '' : 's'} (${f.from} → ${f.to} ${f.port}/${f.protocol}${more})`;
}

function layerLines(l: LayerResult, o: TextOptions): string[] {
  const head = `    ${LAYER_ICONS[l.verdict].text} ${l.layer.padEnd(22)} ${l.verdict.padEnd(13)} `;
  const colour: Colour | undefined = l.verdict === 'deny' ? 'red' : l.verdict === 'allow' ? undefined : 'yellow';
  const lines = wrap(l.reason, o.width, head, ' '.repeat(head.length));
  return colour ? lines.map((x) => paint(o, colour, x)) : lines;
}

function detailLines(data: ReachResult, o: TextOptions): string[] {
  const out: string[] = ['', paint(o, 'bold', 'Every flow and layer:')];
  for (const f of data.flows) {
    out.push(`  ${f.from} → ${f.to}  ${f.protocol}/${f.port}  ${f.verdict}`);
    for (const l of f.layers) out.push(...layerLines(l, o));
  }
  return out;
}

export function renderPairText(data: ReachResult, detail: ReachDetail, stateLine: string, notices: string[], o: TextOptions = DEFAULT_TEXT_OPTIONS): string {
  const s = summarisePair(data, o.width);
  const out: string[] = [];
  const question = questionText(detail, data);
  out.push(...wrap(headlineText(s, question), o.width, `${icon(s.word)} `, '   ').map((l, i) => (i === 0 ? paint(o, WORD_COLOUR[s.word], l) : l)));
  if (stateLine) out.push(...wrap(stateLine, o.width, '   ').map((x) => paint(o, 'dim', x)));
  for (const n of notices) out.push(...wrap(n, o.width, '   note: ', '         '));
  if (s.ports.length > 1) out.push(...wrap(portsLine(s.ports, icon), o.width, '   ports: ', '          '));

  const single = s.groups.length === 1 && s.groups[0]!.flows.length === s.total - s.allowed;
  for (const g of s.groups) {
    if (!single || s.ports.length > 1) out.push(...wrap(`${g.ports.join(', ')}: ${flowsText(g.flows)}`, o.width, `${icon(g.word)} `, '   ').map((x) => paint(o, WORD_COLOUR[g.word], x)));
    for (const b of g.blocking) {
      const head = `   ${LAYER_ICONS.deny.text} ${b.layer} `;
      out.push(...wrap(b.why, o.width, head, '     ').map((x) => paint(o, 'red', x)));
    }
  }
  for (const n of s.notEnforced) out.push(...wrap(`${n.layer} not enforced: ${n.reason}`, o.width, `   ${LAYER_ICONS['not-enforced'].text} `, '     '));
  for (const n of s.notEvaluated) out.push(...wrap(`${n.layer} not evaluated: ${n.reason}`, o.width, `   ${LAYER_ICONS['not-evaluated'].text} `, '     ').map((x) => paint(o, 'yellow', x)));
  if (s.passing.length) out.push(paint(o, 'green', `   ${LAYER_ICONS.allow.text} ${s.passing.join(', ')}: pass`));
  if (s.notEvaluated.length) out.push(...wrap('This answer covers only the evaluated layers.', o.width, '   '));

  const fixLines = (fixes: Fixes): string[] => {
    if (!fixes.kubectl && !fixes.aws.length && !fixes.other.length) return [];
    const lines = [paint(o, 'bold', 'Fix:')];
    if (fixes.kubectl) lines.push(fixes.kubectl);
    lines.push(...fixes.aws);
    for (const x of fixes.other) lines.push(...wrap(x.description, o.width, '# ', '# '), x.text);
    return lines.join('\n').split('\n');
  };
  let fix = fixLines(s.fixes);
  // The summary fits a screen (SUMMARY_LINES): when the policies' YAML would pass it, write them denser.
  if (!o.verbose && out.length + fix.length + 1 > SUMMARY_LINES && s.fixes.kubectl) fix = fixLines(collectFixes(data.flows, 'dense', o.width));
  out.push(...fix);
  if (o.verbose) out.push(...detailLines(data, o));
  else if (s.total > 0) {
    const allowedFlows = data.flows.filter((f) => f.verdict === 'allowed');
    const parts = [s.groups.length ? `${s.total - s.allowed} failing in ${s.groups.length} group${s.groups.length === 1 ? '' : 's'}` : '', allowedFlows.length ? `${allowedFlows.length} allowed` : '']
      .filter(Boolean)
      .join(', ');
    out.push(...wrap(`${s.total} flow${s.total === 1 ? '' : 's'}: ${parts}. -v shows every flow and layer.`, o.width).map((x) => paint(o, 'dim', x)));
  }
  return out.join('\n') + '\n';
}

function mapLines(title: string, entries: MapEntry[], o: TextOptions): string[] {
  const open = entries.filter((e) => e.verdict !== 'denied');
  const denied = entries.filter((e) => e.verdict === 'denied').map((e) => e.service);
  const out = [paint(o, 'bold', `${title} ${open.length} of ${entries.length} services:`)];
  const nameWidth = Math.min(40, Math.max(0, ...open.map((e) => e.service.length)));
  for (const e of open) {
    const ports = portsLine(e.ports.map((p) => ({ port: p.port, protocol: p.protocol, word: p.verdict, blockedBy: [] })), icon);
    out.push(...wrap(ports, o.width, `  ${icon(e.verdict)} ${e.service.padEnd(nameWidth)}  `, ' '.repeat(nameWidth + 7)));
  }
  if (denied.length) {
    const names = o.verbose ? denied.join(', ') : namesWithCount(denied, 6);
    out.push(...wrap(names, o.width, `  ${icon('denied')} denied (${denied.length}): `, '     ').map((x) => paint(o, 'red', x)));
  }
  return out;
}

export function renderMapText(map: ReachMap, stateLine: string, o: TextOptions = DEFAULT_TEXT_OPTIONS): string {
  const out = [`${STATE_ICONS.map.text} Reach map of ${map.from}`];
  if (stateLine) out.push(...wrap(stateLine, o.width, '   ').map((x) => paint(o, 'dim', x)));
  for (const n of map.notices) out.push(...wrap(n, o.width, '   note: ', '         '));
  out.push(...mapLines(`${map.from} reaches`, map.reaches, o), ...mapLines('Reached by', map.reachedBy, o));
  return out.join('\n') + '\n';
}

export function renderBatch(rows: BatchRow[]): string {
  const header = ['LINE', 'QUERY', 'VERDICT', 'EXPECT', 'RESULT'];
  const body = rows.map((r) => [
    String(r.line),
    r.text.replace(/\s+expect\s+\S+\s*$/i, ''),
    r.error ? 'error' : r.verdict!,
    r.expect ?? '-',
    r.error ? `✘ ${r.error}` : r.expect && r.expect !== r.verdict ? '✘ FAILED' : 'ok',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...body.map((row) => row[i]!.length)));
  const fmt = (row: string[]) => row.map((c, i) => (i === row.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const failed = rows.filter((r) => r.error || (r.expect && r.expect !== r.verdict)).length;
  return [fmt(header), ...body.map(fmt), '', `${rows.length} queries, ${failed} failed`].join('\n') + '\n';
}

export function renderReachText(result: CommandResult<ReachResult | ReachMap>, o: TextOptions = DEFAULT_TEXT_OPTIONS): string {
  const detail = (result.detail ?? { mode: 'pair' }) as ReachDetail;
  const stateLine = describeState(result.state);
  if (detail.mode === 'batch') return renderBatch(detail.rows ?? []) + (stateLine ? `${stateLine}\n` : '');
  if (detail.mode === 'map') return renderMapText(result.data as ReachMap, stateLine, o);
  return renderPairText(result.data as ReachResult, detail, stateLine, result.notices, o);
}
