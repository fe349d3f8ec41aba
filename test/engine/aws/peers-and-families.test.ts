import { tcp, twoSubnetWorld, World } from './world';

const SGR = 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html';
const IPS = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html';

function serverWith(ingress: Parameters<World['sg']>[1]): World {
  return new World()
    .subnet('subnet-a', '10.0.1.0/24')
    .sg('sg-node', ingress)
    .node('node-a', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-node'] })
    .pod('app/pay', { node: 'node-a', ip: '10.0.1.21' });
}

// SGR: a rule may reference "a security group in a peered VPC"; the snapshot cannot say which groups a
// peer outside the VPC carries, but it can say that such a peer never carries this VPC's own groups.
describe(`security-group references and peers outside the VPC (${SGR})`, () => {
  it('a rule referencing a group of another VPC, for a private peer outside the VPC: not-evaluated, no fix', () => {
    const w = serverWith([tcp(8443, { group: 'sg-peer' })]);
    const l = w.layer('192.168.1.10', 'app/pay', 8443, 'security-group-ingress');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.reason).toMatch(/outside this VPC/);
    expect(l.fix).toBeUndefined();
  });

  it("a rule referencing only this VPC's groups cannot admit a peer outside the VPC: deny", () => {
    const w = serverWith([tcp(8443, { group: 'sg-node' })]);
    expect(w.layer('192.168.1.10', 'app/pay', 8443, 'security-group-ingress').verdict).toBe('deny');
  });

  it('a public peer never matches a group reference: deny', () => {
    const w = serverWith([tcp(8443, { group: 'sg-peer' })]);
    expect(w.layer('198.51.100.7', 'app/pay', 8443, 'security-group-ingress').verdict).toBe('deny');
  });
});

// IPv4 and IPv6 are separate address families (IPS): a source with no IPv6 address cannot reach one.
describe(`address families (${IPS})`, () => {
  it.each(['2606:4700::1111', '2600:1f14:aaa:bb02::b'])('an IPv4-only pod to %s is a route deny naming its ENI', (dst) => {
    const w = twoSubnetWorld();
    const l = w.layer('shop/web', dst, 443, 'route');
    expect(l.verdict).toBe('deny');
    expect(l.reason).toMatch(/has no IPv6 address/);
    expect(l.objects.length).toBe(1);
  });
});

// CONTRACT §1: "Where the snapshot holds no ENI for an IP, the AWS layers for that endpoint are
// not-evaluated — never silently allow."
describe('an address no ENI in the snapshot holds', () => {
  it('as the source: its security-group, NACL and return layers are not-evaluated', () => {
    const layers = twoSubnetWorld().engine().evaluate(twoSubnetWorld().flow('10.0.1.99', 'shop/db', 5432));
    const by = Object.fromEntries(layers.map((l) => [l.layer, l.verdict]));
    expect(by['security-group-egress']).toBe('not-evaluated');
    expect(by['nacl-outbound']).toBe('not-evaluated');
    expect(by['nacl-return']).toBe('not-evaluated');
    expect(layers.some((l) => l.verdict === 'deny')).toBe(false);
  });

  it('as the destination: its security-group, NACL and return layers are not-evaluated', () => {
    const w = twoSubnetWorld();
    const by = Object.fromEntries(w.engine().evaluate(w.flow('shop/web', '10.0.2.99', 5432)).map((l) => [l.layer, l.verdict]));
    expect(by['security-group-ingress']).toBe('not-evaluated');
    expect(by['nacl-inbound']).toBe('not-evaluated');
    expect(by['nacl-return']).toBe('not-evaluated');
  });
});
