import type { BatchRow, ReachDetail } from '../../../commands/whoami-reach';
import type { CommandResult } from '../../../commands/types';
import type { FlowResult, LayerResult, LayerVerdict, ReachResult } from '../../model/result';
import type { MapEntry, ReachMap } from '../../engine/reach-map';
import { describeState } from './state-line';

const ICON: Record<LayerVerdict, string> = { allow: '✔', deny: '✘', 'not-evaluated': '?', 'not-enforced': '○' };

/** Flows whose layers say the same thing (same verdicts and objects) are shown once, with a count. */
function groupFlows(flows: FlowResult[]): { sample: FlowResult; others: FlowResult[] }[] {
  const groups = new Map<string, { sample: FlowResult; others: FlowResult[] }>();
  for (const f of flows) {
    // Flows that need different fixes are shown apart, so every fix is printed.
    const key = `${f.verdict}|${f.port}/${f.protocol}|` + f.layers.map((l) => `${l.layer}:${l.verdict}:${l.objects.join(',')}:${l.fix?.text ?? ''}`).join('|');
    const g = groups.get(key);
    if (g) g.others.push(f);
    else groups.set(key, { sample: f, others: [] });
  }
  return [...groups.values()];
}

function layerLine(l: LayerResult): string {
  const objects = l.objects.length ? `  [${l.objects.join(', ')}]` : '';
  return `  ${ICON[l.verdict]} ${l.layer.padEnd(22)} ${l.verdict.padEnd(13)} ${l.reason}${objects}`;
}

function indent(text: string, by = '      '): string {
  return text
    .split('\n')
    .map((line) => by + line)
    .join('\n');
}

export function renderPair(data: ReachResult, detail: ReachDetail, stateLine: string, notices: string[]): string {
  const out: string[] = [];
  const allowed = data.flows.filter((f) => f.verdict === 'allowed').length;
  out.push(`${data.verdict.toUpperCase()}  ${detail.from} → ${detail.to}${detail.port ? ' port ' + detail.port : ''}  (${allowed} of ${data.flows.length} flows allowed)`);
  if (stateLine) out.push(stateLine);
  for (const n of notices) out.push(`note: ${n}`);
  const notEvaluated = new Map<string, string>();
  for (const { sample, others } of groupFlows(data.flows)) {
    out.push('');
    const more = others.length ? `  (+${others.length} more flow${others.length > 1 ? 's' : ''} with the same answer)` : '';
    out.push(`${sample.from} → ${sample.to}  ${sample.protocol}/${sample.port}  ${sample.verdict}${more}`);
    for (const l of sample.layers) {
      out.push(layerLine(l));
      if (l.verdict === 'not-evaluated') notEvaluated.set(l.layer, l.reason);
      if (l.verdict === 'deny' && l.fix) {
        out.push(`      fix (${l.fix.kind}): ${l.fix.description}`);
        out.push(indent(l.fix.text.trimEnd(), '        '));
      }
    }
  }
  if (notEvaluated.size > 0) {
    out.push('');
    out.push(`This answer covers only the evaluated layers; not evaluated: ${[...notEvaluated.keys()].join(', ')}.`);
  }
  return out.join('\n') + '\n';
}

function mapLines(title: string, entries: MapEntry[]): string[] {
  const open = entries.filter((e) => e.verdict !== 'denied');
  const closed = entries.length - open.length;
  const out = [`${title} (${open.length} of ${entries.length} services):`];
  for (const e of open) {
    const ports = e.ports.map((p) => `${p.port}/${p.protocol}${e.verdict === 'allowed' ? '' : ' ' + p.verdict}`).join(', ');
    out.push(`  ${e.verdict.padEnd(8)} ${e.service}  ${ports}`);
  }
  if (closed > 0) out.push(`  …denied: ${closed} other service${closed > 1 ? 's' : ''} (--json lists all)`);
  return out;
}

export function renderMap(map: ReachMap, stateLine: string): string {
  const out = [`Reach map of ${map.from}`];
  if (stateLine) out.push(stateLine);
  for (const n of map.notices) out.push(`note: ${n}`);
  out.push('', ...mapLines(`${map.from} can reach`, map.reaches), '', ...mapLines(`reached by`, map.reachedBy));
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

export function renderReachText(result: CommandResult<ReachResult | ReachMap>): string {
  const detail = (result.detail ?? { mode: 'pair' }) as ReachDetail;
  const stateLine = describeState(result.state);
  if (detail.mode === 'batch') return renderBatch(detail.rows ?? []) + (stateLine ? `${stateLine}\n` : '');
  if (detail.mode === 'map') return renderMap(result.data as ReachMap, stateLine);
  return renderPair(result.data as ReachResult, detail, stateLine, result.notices);
}
