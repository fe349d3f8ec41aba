import type { Subnet } from '@aws-sdk/client-ec2';
import type { Container, Workload } from '../model/k8s';
import type { Snapshot } from '../model/snapshot';
import { parseAddress } from '../model/cidr';
import { buildK8sIndex, type K8sIndex } from '../model/cluster-index';
import { readCniConfig, type CniConfig } from '../engine/aws/cni-config';
import { NaclIndex } from '../engine/aws/nacl';
import { PlacementIndex, type EniInfo } from '../engine/aws/placement';
import { RouteIndex, type CompiledTable } from '../engine/aws/route';
import { SecurityGroupIndex } from '../engine/aws/security-groups';
import { missingResources } from '../engine/aws/missing';
import { parseConfigurationValues } from '../engine/netpol/enforcement';

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

/** Posture settings (configuration key `posture`). */
export interface PostureOptions {
  /**
   * Ports that may be open to the whole internet on a load balancer's security group (AWS Security Hub EC2.18's
   * `authorizedTcpPorts`, default 80 and 443).
   */
  authorizedPorts: number[];
}

export const DEFAULT_POSTURE_OPTIONS: PostureOptions = { authorizedPorts: [80, 443] };

const KUBE_SYSTEM = 'kube-system';

function normaliseResource(name: string): string {
  return name
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '')
    .replace(/ies$/, 'y')
    .replace(/s$/, '');
}

/**
 * What the checks share: the snapshot and the engine's indexes over it (placement, route tables, NACLs, security
 * groups, VPC CNI settings), built on first use — posture and whoami-reach read the network through one model.
 * Pure: nothing here reads anything but the snapshot.
 */
export class PostureContext {
  private k8sIndex?: K8sIndex;
  private nodesCache?: NodePlacement[];
  private placementIndex?: PlacementIndex;
  private routeIndex?: RouteIndex;
  private naclIndex?: NaclIndex;
  private sgIndex?: SecurityGroupIndex;
  private cniConfig?: CniConfig;
  readonly subnetsById: Map<string, Subnet>;

