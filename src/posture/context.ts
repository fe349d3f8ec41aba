import type { NetworkInterface, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import type { Container, Workload } from '../model/k8s';
import type { Snapshot } from '../model/snapshot';
import { Cidr, parseAddress } from '../model/cidr';
import { buildK8sIndex, type K8sIndex } from '../model/cluster-index';

/** A node as posture sees it: where it sits in the VPC. */
export interface NodePlacement {
  name: string;
  instanceId?: string;
  subnetId?: string;
  /** The node's primary private IPv4 (InternalIP, or its primary ENI's). */
  privateIp?: string;
  /** A public IPv4 on the node (its primary ENI's association, or an ExternalIP address). */
  publicIp?: string;
  /** Security groups of the node's primary ENI (the "node security group" of the EKS docs). */
  groupIds: string[];
}

const KUBE_SYSTEM = 'kube-system';

function normaliseResource(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/ies$/, 'y')
    .replace(/s$/, '');
}

/**
 * What the checks share: the snapshot and indexes built on first use. Pure: nothing here reads
 * anything but the snapshot.
 */
export class PostureContext {
  private k8sIndex?: K8sIndex;
  private nodesCache?: NodePlacement[];
  private readonly routeTableBySubnet = new Map<string, RouteTable | undefined>();
  private eniByIp?: Map<string, NetworkInterface>;
  private eniPrefixes?: { cidr: Cidr; eni: NetworkInterface }[];
  readonly subnetsById: Map<string, Subnet>;
  readonly enisById: Map<string, NetworkInterface>;

  constructor(readonly snap: Snapshot) {
    this.subnetsById = new Map(snap.aws.subnets.filter((s) => s.SubnetId).map((s) => [s.SubnetId!, s]));
    this.enisById = new Map(snap.aws.networkInterfaces.filter((e) => e.NetworkInterfaceId).map((e) => [e.NetworkInterfaceId!, e]));
  }

  get clusterName(): string {
    return this.snap.aws.cluster?.name ?? this.snap.collection.cluster ?? 'cluster';
  }

  get vpcId(): string | undefined {
    return this.snap.aws.cluster?.resourcesVpcConfig?.vpcId;
  }

  get k8s(): K8sIndex {
    return (this.k8sIndex ??= buildK8sIndex(this.snap));
  }

  /**
   * Why the named resources (AWS result keys such as `RouteTables`, or Kubernetes kinds such as `Pod`)
   * are unusable: the collection could not read them, or the snapshot holds none. Undefined when all are there.
   */
  lacking(resources: string[]): string | undefined {
    const reasons: string[] = [];
    for (const r of resources) {
      const failed = this.snap.collection.missing.find((m) => normaliseResource(m.resource) === normaliseResource(r));
      if (failed) reasons.push(`${r} could not be collected (${failed.reason})`);
      else if (!this.snap.present.has(r as never)) reasons.push(`the snapshot holds no ${r}`);
    }
    return reasons.length ? reasons.join('; ') : undefined;
  }

  /** The collection's reason when it could not read `resource` (a Kubernetes kind or AWS key); undefined otherwise. */
  collectionFailed(resource: string): string | undefined {
    const failed = this.snap.collection.missing.find((m) => normaliseResource(m.resource) === normaliseResource(resource));
    return failed ? `${resource} could not be collected (${failed.reason})` : undefined;
  }

  /** The subnet's route table: its explicit association, else its VPC's main table (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html). */
  routeTableFor(subnetId: string): RouteTable | undefined {
    if (this.routeTableBySubnet.has(subnetId)) return this.routeTableBySubnet.get(subnetId);
    let table = this.snap.aws.routeTables.find((t) => (t.Associations ?? []).some((a) => a.SubnetId === subnetId));
    if (!table) {
      const vpcId = this.subnetsById.get(subnetId)?.VpcId;
      table = this.snap.aws.routeTables.find(
        (t) => (!vpcId || t.VpcId === vpcId) && (t.Associations ?? []).some((a) => a.Main === true),
      );
    }
    this.routeTableBySubnet.set(subnetId, table);
    return table;
  }

  /**
   * A public subnet has a route to an internet gateway; undefined when its route table is unknown.
   * https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html#subnet-types
   */
  isPublicSubnet(subnetId: string): boolean | undefined {
    const table = this.routeTableFor(subnetId);
    if (!table) return undefined;
    return (table.Routes ?? []).some((r) => r.GatewayId?.startsWith('igw-') && r.State !== 'blackhole');
  }

