// Builds small snapshots in code, in the describe-* JSON shapes (notes §8), for the AWS layer tests.
import type { IpPermission, NetworkAclEntry, NetworkInterface, Route } from '@aws-sdk/client-ec2';
import { buildAwsEngine, type AwsEngine } from '../../../src/engine/aws';
import { INTERNET_ADDRESS, parseAddress } from '../../../src/model/cidr';
import type { Endpoint, Flow } from '../../../src/model/flow';
import type { Pod } from '../../../src/model/k8s';
import type { LayerName, LayerResult, Protocol } from '../../../src/model/result';
import { emptySnapshot, type Snapshot } from '../../../src/model/snapshot';
import { buildK8sIndex } from '../../../src/model/cluster-index';

export type PeerSpec = { cidr: string } | { cidr6: string } | { group: string } | { pl: string };

function peers(p: PeerSpec[]): Pick<IpPermission, 'IpRanges' | 'Ipv6Ranges' | 'UserIdGroupPairs' | 'PrefixListIds'> {
  return {
    IpRanges: p.filter((x): x is { cidr: string } => 'cidr' in x).map((x) => ({ CidrIp: x.cidr })),
    Ipv6Ranges: p.filter((x): x is { cidr6: string } => 'cidr6' in x).map((x) => ({ CidrIpv6: x.cidr6 })),
    UserIdGroupPairs: p.filter((x): x is { group: string } => 'group' in x).map((x) => ({ GroupId: x.group, UserId: '111122223333' })),
    PrefixListIds: p.filter((x): x is { pl: string } => 'pl' in x).map((x) => ({ PrefixListId: x.pl })),
  };
}

export function perm(protocol: string, from: number | undefined, to: number | undefined, ...p: PeerSpec[]): IpPermission {
  return { IpProtocol: protocol, ...(from !== undefined ? { FromPort: from, ToPort: to ?? from } : {}), ...peers(p) };
}
export const tcp = (port: number, ...p: PeerSpec[]) => perm('tcp', port, port, ...p);
export const allTraffic = (...p: PeerSpec[]) => perm('-1', undefined, undefined, ...p);
export const ALL_OUT = allTraffic({ cidr: '0.0.0.0/0' }, { cidr6: '::/0' });

export function entry(
  ruleNumber: number,
  egress: boolean,
  action: 'allow' | 'deny',
  cidr: string,
  protocol = '-1',
  ports?: [number, number],
): NetworkAclEntry {
  return {
    RuleNumber: ruleNumber,
    Egress: egress,
    Protocol: protocol,
    RuleAction: action,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  };
}

/** The `*` rules the API prints at the end of every NACL. */
export const FINAL_DENY: NetworkAclEntry[] = [
  entry(32767, false, 'deny', '0.0.0.0/0'),
  entry(32767, true, 'deny', '0.0.0.0/0'),
  entry(32768, false, 'deny', '::/0'),
  entry(32768, true, 'deny', '::/0'),
];

interface NodeOpts {
  subnet: string;
  ip: string;
  groups: string[];
  publicIp?: string;
}

interface PodOpts {
  node: string;
  ip?: string;
  hostNetwork?: boolean;
  /** Security groups for pods: a branch ENI with these groups, annotated on the pod. */
  branchGroups?: string[];
  /** Hold the IP inside an assigned prefix of the node's ENI instead of as a secondary IP. */
  prefix?: string;
  /** Leave the pod IP on no ENI. */
  noEni?: boolean;
}

export class World {
  readonly snap: Snapshot = emptySnapshot('test');
  private readonly nodeEnis = new Map<string, NetworkInterface>();
  private eniSeq = 0;
  private podIndex?: Map<string, Pod>;

