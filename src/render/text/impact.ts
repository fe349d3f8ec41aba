import type { ImpactData, ImpactDetail } from '../../../commands/impact';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER } from '../../model/result';
import type { MovedFlow } from '../../impact';
import { flowLine } from '../impact-lines';
import { renderImpactMarkdown } from '../markdown/impact';

function responsible(f: MovedFlow): string {
  return f.changes.map((c) => `${c.kind} ${c.id}`).join(', ') || '(no change named)';
}

/** `eksnet impact` as text (or Markdown / JSON with --format): flows opened and closed, then the changes. */
export function renderImpactText(result: CommandResult<ImpactData>): string {
  const detail = result.detail as ImpactDetail;
  if (detail.format === 'markdown') return renderImpactMarkdown(result.data, detail);
  if (detail.format === 'json') return JSON.stringify(result.data, null, 2) + '\n';
  const { changes } = result.data;
  const out: string[] = [];
  const what = detail.proposal ? `proposed manifests ${detail.after} applied over ${detail.before}` : `${detail.before} → ${detail.after}`;
  out.push(`${detail.opened.length} flow${detail.opened.length === 1 ? '' : 's'} opened, ${detail.closed.length} closed by ${changes.length} change${changes.length === 1 ? '' : 's'} (${what})`);
  for (const [title, flows] of [['Opened', detail.opened], ['Closed', detail.closed]] as const) {
    if (flows.length === 0) continue;
    out.push('', `${title}:`);
    for (const f of flows) out.push(`  ${flowLine(f)}`, `      by ${responsible(f)}`);
  }
  if (changes.length) {
    out.push('', 'Changes:');
    for (const s of SEVERITY_ORDER) {
      for (const c of changes.filter((x) => x.severity === s)) out.push(`  ${s.toUpperCase().padEnd(8)} ${c.change.padEnd(8)} ${c.kind} ${c.id}`, `           ${c.summary}`);
    }
  }
  if (detail.expect) {
    const checked = detail.expect.rows.filter((r) => r.expect !== undefined || r.error).length;
    out.push('', `Expectations (${detail.expect.file}) on the after-state: ${checked - detail.expect.failures.length} of ${checked} held`);
    for (const f of detail.expect.failures) out.push(`  ✘ ${f}`);
  }
  for (const n of result.notices.filter((n) => !detail.expect?.failures.includes(n))) out.push(`note: ${n}`);
  return out.join('\n') + '\n';
}
