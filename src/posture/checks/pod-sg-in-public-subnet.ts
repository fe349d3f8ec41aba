import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// "Pods with assigned security groups deployed to public subnets are not able to access the internet" in strict
// mode (POD_SECURITY_GROUP_ENFORCING_MODE unset or strict): their traffic is not SNATed and leaves from the branch
// ENI's private IP (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html;
// https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md#pod_security_group_enforcing_mode-v1110).
export const podSgInPublicSubnet: PostureCheck = {
  id: 'pod-sg-in-public-subnet',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['NetworkInterfaces', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    if (ctx.cni.podSecurityGroupMode === 'standard') return [];
    const bySubnet = new Map<string, string[]>();
    for (const e of ctx.snap.aws.networkInterfaces) {
      if (e.InterfaceType !== 'branch' || !e.SubnetId || !e.NetworkInterfaceId) continue;
      if (ctx.isPublicSubnet(e.SubnetId) !== true) continue;
      bySubnet.set(e.SubnetId, [...(bySubnet.get(e.SubnetId) ?? []), e.NetworkInterfaceId]);
    }
    return [...bySubnet].map(([subnetId, enis]) => ({
      id: this.id,
      object: subnetId,
      summary: `${enis.length} pod(s) with their own security groups (branch ENIs ${listSome(enis)}) run in ${subnetId}, a public subnet; in strict mode their traffic is not SNATed, so they cannot reach the internet (Amazon EKS User Guide: security groups for pods).`,
      fix: `Run pods with security groups on nodes in private subnets behind a NAT gateway, or switch to standard mode: kubectl set env daemonset aws-node -n kube-system POD_SECURITY_GROUP_ENFORCING_MODE=standard`,
    }));
  },
};
