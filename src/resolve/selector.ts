import type { LabelSelector } from '../model/k8s';
import { CompiledSelector } from '../model/selector';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/**
 * Compile a metav1.LabelSelector to a matcher: the one implementation, NetworkPolicy's
 * CompiledSelector (apimachinery semantics: NotIn/DoesNotExist match an absent key).
 */
export function compileSelector(sel: LabelSelector | undefined | null): LabelMatcher {
  const compiled = new CompiledSelector(sel ?? {});
  return (labels) => compiled.matches(labels);
}

/** Service-style selector (a plain map; empty or absent selects nothing for a Service). */
export function matchesMap(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}