  constructor(
    readonly snap: Snapshot,
    readonly options: PostureOptions = DEFAULT_POSTURE_OPTIONS,
  ) {
    this.subnetsById = new Map(snap.aws.subnets.filter((s) => s.SubnetId).map((s) => [s.SubnetId!, s]));
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

  /** IP → ENI → groups / subnet, the engine's placement index. */
  get placement(): PlacementIndex {
    return (this.placementIndex ??= new PlacementIndex(this.snap, this.k8s));
  }

  get routes(): RouteIndex {
    return (this.routeIndex ??= new RouteIndex(this.snap));
  }

  get nacls(): NaclIndex {
    return (this.naclIndex ??= new NaclIndex(this.snap));
  }

  get securityGroups(): SecurityGroupIndex {
    return (this.sgIndex ??= new SecurityGroupIndex(this.snap, missingResources(this.snap).get('Entries')));
  }

  /** The VPC CNI settings the engine uses (external SNAT, pod security group mode, ...). */
  get cni(): CniConfig {
    return (this.cniConfig ??= readCniConfig(this.snap));
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

  /** The subnet's route table (the engine's: explicit association, else the VPC's main table); undefined when unknown. */
  routeTableFor(subnetId: string): CompiledTable | undefined {
    const vpcId = this.subnetsById.get(subnetId)?.VpcId ?? this.vpcId;
    const table = this.routes.tableFor(subnetId, vpcId);
    return typeof table === 'string' ? undefined : table;
  }

  /**
   * A public subnet has a route to an internet gateway; undefined when its route table is unknown.
   * https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html#subnet-types
   */
  isPublicSubnet(subnetId: string): boolean | undefined {
    const table = this.routeTableFor(subnetId);
    if (!table) return undefined;
    return table.routes.some((r) => r.kind === 'igw' && !r.blackhole);
  }

  /** Does the subnet (or, when the subnet is unknown, its VPC) have an IPv6 CIDR block? IPv6 traffic needs one. */
  hasIpv6(subnetId: string | undefined): boolean {
    const subnet = subnetId ? this.subnetsById.get(subnetId) : undefined;
    if (subnet) return (subnet.Ipv6CidrBlockAssociationSet ?? []).some((a) => a.Ipv6CidrBlock && !/disassociat|failed/i.test(a.Ipv6CidrBlockState?.State ?? ''));
    const vpcId = this.vpcId;
    const cidrs = vpcId ? this.placement.vpcCidrs.get(vpcId) : undefined;
    return cidrs === undefined || cidrs.some((c) => c.family === 6);
  }

  /** The subnet that contains the address (by CIDR), for nodes whose ENI is not in the snapshot. */
  subnetContaining(ip: string): string | undefined {
    const a = parseAddress(ip);
    return a ? this.placement.subnetOfAddress(a)?.id : undefined;
  }

  /** Every Node, placed by its primary ENI (the engine's: instance → device index 0, else InternalIP), else by CIDR. */
  get nodes(): NodePlacement[] {
    if (this.nodesCache) return this.nodesCache;
    this.nodesCache = this.snap.k8s.nodes.map((n) => {
      const instanceId = n.spec?.providerID?.split('/').pop() || undefined;
      const internal = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
      const external = n.status?.addresses?.find((a) => a.type === 'ExternalIP')?.address;
      const eni = this.placement.nodePrimaryEni(n.metadata.name, undefined);
      const privateIp = eni?.primaryIp ?? internal;
      const publicIp = (privateIp ? eni?.publicIps.get(privateIp) : undefined) ?? external;
      return {
        name: n.metadata.name,
        instanceId,
        subnetId: eni?.subnetId ?? (privateIp ? this.subnetContaining(privateIp) : undefined),
        privateIp,
        publicIp,
        groupIds: eni?.groupIds ?? [],
      };
    });
    return this.nodesCache;
  }

  /** The ENI that holds the address: as a private IP or IPv6 address, or inside an assigned prefix (CONTRACT §1). */
  eniHolding(ip: string): EniInfo | undefined {
    const a = parseAddress(ip);
    return a ? this.placement.eniHolding(a) : undefined;
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

  /** The managed vpc-cni add-on's configurationValues, `env` (aws-node container) or `init.env` (init container) entry. */
  cniAddonValue(section: 'env' | 'init', name: string): string | undefined {
    const addon = this.snap.aws.addons.find((a) => a.addonName === 'vpc-cni');
    const values = parseConfigurationValues(addon?.configurationValues);
    const holder = section === 'env' ? values?.env : (values?.init as { env?: unknown } | undefined)?.env;
    const v = holder && typeof holder === 'object' ? (holder as Record<string, unknown>)[name] : undefined;
    return v === undefined || v === null ? undefined : String(v);
  }

  /** A VPC CNI setting as it runs: the aws-node DaemonSet when the snapshot holds it, else the add-on's configuration values. */
  cniSetting(section: 'env' | 'init', name: string): { value?: string; source: 'daemonset' | 'addon' | 'unknown' } {
    if (this.awsNode) return { value: section === 'env' ? this.cniEnv(name) : this.cniInitEnv(name), source: 'daemonset' };
    const value = this.cniAddonValue(section, name);
    return { value, source: value !== undefined ? 'addon' : 'unknown' };
  }

  /** An environment variable of an aws-node init container (aws-vpc-cni-init), e.g. DISABLE_TCP_EARLY_DEMUX. */
  cniInitEnv(name: string): string | undefined {
    const init: Container[] = this.awsNode?.spec?.template?.spec?.initContainers ?? [];
    for (const c of init) {
      const v = c.env?.find((e) => e.name === name)?.value;
      if (v !== undefined) return v;
    }
    return undefined;
  }
}
