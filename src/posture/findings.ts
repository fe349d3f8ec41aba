import { SEVERITY_ORDER, type Finding, type Severity } from '../model/result';
import { NOT_EVALUATED_ID, type CheckFinding } from './pack';
import type { PostureContext } from './context';

export const NOT_EVALUATED = NOT_EVALUATED_ID;

/**
 * The finding a check reports when the snapshot lacks what it needs (never a silent pass). It concerns the whole
 * cluster, so `object` is the cluster name (CONTRACT §2 `eksnet posture`); the check is named in the summary.
 */
export function notEvaluated(ctx: Pick<PostureContext, 'clusterName'>, checkId: string, missing: string): CheckFinding {
  return {
    id: NOT_EVALUATED,
    object: ctx.clusterName,
    summary: `The ${checkId} check was not evaluated: ${missing}.`,
    fix: 'Collect a complete snapshot (eksnet snapshot --out DIR) with permission to read the missing resources, then run posture again.',
  };
}

const RANK = new Map<Severity, number>(SEVERITY_ORDER.map((s, i) => [s, i]));

/** Severity (critical first), then id, then object, then summary: the same input always prints the same order. */
export function sortFindings(findings: Finding[]): Finding[] {
  return [...findings].sort(
    (a, b) =>
      RANK.get(a.severity)! - RANK.get(b.severity)! ||
      cmp(a.id, b.id) ||
      cmp(a.object, b.object) ||
      cmp(a.summary, b.summary),
  );
}

function cmp(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** "a, b and 3 more" for summaries that name objects. */
export function listSome(items: string[], max = 3): string {
  const sorted = [...new Set(items)].sort();
  if (sorted.length <= max) return sorted.join(', ');
  return `${sorted.slice(0, max).join(', ')} and ${sorted.length - max} more`;
}
