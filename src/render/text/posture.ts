import type { PostureData } from '../../../commands/posture';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER } from '../../model/result';
import { describeState } from './state-line';

/** Findings grouped by severity (critical first), each with its object, why it matters and the fix. */
export function renderPostureText(result: CommandResult<PostureData>): string {
  const findings = result.data.findings;
  const out: string[] = [];
  const state = describeState(result.state);
  if (state) out.push(`Posture of ${state}`, '');
  if (findings.length === 0) out.push('No findings.');
  for (const severity of SEVERITY_ORDER) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`${severity.toUpperCase()} (${group.length})`);
    for (const f of group) {
      out.push(`  ${f.id}  ${f.object}`);
      out.push(`    ${f.summary}`);
      out.push(...f.fix.split('\n').map((l, i) => `    ${i === 0 ? 'fix: ' : '     '}${l}`));
    }
    out.push('');
  }
  const counts = SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  if (findings.length > 0) out.push(`${findings.length} finding(s): ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
