import type { Finding } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { errorMessage } from '../util/errors';
import { CHECKS } from './checks/index';
import { PostureContext, DEFAULT_POSTURE_OPTIONS, type PostureOptions } from './context';
import { NOT_EVALUATED, sortFindings } from './findings';
import { withSeverity } from './pack';
import type { PostureCheck } from './types';

/**
 * Run every check over one snapshot; the pack (./pack.ts) gives each finding its severity. A check that throws is reported as a `check-not-evaluated` finding
 * naming the error, never as a silent pass (cdk-nag's applyRule does the same).
 */
export function runPosture(snap: Snapshot, checks: PostureCheck[] = CHECKS, options: PostureOptions = DEFAULT_POSTURE_OPTIONS): Finding[] {
  const ctx = new PostureContext(snap, options);
  const findings: Finding[] = [];
  for (const check of checks) {
    try {
      findings.push(...check.run(ctx).map(withSeverity));
    } catch (err) {
      findings.push({
        id: NOT_EVALUATED,
        severity: 'info',
        object: ctx.clusterName,
        summary: `The ${check.id} check failed while running (${errorMessage(err).split('\n')[0]}), so its result is unknown.`,
        fix: 'Report this as an eksnet bug with the snapshot that triggers it; check this area by hand meanwhile.',
      });
    }
  }
  return sortFindings(findings);
}
