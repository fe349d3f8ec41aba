import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { hasNetworkProbe, podsWithSecurityGroups } from '../pods-with-security-groups';
import type { PostureCheck } from '../types';

// "If you're using liveness or readiness probes, then you also need to disable TCP early demux, so that the kubelet
// can connect to Pods on branch network interfaces using TCP": DISABLE_TCP_EARLY_DEMUX=true on aws-node's
// aws-vpc-cni-init container (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html;
// https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md#disable_tcp_early_demux-v173). For the managed
// add-on the same setting is `init.env.DISABLE_TCP_EARLY_DEMUX` in its configuration values.
export const sgpTcpEarlyDemux: PostureCheck = {
  id: 'sgp-tcp-early-demux',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['Pod', 'NetworkInterfaces']);
    if (lacking) return ctx.snap.k8s.securityGroupPolicies.length ? [notEvaluated(ctx, this.id, lacking)] : [];
    const probed = podsWithSecurityGroups(ctx).filter((p) => hasNetworkProbe(p.pod));
    if (probed.length === 0) return [];
    const setting = ctx.cniSetting('init', 'DISABLE_TCP_EARLY_DEMUX');
    if (setting.source === 'unknown' && !ctx.awsNode && !ctx.snap.aws.addons.some((a) => a.addonName === 'vpc-cni')) {
      return [notEvaluated(ctx, this.id, 'the snapshot holds neither the kube-system/aws-node DaemonSet nor the vpc-cni add-on, so DISABLE_TCP_EARLY_DEMUX is unknown')];
    }
    if (setting.value?.trim().toLowerCase() === 'true') return [];
    const managed = ctx.snap.aws.addons.some((a) => a.addonName === 'vpc-cni');
    const pods = probed.map((p) => p.name);
    return [
      {
        id: this.id,
        object: 'vpc-cni',
        summary: `${pods.length} pod(s) with their own security groups (${listSome(pods)}) have liveness or readiness probes, but aws-node's init container runs with ${setting.value === undefined ? 'DISABLE_TCP_EARLY_DEMUX unset' : `DISABLE_TCP_EARLY_DEMUX=${setting.value}`}, so the kubelet's TCP probes to their branch network interfaces can fail and the pods restart or never become ready (Amazon EKS User Guide: configure the VPC CNI for security groups for pods).`,
        fix: managed
          ? `aws eks update-addon --cluster-name ${ctx.clusterName} --addon-name vpc-cni --configuration-values '{"init":{"env":{"DISABLE_TCP_EARLY_DEMUX":"true"}}}'`
          : `kubectl patch daemonset aws-node -n kube-system -p '{"spec":{"template":{"spec":{"initContainers":[{"env":[{"name":"DISABLE_TCP_EARLY_DEMUX","value":"true"}],"name":"aws-vpc-cni-init"}]}}}}'`,
      },
    ];
  },
};
