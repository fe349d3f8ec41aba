import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// With AWS_VPC_K8S_CNI_EXTERNALSNAT=true pods leave the VPC with their own private IP, which has no public IP
// association, so through an internet gateway they cannot reach the internet; external SNAT assumes private
// subnets behind a NAT device (https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html;
// notes aws-network-facts §4). The setting is one object (the vpc-cni add-on's configuration values or the aws-node
// DaemonSet's env), whatever the subnets: it is reported once, and each public subnet with nodes is reported too.
export const externalSnatInPublicSubnet: PostureCheck = {
  id: 'external-snat-in-public-subnet',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['Node', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const setting = ctx.cniSetting('env', 'AWS_VPC_K8S_CNI_EXTERNALSNAT');
    if (setting.source === 'unknown' && !ctx.awsNode) {
      return [notEvaluated(ctx, this.id, 'the snapshot holds no kube-system/aws-node DaemonSet and the vpc-cni add-on sets no AWS_VPC_K8S_CNI_EXTERNALSNAT, so the VPC CNI SNAT setting is unknown')];
    }
    if (setting.value?.trim().toLowerCase() !== 'true') return [];
    const bySubnet = new Map<string, string[]>();
    for (const n of ctx.nodes) {
      if (n.subnetId && ctx.isPublicSubnet(n.subnetId) === true) bySubnet.set(n.subnetId, [...(bySubnet.get(n.subnetId) ?? []), n.name]);
    }
    if (bySubnet.size === 0) return [];
    const managed = ctx.snap.aws.addons.some((a) => a.addonName === 'vpc-cni');
    const fix = managed
      ? `aws eks update-addon --cluster-name ${ctx.clusterName} --addon-name vpc-cni --configuration-values '{"env":{"AWS_VPC_K8S_CNI_EXTERNALSNAT":"false"}}' (or move the nodes to private subnets behind a NAT gateway)`
      : 'kubectl set env daemonset aws-node -n kube-system AWS_VPC_K8S_CNI_EXTERNALSNAT=false (or move the nodes to private subnets behind a NAT gateway)';
    const where = setting.source === 'addon' ? "the vpc-cni add-on's configuration values" : "the aws-node DaemonSet's environment";
    const subnets = [...bySubnet.keys()];
    return [
      {
        id: this.id,
        object: 'vpc-cni',
        summary: `External SNAT is on (AWS_VPC_K8S_CNI_EXTERNALSNAT=true in ${where}), which assumes nodes in private subnets behind a NAT device, but nodes run in ${subnets.length} public subnet(s) (${listSome(subnets)}), where their pods leave with private IPs that the internet gateway cannot translate (Amazon EKS User Guide: external SNAT).`,
        fix,
      },
      ...[...bySubnet].map(([subnetId, nodes]) => ({
        id: this.id,
        object: subnetId,
        summary: `External SNAT is on (AWS_VPC_K8S_CNI_EXTERNALSNAT=true) while node(s) ${listSome(nodes)} run in ${subnetId}, a public subnet, so their pods leave with private IPs that the internet gateway cannot translate and cannot reach the internet (Amazon EKS User Guide: external SNAT).`,
        fix,
      })),
    ];
  },
};