  constructor(vpcCidr = '10.0.0.0/16', vpcIpv6 = '2600:1f14:aaa:bb00::/56') {
    this.snap.aws.vpcs.push({
      VpcId: 'vpc-1',
      CidrBlock: vpcCidr,
      CidrBlockAssociationSet: [{ CidrBlock: vpcCidr, CidrBlockState: { State: 'associated' } }],
      Ipv6CidrBlockAssociationSet: [{ Ipv6CidrBlock: vpcIpv6, Ipv6CidrBlockState: { State: 'associated' } }],
    });
    // The default NACL allows everything (rules 100 and 101), the main route table has the local routes.
    this.snap.aws.networkAcls.push({
      NetworkAclId: 'acl-default',
      VpcId: 'vpc-1',
      IsDefault: true,
      Associations: [],
      Entries: [
        entry(100, false, 'allow', '0.0.0.0/0'),
        entry(100, true, 'allow', '0.0.0.0/0'),
        entry(101, false, 'allow', '::/0'),
        entry(101, true, 'allow', '::/0'),
        ...FINAL_DENY,
      ],
    });
    this.snap.aws.routeTables.push({
      RouteTableId: 'rtb-main',
      VpcId: 'vpc-1',
      Associations: [{ Main: true, RouteTableAssociationId: 'rtbassoc-main', RouteTableId: 'rtb-main' }],
      Routes: [
        { DestinationCidrBlock: vpcCidr, GatewayId: 'local', State: 'active' },
        { DestinationIpv6CidrBlock: vpcIpv6, GatewayId: 'local', State: 'active' },
      ],
    });
    for (const k of ['SecurityGroups', 'NetworkAcls', 'Subnets', 'RouteTables', 'NetworkInterfaces', 'Vpcs', 'NatGateways'] as const) {
      this.snap.present.add(k);
    }
  }

  subnet(id: string, cidr: string, ipv6?: string): this {
    this.snap.aws.subnets.push({
      SubnetId: id,
      VpcId: 'vpc-1',
      CidrBlock: cidr,
      AvailabilityZone: 'us-west-2a',
      MapPublicIpOnLaunch: false,
      Ipv6CidrBlockAssociationSet: ipv6 ? [{ Ipv6CidrBlock: ipv6 }] : [],
    });
    return this;
  }

  /** Add a security group, replacing any group with that id. */
  sg(id: string, ingress: IpPermission[], egress: IpPermission[] = [ALL_OUT]): this {
    this.snap.aws.securityGroups = this.snap.aws.securityGroups.filter((g) => g.GroupId !== id);
    this.snap.aws.securityGroups.push({ GroupId: id, GroupName: id, VpcId: 'vpc-1', IpPermissions: ingress, IpPermissionsEgress: egress });
    return this;
  }

  nacl(id: string, subnets: string[], entries: NetworkAclEntry[], withFinalDeny = true): this {
    // Associating a subnet with a NACL removes it from any other.
    for (const acl of this.snap.aws.networkAcls) acl.Associations = (acl.Associations ?? []).filter((a) => !subnets.includes(a.SubnetId!));
    this.snap.aws.networkAcls.push({
      NetworkAclId: id,
      VpcId: 'vpc-1',
      IsDefault: false,
      Associations: subnets.map((s, i) => ({ NetworkAclAssociationId: `aclassoc-${id}-${i}`, NetworkAclId: id, SubnetId: s })),
      Entries: [...entries, ...(withFinalDeny ? FINAL_DENY : [])],
    });
    return this;
  }

  routeTable(id: string, subnets: string[], routes: Route[]): this {
    const vpc = this.snap.aws.vpcs[0]!;
    this.snap.aws.routeTables.push({
      RouteTableId: id,
      VpcId: 'vpc-1',
      Associations: subnets.map((s, i) => ({ Main: false, SubnetId: s, RouteTableId: id, RouteTableAssociationId: `rtbassoc-${id}-${i}` })),
      Routes: [
        { DestinationCidrBlock: vpc.CidrBlock, GatewayId: 'local', State: 'active' },
        { DestinationIpv6CidrBlock: vpc.Ipv6CidrBlockAssociationSet![0]!.Ipv6CidrBlock, GatewayId: 'local', State: 'active' },
        ...routes,
      ],
    });
    return this;
  }

