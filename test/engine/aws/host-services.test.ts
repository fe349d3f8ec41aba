import { AWS_LAYERS } from '../../../src/engine/aws';
import { World, allTraffic, entry } from './world';

const VPC_SECURITY = 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Security.html';
const NACL = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html';
const IMDS = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html';
const TIME_SYNC = 'https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html';

/** Everything locked down: no security group rule at all, a NACL that denies everything, and only an igw route. */
function lockedDown(): World {
  return new World()
    .subnet('subnet-a', '10.0.1.0/24', '2600:1f14:aaa:bb01::/64')
    .sg('sg-node', [], [])
    .nacl('acl-a', ['subnet-a'], [entry(1, true, 'deny', '0.0.0.0/0'), entry(1, false, 'deny', '0.0.0.0/0')])
    .routeTable('rtb-a', ['subnet-a'], [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }])
    .node('node-a', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-node'] })
    .pod('app/a1', { node: 'node-a', ip: '10.0.1.21' })
    .pod('app/a6', { node: 'node-a', ip: '2600:1f14:aaa:bb01::21' })
    .pod('app/host', { node: 'node-a', hostNetwork: true });
}

describe('link-local AWS services', () => {
  // VPC_Security: "Amazon security groups and network ACLs do not filter traffic destined to and from the following:
  // Amazon Domain Name Services (DNS), Amazon Dynamic Host Configuration Protocol (DHCP), Amazon EC2 instance metadata,
  // Amazon ECS task metadata endpoints, License activation for Windows instances, Amazon Time Sync Service, Reserved
  // IP addresses used by the default VPC router". NACL: "Network ACLs can't block traffic to the Instance Metadata
  // Service (IMDS)". These answer on link-local addresses, on the host, so no route applies either.
  it.each<[string, string, string, number, 'TCP' | 'UDP']>([
    ['instance metadata', 'app/a1', '169.254.169.254', 80, 'TCP'],
    ['instance metadata from a hostNetwork pod', 'app/host', '169.254.169.254', 80, 'TCP'],
    ['Amazon Time Sync', 'app/a1', '169.254.169.123', 123, 'UDP'],
    ['EKS Pod Identity Agent', 'app/a1', '169.254.170.23', 80, 'TCP'],
    ['ECS task metadata / credentials', 'app/a1', '169.254.170.2', 80, 'TCP'],
    ['Route 53 Resolver link-local address', 'app/a1', '169.254.169.253', 53, 'UDP'],
    ['instance metadata over IPv6', 'app/a6', 'fd00:ec2::254', 80, 'TCP'],
    ['Amazon Time Sync over IPv6', 'app/a6', 'fd00:ec2::123', 123, 'UDP'],
  ])(`security groups, NACLs and routes never deny it (${VPC_SECURITY}, ${NACL}, ${IMDS}, ${TIME_SYNC}): %s`, (_n, from, to, port, protocol) => {
    const w = lockedDown();
    const layers = w.engine().evaluate(w.flow(from, to, port, protocol));
    expect(layers.map((l) => l.layer)).toEqual(AWS_LAYERS);
    for (const l of layers) expect(l.verdict).toBe('allow');
  });

  it(`the reason names the address and says the layers do not filter it (${VPC_SECURITY})`, () => {
    const l = lockedDown().layer('app/a1', '169.254.169.254', 80, 'security-group-egress');
    expect(l.reason).toContain('169.254.169.254');
    expect(l.reason).toContain('link-local');
    expect(l.reason).toContain('do not filter');
  });

  it('an ordinary address in the same locked-down world is still denied', () => {
    const w = lockedDown().sg('sg-node', [allTraffic({ group: 'sg-node' })], []);
    const layers = w.engine().evaluate(w.flow('app/a1', '203.0.113.9', 80));
    expect(layers.find((l) => l.layer === 'security-group-egress')!.verdict).toBe('deny');
    expect(layers.find((l) => l.layer === 'nacl-outbound')!.verdict).toBe('deny');
  });

  it('the reach-map class key separates link-local and private destinations from public ones', () => {
    const w = lockedDown();
    const e = w.engine();
    const key = (ip: string) => e.placementKey(w.endpoint(ip));
    expect(key('169.254.169.254')).not.toBe(key('203.0.113.9'));
    expect(key('192.168.1.5')).not.toBe(key('203.0.113.9'));
    expect(key('203.0.113.10')).toBe(key('203.0.113.9'));
  });
});
