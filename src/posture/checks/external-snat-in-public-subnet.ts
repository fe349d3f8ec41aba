import type { Finding } from '../../model/result';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// With AWS_VPC_K8S_CNI_EXTERNALSNAT=true pods leave the VPC with their own private IP, which has no public IP
// association, so through an internet gateway they cannot reach the internet; external SNAT suits private
// subnets behind a NAT gateway (https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html;
// notes aws-network-facts §4).
export const externalSnatInPublicSubnet: PostureCheck = {
  id: 'external-snat-in-public-subnet',
  run(ctx: PostureContext): Finding[] {
    const lacking = ctx.lacking(['DaemonSet', 'Node', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    if (!ctx.awsNode) return [notEvaluated(ctx, this.id, 'the snapshot holds no kube-system/aws-node DaemonSet, so the VPC CNI SNAT setting is unknown')];
    if (ctx.cniEnv('AWS_VPC_K8S_CNI_EXTERNALSNAT')?.toLowerCase() !== 'true') return [];
    const bySubnet = new Map<string, string[]>();
    for (const n of ctx.nodes) {
      if (n.subnetId && ctx.isPublicSubnet(n.subnetId) === true) bySubnet.set(n.subnetId, [...(bySubnet.get(n.subnetId) ?? []), n.name]);
    }
    const managed = ctx.snap.aws.addons.some((a) => a.addonName === 'vpc-cni');
    const fix = managed
      ? `aws eks update-addon --cluster-name ${ctx.clusterName} --addon-name vpc-cni --configuration-values '{"env":{"AWS_VPC_K8S_CNI_EXTERNALSNAT":"false"}}' (or move the nodes to private subnets behind a NAT gateway)`
      : 'kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=false (or move the nodes to private subnets behind a NAT gateway)';
    return [...bySubnet].map(([subnetId, nodes]) => ({
      id: this.id,
      severity: 'high',
      object: subnetId,
      summary: `External SNAT is on (AWS_VPC_K8S_CNI_EXTERNALSNAT=true) while node(s) ${listSome(nodes)} run in ${subnetId}, a public subnet, so their pods leave with private IPs that the internet gateway cannot translate and cannot reach the internet (Amazon EKS User Guide: external SNAT).`,
      fix,
    }));
  },
};