  natGateway(id: string, subnet: string, state = 'available', connectivity = 'public'): this {
    this.snap.aws.natGateways.push({
      NatGatewayId: id,
      SubnetId: subnet,
      VpcId: 'vpc-1',
      State: state as 'available',
      ConnectivityType: connectivity as 'public',
      NatGatewayAddresses: [{ PrivateIp: '10.0.200.5', PublicIp: '198.51.100.25', NetworkInterfaceId: 'eni-nat' }],
    });
    return this;
  }

  /** A node: the Node object and its primary ENI (device index 0). */
  node(name: string, o: NodeOpts): this {
    const instanceId = `i-${name}`;
    const eni: NetworkInterface = {
      NetworkInterfaceId: `eni-${name}`,
      SubnetId: o.subnet,
      VpcId: 'vpc-1',
      InterfaceType: 'interface',
      Groups: o.groups.map((g) => ({ GroupId: g, GroupName: g })),
      PrivateIpAddress: o.ip,
      PrivateIpAddresses: [
        { PrivateIpAddress: o.ip, Primary: true, ...(o.publicIp ? { Association: { PublicIp: o.publicIp, IpOwnerId: 'amazon' } } : {}) },
      ],
      Ipv4Prefixes: [],
      Ipv6Addresses: [],
      Ipv6Prefixes: [],
      Attachment: { InstanceId: instanceId, DeviceIndex: 0, Status: 'attached' },
    };
    this.snap.aws.networkInterfaces.push(eni);
    this.nodeEnis.set(name, eni);
    this.snap.k8s.nodes.push({
      apiVersion: 'v1',
      kind: 'Node',
      metadata: { name },
      spec: { providerID: `aws:///us-west-2a/${instanceId}` },
      status: { addresses: [{ type: 'InternalIP', address: o.ip }] },
    });
    return this;
  }

  /** A secondary ENI of a node (device index 1), e.g. custom networking: its own subnet and groups. */
  secondaryEni(node: string, id: string, subnet: string, groups: string[], primaryIp: string): this {
    this.snap.aws.networkInterfaces.push({
      NetworkInterfaceId: id,
      SubnetId: subnet,
      VpcId: 'vpc-1',
      InterfaceType: 'interface',
      Groups: groups.map((g) => ({ GroupId: g, GroupName: g })),
      PrivateIpAddress: primaryIp,
      PrivateIpAddresses: [{ PrivateIpAddress: primaryIp, Primary: true }],
      Ipv4Prefixes: [],
      Ipv6Addresses: [],
      Ipv6Prefixes: [],
      Attachment: { InstanceId: `i-${node}`, DeviceIndex: 1, Status: 'attached' },
    });
    return this;
  }

  /** Add a private IP (or IPv6 address) to an ENI. */
  addIp(eniId: string, ip: string): this {
    const eni = this.snap.aws.networkInterfaces.find((e) => e.NetworkInterfaceId === eniId)!;
    if (ip.includes(':')) (eni.Ipv6Addresses ??= []).push({ Ipv6Address: ip });
    else (eni.PrivateIpAddresses ??= []).push({ PrivateIpAddress: ip, Primary: false });
    return this;
  }

  nodeEni(name: string): NetworkInterface {
    return this.nodeEnis.get(name)!;
  }

