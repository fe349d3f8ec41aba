import type { CheckFinding } from '../pack';
import { parseAddress } from '../../model/cidr';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { podsWithSecurityGroups, probePorts } from '../pods-with-security-groups';
import type { PostureCheck } from '../types';

// A pod with its own security groups (branch ENI) is probed by the kubelet from its node; in strict mode that
// traffic goes through the VPC, so the pod's groups must admit the node security group on the probe ports
// ("add a rule ... to allow inbound traffic from the node security group ... for liveness or readiness probes",
// https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html). In standard mode same-node
// traffic is not enforced by security groups (https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md#pod_security_group_enforcing_mode-v1110).

export const sgpBlocksKubeletProbes: PostureCheck = {
  id: 'sgp-blocks-kubelet-probes',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('SecurityGroupPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const lacking = ctx.lacking(['Pod', 'NetworkInterfaces', 'SecurityGroups']);
    if (lacking) return ctx.snap.k8s.securityGroupPolicies.length ? [notEvaluated(ctx, this.id, lacking)] : [];
    if (ctx.cni.podSecurityGroupMode === 'standard') return [];
    const nodes = new Map(ctx.nodes.map((n) => [n.name, n]));
    const blocked = new Map<string, { groupIds: string[]; nodeGroup?: string; ports: Set<number>; pods: Set<string> }>();
    const unknown: string[] = [];
    for (const { pod, name, eni } of podsWithSecurityGroups(ctx)) {
      const ports = probePorts(pod);
      if (ports.length === 0) continue;
      const node = pod.spec?.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
      const nodeAddress = node?.privateIp ? parseAddress(node.privateIp) : undefined;
      if (!node || !nodeAddress) {
        unknown.push(name);
        continue;
      }
      // The kubelet probes from the node's primary IP, under the node's groups: the engine's ingress evaluator decides.
      const peer = { address: nodeAddress, groups: new Set(node.groupIds) };
      for (const port of ports) {
        const outcome = ctx.securityGroups.evaluate(eni, 'ingress', 6, port, peer);
        if (outcome.verdict === 'allow') continue;
        if (outcome.verdict === 'not-evaluated') {
          unknown.push(name);
          continue;
        }
        const key = eni.groupIds.join(',');
        const entry = blocked.get(key) ?? { groupIds: eni.groupIds, nodeGroup: node.groupIds[0], ports: new Set(), pods: new Set() };
        entry.ports.add(port);
        entry.pods.add(name);
        blocked.set(key, entry);
      }
    }
    const findings: CheckFinding[] = [...blocked.values()].map((b) => {
      const target = b.groupIds[0] ?? 'POD_SECURITY_GROUP';
      const ports = [...b.ports].sort((x, y) => x - y);
      return {
        id: this.id,
        object: target,
        summary: `The security groups of pod(s) ${listSome([...b.pods])} (${b.groupIds.join(', ')}) do not admit the node security group on probe port(s) ${ports.join(', ')}, so the kubelet's liveness/readiness probes fail and the pods are restarted or never become ready (Amazon EKS User Guide: security groups for pods).`,
        fix: ports
          .map((p) => `aws ec2 authorize-security-group-ingress --group-id ${target} --protocol tcp --port ${p} --source-group ${b.nodeGroup ?? 'NODE_SECURITY_GROUP'}`)
          .join(' && '),
      };
    });
    if (unknown.length > 0) findings.push(notEvaluated(ctx, this.id, `the node or security groups of pod(s) ${listSome([...new Set(unknown)])} are not in the snapshot`));
    return findings;
  },
};
