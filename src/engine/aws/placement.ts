import type { NetworkInterface } from '@aws-sdk/client-ec2';
import type { Node, Pod } from '../../model/k8s';
import type { Snapshot } from '../../model/snapshot';
import type { K8sIndex } from '../../model/cluster-index';
import { Cidr, INTERNET_ADDRESS, isPublicAddress, parseAddress, type Address } from '../../model/cidr';
import type { Endpoint } from '../../model/flow';

/** One network interface, reduced to what the layers read. */
export interface EniInfo {
  id: string;
  subnetId?: string;
  vpcId?: string;
  /** Group ids in the ENI's order. */
  groupIds: string[];
  groupSet: ReadonlySet<string>;
  /** Sorted, joined group ids: the memo key of the ENI's effective rules. */
  groupKey: string;
  isBranch: boolean;
  instanceId?: string;
  deviceIndex?: number;
  /** The ENI's primary private IPv4. */
  primaryIp?: string;
  /** Private IPv4 → the public IPv4 associated with exactly that private IP. */
  publicIps: Map<string, string>;
}

/** Where one end of a flow sits in the VPC. */
export type Side =
  | { kind: 'eni'; label: string; address: Address; eni: EniInfo; vpcId?: string }
  /** Inside the VPC (or unknown) but no ENI in the snapshot holds it: its layers are not evaluated. */
  | { kind: 'unplaced'; label: string; address: Address; reason: string; vpcId?: string }
  | { kind: 'outside'; label: string; address: Address };

export interface EndpointInfo {
  side: Side;
  pod?: Pod;
  nodeName?: string;
  hostNetwork: boolean;
  /** A security-groups-for-pods pod (branch ENI). */
  branch: boolean;
  /** The node as a small id (0: none), set when the AWS engine places the endpoint. */
  nodeId?: number;
  /** The endpoint as the source of a flow it is not SNATed for (built once, see effectiveSource). */
  asItself?: { side: Side; text: string };
}

export function addressKey(a: Address): string {
  return a.family === 4 ? `4:${a.value}` : `6:${a.value.toString(16)}`;
}

interface SubnetInfo {
  id: string;
  vpcId?: string;
  cidrs: Cidr[];
}

const POD_ENI_ANNOTATION = 'vpc.amazonaws.com/pod-eni';

/**
 * IP → ENI → groups / subnet, built once per snapshot. ENIs are indexed by address in a Map;
 * assigned prefixes (prefix delegation, IPv6 /80s) are kept in a list and scanned.
 */
export class PlacementIndex {
  readonly enisById = new Map<string, EniInfo>();
  private readonly enisByIp = new Map<string, EniInfo>();
  private readonly prefixes: { cidr: Cidr; eni: EniInfo }[] = [];
  private readonly primaryEniByInstance = new Map<string, EniInfo>();
  readonly subnetsById = new Map<string, SubnetInfo>();
  private readonly subnets: SubnetInfo[] = [];
  /** VPC id → its IPv4 and IPv6 CIDR blocks. */
  readonly vpcCidrs = new Map<string, Cidr[]>();
  private readonly allVpcCidrs: { cidr: Cidr; vpcId: string }[] = [];
  /** Route 53 Resolver addresses (VPC primary CIDR base + 2, and 169.254.169.253). */
  private readonly resolvers = new Set<string>();
  /** The IPv4 resolvers by value (asked per flow; no key text built). */
  private readonly resolvers4 = new Set<number>();
  private readonly nodesByName = new Map<string, Node>();
  private readonly nodeNameByIp = new Map<string, string>();

