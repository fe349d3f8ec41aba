import type { BaselineData, BaselineDetail, BaselineHistoryJson, BaselineJson, BaselineSaveData } from '../../../commands/baseline';
import type { CommandResult } from '../../../commands/types';
import { age } from './state-line';

/** One stored baseline in a line: "v3  saved 2026-12-06T08:00:00Z by U0ALICE  data collected 2 h ago  412 objects". */
export function baselineLine(b: BaselineJson, reason?: string, now = Date.now()): string {
  const why = reason && reason !== 'save' ? `  (${reason})` : '';
  return `v${b.version}  saved ${b.savedAt} by ${b.savedBy}  data collected ${b.collectedAt} (${age(b.collectedAt, now)})  ${b.objects} objects${why}`;
}

export function renderBaselineText(result: CommandResult<BaselineData>): string {
  const detail = result.detail as BaselineDetail | undefined;
  switch (detail?.verb) {
    case 'save': {
      const b = result.data as BaselineJson;
      return `Saved baseline v${b.version} of cluster ${b.cluster} (${b.objects} objects, data collected ${b.collectedAt}) as ${b.savedBy}.\n` + `eksnet drift --cluster ${b.cluster} now compares against it; eksnet baseline history lists every version.\n`;
    }
    case 'show': {
      const b = result.data as BaselineJson;
      return `Baseline of cluster ${b.cluster}\n  ${baselineLine(b, detail.reasons[b.version])}\n`;
    }
    case 'history': {
      const { baselines } = result.data as BaselineHistoryJson;
      if (baselines.length === 0) return `No baseline saved for cluster ${detail.cluster} yet: save one with eksnet baseline save --cluster ${detail.cluster}\n`;
      const lines = [`Baselines of cluster ${detail.cluster}, newest first (v${baselines[0]!.version} is current):`];
      for (const b of baselines) lines.push(`  ${baselineLine(b, detail.reasons[b.version])}`);
      return lines.join('\n') + '\n';
    }
    default: {
      const d = result.data as BaselineSaveData;
      return `Saved baseline ${d.baseline} (${d.files} files${d.cluster ? `, cluster ${d.cluster}` : ''}, state collected ${d.collectedAt}). Compare later with: eksnet drift --baseline ${d.baseline}\n`;
    }
  }
}
