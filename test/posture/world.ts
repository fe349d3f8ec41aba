import type { NetworkAcl, NetworkInterface, RouteTable, SecurityGroup, Subnet } from '@aws-sdk/client-ec2';
import type { K8sObject, NetworkPolicy, Node, Pod, SecurityGroupPolicy, Workload } from '../../src/model/k8s';
import type { Finding } from '../../src/model/result';
import { emptySnapshot, type AwsResource, type K8sKind, type Snapshot } from '../../src/model/snapshot';
import { PostureContext, type PostureOptions } from '../../src/posture/context';
import { withSeverity } from '../../src/posture/pack';
import type { PostureCheck } from '../../src/posture/types';

/**
 * A small, compliant EKS world built in code: VPC 10.0.0.0/16, a private subnet (10.0.1.0/24, 0.0.0.0/0 → NAT)
 * holding node n1 and pod shop/web, a public subnet (10.0.101.0/24, → igw) holding the NAT gateway, an
 * allow-all default NACL, a private-only endpoint, aws-node with the network policy agent on, and a
 * default-deny policy in shop. Tests break one thing at a time (cdk-nag's "Noncompliance n" / "Compliance").
 */
export function compliantWorld(): Snapshot {
  const s = emptySnapshot('test');
  s.aws.vpcs.push({ VpcId: 'vpc-1', CidrBlock: '10.0.0.0/16' });
  s.aws.subnets.push(subnet('subnet-priv', '10.0.1.0/24'), subnet('subnet-pub', '10.0.101.0/24'));
  s.aws.routeTables.push(
    routeTable('rtb-priv', 'subnet-priv', [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }]),
    routeTable('rtb-pub', 'subnet-pub', [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]),
    { RouteTableId: 'rtb-main', VpcId: 'vpc-1', Associations: [{ Main: true }], Routes: [local()] },
  );
  s.aws.natGateways.push({ NatGatewayId: 'nat-1', SubnetId: 'subnet-pub', VpcId: 'vpc-1', State: 'available', ConnectivityType: 'public' });
  s.aws.networkAcls.push(allowAllNacl('acl-default', true, []));
  s.aws.securityGroups.push(
    sg('sg-node', [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-node' }] }]),
    sg('sg-pod', [{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-node' }] }]),
  );
  s.aws.networkInterfaces.push(
    eni('eni-n1', 'subnet-priv', '10.0.1.10', ['sg-node'], { Attachment: { InstanceId: 'i-1', DeviceIndex: 0 }, PrivateIpAddresses: [
      { PrivateIpAddress: '10.0.1.10', Primary: true },
      { PrivateIpAddress: '10.0.1.20', Primary: false },
    ] }),
  );
  s.aws.cluster = {
    name: 'demo',
    version: '1.29',
    resourcesVpcConfig: { vpcId: 'vpc-1', subnetIds: ['subnet-priv'], endpointPublicAccess: false, endpointPrivateAccess: true, publicAccessCidrs: [] },
  };
  s.k8s.nodes.push(node('n1', 'i-1', '10.0.1.10'));
  s.k8s.namespaces.push(namespace('shop'), namespace('kube-system'));
  s.k8s.pods.push(pod('shop/web', { app: 'web' }, '10.0.1.20', 'n1'));
  s.k8s.networkPolicies.push(netpol('shop/default-deny', {}, ['Ingress', 'Egress']));
  s.k8s.daemonSets.push(awsNode({}));
  return markPresent(s);
}

/** Mark every list that holds something as present (as the loader does for each document it reads). */
export function markPresent(s: Snapshot, extra: (AwsResource | K8sKind)[] = []): Snapshot {
  const aws: [AwsResource, unknown[]][] = [
    ['SecurityGroups', s.aws.securityGroups],
    ['NetworkAcls', s.aws.networkAcls],
    ['Subnets', s.aws.subnets],
    ['RouteTables', s.aws.routeTables],
    ['NetworkInterfaces', s.aws.networkInterfaces],
    ['Vpcs', s.aws.vpcs],
    ['NatGateways', s.aws.natGateways],
  ];
  for (const [k, list] of aws) if (list.length) s.present.add(k);
  if (s.aws.cluster) s.present.add('cluster');
  const k8s: [K8sKind, unknown[]][] = [
    ['Namespace', s.k8s.namespaces],
    ['Pod', s.k8s.pods],
    ['Node', s.k8s.nodes],
    ['NetworkPolicy', s.k8s.networkPolicies],
    ['DaemonSet', s.k8s.daemonSets],
    ['ServiceAccount', s.k8s.serviceAccounts],
    ['SecurityGroupPolicy', s.k8s.securityGroupPolicies],
  ];
  for (const [k, list] of k8s) if (list.length) s.present.add(k);
  for (const k of extra) s.present.add(k);
  return s;
}

/** One check as the runner runs it: its findings with the pack's severities. */
export function run(check: PostureCheck, s: Snapshot, options?: PostureOptions): Finding[] {
  return check.run(new PostureContext(s, options)).map(withSeverity);
}

export function subnet(id: string, cidr: string, extra: Partial<Subnet> = {}): Subnet {
  return { SubnetId: id, VpcId: 'vpc-1', CidrBlock: cidr, MapPublicIpOnLaunch: false, ...extra };
}

function local() {
  return { DestinationCidrBlock: '10.0.0.0/16', GatewayId: 'local', State: 'active' as const };
}

export function routeTable(id: string, subnetId: string, routes: NonNullable<RouteTable['Routes']>): RouteTable {
  return { RouteTableId: id, VpcId: 'vpc-1', Associations: [{ SubnetId: subnetId, Main: false }], Routes: [local(), ...routes] };
}

export function allowAllNacl(id: string, isDefault: boolean, subnets: string[]): NetworkAcl {
  return {
    NetworkAclId: id,
    VpcId: 'vpc-1',
    IsDefault: isDefault,
    Associations: subnets.map((s) => ({ SubnetId: s, NetworkAclId: id })),
    Entries: [
      { RuleNumber: 100, Egress: false, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'allow' },
      { RuleNumber: 32767, Egress: false, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'deny' },
      { RuleNumber: 100, Egress: true, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'allow' },
      { RuleNumber: 32767, Egress: true, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'deny' },
    ],
  };
}

export function sg(id: string, ingress: SecurityGroup['IpPermissions'], extra: Partial<SecurityGroup> = {}): SecurityGroup {
  return {
    GroupId: id,
    GroupName: id,
    VpcId: 'vpc-1',
    OwnerId: '111122223333',
    IpPermissions: ingress,
    IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }],
    ...extra,
  };
}

export function eni(id: string, subnetId: string, ip: string, groups: string[], extra: Partial<NetworkInterface> = {}): NetworkInterface {
  return {
    NetworkInterfaceId: id,
    SubnetId: subnetId,
    VpcId: 'vpc-1',
    InterfaceType: 'interface',
    PrivateIpAddress: ip,
    PrivateIpAddresses: [{ PrivateIpAddress: ip, Primary: true }],
    Groups: groups.map((g) => ({ GroupId: g })),
    ...extra,
  };
}

export function node(name: string, instanceId: string, ip: string, az = 'eu-west-1a'): Node {
  return {
    apiVersion: 'v1',
    kind: 'Node',
    metadata: { name },
    spec: { providerID: `aws:///${az}/${instanceId}` },
    status: { addresses: [{ type: 'InternalIP', address: ip }] },
  };
}

export function namespace(name: string): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name } };
}

