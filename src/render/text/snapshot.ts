import type { SnapshotData } from '../../../commands/snapshot';
import type { CommandResult } from '../../../commands/types';
import { describeState } from './state-line';

export function renderSnapshotText(result: CommandResult<SnapshotData>): string {
  const { out, files, missing } = result.data;
  const lines = [`Wrote ${files.length} file${files.length === 1 ? '' : 's'} to ${out}`, describeState(result.state)];
  if (missing.length > 0) {
    lines.push(`Partial: ${missing.length} resource${missing.length === 1 ? ' was' : 's were'} not read (layers that need them are not evaluated):`);
    for (const m of missing) lines.push(`  ${m.resource}: ${m.reason}`);
  }
  return lines.filter((l) => l !== '').join('\n') + '\n';
}
