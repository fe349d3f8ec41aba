import type { LabelSelector, NetworkPolicy } from '../../model/k8s';
import type { Finding } from '../../model/result';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// "By default, a pod is non-isolated for ingress" until a policy selects it; a default-deny policy selects every
// pod of the namespace (podSelector {}) for Ingress (and Egress)
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies).
// kube-system, kube-public and kube-node-lease are skipped: they hold the cluster's own components.
export const SYSTEM_NAMESPACES = new Set(['kube-system', 'kube-public', 'kube-node-lease']);

function selectsAll(sel: LabelSelector | undefined): boolean {
  return Object.keys(sel?.matchLabels ?? {}).length === 0 && (sel?.matchExpressions ?? []).length === 0;
}

/** policyTypes as the API server defaults it: Ingress always, Egress when the policy has egress rules. */
export function policyTypes(np: NetworkPolicy): string[] {
  if (np.spec?.policyTypes?.length) return np.spec.policyTypes;
  return np.spec?.egress ? ['Ingress', 'Egress'] : ['Ingress'];
}

export const namespaceWithoutDefaultDeny: PostureCheck = {
  id: 'namespace-without-default-deny',
  run(ctx: PostureContext): Finding[] {
    const failed = ctx.collectionFailed('NetworkPolicy');
    if (failed) return [notEvaluated(this.id, failed)];
    const lacking = ctx.lacking(['Namespace']);
    const namespaces = new Set<string>([...ctx.snap.k8s.namespaces.map((n) => n.metadata.name), ...ctx.k8s.podsByNamespace.keys()]);
    if (lacking && namespaces.size === 0) return [notEvaluated(this.id, `${lacking} and no pods`)];
    const findings: Finding[] = [];
    for (const ns of [...namespaces].sort()) {
      if (SYSTEM_NAMESPACES.has(ns)) continue;
      const all = ctx.snap.k8s.networkPolicies.filter((p) => (p.metadata.namespace ?? 'default') === ns && selectsAll(p.spec?.podSelector));
      const ingress = all.some((p) => policyTypes(p).includes('Ingress'));
      const egress = all.some((p) => policyTypes(p).includes('Egress'));
      if (ingress && egress) continue;
      const missing = [!ingress && 'Ingress', !egress && 'Egress'].filter(Boolean) as string[];
      findings.push({
        id: this.id,
        severity: ingress ? 'low' : 'medium',
        object: ns,
        summary: `Namespace ${ns} has no default-deny ${missing.join(' or ')} NetworkPolicy, so its pods ${!ingress ? 'accept connections from any pod in the cluster' : 'may connect anywhere'} until a policy selects them (Kubernetes: Network Policies, default policies).`,
        fix: `kubectl apply -f - <<'EOF'\napiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata:\n  name: default-deny\n  namespace: ${ns}\nspec:\n  podSelector: {}\n  policyTypes: [${missing.join(', ')}]\nEOF`,
      });
    }
    return findings;
  },
};
