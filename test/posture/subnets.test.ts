import { nodeInPublicSubnet } from '../../src/posture/checks/node-in-public-subnet';
import { podInPublicSubnet } from '../../src/posture/checks/pod-in-public-subnet';
import { privateSubnetNoEgress } from '../../src/posture/checks/private-subnet-no-egress';
import { subnetAutoAssignPublicIp } from '../../src/posture/checks/subnet-auto-assign-public-ip';
import { compliantWorld, eni, ids, node, pod, run, subnet, routeTable } from './world';

// Public subnet = routes to an internet gateway: https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html#subnet-types
// Nodes and pods belong in private subnets: https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html

function withPublicNode(publicIp?: string) {
  const s = compliantWorld();
  s.aws.networkInterfaces.push(
    eni('eni-n2', 'subnet-pub', '10.0.101.10', ['sg-node'], {
      Attachment: { InstanceId: 'i-2', DeviceIndex: 0 },
      PrivateIpAddresses: [{ PrivateIpAddress: '10.0.101.10', Primary: true, ...(publicIp ? { Association: { PublicIp: publicIp } } : {}) }],
    }),
  );
  s.k8s.nodes.push(node('n2', 'i-2', '10.0.101.10'));
  return s;
}

describe('node-in-public-subnet (EKS best practices: nodes in private subnets)', () => {
  it('Noncompliance 1: a node with a public IP in a public subnet is high', () => {
    const f = run(nodeInPublicSubnet, withPublicNode('198.51.100.7'));
    expect(ids(f)).toEqual(['node-in-public-subnet high subnet-pub']);
    expect(f[0]!.summary).toContain('n2');
    expect(f[0]!.summary).toContain('public IP');
  });
  it('Noncompliance 2: a node without a public IP in a public subnet is medium', () => {
    expect(ids(run(nodeInPublicSubnet, withPublicNode()))).toEqual(['node-in-public-subnet medium subnet-pub']);
  });
  it('Noncompliance 3: a node placed only by its InternalIP (no ENI in the snapshot) is still found', () => {
    const s = compliantWorld();
    s.k8s.nodes.push(node('n3', 'i-3', '10.0.101.33'));
    expect(ids(run(nodeInPublicSubnet, s))).toEqual(['node-in-public-subnet medium subnet-pub']);
  });
  it('Compliance: nodes in a private subnet', () => {
    expect(run(nodeInPublicSubnet, compliantWorld())).toEqual([]);
  });
  it('cannot run without route tables: check-not-evaluated naming them', () => {
    const s = compliantWorld();
    s.aws.routeTables = [];
    s.present.delete('RouteTables');
    const f = run(nodeInPublicSubnet, s);
    expect(ids(f)).toEqual(['check-not-evaluated info demo (node-in-public-subnet)']);
    expect(f[0]!.summary).toContain('RouteTables');
  });
  it('names a collection failure as the reason', () => {
    const s = compliantWorld();
    s.collection.missing.push({ resource: 'Subnets', reason: 'UnauthorizedOperation: ec2:DescribeSubnets' });
    expect(run(nodeInPublicSubnet, s)[0]!.summary).toContain('UnauthorizedOperation');
  });
});

describe('pod-in-public-subnet (custom networking ENIs in a public subnet)', () => {
  it('Noncompliance 1: a pod whose ENI is in a public subnet other than its node subnet', () => {
    const s = compliantWorld();
    s.aws.networkInterfaces.push(eni('eni-pod', 'subnet-pub', '10.0.101.50', ['sg-node'], { Attachment: { InstanceId: 'i-1', DeviceIndex: 1 } }));
    s.k8s.pods.push(pod('shop/api', { app: 'api' }, '10.0.101.50', 'n1'));
    const f = run(podInPublicSubnet, s);
    expect(ids(f)).toEqual(['pod-in-public-subnet medium subnet-pub']);
    expect(f[0]!.summary).toContain('shop/api');
  });
  it('Compliance: pods on the private node subnet', () => {
    expect(run(podInPublicSubnet, compliantWorld())).toEqual([]);
  });
});

describe('subnet-auto-assign-public-ip (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html)', () => {
  it('Noncompliance 1: public subnet with MapPublicIpOnLaunch hosting nodes is medium', () => {
    const s = withPublicNode();
    s.aws.subnets.find((x) => x.SubnetId === 'subnet-pub')!.MapPublicIpOnLaunch = true;
    const f = run(subnetAutoAssignPublicIp, s);
    expect(ids(f)).toEqual(['subnet-auto-assign-public-ip medium subnet-pub']);
    expect(f[0]!.fix).toBe('aws ec2 modify-subnet-attribute --subnet-id subnet-pub --no-map-public-ip-on-launch');
  });
  it('Noncompliance 2: without nodes it is low', () => {
    const s = compliantWorld();
    s.aws.subnets.find((x) => x.SubnetId === 'subnet-pub')!.MapPublicIpOnLaunch = true;
    expect(ids(run(subnetAutoAssignPublicIp, s))).toEqual(['subnet-auto-assign-public-ip low subnet-pub']);
  });
  it('Compliance: a private subnet that auto-assigns is not public, and public subnets without it pass', () => {
    const s = compliantWorld();
    s.aws.subnets.find((x) => x.SubnetId === 'subnet-priv')!.MapPublicIpOnLaunch = true;
    expect(run(subnetAutoAssignPublicIp, s)).toEqual([]);
  });
});

describe('private-subnet-no-egress (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html)', () => {
  it('Noncompliance 1: no 0.0.0.0/0 route', () => {
    const s = compliantWorld();
    s.aws.routeTables[0] = routeTable('rtb-priv', 'subnet-priv', []);
    const f = run(privateSubnetNoEgress, s);
    expect(ids(f)).toEqual(['private-subnet-no-egress medium subnet-priv']);
    expect(f[0]!.summary).toContain('no route for 0.0.0.0/0');
    expect(f[0]!.fix).toBe('aws ec2 create-route --route-table-id rtb-priv --destination-cidr-block 0.0.0.0/0 --nat-gateway-id nat-1');
  });
  it('Noncompliance 2: a blackhole default route', () => {
    const s = compliantWorld();
    s.aws.routeTables[0] = routeTable('rtb-priv', 'subnet-priv', [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-old', State: 'blackhole' }]);
    const f = run(privateSubnetNoEgress, s);
    expect(f[0]!.summary).toContain('blackhole');
    expect(f[0]!.fix).toContain('replace-route');
  });
  it('Noncompliance 3: the NAT gateway is deleted', () => {
    const s = compliantWorld();
    s.aws.natGateways[0]!.State = 'deleted';
    expect(ids(run(privateSubnetNoEgress, s))).toEqual(['private-subnet-no-egress medium subnet-priv']);
  });
  it('Noncompliance 4: a subnet without its own table uses the main table (no default route)', () => {
    const s = compliantWorld();
    s.aws.subnets.push(subnet('subnet-other', '10.0.2.0/24'));
    s.aws.networkInterfaces.push(eni('eni-n4', 'subnet-other', '10.0.2.10', ['sg-node'], { Attachment: { InstanceId: 'i-4', DeviceIndex: 0 } }));
    s.k8s.nodes.push(node('n4', 'i-4', '10.0.2.10'));
    expect(ids(run(privateSubnetNoEgress, s))).toEqual(['private-subnet-no-egress medium subnet-other']);
  });
  it('Compliance: private subnet routing to an available NAT gateway', () => {
    expect(run(privateSubnetNoEgress, compliantWorld())).toEqual([]);
  });
});
