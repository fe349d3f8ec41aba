import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Security groups for pods need ENABLE_POD_ENI=true on the aws-node DaemonSet; without it no trunk ENI is
// attached and SecurityGroupPolicies have no effect (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html).
export const sgpWithoutPodEni: PostureCheck = {
  id: 'sgp-without-pod-eni',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('SecurityGroupPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const policies = ctx.snap.k8s.securityGroupPolicies;
    if (policies.length === 0) return [];
    if (!ctx.awsNode) {
      return [notEvaluated(ctx, this.id, 'the snapshot holds no kube-system/aws-node DaemonSet, so ENABLE_POD_ENI is unknown')];
    }
    const value = ctx.cniEnv('ENABLE_POD_ENI');
    if (value?.toLowerCase() === 'true') return [];
    const managed = ctx.snap.aws.addons.some((a) => a.addonName === 'vpc-cni');
    return [
      {
        id: this.id,
        object: 'vpc-cni',
        summary: `${policies.length} SecurityGroupPolicy object(s) exist but aws-node runs with ${value === undefined ? 'ENABLE_POD_ENI unset' : `ENABLE_POD_ENI=${value}`}, so no pod gets its own security groups and the policies have no effect (Amazon EKS User Guide: configure security groups for pods).`,
        fix: managed
          ? `aws eks update-addon --cluster-name ${ctx.clusterName} --addon-name vpc-cni --configuration-values '{"env":{"ENABLE_POD_ENI":"true"}}' (the cluster role also needs AmazonEKSVPCResourceController)`
          : 'kubectl set env daemonset aws-node -n kube-system ENABLE_POD_ENI=true (the cluster role also needs AmazonEKSVPCResourceController)',
      },
    ];
  },
};
