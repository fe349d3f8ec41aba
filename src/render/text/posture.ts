import type { PostureData, PostureDetail, PostureMuteData } from '../../../commands/posture';
import type { CommandResult } from '../../../commands/types';
import { SEVERITY_ORDER } from '../../model/result';
import { describeState } from './state-line';

/** Findings grouped by severity (critical first), each with its object, why it matters and the fix; then the muted ones. */
export function renderPostureText(result: CommandResult<PostureData | PostureMuteData>): string {
  const data = result.data;
  if (!('findings' in data)) return renderMuteChange(data);
  const findings = data.findings;
  const muted = (result.detail as PostureDetail | undefined)?.muted ?? [];
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
  if (muted.length > 0) {
    if (findings.length > 0) out.push('');
    out.push(`MUTED (${muted.length})`);
    for (const { finding: f, mute: m } of muted) {
      out.push(`  ${f.id}  ${f.object}  (${f.severity})`);
      out.push(`    muted by ${m.by} until ${m.until.slice(0, 10)}: ${m.reason}`);
    }
  }
  return out.join('\n').replace(/\n+$/, '') + '\n';
}

function renderMuteChange(data: PostureMuteData): string {
  if (data.mute) return `Muted ${data.mute.id} on ${data.mute.object} until ${data.mute.until} (by ${data.mute.by}: ${data.mute.reason}).\n`;
  const m = data.unmuted!;
  return `Unmuted ${m.id} on ${m.object} (it was muted by ${m.by} until ${m.until}: ${m.reason}).\n`;
}
