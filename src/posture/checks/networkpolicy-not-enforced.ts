import type { CheckFinding } from '../pack';
import { buildNetpolEngine } from '../../engine/netpol/index';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// EKS enforces NetworkPolicy only when an engine runs: the VPC CNI's network policy agent with
// --enable-network-policy=true, or Calico/Cilium (https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html).
// Detection is the netpol engine's (CONTRACT §2 `not-enforced`).
export const networkpolicyNotEnforced: PostureCheck = {
  id: 'networkpolicy-not-enforced',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('NetworkPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const policies = ctx.snap.k8s.networkPolicies;
    if (policies.length === 0) return [];
    const engine = buildNetpolEngine(ctx.snap, ctx.k8s);
    const enforcement = engine.enforcement;
    if (enforcement.enforced) return exemptPodFindings(this.id, engine);
    return [
      {
        id: this.id,
        object: ctx.clusterName,
        summary: `${policies.length} NetworkPolicy object(s) exist but nothing enforces them on ${ctx.clusterName}, so pods are not isolated as the policies say: ${enforcement.reason.replace(/ Enable the VPC CNI network policy agent:.*$/, '')} (Amazon EKS User Guide: network policies).`,
        fix: enforcement.fixCommand ?? 'Enable the VPC CNI network policy agent or install a NetworkPolicy engine such as Calico or Cilium.',
      },
    ];
  },
};

/**
 * Calico runs, but pods with their own security groups in strict mode get no NetworkPolicy ("not subjected to
 * Calico network policy enforcement and are limited to Amazon EC2 security group enforcement only": Amazon EKS
 * User Guide, security groups for pods): one finding per policy that selects such pods, naming them.
 */
function exemptPodFindings(id: string, engine: ReturnType<typeof buildNetpolEngine>): CheckFinding[] {
  const byPolicy = new Map<string, string[]>();
  for (const pod of engine.exemption.pods) {
    const selecting = engine.policiesSelecting(pod);
    for (const policy of new Set([...selecting.ingress, ...selecting.egress].map((p) => p.id))) {
      byPolicy.set(policy, [...(byPolicy.get(policy) ?? []), `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`]);
    }
  }
  return [...byPolicy.entries()]
    .sort(([a], [b]) => a.localeCompare(b))
    .map(([policy, pods]) => ({
      id,
      object: policy,
      summary: `${policy} selects ${pods.length === 1 ? 'pod' : 'pods'} ${pods.slice(0, 5).join(', ')}${pods.length > 5 ? ` and ${pods.length - 5} more` : ''} with their own security groups in strict mode (POD_SECURITY_GROUP_ENFORCING_MODE=strict), which Calico does not enforce NetworkPolicy for: only the pods' security groups apply (Amazon EKS User Guide: security groups for pods).`,
      fix: 'Set POD_SECURITY_GROUP_ENFORCING_MODE=standard on the aws-node DaemonSet (VPC CNI 1.11 or later) so Calico enforces these policies, or express the rules in the pods\' security groups.',
    }));
}
