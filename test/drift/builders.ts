// Tiny in-code snapshots for the drift tests.
import type { IpPermission, NetworkAcl, NetworkAclEntry, Route, RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { Addon, Cluster } from '@aws-sdk/client-eks';
import type { K8sObject, NetworkPolicy, Pod, SecurityGroupPolicy, Workload } from '../../src/model/k8s';
import { emptySnapshot, type Snapshot } from '../../src/model/snapshot';

export interface SnapParts {
  securityGroups?: SecurityGroup[];
  networkAcls?: NetworkAcl[];
  subnets?: Subnet[];
  routeTables?: RouteTable[];
  objects?: K8sObject[];
  cluster?: Cluster;
  addons?: Addon[];
  missing?: { resource: string; reason: string }[];
}

export function snap(parts: SnapParts = {}): Snapshot {
  const s = emptySnapshot('test');
  s.aws.securityGroups.push(...(parts.securityGroups ?? []));
  s.aws.networkAcls.push(...(parts.networkAcls ?? []));
  s.aws.subnets.push(...(parts.subnets ?? []));
  s.aws.routeTables.push(...(parts.routeTables ?? []));
  s.aws.cluster = parts.cluster;
  s.aws.addons.push(...(parts.addons ?? []));
  s.collection.missing.push(...(parts.missing ?? []));
  // As the loader does: a part given (even empty) means the snapshot holds that API output.
  const keys = { securityGroups: 'SecurityGroups', networkAcls: 'NetworkAcls', subnets: 'Subnets', routeTables: 'RouteTables', addons: 'addon' } as const;
  for (const [part, key] of Object.entries(keys)) if (parts[part as keyof typeof keys] !== undefined) s.present.add(key);
  if (parts.objects !== undefined) s.present.add('Namespace');
  for (const o of parts.objects ?? []) {
    switch (o.kind) {
      case 'Namespace': s.k8s.namespaces.push(o); break;
      case 'Pod': s.k8s.pods.push(o as Pod); break;
      case 'NetworkPolicy': s.k8s.networkPolicies.push(o as NetworkPolicy); break;
      case 'SecurityGroupPolicy': s.k8s.securityGroupPolicies.push(o as SecurityGroupPolicy); break;
      case 'DaemonSet': s.k8s.daemonSets.push(o as Workload); break;
      case 'ConfigMap': s.k8s.configMaps.push(o); break;
      default: throw new Error(`builder: unsupported kind ${o.kind}`);
    }
  }
  return s;
}

export function sg(id: string, ingress: IpPermission[] = [], egress: IpPermission[] = [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]): SecurityGroup {
  return { GroupId: id, GroupName: `${id}-name`, VpcId: 'vpc-1', IpPermissions: ingress, IpPermissionsEgress: egress };
}

export function tcp(from: number, to: number, peers: Omit<IpPermission, 'IpProtocol' | 'FromPort' | 'ToPort'>): IpPermission {
  return { IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: [], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [], ...peers };
}

export const cidrs = (...c: string[]) => ({ IpRanges: c.map((CidrIp) => ({ CidrIp })) });
export const groups = (...g: string[]) => ({ UserIdGroupPairs: g.map((GroupId) => ({ GroupId, UserId: '111122223333' })) });

export function entry(rule: number, egress: boolean, action: 'allow' | 'deny', protocol: string, cidr: string, ports?: [number, number]): NetworkAclEntry {
  return {
    RuleNumber: rule,
    Egress: egress,
    RuleAction: action,
    Protocol: protocol,
    ...(cidr.includes(':') ? { Ipv6CidrBlock: cidr } : { CidrBlock: cidr }),
    ...(ports ? { PortRange: { From: ports[0], To: ports[1] } } : {}),
  };
}

export function nacl(id: string, entries: NetworkAclEntry[], subnets: string[] = []): NetworkAcl {
  return {
    NetworkAclId: id,
    VpcId: 'vpc-1',
    IsDefault: false,
    Associations: subnets.map((SubnetId, i) => ({ NetworkAclAssociationId: `aclassoc-${i}`, NetworkAclId: id, SubnetId })),
    Entries: [...entries, entry(32767, false, 'deny', '-1', '0.0.0.0/0'), entry(32767, true, 'deny', '-1', '0.0.0.0/0')],
  };
}

export const local: Route = { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active', Origin: 'CreateRouteTable' };

export function rtb(id: string, routes: Route[], subnets: string[] = [], main = false): RouteTable {
  return {
    RouteTableId: id,
    VpcId: 'vpc-1',
    Routes: [local, ...routes],
    Associations: [
      ...(main ? [{ Main: true, RouteTableAssociationId: `rtbassoc-main-${id}`, RouteTableId: id, AssociationState: { State: 'associated' as const } }] : []),
      ...subnets.map((SubnetId, i) => ({ Main: false, SubnetId, RouteTableAssociationId: `rtbassoc-${id}-${i}`, RouteTableId: id, AssociationState: { State: 'associated' as const } })),
    ],
  };
}

export function subnet(id: string, mapPublic = false): Subnet {
  return { SubnetId: id, VpcId: 'vpc-1', CidrBlock: '10.0.1.0/24', AvailabilityZone: 'eu-west-1a', MapPublicIpOnLaunch: mapPublic };
}

export function namespace(name: string, labels: Record<string, string> = {}, extra: Record<string, unknown> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels: { 'kubernetes.io/metadata.name': name, ...labels }, ...extra } };
}

export function netpol(ref: string, spec: NetworkPolicy['spec'], meta: Record<string, unknown> = {}): NetworkPolicy {
  const [ns, name] = ref.split('/') as [string, string];
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns, ...meta }, spec };
}

export function pod(ref: string, ip: string, meta: Record<string, unknown> = {}): Pod {
  const [ns, name] = ref.split('/') as [string, string];
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, ...meta }, spec: { containers: [{ name: 'app' }] }, status: { phase: 'Running', podIP: ip } };
}

export function awsNode(env: Record<string, string>, agentArgs: string[] = ['--enable-network-policy=true'], image = '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.19.2'): Workload {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system' },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'aws-node', image, env: Object.entries(env).map(([name, value]) => ({ name, value })) },
            { name: 'aws-eks-nodeagent', args: agentArgs },
          ],
        },
      },
    },
  };
}

export function configMap(ref: string, data: Record<string, string>): K8sObject {
  const [ns, name] = ref.split('/') as [string, string];
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

export function cluster(over: { public?: boolean; private?: boolean; cidrs?: string[]; version?: string; sg?: string } = {}): Cluster {
  return {
    name: 'prod-eu',
    version: over.version ?? '1.30',
    resourcesVpcConfig: {
      vpcId: 'vpc-1',
      subnetIds: ['subnet-a', 'subnet-b'],
      securityGroupIds: [],
      clusterSecurityGroupId: over.sg ?? 'sg-cluster',
      endpointPublicAccess: over.public ?? false,
      endpointPrivateAccess: over.private ?? true,
      publicAccessCidrs: over.cidrs ?? ['0.0.0.0/0'],
    },
    kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' },
  };
}
