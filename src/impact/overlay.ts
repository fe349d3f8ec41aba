import type { NetworkInterface } from '@aws-sdk/client-ec2';
import type { K8sObject, Pod, SecurityGroupPolicy } from '../model/k8s';
import type { Snapshot } from '../model/snapshot';
import { compileSelector } from '../resolve/selector';
import { podIps } from '../model/cluster-index';
import { BadInputError } from '../util/errors';

/**
 * How a proposal says an object goes away: the annotation `eksnet.io/delete: "true"` on a Kubernetes
 * object, or the tag `eksnet.io/delete` = `true` on an AWS object (SecurityGroups, NetworkAcls,
 * RouteTables, ...), written in the object's usual shape. Removing one rule, entry or route is done by
 * giving the whole object without it (the same object replaces the old one).
 */
export const DELETE_MARK = 'eksnet.io/delete';

/**
 * Is `after` a whole snapshot (compared as it is) or a set of proposed manifests (applied over
 * `--before`)? A snapshot of a cluster holds its Pods or its network interfaces, or the collection
 * document eksnet writes; proposed manifests (NetworkPolicies, SecurityGroupPolicies, Services,
 * aws-CLI-shaped SecurityGroups/NetworkAcls/RouteTables) hold none of these.
 */
export function isProposal(after: Snapshot): boolean {
  const whole = after.k8s.pods.length > 0 || after.aws.networkInterfaces.length > 0 || after.present.has('Pod') || after.present.has('NetworkInterfaces');
  return !whole && after.collection.collectedAt === undefined && after.collection.cluster === undefined;
}

function marked(o: { metadata?: { annotations?: Record<string, string> }; Tags?: { Key?: string; Value?: string }[] }): boolean {
  if (o.metadata?.annotations?.[DELETE_MARK] === 'true') return true;
  return (o.Tags ?? []).some((t) => t.Key === DELETE_MARK && t.Value === 'true');
}

function k8sKey(o: K8sObject): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
}

/** Replace objects with the same key, add new ones, drop those marked for deletion (which must exist). */
function merge<T>(base: T[], proposed: T[], key: (t: T) => string | undefined, what: (t: T) => string): T[] {
  const out = new Map<string, T>();
  const unkeyed: T[] = [];
  for (const o of base) {
    const k = key(o);
    if (k === undefined) unkeyed.push(o);
    else out.set(k, o);
  }
  for (const o of proposed) {
    const k = key(o);
    if (k === undefined) throw new BadInputError(`proposed ${what(o)} has no id, so it cannot be matched with --before`);
    if (marked(o as never)) {
      if (!out.delete(k)) throw new BadInputError(`proposed deletion of ${what(o)}: --before holds no such object`);
      continue;
    }
    out.set(k, o);
  }
  return [...unkeyed, ...out.values()];
}

/**
 * The after-state of a proposal: `before` with every proposed object applied (same kind and
 * namespace/name, or same AWS id → replaced; new → added; marked → removed). Proposed
 * SecurityGroupPolicies are modelled as rolled out: pods they select get their groups on a branch
 * ENI, pods no longer selected fall back to their node's groups.
 */
export function applyProposal(before: Snapshot, proposal: Snapshot, source: string): Snapshot {
  const k8s = { ...before.k8s };
  for (const list of Object.keys(k8s) as (keyof Snapshot['k8s'])[]) {
    const kind = (o: K8sObject) => `${o.kind} ${k8sKey(o)}`;
    (k8s[list] as K8sObject[]) = merge(before.k8s[list] as K8sObject[], proposal.k8s[list] as K8sObject[], k8sKey, kind);
  }
  const a = before.aws;
  const p = proposal.aws;
  const aws: Snapshot['aws'] = {
    ...a,
    securityGroups: merge(a.securityGroups, p.securityGroups, (o) => o.GroupId, (o) => `security group ${o.GroupId ?? ''}`),
    networkAcls: merge(a.networkAcls, p.networkAcls, (o) => o.NetworkAclId, (o) => `network ACL ${o.NetworkAclId ?? ''}`),
    subnets: merge(a.subnets, p.subnets, (o) => o.SubnetId, (o) => `subnet ${o.SubnetId ?? ''}`),
    routeTables: merge(a.routeTables, p.routeTables, (o) => o.RouteTableId, (o) => `route table ${o.RouteTableId ?? ''}`),
    networkInterfaces: merge(a.networkInterfaces, p.networkInterfaces, (o) => o.NetworkInterfaceId, (o) => `network interface ${o.NetworkInterfaceId ?? ''}`),
    vpcs: merge(a.vpcs, p.vpcs, (o) => o.VpcId, (o) => `VPC ${o.VpcId ?? ''}`),
    instances: merge(a.instances, p.instances, (o) => o.InstanceId, (o) => `instance ${o.InstanceId ?? ''}`),
    natGateways: merge(a.natGateways, p.natGateways, (o) => o.NatGatewayId, (o) => `NAT gateway ${o.NatGatewayId ?? ''}`),
    internetGateways: merge(a.internetGateways, p.internetGateways, (o) => o.InternetGatewayId, (o) => `internet gateway ${o.InternetGatewayId ?? ''}`),
    egressOnlyInternetGateways: merge(a.egressOnlyInternetGateways, p.egressOnlyInternetGateways, (o) => o.EgressOnlyInternetGatewayId, (o) => `egress-only internet gateway ${o.EgressOnlyInternetGatewayId ?? ''}`),
    prefixLists: merge(a.prefixLists, p.prefixLists, (o) => o.PrefixListId, (o) => `prefix list ${o.PrefixListId ?? ''}`),
    prefixListEntries: { ...a.prefixListEntries, ...p.prefixListEntries },
    cluster: p.cluster ?? a.cluster,
    addons: merge(a.addons, p.addons, (o) => o.addonName, (o) => `add-on ${o.addonName ?? ''}`),
  };
  const after: Snapshot = {
    ...before,
    source,
    k8s,
    aws,
    present: new Set([...before.present, ...proposal.present]),
    warnings: [...proposal.warnings],
  };
  if (proposal.k8s.securityGroupPolicies.length > 0) rollOutSecurityGroupPolicies(before, after);
  return after;
}