  constructor(
    snap: Snapshot,
    private readonly k8s: K8sIndex,
  ) {
    for (const raw of snap.aws.networkInterfaces) this.addEni(raw);
    for (const s of snap.aws.subnets) {
      if (!s.SubnetId) continue;
      const cidrs = [s.CidrBlock, ...(s.Ipv6CidrBlockAssociationSet ?? []).map((a) => a.Ipv6CidrBlock)]
        .map((c) => Cidr.tryParse(c))
        .filter((c): c is Cidr => c !== undefined);
      const info = { id: s.SubnetId, vpcId: s.VpcId, cidrs };
      this.subnetsById.set(s.SubnetId, info);
      this.subnets.push(info);
    }
    for (const v of snap.aws.vpcs) {
      if (!v.VpcId) continue;
      const texts = new Set<string>();
      if (v.CidrBlock) texts.add(v.CidrBlock);
      for (const a of v.CidrBlockAssociationSet ?? []) {
        if (a.CidrBlock && !/disassociat|failed/i.test(a.CidrBlockState?.State ?? '')) texts.add(a.CidrBlock);
      }
      for (const a of v.Ipv6CidrBlockAssociationSet ?? []) {
        if (a.Ipv6CidrBlock && !/disassociat|failed/i.test(a.Ipv6CidrBlockState?.State ?? '')) texts.add(a.Ipv6CidrBlock);
      }
      const cidrs = [...texts].map((t) => Cidr.tryParse(t)).filter((c): c is Cidr => c !== undefined);
      this.vpcCidrs.set(v.VpcId, cidrs);
      for (const cidr of cidrs) this.allVpcCidrs.push({ cidr, vpcId: v.VpcId });
      const primary = Cidr.tryParse(v.CidrBlock);
      if (primary && primary.family === 4) this.addResolver(plusTwo(primary));
    }
    // Without describe-vpcs, the subnets' blocks are the best evidence of what is inside a VPC.
    if (this.allVpcCidrs.length === 0) {
      for (const s of this.subnets) {
        if (!s.vpcId) continue;
        for (const cidr of s.cidrs) {
          this.allVpcCidrs.push({ cidr, vpcId: s.vpcId });
          const list = this.vpcCidrs.get(s.vpcId) ?? [];
          list.push(cidr);
          this.vpcCidrs.set(s.vpcId, list);
        }
      }
    }
    const linkLocalResolver = parseAddress('169.254.169.253');
    if (linkLocalResolver) this.addResolver(linkLocalResolver);
    for (const n of snap.k8s.nodes) {
      this.nodesByName.set(n.metadata.name, n);
      for (const a of n.status?.addresses ?? []) {
        if (a.type !== 'InternalIP') continue;
        const addr = parseAddress(a.address);
        if (addr) this.nodeNameByIp.set(addressKey(addr), n.metadata.name);
      }
    }
  }

  private addEni(raw: NetworkInterface): void {
    if (!raw.NetworkInterfaceId) return;
    const groupIds = (raw.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g);
    const publicIps = new Map<string, string>();
    for (const p of raw.PrivateIpAddresses ?? []) {
      if (p.PrivateIpAddress && p.Association?.PublicIp) publicIps.set(p.PrivateIpAddress, p.Association.PublicIp);
    }
    if (raw.PrivateIpAddress && raw.Association?.PublicIp && !publicIps.has(raw.PrivateIpAddress)) {
      publicIps.set(raw.PrivateIpAddress, raw.Association.PublicIp);
    }
    const eni: EniInfo = {
      id: raw.NetworkInterfaceId,
      subnetId: raw.SubnetId,
      vpcId: raw.VpcId,
      groupIds,
      groupSet: new Set(groupIds),
      groupKey: [...new Set(groupIds)].sort().join(','),
      isBranch: raw.InterfaceType === 'branch',
      instanceId: raw.Attachment?.InstanceId,
      deviceIndex: raw.Attachment?.DeviceIndex,
      primaryIp: raw.PrivateIpAddress ?? raw.PrivateIpAddresses?.find((p) => p.Primary)?.PrivateIpAddress,
      publicIps,
    };
    this.enisById.set(eni.id, eni);
    const ips = [
      raw.PrivateIpAddress,
      ...(raw.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress),
      ...(raw.Ipv6Addresses ?? []).map((p) => p.Ipv6Address),
    ];
    for (const ip of ips) {
      const a = ip ? parseAddress(ip) : undefined;
      if (a) this.enisByIp.set(addressKey(a), eni);
    }
    for (const p of [...(raw.Ipv4Prefixes ?? []).map((x) => x.Ipv4Prefix), ...(raw.Ipv6Prefixes ?? []).map((x) => x.Ipv6Prefix)]) {
      const cidr = Cidr.tryParse(p);
      if (cidr) this.prefixes.push({ cidr, eni });
    }
    if (eni.instanceId && eni.deviceIndex === 0) this.primaryEniByInstance.set(eni.instanceId, eni);
  }

  eniHolding(a: Address): EniInfo | undefined {
    if (a === INTERNET_ADDRESS) return undefined;
    const direct = this.enisByIp.get(addressKey(a));
    if (direct) return direct;
    for (const p of this.prefixes) if (p.cidr.contains(a)) return p.eni;
    return undefined;
  }

  /** The VPC whose CIDR blocks contain the address, if any. */
  vpcOf(a: Address): string | undefined {
    if (a === INTERNET_ADDRESS) return undefined;
    for (const v of this.allVpcCidrs) if (v.cidr.contains(a)) return v.vpcId;
    return undefined;
  }

  inVpc(a: Address, vpcId: string | undefined): boolean {
    if (a === INTERNET_ADDRESS || !vpcId) return false;
    return (this.vpcCidrs.get(vpcId) ?? []).some((c) => c.contains(a));
  }

