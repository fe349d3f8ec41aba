import type { CheckFinding } from '../pack';
import { compileSelector } from '../../resolve/selector';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// A NetworkPolicy applies to the pods its spec.podSelector selects in its own namespace
// (https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource); one that selects
// none protects nothing (a typo in a label, or a workload that is gone).
export const networkpolicySelectsNoPods: PostureCheck = {
  id: 'networkpolicy-selects-no-pods',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('NetworkPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    if (ctx.snap.k8s.networkPolicies.length === 0) return [];
    const lacking = ctx.lacking(['Pod']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const findings: CheckFinding[] = [];
    for (const np of ctx.snap.k8s.networkPolicies) {
      const ns = np.metadata.namespace ?? 'default';
      const matches = compileSelector(np.spec?.podSelector);
      if ((ctx.k8s.podsByNamespace.get(ns) ?? []).some((p) => !p.spec?.hostNetwork && matches(p.metadata.labels ?? {}))) continue;
      findings.push({
        id: this.id,
        object: `NetworkPolicy/${ns}/${np.metadata.name}`,
        summary: `NetworkPolicy ${ns}/${np.metadata.name} selects no running pod in ${ns}, so it protects nothing — check its podSelector against the pods' labels (Kubernetes: Network Policies).`,
        fix: `kubectl get pods -n ${ns} --show-labels, then fix spec.podSelector (kubectl edit networkpolicy -n ${ns} ${np.metadata.name}) or delete the policy if its workload is gone (kubectl delete networkpolicy -n ${ns} ${np.metadata.name})`,
      });
    }
    return findings;
  },
};