export function pod(ref: string, labels: Record<string, string>, ip: string, nodeName: string, extra: Partial<Pod['spec']> = {}, annotations?: Record<string, string>): Pod {
  const [ns, name] = ref.split('/') as [string, string];
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: ns, labels, ...(annotations ? { annotations } : {}) },
    spec: { nodeName, containers: [{ name: 'app' }], ...extra },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  };
}

export function netpol(ref: string, matchLabels: Record<string, string>, policyTypes?: ('Ingress' | 'Egress')[]): NetworkPolicy {
  const [ns, name] = ref.split('/') as [string, string];
  return {
    apiVersion: 'networking.k8s.io/v1',
    kind: 'NetworkPolicy',
    metadata: { name, namespace: ns },
    spec: { podSelector: { matchLabels }, ...(policyTypes ? { policyTypes } : {}) },
  };
}

export function sgp(ref: string, spec: SecurityGroupPolicy['spec']): SecurityGroupPolicy {
  const [ns, name] = ref.split('/') as [string, string];
  return { apiVersion: 'vpcresources.k8s.aws/v1beta1', kind: 'SecurityGroupPolicy', metadata: { name, namespace: ns }, spec };
}

export function awsNode(env: Record<string, string>, image = '602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1'): Workload {
  return {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: { name: 'aws-node', namespace: 'kube-system' },
    spec: {
      template: {
        spec: {
          containers: [
            { name: 'aws-node', image, env: Object.entries(env).map(([name, value]) => ({ name, value })) },
            { name: 'aws-eks-nodeagent', image: 'x/aws-network-policy-agent:v1.1.2', args: ['--enable-network-policy=true'] },
          ],
        },
      },
    },
  };
}

/** The check a check-not-evaluated finding is about, read from its summary ("The ID check ..."). */
export const notEvaluatedCheck = (f: Finding) => /^The (\S+) check /.exec(f.summary)?.[1];

/** `id severity object`, plus `(check)` for check-not-evaluated findings (their object is the cluster). */
export const ids = (findings: Finding[]) =>
  findings.map((f) => `${f.id} ${f.severity} ${f.object}${f.id === 'check-not-evaluated' ? ` (${notEvaluatedCheck(f)})` : ''}`);
