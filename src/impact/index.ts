import type { Snapshot } from '../model/snapshot';
import { compareChanges, driftReport, type DriftReport } from '../drift/diff';
import { computeImpact, type ImpactOptions, type ImpactReport } from './impact';
import { applyProposal, isProposal } from './overlay';
import { diffServices } from './services';

export { computeImpact, contractFlow, INTERNET_PROBE_PORTS, type ImpactOptions, type ImpactReport, type MovedFlow } from './impact';
export { applyProposal, isProposal, DELETE_MARK } from './overlay';

/** Drift with its traffic impact: each change carries the flows it opened or closed, and a severity from them. */
export function assessDrift(baseline: Snapshot, current: Snapshot, options: ImpactOptions = {}): DriftReport & { impact: ImpactReport } {
  const report = driftReport(baseline, current);
  const impact = computeImpact(baseline, current, report.changes, options);
  return { changes: impact.changes, notes: [...report.notes, ...impact.notes], impact };
}

/**
 * `eksnet impact`: `after` is either a whole snapshot, or proposed manifests applied over `before`
 * (see overlay.ts). The changes are drift's plus Service changes.
 */
export function assessChange(before: Snapshot, afterInput: Snapshot, options: ImpactOptions = {}): ImpactReport & { after: Snapshot; proposal: boolean } {
  const proposal = isProposal(afterInput);
  const after = proposal ? applyProposal(before, afterInput, afterInput.source) : afterInput;
  const report = driftReport(before, after);
  const changes = [...report.changes, ...diffServices(before, after)].sort(compareChanges);
  const impact = computeImpact(before, after, changes, options);
  return { ...impact, notes: [...report.notes, ...impact.notes], after, proposal };
}
