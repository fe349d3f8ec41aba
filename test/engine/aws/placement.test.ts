import type { LayerName } from '../../../src/model/result';
import { AWS_LAYERS, SAME_NODE_REASON } from '../../../src/engine/aws';
import { applyFix } from './apply-fix';
import { World, allTraffic, tcp, twoSubnetWorld } from './world';

const SNAT = 'https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html';
const CNI = 'https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md';
const SGP = 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html';
const PROPOSAL = 'https://github.com/aws/amazon-vpc-cni-k8s/blob/master/docs/cni-proposal.md';
const PREFIX = 'https://docs.aws.amazon.com/eks/latest/userguide/cni-increase-ip-addresses.html';
const SGR = 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html';
const CUSTOM = 'https://docs.aws.amazon.com/eks/latest/userguide/cni-custom-network.html';

/**
 * node-a's primary ENI (sg-node, egress open) and a secondary ENI (sg-pods, no egress at all) holding the pod IPs,
 * as custom networking sets it up.
 */
function customNetworking(): World {
  return new World()
    .subnet('subnet-a', '10.0.1.0/24', '2600:1f14:aaa:bb01::/64')
    .subnet('subnet-pods', '10.0.64.0/20')
    .sg('sg-node', [allTraffic({ group: 'sg-node' })])
    .sg('sg-pods', [allTraffic({ group: 'sg-pods' })], [])
    .node('node-a', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-node'] })
    .secondaryEni('node-a', 'eni-pods', 'subnet-pods', ['sg-pods'], '10.0.64.5')
    .addIp('eni-pods', '10.0.64.21')
    .addIp('eni-pods', '2600:1f14:aaa:bb01::21')
    .pod('web/app', { node: 'node-a', ip: '10.0.64.21', noEni: true })
    .pod('web/app6', { node: 'node-a', ip: '2600:1f14:aaa:bb01::21', noEni: true });
}

describe('SNAT of pod traffic (AWS_VPC_K8S_CNI_EXTERNALSNAT)', () => {
  // SNAT: "translates the Pod's IPv4 address to the primary private IPv4 address of the primary elastic network
  // interface of the node" for destinations outside the VPC's CIDRs; external SNAT and EXCLUDE_SNAT_CIDRS keep the
  // pod IP; "The source IPv6 address of a Pod isn't source network address translated".
  it.each<[string, Record<string, string> | undefined, string, string, string[]]>([
    ['default: off-VPC traffic leaves under the primary ENI groups', undefined, '8.8.8.8', 'allow', ['sg-node']],
    ['default: in-VPC traffic keeps the pod ENI groups', undefined, '10.0.1.99', 'deny', ['sg-pods']],
    ['EXTERNALSNAT=true: off-VPC traffic keeps the pod ENI groups', { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' }, '8.8.8.8', 'deny', ['sg-pods']],
    ['EXTERNALSNAT=false is the default', { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'false' }, '8.8.8.8', 'allow', ['sg-node']],
    ['EXCLUDE_SNAT_CIDRS keeps the pod IP for listed destinations', { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '192.168.0.0/16,172.16.0.0/12' }, '192.168.1.1', 'deny', ['sg-pods']],
    ['EXCLUDE_SNAT_CIDRS does not affect other destinations', { AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: '192.168.0.0/16' }, '8.8.8.8', 'allow', ['sg-node']],
  ])(`%s (${SNAT}, ${CNI}, ${CUSTOM})`, (_n, env, to, verdict, objects) => {
    const w = customNetworking();
    if (env) w.awsNode(env);
    const l = w.layer('web/app', to, 443, 'security-group-egress');
    expect(l.verdict).toBe(verdict);
    expect(l.objects).toEqual(objects);
  });

  it(`SNATed traffic is named with the node IP it leaves as (${SNAT})`, () => {
    const l = customNetworking().layer('web/app', '8.8.8.8', 443, 'security-group-egress');
    expect(l.reason).toContain('10.0.1.10');
  });

  // https://docs.aws.amazon.com/eks/latest/userguide/cni-ipv6.html: IPv6 pods reach IPv4 through a host-local
  // address SNATed to the node's primary IPv4.
  it('an IPv6 pod talking to an IPv4 address leaves as the node IPv4, even to an in-VPC address', () => {
    const l = customNetworking().layer('web/app6', '10.0.1.99', 443, 'security-group-egress');
    expect(l).toMatchObject({ verdict: 'allow', objects: ['sg-node'] });
    expect(l.reason).toContain('10.0.1.10');
  });

  it(`IPv6 pod traffic is never SNATed (${SNAT})`, () => {
    const l = customNetworking().layer('web/app6', '2001:db8::1', 443, 'security-group-egress');
    expect(l).toMatchObject({ verdict: 'deny', objects: ['sg-pods'] });
  });
});

/** Security groups for pods: web/sgp has a branch ENI with sg-pod (outbound only to 10.0.0.0/8). */
function podSecurityGroups(mode?: 'strict' | 'standard'): World {
  const w = twoSubnetWorld()
    .sg('sg-pod', [tcp(8080, { group: 'sg-node' })], [allTraffic({ cidr: '10.0.0.0/8' })])
    .pod('shop/sgp', { node: 'node-a', ip: '10.0.1.50', branchGroups: ['sg-pod'] });
  w.nodeEni('node-a').PrivateIpAddresses![0]!.Association = { PublicIp: '198.51.100.10' };
  w.routeTable('rtb-a', ['subnet-a'], [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]);
  if (mode) w.awsNode({ POD_SECURITY_GROUP_ENFORCING_MODE: mode });
  return w;
}

describe('security groups for pods (branch ENIs)', () => {
  // SGP: the pod's groups are the branch ENI's, not the node's.
  it(`a branch-ENI pod is checked against its own groups (${SGP})`, () => {
    const w = podSecurityGroups();
    expect(w.layer('shop/db', 'shop/sgp', 8080, 'security-group-ingress')).toMatchObject({ verdict: 'allow', objects: ['sg-pod'] });
    expect(w.layer('shop/db', 'shop/sgp', 9090, 'security-group-ingress')).toMatchObject({ verdict: 'deny', objects: ['sg-pod'] });
  });

  // SGP / CNI README: strict mode does not SNAT branch pods ("Pods with assigned security groups deployed to public
  // subnets are not able to access the internet"); standard mode SNATs them under the primary ENI's groups.
  it.each<[string, 'strict' | 'standard' | undefined, string, string, string[]]>([
    ['strict (default): no SNAT, branch groups deny', undefined, 'security-group-egress', 'deny', ['sg-pod']],
    ['strict: no public IP for the pod in a public subnet', 'strict', 'route', 'deny', ['eni-branch-1', 'igw-1', 'rtb-a']],
    ['standard: SNAT to the node, node groups', 'standard', 'security-group-egress', 'allow', ['sg-node']],
    ['standard: leaves as the node public IP', 'standard', 'route', 'allow', ['igw-1', 'rtb-a']],
  ])(`internet access by mode (${SGP}, ${CNI}): %s`, (_n, mode, layer, verdict, objects) => {
    const l = podSecurityGroups(mode).layer('shop/sgp', 'internet', 443, layer as LayerName);
    expect(l.verdict).toBe(verdict);
    expect(l.objects).toEqual(objects);
  });

  it(`a pod is a branch pod by its ENI's InterfaceType even without the annotation (${SGP})`, () => {
    const w = podSecurityGroups();
    w.snap.k8s.pods.find((p) => p.metadata.name === 'sgp')!.metadata.annotations = {};
    expect(w.layer('shop/sgp', 'internet', 443, 'security-group-egress').objects).toEqual(['sg-pod']);
  });
});

describe('same node', () => {
  // PROPOSAL: per-pod host routes deliver same-node traffic through the host; strict-mode branch pods go over the VPC.
  it(`every AWS layer allows, even when every group denies (${PROPOSAL})`, () => {
    const w = twoSubnetWorld().sg('sg-node', [], []).pod('shop/cache', { node: 'node-a', ip: '10.0.1.22' });
    const layers = w.engine().evaluate(w.flow('shop/web', 'shop/cache', 6379));
    expect(layers.map((l) => l.layer)).toEqual(AWS_LAYERS);
    for (const l of layers) expect(l).toEqual({ layer: l.layer, verdict: 'allow', reason: SAME_NODE_REASON, objects: [] });
  });

  it(`a hostNetwork pod and a pod on its node are on the same node (${PROPOSAL})`, () => {
    const w = twoSubnetWorld().pod('kube-system/agent', { node: 'node-a', hostNetwork: true });
    expect(w.layer('kube-system/agent', 'shop/web', 8080, 'security-group-ingress').reason).toBe(SAME_NODE_REASON);
  });

  it.each<[string, 'strict' | 'standard' | undefined, string]>([
    ['strict (default): evaluated over the VPC', undefined, 'deny'],
    ['standard: not enforced on the node', 'standard', 'allow'],
  ])(`branch-ENI pod on the same node (${SGP}): %s`, (_n, mode, verdict) => {
    const l = podSecurityGroups(mode).layer('shop/web', 'shop/sgp', 9090, 'security-group-ingress');
    expect(l.verdict).toBe(verdict);
  });
});

describe('placement', () => {
  it(`a pod IP inside an assigned /28 prefix belongs to that ENI (${PREFIX})`, () => {
    const w = twoSubnetWorld().pod('shop/pd', { node: 'node-b', ip: '10.0.2.67', prefix: '10.0.2.64/28' });
    expect(w.layer('shop/web', 'shop/pd', 80, 'security-group-ingress')).toMatchObject({ verdict: 'allow', objects: ['sg-node'] });
  });

  it('an IP held by no ENI leaves its endpoint layers not-evaluated, never allowed', () => {
    const w = twoSubnetWorld().pod('shop/lost', { node: 'node-b', ip: '10.0.3.7', noEni: true });
    const layers = w.engine().evaluate(w.flow('shop/web', 'shop/lost', 80));
    const byName = Object.fromEntries(layers.map((l) => [l.layer, l]));
    for (const name of ['nacl-inbound', 'security-group-ingress', 'nacl-return']) {
      expect(byName[name].verdict).toBe('not-evaluated');
      expect(byName[name].reason).toContain('No network interface in the snapshot holds 10.0.3.7');
    }
    expect(byName['security-group-egress'].verdict).toBe('allow');
  });

  it('a group reference cannot be decided for a peer with no ENI', () => {
    const w = twoSubnetWorld().pod('shop/lost', { node: 'node-b', ip: '10.0.2.77', noEni: true });
    const l = w.layer('shop/lost', 'shop/web', 80, 'security-group-ingress');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.reason).toContain('10.0.2.77');
  });

  it('the collection may name a resource by its API operation (ec2:DescribeNetworkAcls)', () => {
    const w = twoSubnetWorld();
    w.snap.collection.missing.push({ resource: 'ec2:DescribeNetworkAcls', reason: 'AccessDenied' });
    expect(w.layer('shop/web', 'shop/db', 80, 'nacl-inbound').verdict).toBe('not-evaluated');
  });

  it('NetworkInterfaces listed as missing → endpoint layers not-evaluated with the collection reason', () => {
    const w = twoSubnetWorld();
    w.snap.aws.networkInterfaces = [];
    w.snap.collection.missing.push({ resource: 'NetworkInterfaces', reason: 'Throttling: Rate exceeded' });
    for (const l of w.engine().evaluate(w.flow('shop/web', 'shop/db', 80)).filter((x) => x.layer !== 'route')) {
      expect(l.verdict).toBe('not-evaluated');
      expect(l.reason).toContain('Throttling: Rate exceeded');
    }
  });

  // SGR: "Security groups and network ACLs cannot block DNS traffic to the Route 53 Resolver (VPC+2)".
  it(`DNS to the VPC+2 resolver is never denied by SGs or NACLs (${SGR})`, () => {
    const w = twoSubnetWorld().sg('sg-node', [], []).nacl('acl-a', ['subnet-a'], []);
    for (const l of w.engine().evaluate(w.flow('shop/web', '10.0.0.2', 53, 'UDP'))) {
      expect(l.verdict).toBe('allow');
      expect(l.reason).toContain('Route 53 Resolver');
    }
  });
});

describe('security group fixes', () => {
  it.each<[string, string, string, LayerName]>([
    ['ingress from a pod in the VPC', 'shop/web', 'shop/db', 'security-group-ingress'],
    ['egress to a pod in the VPC', 'shop/web', 'shop/db', 'security-group-egress'],
    ['ingress from the internet', 'internet', 'shop/db', 'security-group-ingress'],
    ['egress to the internet', 'shop/web', 'internet', 'security-group-egress'],
  ])('applying fix.object makes the layer allow: %s', (_n, from, to, layer) => {
    const w = twoSubnetWorld().sg('sg-node', [], []);
    const before = w.layer(from, to, 8443, layer);
    expect(before.verdict).toBe('deny');
    applyFix(w.snap, before.fix!);
    expect(w.layer(from, to, 8443, layer).verdict).toBe('allow');
  });

  it('a fix for internet ingress opens 0.0.0.0/0', () => {
    const w = twoSubnetWorld().sg('sg-node', [], []);
    expect(w.layer('internet', 'shop/db', 443, 'security-group-ingress').fix?.object).toEqual({
      groupId: 'sg-node',
      direction: 'ingress',
      permission: { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
    });
  });
});
