import type { Finding } from '../model/result';
import type { PostureContext } from './context';

/**
 * One posture check, in the spirit of a cdk-nag rule: a pure function of the snapshot that returns
 * its findings (none when compliant). A check that cannot run returns a `check-not-evaluated` finding.
 */
export interface PostureCheck {
  /** Stable kebab-case id, the `id` of the findings it reports. */
  id: string;
  run(ctx: PostureContext): Finding[];
}
