import type { PostureData } from '../../../commands/posture';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER, type Finding } from '../../model/result';
import { SEVERITY_ICONS } from '../palette';
import { DEFAULT_TEXT_OPTIONS, paint, wrap, type TextOptions } from './layout';
import { describeState } from './state-line';

/** Findings of one check repeated on several objects, in first-seen order. */
function byCheck(findings: Finding[]): Finding[][] {
  const groups = new Map<string, Finding[]>();
  for (const f of findings) groups.set(f.id, [...(groups.get(f.id) ?? []), f]);
  return [...groups.values()];
}

/**
 * Findings grouped by severity (critical first, with the palette's icon); within a severity, repeated findings
 * of one check are one entry naming every object, with one example's summary and fix. Fixes are never wrapped.
 */
export function renderPostureText(result: CommandResult<PostureData>, o: TextOptions = DEFAULT_TEXT_OPTIONS): string {
  const findings = result.data.findings;
  const out: string[] = [];
  const state = describeState(result.state);
  if (state) out.push(`Posture of ${state}`, '');
  if (findings.length === 0) out.push('No findings.');
  for (const severity of SEVERITY_ORDER) {
    const group = findings.filter((f) => f.severity === severity);
    if (group.length === 0) continue;
    out.push(`${severity.toUpperCase()} (${group.length})`);
    for (const same of byCheck(group)) {
      const f = same[0]!;
      const objects = same.map((x) => x.object).sort();
      out.push(...wrap(same.length > 1 ? `${f.id} (${same.length}): ${objects.join(', ')}` : `${f.id}  ${f.object}`, o.width, `  ${SEVERITY_ICONS[severity].text} `, '     ').map((l) => paint(o, 'bold', l)));
      out.push(...wrap(f.summary, o.width, '    '));
      const label = same.length > 1 ? `fix (for ${f.object}; the same for each): ` : 'fix: ';
      out.push(...f.fix.split('\n').map((l, i) => `    ${i === 0 ? label : ' '.repeat(5)}${l}`));
    }
    out.push('');
  }
  const counts = SEVERITY_ORDER.map((s) => [s, findings.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  if (findings.length > 0) out.push(`${findings.length} finding(s): ${counts.map(([s, n]) => `${n} ${s}`).join(', ')}`);
  return out.join('\n').replace(/\n+$/, '') + '\n';
}