const POD_ENI = 'vpc.amazonaws.com/pod-eni';

function selects(sgp: SecurityGroupPolicy, pod: Pod, saLabels: (pod: Pod) => Record<string, string> | undefined): boolean {
  if ((sgp.metadata.namespace ?? 'default') !== (pod.metadata.namespace ?? 'default')) return false;
  const spec = sgp.spec ?? {};
  if (!spec.podSelector && !spec.serviceAccountSelector) return false;
  if (spec.podSelector && !compileSelector(spec.podSelector)(pod.metadata.labels)) return false;
  if (spec.serviceAccountSelector && !compileSelector(spec.serviceAccountSelector)(saLabels(pod))) return false;
  return true;
}

/**
 * Security groups for pods: a pod matching a SecurityGroupPolicy gets a branch ENI with the policy's
 * groups when it is scheduled (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html).
 * The proposal is judged as rolled out: every pod whose groups would differ is treated as rescheduled.
 */
function rollOutSecurityGroupPolicies(before: Snapshot, after: Snapshot): void {
  const sa = new Map(after.k8s.serviceAccounts.map((s) => [`${s.metadata.namespace ?? 'default'}/${s.metadata.name}`, s.metadata.labels ?? {}]));
  const saLabels = (pod: Pod) => sa.get(`${pod.metadata.namespace ?? 'default'}/${pod.spec?.serviceAccountName ?? 'default'}`);
  const groupsFor = (policies: SecurityGroupPolicy[], pod: Pod): string[] =>
    [...new Set(policies.filter((p) => selects(p, pod, saLabels)).flatMap((p) => p.spec?.securityGroups?.groupIds ?? []))].sort();
  const enis = new Map(after.aws.networkInterfaces.map((e) => [e.NetworkInterfaceId ?? '', e]));
  const eniByIp = new Map<string, NetworkInterface>();
  for (const e of after.aws.networkInterfaces) for (const ip of e.PrivateIpAddresses ?? []) if (ip.PrivateIpAddress) eniByIp.set(ip.PrivateIpAddress, e);
  const nodeGroups = (pod: Pod): string[] | undefined => {
    const node = after.k8s.nodes.find((n) => n.metadata.name === pod.spec?.nodeName);
    const ip = node?.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const eni = ip ? eniByIp.get(ip) : undefined;
    return eni?.Groups?.map((g) => g.GroupId ?? '').filter(Boolean);
  };
  const pods: Pod[] = [];
  const replaced = new Map<string, NetworkInterface>();
  for (const pod of after.k8s.pods) {
    if (pod.spec?.hostNetwork) {
      pods.push(pod);
      continue;
    }
    const was = groupsFor(before.k8s.securityGroupPolicies, pod);
    const now = groupsFor(after.k8s.securityGroupPolicies, pod);
    if (was.join(',') === now.join(',')) {
      pods.push(pod);
      continue;
    }
    const annotated = branchEniId(pod);
    const ip = podIps(pod).find((i) => !i.includes(':'));
    const branch = annotated ? enis.get(annotated) : ip ? eniByIp.get(ip) : undefined;
    if (now.length === 0) {
      // No policy selects it any more: rescheduled, it uses its node's groups.
      const groups = nodeGroups(pod);
      if (branch && branch.InterfaceType === 'branch' && groups) replaced.set(branch.NetworkInterfaceId!, { ...branch, Groups: groups.map((GroupId) => ({ GroupId })) });
      pods.push(pod);
      continue;
    }
    if (branch && branch.InterfaceType === 'branch') {
      replaced.set(branch.NetworkInterfaceId!, { ...branch, Groups: now.map((GroupId) => ({ GroupId })) });
      pods.push(pod);
      continue;
    }
    // Newly selected: a branch ENI of its own in the subnet it uses now, holding its IP.
    const holder = ip ? eniByIp.get(ip) : undefined;
    if (!ip || !holder) {
      pods.push(pod);
      continue;
    }
    const id = `eni-proposed-${pod.metadata.namespace ?? 'default'}-${pod.metadata.name}`;
    replaced.set(id, {
      NetworkInterfaceId: id,
      InterfaceType: 'branch',
      SubnetId: holder.SubnetId,
      VpcId: holder.VpcId,
      Groups: now.map((GroupId) => ({ GroupId })),
      PrivateIpAddress: ip,
      PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
    });
    pods.push({ ...pod, metadata: { ...pod.metadata, annotations: { ...(pod.metadata.annotations ?? {}), [POD_ENI]: JSON.stringify([{ eniId: id, privateIp: ip }]) } } });
  }
  const kept = after.aws.networkInterfaces.filter((e) => !replaced.has(e.NetworkInterfaceId ?? ''));
  after.aws = { ...after.aws, networkInterfaces: [...kept, ...replaced.values()] };
  after.k8s = { ...after.k8s, pods };
}

function branchEniId(pod: Pod): string | undefined {
  const raw = pod.metadata.annotations?.[POD_ENI];
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { eniId?: string }[];
    return Array.isArray(parsed) ? parsed.find((e) => typeof e?.eniId === 'string')?.eniId : undefined;
  } catch {
    return undefined;
  }
}
