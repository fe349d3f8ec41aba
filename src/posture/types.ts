import type { CheckFinding } from './pack';
import type { PostureContext } from './context';

/**
 * One posture check, in the spirit of a cdk-nag rule: a pure function of the snapshot that returns
 * its findings (none when compliant), without severity: the pack (./pack.ts) decides that. A check that cannot run
 * returns a `check-not-evaluated` finding.
 */
export interface PostureCheck {
  /** Stable kebab-case id, the `id` of the findings it reports. */
  id: string;
  run(ctx: PostureContext): CheckFinding[];
}