  pod(key: string, o: PodOpts): this {
    const [ns, name] = key.split('/') as [string, string];
    const nodeEni = this.nodeEnis.get(o.node)!;
    const ip = o.hostNetwork ? nodeEni.PrivateIpAddress! : o.ip!;
    const annotations: Record<string, string> = {};
    if (o.branchGroups) {
      const eniId = `eni-branch-${++this.eniSeq}`;
      this.snap.aws.networkInterfaces.push({
        NetworkInterfaceId: eniId,
        SubnetId: nodeEni.SubnetId,
        VpcId: 'vpc-1',
        InterfaceType: 'branch',
        Description: 'aws-k8s-branch-eni',
        Groups: o.branchGroups.map((g) => ({ GroupId: g, GroupName: g })),
        PrivateIpAddress: ip,
        PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
      });
      annotations['vpc.amazonaws.com/pod-eni'] = JSON.stringify([
        { eniId, ifAddress: '02:00:00:00:00:01', privateIp: ip, vlanId: 1, subnetCidr: '10.0.1.0/24', associationID: 'trunk-assoc-1' },
      ]);
    } else if (o.prefix) {
      nodeEni.Ipv4Prefixes!.push({ Ipv4Prefix: o.prefix });
    } else if (!o.hostNetwork && !o.noEni) {
      if (ip.includes(':')) nodeEni.Ipv6Addresses!.push({ Ipv6Address: ip });
      else nodeEni.PrivateIpAddresses!.push({ PrivateIpAddress: ip, Primary: false });
    }
    const pod: Pod = {
      apiVersion: 'v1',
      kind: 'Pod',
      metadata: { name, namespace: ns, annotations },
      spec: { nodeName: o.node, hostNetwork: o.hostNetwork, containers: [{ name: 'app' }] },
      status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: nodeEni.PrivateIpAddress },
    };
    this.snap.k8s.pods.push(pod);
    return this;
  }

  /** The aws-node DaemonSet with these env settings. */
  awsNode(env: Record<string, string>): this {
    this.snap.k8s.daemonSets.push({
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'aws-node', namespace: 'kube-system' },
      spec: {
        template: {
          spec: { containers: [{ name: 'aws-node', env: Object.entries(env).map(([k, v]) => ({ name: k, value: v })) }] },
        },
      },
    });
    return this;
  }

  engine(): AwsEngine {
    return buildAwsEngine(this.snap, buildK8sIndex(this.snap));
  }

  endpoint(ref: string): Endpoint {
    if (ref === 'internet') return { label: 'internet', address: INTERNET_ADDRESS };
    if (this.podIndex?.size !== this.snap.k8s.pods.length) {
      this.podIndex = new Map(this.snap.k8s.pods.map((p) => [`${p.metadata.namespace}/${p.metadata.name}`, p]));
    }
    const pod = this.podIndex.get(ref);
    if (pod) {
      return {
        label: ref,
        address: parseAddress(pod.status!.podIP!)!,
        pod,
        namespace: pod.metadata.namespace,
        nodeName: pod.spec.nodeName,
        hostNetwork: pod.spec.hostNetwork ?? false,
      };
    }
    const address = parseAddress(ref);
    if (!address) throw new Error(`bad endpoint ${ref}`);
    return { label: ref, address };
  }

  flow(from: string, to: string, port: number, protocol: Protocol = 'TCP'): Flow {
    return { src: this.endpoint(from), dst: this.endpoint(to), port, protocol };
  }

  /** Evaluate one flow and return the named layer. */
  layer(from: string, to: string, port: number, name: LayerName, protocol: Protocol = 'TCP'): LayerResult {
    const layers = this.engine().evaluate(this.flow(from, to, port, protocol));
    return layers.find((l) => l.layer === name)!;
  }
}

/** Two subnets with their own allow-all NACLs (so NACL tests can narrow one), two nodes, one pod on each. */
export function twoSubnetWorld(): World {
  return new World()
    .subnet('subnet-a', '10.0.1.0/24', '2600:1f14:aaa:bb01::/64')
    .subnet('subnet-b', '10.0.2.0/24', '2600:1f14:aaa:bb02::/64')
    .sg('sg-node', [allTraffic({ group: 'sg-node' })])
    .node('node-a', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-node'] })
    .node('node-b', { subnet: 'subnet-b', ip: '10.0.2.10', groups: ['sg-node'] })
    .pod('shop/web', { node: 'node-a', ip: '10.0.1.21' })
    .pod('shop/db', { node: 'node-b', ip: '10.0.2.31' });
}
