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
    const enforcement = buildNetpolEngine(ctx.snap, ctx.k8s).enforcement;
    if (enforcement.enforced) return [];
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