  /** The subnet that contains the address (by CIDR), for nodes whose ENI is not in the snapshot. */
  subnetContaining(ip: string): string | undefined {
    const a = parseAddress(ip);
    if (!a) return undefined;
    for (const s of this.snap.aws.subnets) {
      const blocks = [s.CidrBlock, ...(s.Ipv6CidrBlockAssociationSet ?? []).map((b) => b.Ipv6CidrBlock)];
      if (blocks.some((b) => Cidr.tryParse(b)?.contains(a))) return s.SubnetId;
    }
    return undefined;
  }

  /** Every Node, placed by its primary ENI (providerID → instance → device index 0), else by InternalIP. */
  get nodes(): NodePlacement[] {
    if (this.nodesCache) return this.nodesCache;
    const primaryByInstance = new Map<string, NetworkInterface>();
    for (const e of this.snap.aws.networkInterfaces) {
      if (e.Attachment?.InstanceId && e.Attachment.DeviceIndex === 0) primaryByInstance.set(e.Attachment.InstanceId, e);
    }
    this.nodesCache = this.snap.k8s.nodes.map((n) => {
      const instanceId = n.spec?.providerID?.split('/').pop() || undefined;
      const internal = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      const external = n.status?.addresses?.find((a) => a.type === 'ExternalIP')?.address;
      let eni = instanceId ? primaryByInstance.get(instanceId) : undefined;
      if (!eni && internal) eni = this.snap.aws.networkInterfaces.find((e) => e.PrivateIpAddress === internal && e.InterfaceType !== 'branch');
      const privateIp = eni?.PrivateIpAddress ?? internal;
      const publicIp =
        eni?.PrivateIpAddresses?.find((p) => p.PrivateIpAddress === privateIp)?.Association?.PublicIp ?? eni?.Association?.PublicIp ?? external;
      return {
        name: n.metadata.name,
        instanceId,
        subnetId: eni?.SubnetId ?? (privateIp ? this.subnetContaining(privateIp) : undefined),
        privateIp,
        publicIp,
        groupIds: (eni?.Groups ?? []).map((g) => g.GroupId).filter((g): g is string => !!g),
      };
    });
    return this.nodesCache;
  }

  /** The ENI that holds the address: as a private IP or IPv6 address, or inside an assigned prefix (CONTRACT §1). */
  eniHolding(ip: string): NetworkInterface | undefined {
    if (!this.eniByIp || !this.eniPrefixes) {
      this.eniByIp = new Map();
      this.eniPrefixes = [];
      for (const e of this.snap.aws.networkInterfaces) {
        const ips = [e.PrivateIpAddress, ...(e.PrivateIpAddresses ?? []).map((p) => p.PrivateIpAddress), ...(e.Ipv6Addresses ?? []).map((p) => p.Ipv6Address)];
        for (const a of ips) if (a) this.eniByIp.set(canonical(a), e);
        for (const p of [...(e.Ipv4Prefixes ?? []).map((x) => x.Ipv4Prefix), ...(e.Ipv6Prefixes ?? []).map((x) => x.Ipv6Prefix)]) {
          const cidr = Cidr.tryParse(p);
          if (cidr) this.eniPrefixes.push({ cidr, eni: e });
        }
      }
    }
    const direct = this.eniByIp.get(canonical(ip));
    if (direct) return direct;
    const a = parseAddress(ip);
    return a ? this.eniPrefixes.find((p) => p.cidr.contains(a))?.eni : undefined;
  }

  /** kube-system/aws-node, the VPC CNI's DaemonSet, if the snapshot holds it. */
  get awsNode(): Workload | undefined {
    return this.snap.k8s.daemonSets.find((d) => d.metadata.name === 'aws-node' && (d.metadata.namespace ?? 'default') === KUBE_SYSTEM);
  }

  /** An environment variable of aws-node's `aws-node` container; undefined when unset or the DaemonSet is absent. */
  cniEnv(name: string): string | undefined {
    const containers: Container[] = this.awsNode?.spec?.template?.spec?.containers ?? [];
    const container = containers.find((c) => c.name === 'aws-node') ?? containers[0];
    return container?.env?.find((e) => e.name === name)?.value;
  }
}

/** One spelling per address (IPv6 has many). */
function canonical(ip: string): string {
  const a = parseAddress(ip);
  return a ? `${a.family}:${a.value.toString(16)}` : ip;
}
