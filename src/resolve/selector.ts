import type { LabelSelector } from '../model/k8s';

export type LabelMatcher = (labels: Record<string, string> | undefined) => boolean;

/**
 * Compile a metav1.LabelSelector (matchLabels AND every matchExpression; an empty selector matches
 * everything). NotIn and DoesNotExist match when the key is absent, as apimachinery's labels.Selector does.
 * https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements
 */
export function compileSelector(sel: LabelSelector | undefined | null): LabelMatcher {
  if (!sel) return () => true;
  const checks: LabelMatcher[] = [];
  for (const [k, v] of Object.entries(sel.matchLabels ?? {})) checks.push((l) => l?.[k] === v);
  for (const req of sel.matchExpressions ?? []) {
    const values = new Set(req.values ?? []);
    const key = req.key;
    switch (req.operator) {
      case 'In':
        checks.push((l) => l?.[key] !== undefined && values.has(l[key]!));
        break;
      case 'NotIn':
        checks.push((l) => l?.[key] === undefined || !values.has(l[key]!));
        break;
      case 'Exists':
        checks.push((l) => l?.[key] !== undefined);
        break;
      case 'DoesNotExist':
        checks.push((l) => l?.[key] === undefined);
        break;
      default:
        // An unknown operator is rejected by the API server; match nothing rather than everything.
        checks.push(() => false);
    }
  }
  if (checks.length === 0) return () => true;
  if (checks.length === 1) return checks[0]!;
  return (l) => checks.every((c) => c(l));
}

/** Service-style selector (a plain map; empty or absent selects nothing for a Service). */
export function matchesMap(selector: Record<string, string> | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector) return false;
  const entries = Object.entries(selector);
  if (entries.length === 0) return false;
  return entries.every(([k, v]) => labels?.[k] === v);
}
