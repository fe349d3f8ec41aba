import type { LabelSelector } from '../../model/k8s';
import type { CheckFinding } from '../pack';
import { compilePolicy, type CompiledPolicy, type Direction } from '../../engine/netpol/compile';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// "By default, a pod is non-isolated for ingress" until a policy selects it; a default deny is a policy that selects
// every pod of the namespace (podSelector {}) for a direction and has no rules in it, so it admits nothing
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies). A policy selecting
// all pods with rules (`ingress: [{}]` allows everything) is not one. policyTypes as the API server defaults it
// comes from the engine's compilePolicy (`egress: []` alone does not isolate egress).
// kube-system, kube-public and kube-node-lease are skipped: they hold the cluster's own components.
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function selectsAll(sel: LabelSelector | undefined): boolean {
  return Object.keys(sel?.matchLabels ?? {}).length === 0 && (sel?.matchExpressions ?? []).length === 0;
}

function deniesAll(p: CompiledPolicy, direction: Direction): boolean {
  return selectsAll(p.source.spec?.podSelector) && p.affects[direction] && p.rules[direction].length === 0;
}

export const namespaceWithoutDefaultDeny: PostureCheck = {
  id: 'namespace-without-default-deny',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('NetworkPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const lacking = ctx.lacking(['Namespace']);
    const namespaces = new Set<string>([...ctx.snap.k8s.namespaces.map((n) => n.metadata.name), ...ctx.k8s.podsByNamespace.keys()]);
    if (lacking && namespaces.size === 0) return [notEvaluated(ctx, this.id, `${lacking} and no pods`)];
    const compiled = ctx.snap.k8s.networkPolicies.map(compilePolicy);
    const podsKnown = ctx.lacking(['Pod']) === undefined;
    const findings: CheckFinding[] = [];
    for (const ns of [...namespaces].sort()) {
      if (SYSTEM_NAMESPACES.has(ns)) continue;
      // The `default` namespace is where things land by mistake; while it holds no pods there is nothing to isolate,
      // so it is reported only when pods run there (or when pods could not be read).
      if (ns === 'default' && podsKnown && (ctx.k8s.podsByNamespace.get(ns) ?? []).length === 0) continue;
      const policies = compiled.filter((p) => p.namespace === ns);
      const ingress = policies.some((p) => deniesAll(p, 'ingress'));
      const egress = policies.some((p) => deniesAll(p, 'egress'));
      if (ingress && egress) continue;
      const missing = [!ingress && 'Ingress', !egress && 'Egress'].filter(Boolean) as string[];
      findings.push({
        id: this.id,
        ...(ingress ? { variant: 'egress-only' } : {}),
        object: ns,
        summary: `Namespace ${ns} has no default-deny ${missing.join(' or ')} NetworkPolicy, so its pods ${!ingress ? 'accept connections from any pod in the cluster' : 'may connect anywhere'} until a policy selects them (Kubernetes: Network Policies, default policies).`,
        fix: `kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [${missing.join(', ')}]\nEOF`,
      });
    }
    return findings;
  },
};
