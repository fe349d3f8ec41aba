import type { Route } from '@aws-sdk/client-ec2';
import { World, allTraffic, tcp } from './world';

const IGW = 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html';
const NAT = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html';
const RT = 'https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html';
const EIGW = 'https://docs.aws.amazon.com/vpc/latest/userguide/egress-only-internet-gateway.html';
const SNAT = 'https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html';

const IGW_ROUTE: Route = { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' };
const IGW6_ROUTE: Route = { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' };
const NAT_ROUTE: Route = { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' };

/** A public subnet (0.0.0.0/0 → igw-1) and a private one (0.0.0.0/0 → nat-1, which sits in the public subnet). */
function vpc(opts: { nodePublicIp?: string; privateRoutes?: Route[]; publicRoutes?: Route[]; natState?: string } = {}): World {
  return new World()
    .subnet('subnet-pub', '10.0.10.0/24', '2600:1f14:aaa:bb10::/64')
    .subnet('subnet-priv', '10.0.20.0/24', '2600:1f14:aaa:bb20::/64')
    .routeTable('rtb-pub', ['subnet-pub'], opts.publicRoutes ?? [IGW_ROUTE, IGW6_ROUTE])
    .routeTable('rtb-priv', ['subnet-priv'], opts.privateRoutes ?? [NAT_ROUTE])
    .natGateway('nat-1', 'subnet-pub', opts.natState ?? 'available')
    .sg('sg-node', [allTraffic({ group: 'sg-node' }), tcp(443, { cidr: '0.0.0.0/0' })])
    .node('pub', { subnet: 'subnet-pub', ip: '10.0.10.10', groups: ['sg-node'], publicIp: opts.nodePublicIp })
    .node('priv', { subnet: 'subnet-priv', ip: '10.0.20.10', groups: ['sg-node'] })
    .pod('web/pub', { node: 'pub', ip: '10.0.10.21' })
    .pod('web/pub-host', { node: 'pub', hostNetwork: true })
    .pod('web/priv', { node: 'priv', ip: '10.0.20.21' });
}

describe('route to the internet', () => {
  // IGW: "To enable communication over the internet for IPv4, your instance must have a public IPv4 address";
  // SNAT: pod traffic leaves as the node's primary IP unless external SNAT is on.
  it.each<[string, World, string, string, string[]]>([
    ['public subnet, node with a public IP, default SNAT', vpc({ nodePublicIp: '198.51.100.10' }), 'web/pub', 'allow', ['igw-1', 'rtb-pub']],
    ['public subnet, node without a public IP', vpc(), 'web/pub', 'deny', ['eni-pub', 'igw-1', 'rtb-pub']],
    [
      'public subnet, external SNAT: the pod IP has no public IP',
      vpc({ nodePublicIp: '198.51.100.10' }).awsNode({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' }),
      'web/pub',
      'deny',
      ['eni-pub', 'igw-1', 'rtb-pub'],
    ],
    [
      'public subnet, external SNAT, hostNetwork pod uses the node IP',
      vpc({ nodePublicIp: '198.51.100.10' }).awsNode({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' }),
      'web/pub-host',
      'allow',
      ['igw-1', 'rtb-pub'],
    ],
  ])(`internet gateway (${IGW}, ${SNAT}): %s`, (_n, w, from, verdict, objects) => {
    const l = w.layer(from, 'internet', 443, 'route');
    expect(l.verdict).toBe(verdict);
    expect(l.objects).toEqual(objects);
  });

  it(`the deny for external SNAT in a public subnet says why the pod keeps its IP (${SNAT})`, () => {
    const w = vpc({ nodePublicIp: '198.51.100.10' }).awsNode({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' });
    expect(w.layer('web/pub', 'internet', 443, 'route').reason).toContain('AWS_VPC_K8S_CNI_EXTERNALSNAT=true');
  });

  // NAT: the NAT gateway must be available and its subnet routed to the internet gateway.
  it.each<[string, World, string, string[]]>([
    ['private subnet through an available NAT gateway', vpc(), 'allow', ['igw-1', 'nat-1', 'rtb-priv', 'rtb-pub']],
    ['external SNAT behind a NAT gateway still works', vpc().awsNode({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' }), 'allow', ['igw-1', 'nat-1', 'rtb-priv', 'rtb-pub']],
    ['NAT gateway deleted', vpc({ natState: 'deleted' }), 'deny', ['nat-1', 'rtb-priv']],
    ["NAT gateway's own subnet has no internet gateway route", vpc({ publicRoutes: [] }), 'deny', ['nat-1', 'rtb-priv', 'rtb-pub']],
  ])(`NAT gateway chain (${NAT}): %s`, (_n, w, verdict, objects) => {
    const l = w.layer('web/priv', 'internet', 443, 'route');
    expect(l.verdict).toBe(verdict);
    expect(l.objects).toEqual(objects);
  });

  it(`a NAT gateway missing from the snapshot is not-evaluated, naming it (${NAT})`, () => {
    const w = vpc();
    w.snap.aws.natGateways = [];
    const l = w.layer('web/priv', 'internet', 443, 'route');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.reason).toContain('nat-1');
  });

  // RT: longest prefix match; a blackhole route still wins it and drops the traffic.
  it.each<[string, Route[], string, string]>([
    ['no route at all', [], '1.2.3.4', 'deny'],
    ['default route is a blackhole', [{ ...NAT_ROUTE, State: 'blackhole' }], '1.2.3.4', 'deny'],
    ['a more specific blackhole beats the working default', [NAT_ROUTE, { DestinationCidrBlock: '1.0.0.0/8', NatGatewayId: 'nat-old', State: 'blackhole' }], '1.2.3.4', 'deny'],
    ['an address outside the blackhole uses the default', [NAT_ROUTE, { DestinationCidrBlock: '1.0.0.0/8', NatGatewayId: 'nat-old', State: 'blackhole' }], '8.8.8.8', 'allow'],
    ['"internet" only matches 0.0.0.0/0 routes', [{ DestinationCidrBlock: '0.0.0.0/1', NatGatewayId: 'nat-1', State: 'active' }], 'internet', 'deny'],
  ])(`longest prefix match (${RT}): %s`, (_n, routes, to, verdict) => {
    const l = vpc({ privateRoutes: routes }).layer('web/priv', to, 443, 'route');
    expect(l.verdict).toBe(verdict);
    expect(l.objects).toContain('rtb-priv');
  });

  it(`traffic inside the VPC uses the local route (${RT})`, () => {
    const l = vpc({ privateRoutes: [] }).layer('web/priv', 'web/pub', 443, 'route');
    expect(l.verdict).toBe('allow');
    expect(l.reason).toContain('local route');
  });

  // EIGW: IPv6 only, outbound only; IPv6 through an IGW needs no public IPv4.
  it.each<[string, Route[], string, string]>([
    ['IPv6 through an egress-only internet gateway', [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }], '2001:db8::1', 'allow'],
    ['IPv6 through the internet gateway', [IGW6_ROUTE], '2001:db8::1', 'allow'],
    ['IPv6 with only an IPv4 default route', [NAT_ROUTE], '2001:db8::1', 'deny'],
    ['IPv4 to an egress-only internet gateway', [{ DestinationCidrBlock: '0.0.0.0/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }], '1.2.3.4', 'deny'],
  ])(`IPv6 (${EIGW}): %s`, (_n, routes, to, verdict) => {
    const w = vpc({ privateRoutes: routes }).pod('web/priv6', { node: 'priv', ip: '2600:1f14:aaa:bb20::21' });
    expect(w.layer(to.includes(':') ? 'web/priv6' : 'web/priv', to, 443, 'route').verdict).toBe(verdict);
  });

  it('off-VPC destinations skip the ingress-side layers', () => {
    const layers = vpc().engine().evaluate(vpc().flow('web/priv', 'internet', 443));
    for (const name of ['nacl-inbound', 'security-group-ingress']) {
      const l = layers.find((x) => x.layer === name)!;
      expect(l.verdict).toBe('allow');
      expect(l.reason).toContain('outside the VPC');
    }
  });

  it('RouteTables listed as missing → the route layer is not-evaluated with the collection reason', () => {
    const w = vpc();
    w.snap.collection.missing.push({ resource: 'RouteTables', reason: 'AccessDenied' });
    const l = w.layer('web/priv', 'internet', 443, 'route');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.reason).toContain('AccessDenied');
  });
});

describe('private destinations outside the VPC', () => {
  // IGW: an internet gateway translates to and from public addresses only; a private (RFC 1918, 100.64.0.0/10)
  // destination outside the VPC needs a VPN, Direct Connect, transit gateway or peering route.
  it.each<[string, World, string, string, string[]]>([
    ['public subnet → igw, RFC 1918 192.168.1.5', vpc({ nodePublicIp: '198.51.100.10' }), 'web/pub', '192.168.1.5', ['igw-1', 'rtb-pub']],
    ['public subnet → igw, RFC 1918 172.20.0.10', vpc({ nodePublicIp: '198.51.100.10' }), 'web/pub', '172.20.0.10', ['igw-1', 'rtb-pub']],
    ['public subnet → igw, CGNAT 100.64.3.4', vpc({ nodePublicIp: '198.51.100.10' }), 'web/pub', '100.64.3.4', ['igw-1', 'rtb-pub']],
    ['private subnet → nat → igw, 192.168.1.5', vpc(), 'web/priv', '192.168.1.5', ['igw-1', 'nat-1', 'rtb-priv', 'rtb-pub']],
    ['private subnet → nat → igw, 172.20.0.10', vpc(), 'web/priv', '172.20.0.10', ['igw-1', 'nat-1', 'rtb-priv', 'rtb-pub']],
  ])(`an internet gateway does not deliver private addresses (${IGW}): %s`, (_n, w, from, to, objects) => {
    const l = w.layer(from, to, 443, 'route');
    expect(l.verdict).toBe('deny');
    expect(l.reason).toContain(`routes ${to} to igw-1`);
    expect(l.reason).toContain('an internet gateway does not deliver private addresses');
    expect(l.objects).toEqual(objects);
  });

  it(`a public address through the same gateways is still allowed (${IGW})`, () => {
    expect(vpc({ nodePublicIp: '198.51.100.10' }).layer('web/pub', '203.0.113.7', 443, 'route').verdict).toBe('allow');
    expect(vpc().layer('web/priv', '203.0.113.7', 443, 'route').verdict).toBe('allow');
  });

  it(`a more specific route to a transit gateway wins over the igw default, and is not-evaluated (${RT})`, () => {
    const tgw: Route = { DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' };
    const l = vpc({ nodePublicIp: '198.51.100.10', publicRoutes: [IGW_ROUTE, tgw] }).layer('web/pub', '192.168.1.5', 443, 'route');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.objects).toEqual(['rtb-pub', 'tgw-1']);
  });

  it(`a private source cannot arrive through an internet gateway (${IGW})`, () => {
    const l = vpc({ nodePublicIp: '198.51.100.10' }).layer('192.168.1.5', 'web/pub-host', 443, 'route');
    expect(l.verdict).toBe('deny');
    expect(l.reason).toContain('192.168.1.5');
  });
});

describe('routes to targets the snapshot cannot see beyond', () => {
  // RT: a route's target may be a transit gateway, peering connection, virtual private gateway or network interface;
  // what happens past it is not in the snapshot, so the route layer is not-evaluated, never a silent allow.
  it.each<[string, Route]>([
    ['transit gateway', { DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-1', State: 'active' }],
    ['VPC peering connection', { DestinationCidrBlock: '0.0.0.0/0', VpcPeeringConnectionId: 'pcx-1', State: 'active' }],
    ['virtual private gateway', { DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'vgw-1', State: 'active' }],
    ['network interface (middlebox)', { DestinationCidrBlock: '0.0.0.0/0', NetworkInterfaceId: 'eni-fw', State: 'active' }],
  ])(`${RT}: %s`, (_n, route) => {
    const target = route.TransitGatewayId ?? route.VpcPeeringConnectionId ?? route.GatewayId ?? route.NetworkInterfaceId!;
    for (const to of ['192.168.1.5', '203.0.113.7']) {
      const l = vpc({ privateRoutes: [route] }).layer('web/priv', to, 443, 'route');
      expect(l.verdict).toBe('not-evaluated');
      expect(l.reason).toContain(`what lies beyond ${target}`);
      expect(l.objects).toEqual(['rtb-priv', target].sort());
    }
  });

  it(`a NAT gateway whose subnet routes on to a transit gateway is not-evaluated (${NAT})`, () => {
    const l = vpc({ publicRoutes: [{ DestinationCidrBlock: '0.0.0.0/0', TransitGatewayId: 'tgw-1', State: 'active' }] }).layer(
      'web/priv',
      '192.168.1.5',
      443,
      'route',
    );
    expect(l.verdict).toBe('not-evaluated');
    expect(l.objects).toEqual(['nat-1', 'rtb-priv', 'rtb-pub', 'tgw-1']);
  });

  it(`traffic arriving from outside over a transit gateway route is not-evaluated (${RT})`, () => {
    const tgw: Route = { DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' };
    const l = vpc({ publicRoutes: [IGW_ROUTE, tgw] }).layer('192.168.1.5', 'web/pub', 443, 'route');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.objects).toEqual(['rtb-pub', 'tgw-1']);
  });
});

describe('route from the internet', () => {
  // IGW: the internet gateway maps a public IP to the private IP it is associated with; private subnets are not reachable.
  it.each<[string, World, string, string]>([
    ['node IP with a public IP in a public subnet', vpc({ nodePublicIp: '198.51.100.10' }), 'web/pub-host', 'allow'],
    ['pod secondary IP has no public IP of its own', vpc({ nodePublicIp: '198.51.100.10' }), 'web/pub', 'deny'],
    ['private subnet: the route back is a NAT gateway', vpc(), 'web/priv', 'deny'],
  ])(`${IGW}: %s`, (_n, w, to, verdict) => {
    expect(w.layer('internet', to, 443, 'route').verdict).toBe(verdict);
  });

  it('the source side layers do not apply to traffic from outside', () => {
    const w = vpc({ nodePublicIp: '198.51.100.10' });
    const layers = w.engine().evaluate(w.flow('internet', 'web/pub-host', 443));
    expect(layers.map((l) => [l.layer, l.verdict])).toEqual([
      ['security-group-egress', 'allow'],
      ['nacl-outbound', 'allow'],
      ['route', 'allow'],
      ['nacl-inbound', 'allow'],
      ['security-group-ingress', 'allow'],
      ['nacl-return', 'allow'],
    ]);
  });
});
