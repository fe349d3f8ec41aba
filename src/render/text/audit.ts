import type { AuditData, AuditDetail } from '../../../commands/audit';
import type { CommandResult } from '../../../commands/types';

const COLUMNS = ['at', 'actor', 'action', 'cluster', 'subject', 'outcome', 'detail'] as const;
const HEADINGS = ['AT', 'ACTOR', 'ACTION', 'CLUSTER', 'SUBJECT', 'OUTCOME', 'DETAIL'];

/** `eksnet audit` as a table, newest first, the detail last (it is the longest). */
export function renderAuditText(result: CommandResult<AuditData>): string {
  const { events } = result.data;
  const d = (result.detail ?? {}) as AuditDetail;
  const scope = `${d.cluster ? ` for cluster ${d.cluster}` : ''}${d.since ? ` since ${d.since}` : ''}`;
  if (events.length === 0) return `No audit events${scope}.\n`;
  const rows = events.map((e) => COLUMNS.map((c) => String(e[c] ?? '').replace(/\s+/g, ' ')));
  const widths = COLUMNS.map((_, i) => (i === COLUMNS.length - 1 ? 0 : Math.max(HEADINGS[i]!.length, ...rows.map((r) => r[i]!.length))));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ').trimEnd();
  return [`${events.length} audit event${events.length === 1 ? '' : 's'}${scope}, newest first`, line(HEADINGS), ...rows.map(line)].join('\n') + '\n';
}
