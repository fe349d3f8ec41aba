import type { BaselineSaveData } from '../../../commands/baseline';
import type { CommandResult } from '../../../commands/types';

export function renderBaselineText(result: CommandResult<BaselineSaveData>): string {
  const d = result.data;
  return `Saved baseline ${d.baseline} (${d.files} files${d.cluster ? `, cluster ${d.cluster}` : ''}, state collected ${d.collectedAt}). Compare later with: eksnet drift --baseline ${d.baseline}\n`;
}
