import type { DriftData, DriftDetail } from '../../../commands/drift';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER, type Severity } from '../../model/result';
import { age, describeState } from './state-line';
import { attributionKey, type Attribution } from '../../drift/attribution';

/** `eksnet drift` as text: a headline with counts, then the changes grouped by severity, worst first. */
export function renderDriftText(result: CommandResult<DriftData>): string {
  const { changes } = result.data;
  const detail = result.detail as DriftDetail | undefined;
  const state = describeState(result.state);
  const against = detail ? ` against baseline ${detail.baseline}` : '';
  const out: string[] = [];
  if (changes.length === 0) {
    out.push(`No drift${against}: the traffic controls match.`);
  } else {
    const counts = SEVERITY_ORDER.map((s) => [s, changes.filter((c) => c.severity === s).length] as const).filter(([, n]) => n > 0);
    out.push(`${changes.length} change${changes.length === 1 ? '' : 's'}${against}: ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  }
  if (detail?.baselineCollectedAt) out.push(`baseline: collected ${age(detail.baselineCollectedAt)}`);
  if (state) out.push(`current: ${state}`);
  for (const n of result.notices) out.push(`note: ${n}`);
  for (const severity of SEVERITY_ORDER) {
    const group = changes.filter((c) => c.severity === severity);
    if (group.length === 0) continue;
    out.push('', `${label(severity)} (${group.length})`);
    for (const c of group) {
      out.push(`  ${c.change.padEnd(8)} ${c.kind} ${c.id}`, `           ${c.summary}`);
      const who = detail?.attribution?.[attributionKey(c)];
      if (who) out.push(`           by ${attributionText(who)}`);
    }
  }
  return out.join('\n') + '\n';
}

function label(s: Severity): string {
  return s.toUpperCase();
}

/** "arn:…:assumed-role/Admin/alice at 2026-12-05T08:30:00Z (CloudTrail AuthorizeSecurityGroupIngress)". */
export function attributionText(a: Attribution): string {
  const via = a.source === 'cloudtrail' ? `CloudTrail ${a.event ?? 'event'}` : a.source === 'managedFields' ? `field manager${a.event ? `, ${a.event}` : ''}` : '';
  return `${a.by}${a.at ? ` at ${a.at}` : ''}${via ? ` (${via})` : ''}`;
}
