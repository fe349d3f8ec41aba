import type { NetworkInterface, SecurityGroup } from '@aws-sdk/client-ec2';
import type { Container, Pod } from '../../model/k8s';
import type { Finding } from '../../model/result';
import { Cidr, parseAddress } from '../../model/cidr';
import { podIps } from '../../model/cluster-index';
import type { NodePlacement, PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { rulePorts } from '../ip-permissions';
import type { PostureCheck } from '../types';

// A pod with its own security groups (branch ENI) is probed by the kubelet from its node; in strict mode that
// traffic goes through the VPC, so the pod's groups must admit the node security group on the probe ports
// ("add a rule ... to allow inbound traffic from the node security group ... for liveness or readiness probes",
// https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html). In standard mode same-node
// traffic is not enforced by security groups (https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md#pod_security_group_enforcing_mode-v1110).
const POD_ENI_ANNOTATION = 'vpc.amazonaws.com/pod-eni';

export const sgpBlocksKubeletProbes: PostureCheck = {
  id: 'sgp-blocks-kubelet-probes',
  run(ctx: PostureContext): Finding[] {
    const failed = ctx.collectionFailed('SecurityGroupPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const lacking = ctx.lacking(['Pod', 'NetworkInterfaces', 'SecurityGroups']);
    if (lacking) return ctx.snap.k8s.securityGroupPolicies.length ? [notEvaluated(ctx, this.id, lacking)] : [];
    const mode = (ctx.cniEnv('POD_SECURITY_GROUP_ENFORCING_MODE') ?? 'strict').toLowerCase();
    if (mode === 'standard') return [];
    const groups = new Map(ctx.snap.aws.securityGroups.map((g) => [g.GroupId, g]));
    const nodes = new Map(ctx.nodes.map((n) => [n.name, n]));
    const blocked = new Map<string, { groupIds: string[]; nodeGroup?: string; ports: Set<number>; pods: Set<string> }>();
    const unknown: string[] = [];
    for (const pod of ctx.k8s.pods) {
      if (pod.spec?.hostNetwork) continue;
      const eni = branchEni(ctx, pod);
      if (!eni) continue;
      const ports = probePorts(pod);
      if (ports.length === 0) continue;
      const name = `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`;
      const node = pod.spec?.nodeName ? nodes.get(pod.spec.nodeName) : undefined;
      const podGroups = (eni.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g);
      const sgs = podGroups.map((g) => groups.get(g));
      if (!node || (node.groupIds.length === 0 && !node.privateIp) || sgs.some((g) => !g)) {
        unknown.push(name);
        continue;
      }
      for (const port of ports) {
        if (sgs.some((sg) => admitsNode(ctx, sg!, node, port))) continue;
        const key = podGroups.join(',');
        const entry = blocked.get(key) ?? { groupIds: podGroups, nodeGroup: node.groupIds[0], ports: new Set(), pods: new Set() };
        entry.ports.add(port);
        entry.pods.add(name);
        blocked.set(key, entry);
      }
    }
    const findings: Finding[] = [...blocked.values()].map((b) => {
      const target = b.groupIds[0] ?? 'POD_SECURITY_GROUP';
      const ports = [...b.ports].sort((x, y) => x - y);
      return {
        id: this.id,
        severity: 'high',
        object: target,
        summary: `The security groups of pod(s) ${listSome([...b.pods])} (${b.groupIds.join(', ')}) do not admit the node security group on probe port(s) ${ports.join(', ')}, so the kubelet's liveness/readiness probes fail and the pods are restarted or never become ready (Amazon EKS User Guide: security groups for pods).`,
        fix: ports
          .map((p) => `aws ec2 authorize-security-group-ingress --group-id ${target} --protocol tcp --port ${p} --source-group ${b.nodeGroup ?? 'NODE_SECURITY_GROUP'}`)
          .join(' && '),
      };
    });
    if (unknown.length > 0) findings.push(notEvaluated(ctx, this.id, `the node or security groups of pod(s) ${listSome(unknown)} are not in the snapshot`));
    return findings;
  },
};

/** The pod's branch ENI: the one its pod-eni annotation names, or the branch ENI that holds its IP. */
function branchEni(ctx: PostureContext, pod: Pod): NetworkInterface | undefined {
  const raw = pod.metadata.annotations?.[POD_ENI_ANNOTATION];
  if (raw) {
    try {
      const parsed = JSON.parse(raw) as { eniId?: string }[];
      const id = Array.isArray(parsed) ? parsed.find((e) => typeof e?.eniId === 'string')?.eniId : undefined;
      const eni = id ? ctx.enisById.get(id) : undefined;
      if (eni) return eni;
    } catch {
      // not JSON: fall back to the ENI that holds the pod's IP
    }
  }
  const eni = podIps(pod).map((ip) => ctx.eniHolding(ip)).find((e) => e !== undefined);
  return eni?.InterfaceType === 'branch' ? eni : undefined;
}

/** TCP ports the kubelet probes (httpGet, tcpSocket, grpc); named ports resolve on the container. */
export function probePorts(pod: Pod): number[] {
  const ports = new Set<number>();
  for (const c of pod.spec?.containers ?? []) {
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      if (!probe) continue;
      for (const p of [probe.httpGet?.port, probe.tcpSocket?.port, probe.grpc?.port]) {
        const n = resolvePort(c, p);
        if (n !== undefined) ports.add(n);
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

function resolvePort(c: Container, port: number | string | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}

function admitsNode(ctx: PostureContext, sg: SecurityGroup, node: NodePlacement, port: number): boolean {
  const nodeAddr = node.privateIp ? parseAddress(node.privateIp) : undefined;
  return (sg.IpPermissions ?? []).some((p) => {
    const r = rulePorts(p);
    if (!(r.protocol === 'all' || (r.protocol === 'tcp' && r.from <= port && port <= r.to))) return false;
    if ((p.UserIdGroupPairs ?? []).some((pair) => pair.GroupId && node.groupIds.includes(pair.GroupId))) return true;
    if (!nodeAddr) return false;
    const cidrs = [
      ...(p.IpRanges ?? []).map((x) => x.CidrIp),
      ...(p.Ipv6Ranges ?? []).map((x) => x.CidrIpv6),
      ...(p.PrefixListIds ?? []).flatMap((x) => (x.PrefixListId ? (ctx.snap.aws.prefixListEntries[x.PrefixListId] ?? []) : [])),
    ];
    return cidrs.some((c) => Cidr.tryParse(c)?.contains(nodeAddr));
  });
}
