import type { NetworkInterface } from '@aws-sdk/client-ec2';
import { Cidr, parseAddress } from '../../src/model/cidr';
import type { Pod, Service } from '../../src/model/k8s';
import type { Snapshot } from '../../src/model/snapshot';
import { isFinished, podIps } from '../../src/model/cluster-index';

/**
 * Cross-object checks that a hand-written or generated snapshot is internally consistent: what a real
 * cluster guarantees (a pod IP lives on one ENI of its node's subnet, a node is an instance, ...).
 * Returns every problem found, so a failing test names them all.
 */
export function consistencyProblems(snap: Snapshot): string[] {
  const problems: string[] = [];
  const enis = snap.aws.networkInterfaces;

  const enisByIp = new Map<string, NetworkInterface[]>();
  const prefixes: { cidr: Cidr; eni: NetworkInterface }[] = [];
  for (const eni of enis) {
    for (const p of eni.PrivateIpAddresses ?? []) {
      if (!p.PrivateIpAddress) continue;
      const list = enisByIp.get(p.PrivateIpAddress) ?? [];
      list.push(eni);
      enisByIp.set(p.PrivateIpAddress, list);
    }
    for (const p of eni.Ipv4Prefixes ?? []) if (p.Ipv4Prefix) prefixes.push({ cidr: Cidr.parse(p.Ipv4Prefix), eni });
  }
  for (const [ip, list] of enisByIp) if (list.length > 1) problems.push(`IP ${ip} is held by ${list.length} ENIs`);

  const subnetCidr = new Map(snap.aws.subnets.map((s) => [s.SubnetId!, Cidr.parse(s.CidrBlock!)]));
  const instances = new Map(snap.aws.instances.map((i) => [i.InstanceId!, i]));
  const groupIds = new Set(snap.aws.securityGroups.map((g) => g.GroupId!));

  // ENIs sit in known subnets and carry known groups; their addresses are inside the subnet.
  for (const eni of enis) {
    const cidr = subnetCidr.get(eni.SubnetId ?? '');
    if (!cidr) {
      problems.push(`${eni.NetworkInterfaceId}: unknown subnet ${eni.SubnetId}`);
      continue;
    }
    for (const p of eni.PrivateIpAddresses ?? []) {
      if (!cidr.contains(parseAddress(p.PrivateIpAddress!)!)) problems.push(`${eni.NetworkInterfaceId}: ${p.PrivateIpAddress} outside ${cidr.text}`);
    }
    for (const p of eni.Ipv4Prefixes ?? []) {
      if (!cidr.covers(Cidr.parse(p.Ipv4Prefix!))) problems.push(`${eni.NetworkInterfaceId}: prefix ${p.Ipv4Prefix} outside ${cidr.text}`);
    }
    for (const g of eni.Groups ?? []) if (!groupIds.has(g.GroupId!)) problems.push(`${eni.NetworkInterfaceId}: unknown group ${g.GroupId}`);
  }

  // Security-group references and prefix lists resolve.
  for (const sg of snap.aws.securityGroups) {
    for (const perm of [...(sg.IpPermissions ?? []), ...(sg.IpPermissionsEgress ?? [])]) {
      for (const pair of perm.UserIdGroupPairs ?? []) {
        if (!groupIds.has(pair.GroupId!)) problems.push(`${sg.GroupId}: references unknown group ${pair.GroupId}`);
      }
      for (const pl of perm.PrefixListIds ?? []) {
        if (!snap.aws.prefixListEntries[pl.PrefixListId!]) problems.push(`${sg.GroupId}: prefix list ${pl.PrefixListId} has no entries`);
      }
    }
  }

  // Nodes are instances whose primary ENI (DeviceIndex 0) holds the node's InternalIP.
  const primaryEniOfInstance = new Map<string, NetworkInterface>();
  for (const e of enis) if (e.Attachment?.InstanceId && e.Attachment.DeviceIndex === 0) primaryEniOfInstance.set(e.Attachment.InstanceId, e);
  const primaryEniOfNode = new Map<string, NetworkInterface>();
  for (const node of snap.k8s.nodes) {
    const name = node.metadata.name;
    const instanceId = /^aws:\/\/\/[^/]+\/(i-[0-9a-f]+)$/.exec(node.spec?.providerID ?? '')?.[1];
    if (!instanceId || !instances.has(instanceId)) {
      problems.push(`Node ${name}: providerID ${node.spec?.providerID} names no instance`);
      continue;
    }
    const internalIp = node.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    const primary = primaryEniOfInstance.get(instanceId);
    if (!primary) problems.push(`Node ${name}: no primary ENI for ${instanceId}`);
    else if (primary.PrivateIpAddress !== internalIp) problems.push(`Node ${name}: InternalIP ${internalIp} is not ${primary.PrivateIpAddress}`);
    else primaryEniOfNode.set(name, primary);
  }

  const holders = (ip: string): NetworkInterface[] => {
    const direct = enisByIp.get(ip) ?? [];
    const addr = parseAddress(ip);
    const inPrefix = addr ? prefixes.filter((p) => p.cidr.contains(addr)).map((p) => p.eni) : [];
    return [...direct, ...inPrefix];
  };

  // Every pod runs on a known node; its IP is held by exactly one ENI, in its node's subnet.
  for (const pod of snap.k8s.pods.filter((p) => !isFinished(p))) {
    const key = `${pod.metadata.namespace}/${pod.metadata.name}`;
    const nodeEni = primaryEniOfNode.get(pod.spec.nodeName ?? '');
    if (!nodeEni) {
      problems.push(`Pod ${key}: node ${pod.spec.nodeName} unknown`);
      continue;
    }
    const ips = podIps(pod);
    if (ips.length === 0) problems.push(`Pod ${key}: no IP`);
    for (const ip of ips) {
      const held = holders(ip);
      if (held.length !== 1) {
        problems.push(`Pod ${key}: IP ${ip} held by ${held.length} ENIs`);
        continue;
      }
      const eni = held[0]!;
      if (eni.SubnetId !== nodeEni.SubnetId) problems.push(`Pod ${key}: ENI ${eni.NetworkInterfaceId} not in its node's subnet`);
      if (pod.spec.hostNetwork && eni !== nodeEni) problems.push(`Pod ${key}: hostNetwork IP not the node's primary IP`);
      const branch = branchAnnotation(pod);
      if (branch) {
        if (branch.eniId !== eni.NetworkInterfaceId || eni.InterfaceType !== 'branch') {
          problems.push(`Pod ${key}: pod-eni annotation names ${branch.eniId}, IP is on ${eni.NetworkInterfaceId} (${eni.InterfaceType})`);
        }
      } else if (eni.InterfaceType === 'branch') problems.push(`Pod ${key}: on a branch ENI without the pod-eni annotation`);
    }
  }

  // Services with a selector select pods, and their named target ports resolve on every one of them.
  for (const svc of snap.k8s.services) {
    if (!svc.spec.selector) continue;
    const backing = selectedPods(snap, svc);
    const key = `${svc.metadata.namespace}/${svc.metadata.name}`;
    if (backing.length === 0) problems.push(`Service ${key}: selects no pod`);
    for (const port of svc.spec.ports ?? []) {
      if (typeof port.targetPort !== 'string') continue;
      for (const pod of backing) {
        const declared = pod.spec.containers.some((c) => (c.ports ?? []).some((p) => p.name === port.targetPort));
        if (!declared) problems.push(`Service ${key}: targetPort ${port.targetPort} not declared by ${pod.metadata.name}`);
      }
    }
  }
  return problems;
}

const podsByNamespace = new WeakMap<Snapshot, Map<string, Pod[]>>();

export function selectedPods(snap: Snapshot, svc: Service): Pod[] {
  let index = podsByNamespace.get(snap);
  if (!index) {
    index = new Map();
    for (const p of snap.k8s.pods) {
      const ns = p.metadata.namespace ?? 'default';
      index.set(ns, [...(index.get(ns) ?? []), p]);
    }
    podsByNamespace.set(snap, index);
  }
  const sel = Object.entries(svc.spec.selector ?? {});
  return (index.get(svc.metadata.namespace ?? 'default') ?? []).filter((p) => sel.every(([k, v]) => p.metadata.labels?.[k] === v));
}

function branchAnnotation(pod: Pod): { eniId: string } | undefined {
  const raw = pod.metadata.annotations?.['vpc.amazonaws.com/pod-eni'];
  if (!raw) return undefined;
  const parsed = JSON.parse(raw) as { eniId: string }[];
  return parsed[0];
}