  subnetOfAddress(a: Address): SubnetInfo | undefined {
    if (a === INTERNET_ADDRESS) return undefined;
    for (const s of this.subnets) if (s.cidrs.some((c) => c.contains(a))) return s;
    return undefined;
  }

  /** The subnet's CIDR block of the address's family (used to write NACL fixes). */
  subnetCidrFor(subnetId: string | undefined, family: 4 | 6): string | undefined {
    const s = subnetId ? this.subnetsById.get(subnetId) : undefined;
    return s?.cidrs.find((c) => c.family === family)?.text;
  }

  isResolver(a: Address): boolean {
    if (a === INTERNET_ADDRESS) return false;
    return a.family === 4 ? this.resolvers4.has(a.value) : this.resolvers.has(addressKey(a));
  }

  private addResolver(a: Address): void {
    if (a.family === 4) this.resolvers4.add(a.value);
    else this.resolvers.add(addressKey(a));
  }

  /** The node's primary ENI (device index 0): from the ENI's instance, the Node's providerID, or its InternalIP. */
  nodePrimaryEni(nodeName: string | undefined, podEni: EniInfo | undefined): EniInfo | undefined {
    if (podEni?.instanceId && !podEni.isBranch) {
      const byInstance = this.primaryEniByInstance.get(podEni.instanceId);
      if (byInstance) return byInstance;
    }
    const node = nodeName ? this.nodesByName.get(nodeName) : undefined;
    const instanceId = node?.spec?.providerID?.split('/').pop();
    if (instanceId) {
      const byInstance = this.primaryEniByInstance.get(instanceId);
      if (byInstance) return byInstance;
    }
    for (const a of node?.status?.addresses ?? []) {
      if (a.type !== 'InternalIP') continue;
      const addr = parseAddress(a.address);
      const eni = addr ? this.enisByIp.get(addressKey(addr)) : undefined;
      if (eni && !eni.isBranch) return eni;
    }
    return undefined;
  }

  /** Place one end of a flow: its pod, node, ENI (or why none), and whether it is outside the VPC. */
  place(ep: Endpoint): EndpointInfo {
    const address = ep.address;
    const pod = ep.pod ?? (address === INTERNET_ADDRESS ? undefined : this.k8s.podAt(address.text));
    const hostNetwork = ep.hostNetwork ?? pod?.spec?.hostNetwork ?? false;
    const nodeName =
      ep.nodeName ?? pod?.spec?.nodeName ?? (address === INTERNET_ADDRESS ? undefined : this.nodeNameByIp.get(addressKey(address)));
    const annotated = !hostNetwork ? podEniAnnotation(pod) : undefined;
    let eni = annotated ? this.enisById.get(annotated) : undefined;
    if (!eni) eni = this.eniHolding(address);
    const branch = !hostNetwork && (annotated !== undefined || eni?.isBranch === true);
    const base = { pod, nodeName, hostNetwork, branch };
    if (eni) return { ...base, side: { kind: 'eni', label: ep.label, address, eni, vpcId: eni.vpcId ?? this.vpcOf(address) } };
    const vpcId = this.vpcOf(address);
    const knowsVpc = this.allVpcCidrs.length > 0;
    const outside = knowsVpc ? !vpcId : !pod && isPublicAddress(address);
    if (address === INTERNET_ADDRESS || outside) {
      return { ...base, side: { kind: 'outside', label: ep.label, address } };
    }
    let reason = `No network interface in the snapshot holds ${address.text}`;
    if (annotated) reason += ` (the pod's ${POD_ENI_ANNOTATION} annotation names ${annotated}, which is not in the snapshot either)`;
    reason += ', so this layer could not be checked.';
    return { ...base, side: { kind: 'unplaced', label: ep.label, address, reason, vpcId } };
  }
}

function plusTwo(c: Cidr): Address {
  const a = parseAddress(c.text.split('/')[0]!)!;
  const masked = a.family === 4 ? (((a.value >>> (32 - c.prefix)) << (32 - c.prefix)) >>> 0) : 0;
  const value = c.prefix === 0 ? 2 : (masked + 2) >>> 0;
  const text = [value >>> 24, (value >>> 16) & 255, (value >>> 8) & 255, value & 255].join('.');
  return { family: 4, value, text };
}

/** The branch ENI id from `vpc.amazonaws.com/pod-eni` (notes §5), if the pod carries one. */
function podEniAnnotation(pod: Pod | undefined): string | undefined {
  const raw = pod?.metadata?.annotations?.[POD_ENI_ANNOTATION];
  if (!raw) return undefined;
  try {
    const parsed = JSON.parse(raw) as { eniId?: string }[];
    const id = Array.isArray(parsed) ? parsed.find((e) => typeof e?.eniId === 'string')?.eniId : undefined;
    return id;
  } catch {
    return undefined;
  }
}
