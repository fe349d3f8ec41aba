import type { ImpactData, ImpactDetail } from '../../../commands/impact';
import { SEVERITY_ORDER, type Severity } from '../../model/result';
import type { MovedFlow } from '../../impact';
import { portText } from '../../impact/summary';
import { impactHeadline } from '../impact-lines';

/** A table cell: pipes escaped, one line. */
function cell(text: string): string {
  return text.replace(/\\/g, '\\\\').replace(/\|/g, '\\|').replace(/\r?\n/g, ' ');
}

function code(text: string): string {
  return `\`${text.replace(/`/g, "'")}\``;
}

const ICON: Record<Severity, string> = { critical: '🔴', high: '🟠', medium: '🟡', low: '🔵', info: '⚪' };

function flowRows(flows: MovedFlow[]): string[] {
  return flows.map((f) => `| ${cell(f.from)} | ${cell(f.to)} | ${portText(f)} | ${f.before} | ${f.after} | ${f.changes.map((c) => code(`${c.kind} ${c.id}`)).join('<br>') || '—'} |`);
}

/**
 * `eksnet impact --format markdown`: a summary a CI job can post on a pull request — the headline,
 * opened and closed flows with the changes responsible, every change with its severity, and the
 * expectations checked on the after-state.
 */
export function renderImpactMarkdown(data: ImpactData, detail: ImpactDetail): string {
  const out: string[] = [];
  const opened = detail.opened.length;
  const closed = detail.closed.length;
  out.push(`### eksnet impact: ${opened} flow${opened === 1 ? '' : 's'} opened, ${closed} closed`);
  out.push('');
  const headline = impactHeadline(data.changes);
  out.push(headline ? `**${cell(headline)}**` : 'No flow between Services, to or from the internet, or from the VPC changes verdict.');
  for (const [title, flows] of [['Opened', detail.opened], ['Closed', detail.closed]] as const) {
    if (flows.length === 0) continue;
    out.push('', `#### ${title} (${flows.length})`, '', '| from | to | port | before | after | changes responsible |', '| --- | --- | --- | --- | --- | --- |', ...flowRows(flows));
  }
  if (data.changes.length) {
    out.push('', `#### Changes (${data.changes.length})`, '', '| severity | change | object | summary |', '| --- | --- | --- | --- |');
    for (const s of SEVERITY_ORDER) {
      for (const c of data.changes.filter((x) => x.severity === s)) out.push(`| ${ICON[s]} ${s} | ${c.change} | ${code(`${c.kind} ${c.id}`)} | ${cell(c.summary)} |`);
    }
  } else {
    out.push('', 'No change to the traffic controls.');
  }
  if (detail.expect) {
    const checked = detail.expect.rows.filter((r) => r.expect !== undefined || r.error).length;
    const failed = detail.expect.failures.length;
    out.push('', `#### Expectations (${cell(detail.expect.file)})`, '', failed ? `❌ ${failed} of ${checked} failed on the after-state:` : `✅ all ${checked} hold on the after-state.`);
    for (const f of detail.expect.failures) out.push(`- ${code(f)}`);
  }
  if (detail.notes.length) out.push('', ...detail.notes.map((n) => `> note: ${cell(n)}`));
  return out.join('\n') + '\n';
}
