import type { CheckFinding } from '../pack';
import { podIps } from '../../model/cluster-index';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Pods whose own ENI sits in a public subnet other than a node subnet (custom networking ENIConfig subnets,
// security-group branch ENIs): https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html and
// https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html (keep pods in private subnets).
// Pods in the same public subnet as their node are already reported by node-in-public-subnet.
export const podInPublicSubnet: PostureCheck = {
  id: 'pod-in-public-subnet',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['Pod', 'NetworkInterfaces', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const nodeSubnets = new Set(ctx.nodes.map((n) => n.subnetId).filter((s): s is string => !!s));
    const bySubnet = new Map<string, string[]>();
    for (const pod of ctx.k8s.pods) {
      if (pod.spec?.hostNetwork) continue;
      const eni = podIps(pod).map((ip) => ctx.eniHolding(ip)).find((e) => e !== undefined);
      const subnetId = eni?.subnetId;
      if (!subnetId || nodeSubnets.has(subnetId) || ctx.isPublicSubnet(subnetId) !== true) continue;
      const list = bySubnet.get(subnetId) ?? [];
      list.push(`${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`);
      bySubnet.set(subnetId, list);
    }
    return [...bySubnet].map(([subnetId, pods]) => ({
      id: this.id,
      object: subnetId,
      summary: `${pods.length} pod(s) (${listSome(pods)}) have their network interface in ${subnetId}, a public subnet (it routes to an internet gateway); EKS best practices keep pod subnets private (EKS Best Practices: VPC and subnet considerations).`,
      fix: `Point the ENIConfig (or the node group) for these pods at a private subnet instead of ${subnetId}: kubectl edit eniconfig <name> and set spec.subnet to a private subnet, then recycle the nodes.`,
    }));
  },
};
