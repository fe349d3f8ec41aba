import type { AddonsData } from '../../../commands/addons';
import type { CommandResult } from '../../../commands/types';
import { describeState } from './state-line';

/** A table: add-on, running, newest compatible, managed, and whether an upgrade is available. */
export function renderAddonsText(result: CommandResult<AddonsData>): string {
  const header = ['ADD-ON', 'CURRENT', 'LATEST', 'MANAGED', 'UPGRADE'];
  const rows = result.data.addons.map((a) => [
    a.name,
    a.current ?? 'unknown',
    a.latest ?? 'unknown',
    a.managed ? 'yes' : 'no (self-managed)',
    a.upgradeAvailable ? `yes → ${a.latest}` : a.current === null || a.latest === null ? '?' : 'no',
  ]);
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === cells.length - 1 ? c : c.padEnd(widths[i]!))).join('  ');
  const out = [line(header), ...rows.map(line)];
  const state = describeState(result.state);
  if (state) out.push('', state);
  return out.join('\n') + '\n';
}
