import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { naclBlocksEphemeralReturn } from '../../src/posture/checks/nacl-blocks-ephemeral-return';
import { naclDeniesSgAllowed } from '../../src/posture/checks/nacl-denies-sg-allowed';
import { compliantWorld, eni, ids, node, pod, run, sg } from './world';

// NACLs are stateless and evaluated lowest rule number first, first match wins, unmatched traffic denied:
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html; the Linux ephemeral range 32768-60999:
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html

type Entry = NonNullable<NetworkAcl['Entries']>[number];
const inbound = (RuleNumber: number, RuleAction: 'allow' | 'deny', extra: Partial<Entry> = {}): Entry => ({
  RuleNumber,
  Egress: false,
  Protocol: '6',
  CidrBlock: '0.0.0.0/0',
  RuleAction,
  ...extra,
});

const outboundAll: Entry = { RuleNumber: 100, Egress: true, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'allow' };

function withNacl(entries: Entry[]) {
  const s = compliantWorld();
  s.aws.networkAcls.push({
    NetworkAclId: 'acl-priv',
    VpcId: 'vpc-1',
    IsDefault: false,
    Associations: [{ SubnetId: 'subnet-priv', NetworkAclId: 'acl-priv' }],
    // Listed out of order on purpose: rule numbers decide.
    Entries: [...entries, ...(entries.some((e) => e.Egress) ? [] : [outboundAll])].reverse(),
  });
  return s;
}

describe('nacl-blocks-ephemeral-return', () => {
  it('Noncompliance 1: only 443 allowed inbound — the whole ephemeral range falls to the * rule', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([inbound(100, 'allow', { PortRange: { From: 443, To: 443 } }), inbound(32767, 'deny', { Protocol: '-1' })]));
    expect(ids(f)).toEqual(['nacl-blocks-ephemeral-return high acl-priv']);
    expect(f[0]!.summary).toContain('inbound from the internet (responses to connections the nodes and pods open): 32768-60999 (the final * rule)');
    expect(f[0]!.fix).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-priv --ingress --rule-number 110 --protocol tcp --port-range From=32768,To=60999 --cidr-block 0.0.0.0/0 --rule-action allow',
    );
  });
  it('Noncompliance 2: allows 1024-50000 only — part of the range is denied, named', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([inbound(100, 'allow', { PortRange: { From: 1024, To: 50000 } }), inbound(32767, 'deny', { Protocol: '-1' })]));
    expect(f[0]!.summary).toContain('inbound from the internet (responses to connections the nodes and pods open): 50001-60999 (the final * rule)');
    expect(f[0]!.summary).not.toContain('outbound');
  });
  it('Noncompliance 3: a lower-numbered deny wins over a later allow', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([
      inbound(90, 'deny', { PortRange: { From: 40000, To: 40010 } }),
      inbound(100, 'allow', { PortRange: { From: 1024, To: 65535 } }),
    ]));
    expect(f[0]!.summary).toContain('40000-40010 (rule 90)');
    expect(f[0]!.fix).toContain('--rule-number 10');
  });
  it('Noncompliance 4: an allow for the VPC only does not admit the internet', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([inbound(100, 'allow', { CidrBlock: '10.0.0.0/16', PortRange: { From: 1024, To: 65535 } })]));
    expect(ids(f)).toEqual(['nacl-blocks-ephemeral-return high acl-priv']);
    expect(f[0]!.summary).toContain('inbound from the internet');
    expect(f[0]!.summary).not.toContain('inbound from 10.0.0.0/16');
  });
  it('Noncompliance 5: outbound responses to VPC clients on the Windows range 49152-65535 only (32768-49151 dropped)', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([
      inbound(100, 'allow', { Protocol: '-1' }),
      { RuleNumber: 110, Egress: true, Protocol: '6', PortRange: { From: 49152, To: 65535 }, CidrBlock: '10.0.0.0/16', RuleAction: 'allow' },
      { RuleNumber: 120, Egress: true, Protocol: '6', PortRange: { From: 443, To: 443 }, CidrBlock: '0.0.0.0/0', RuleAction: 'allow' },
      { RuleNumber: 32767, Egress: true, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'deny' },
    ]));
    expect(ids(f)).toEqual(['nacl-blocks-ephemeral-return high acl-priv']);
    expect(f[0]!.summary).toContain('outbound to 10.0.0.0/16 (responses to clients in other subnets): 32768-49151 (the final * rule)');
    expect(f[0]!.fix).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-priv --egress --rule-number 130 --protocol tcp --port-range From=32768,To=60999 --cidr-block 10.0.0.0/16 --rule-action allow',
    );
  });
  it('Compliance 1: ephemeral range allowed from anywhere', () => {
    expect(run(naclBlocksEphemeralReturn, withNacl([inbound(100, 'allow', { PortRange: { From: 1024, To: 65535 } })]))).toEqual([]);
  });
  it('Compliance 2: a later deny does not matter when an earlier rule allows', () => {
    expect(run(naclBlocksEphemeralReturn, withNacl([inbound(100, 'allow', { Protocol: '-1' }), inbound(110, 'deny')]))).toEqual([]);
  });
  it('Compliance 3: the default NACL (allow all) applies to a subnet with no association', () => {
    expect(run(naclBlocksEphemeralReturn, compliantWorld())).toEqual([]);
  });
  it('not evaluated when NetworkAcls could not be collected', () => {
    const s = compliantWorld();
    s.collection.missing.push({ resource: 'NetworkAcls', reason: 'UnauthorizedOperation' });
    expect(ids(run(naclBlocksEphemeralReturn, s))).toEqual(['check-not-evaluated info demo (nacl-blocks-ephemeral-return)']);
  });
});

// Every path at once: nodes in the private (NAT) and the public (IGW) subnet share one NACL, and CoreDNS (53/UDP)
// runs in the private one, so TCP and UDP responses both ways and replies to internet clients all cross it.
// First match by rule number: https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html
function everyPath(entries: Entry[], opts: { udpServer?: boolean } = {}) {
  const s = compliantWorld();
  s.aws.networkAcls.push({
    NetworkAclId: 'acl-shared',
    VpcId: 'vpc-1',
    IsDefault: false,
    Associations: ['subnet-priv', 'subnet-pub'].map((SubnetId) => ({ SubnetId, NetworkAclId: 'acl-shared' })),
    Entries: entries,
  });
  s.aws.networkInterfaces.push(eni('eni-n2', 'subnet-pub', '10.0.101.10', ['sg-node'], { Attachment: { InstanceId: 'i-2', DeviceIndex: 0 } }));
  s.k8s.nodes.push(node('n2', 'i-2', '10.0.101.10'));
  if (opts.udpServer !== false) {
    s.k8s.pods.push(pod('kube-system/coredns-1', { 'k8s-app': 'kube-dns' }, '10.0.1.30', 'n1', {
      containers: [{ name: 'coredns', ports: [{ containerPort: 53, protocol: 'UDP' }, { containerPort: 53, protocol: 'TCP' }] }],
    }));
  }
  return s;
}
const rule = (RuleNumber: number, Egress: boolean, Protocol: string, CidrBlock: string, RuleAction: 'allow' | 'deny', From?: number, To?: number): Entry => ({
  RuleNumber, Egress, Protocol, CidrBlock, RuleAction, ...(From !== undefined ? { PortRange: { From, To } } : {}),
});
const both = (n: number, egress: boolean, cidr: string, from?: number, to?: number) => [rule(n, egress, '6', cidr, 'allow', from, to), rule(n + 1, egress, '17', cidr, 'allow', from, to)];
const star = [rule(32767, false, '-1', '0.0.0.0/0', 'deny'), rule(32767, true, '-1', '0.0.0.0/0', 'deny')];
const inboundAll = rule(100, false, '-1', '0.0.0.0/0', 'allow');

describe('nacl-blocks-ephemeral-return: first match over the whole peer space, UDP and internet clients', () => {
  it('Noncompliance 6: a deny for one subnet of clients numbered before the VPC allow blocks their responses (QA: demo acl rule 105)', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([
      inbound(100, 'allow', { Protocol: '-1' }),
      rule(100, true, '6', '0.0.0.0/0', 'allow', 443, 443),
      rule(105, true, '6', '10.0.32.0/19', 'deny', 32768, 40000),
      rule(110, true, '6', '10.0.0.0/16', 'allow', 1024, 65535),
      rule(32767, true, '-1', '0.0.0.0/0', 'deny'),
    ]));
    expect(ids(f)).toEqual(['nacl-blocks-ephemeral-return high acl-priv']);
    expect(f[0]!.summary).toContain('TCP outbound to 10.0.32.0/19 (responses to clients in other subnets): 32768-40000 (rule 105)');
    expect(f[0]!.summary).not.toContain('10.0.0.0/16 (');
    expect(f[0]!.fix).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-priv --egress --rule-number 104 --protocol tcp --port-range From=32768,To=60999 --cidr-block 10.0.0.0/16 --rule-action allow',
    );
  });
  it('Noncompliance 7: a narrower inbound deny for part of the VPC, named as CIDR blocks', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([
      inbound(90, 'deny', { CidrBlock: '10.0.128.0/17', PortRange: { From: 50000, To: 60999 } }),
      inbound(100, 'allow', { Protocol: '-1' }),
    ]));
    expect(f[0]!.summary).toContain('TCP inbound from 10.0.128.0/17 (responses to connections to other subnets): 50000-60999 (rule 90)');
    expect(f[0]!.summary).not.toContain('the internet');
  });
  it('Noncompliance 8: UDP replies (DNS responses from CoreDNS) to clients in other subnets are dropped when only TCP is allowed out', () => {
    const f = run(naclBlocksEphemeralReturn, everyPath([inboundAll, rule(100, true, '6', '0.0.0.0/0', 'allow', 1024, 65535), rule(110, true, '17', '0.0.0.0/0', 'allow', 53, 53), ...star]));
    expect(ids(f)).toEqual(['nacl-blocks-ephemeral-return high acl-shared']);
    expect(f[0]!.summary).toContain('UDP outbound to 10.0.0.0/16 (UDP replies such as DNS responses to clients in other subnets): 32768-60999 (the final * rule)');
    expect(f[0]!.summary).not.toContain('TCP');
    expect(f[0]!.fix).toContain('--egress --rule-number 120 --protocol udp --port-range From=32768,To=60999 --cidr-block 10.0.0.0/16');
  });
  it('Noncompliance 9: UDP responses from a DNS server in another subnet are dropped inbound', () => {
    const f = run(naclBlocksEphemeralReturn, everyPath([rule(100, false, '6', '0.0.0.0/0', 'allow'), rule(110, false, '17', '0.0.0.0/0', 'allow', 53, 53), rule(100, true, '-1', '0.0.0.0/0', 'allow'), ...star]));
    expect(f[0]!.summary).toContain('UDP inbound from 10.0.0.0/16 (responses from UDP servers such as DNS in other subnets): 32768-60999 (the final * rule)');
  });
  it('Noncompliance 10: a public subnet NACL allowing outbound only to the VPC drops replies to internet clients', () => {
    const f = run(naclBlocksEphemeralReturn, everyPath([inboundAll, rule(100, true, '-1', '10.0.0.0/16', 'allow'), ...star]));
    expect(ids(f)).toEqual(['nacl-blocks-ephemeral-return high acl-shared']);
    expect(f[0]!.summary).toContain('TCP outbound to the internet (replies to internet clients of the nodes and load balancers there): 32768-60999 (the final * rule)');
    expect(f[0]!.fix).toContain('--egress --rule-number 110 --protocol tcp --port-range From=32768,To=60999 --cidr-block 0.0.0.0/0');
  });
  it('Compliance 4: the same NACL on private (NAT) subnets only: no internet client can open a connection there', () => {
    const s = withNacl([inbound(100, 'allow', { Protocol: '-1' }), rule(100, true, '-1', '10.0.0.0/16', 'allow'), rule(32767, true, '-1', '0.0.0.0/0', 'deny')]);
    expect(run(naclBlocksEphemeralReturn, s)).toEqual([]);
  });
  it('Compliance 5: TCP-only ephemeral rules when no pod serves UDP', () => {
    const s = everyPath([rule(100, false, '6', '0.0.0.0/0', 'allow', 1024, 65535), rule(100, true, '6', '0.0.0.0/0', 'allow', 1024, 65535), ...star], { udpServer: false });
    expect(run(naclBlocksEphemeralReturn, s)).toEqual([]);
  });
  it.each<[string, Entry[]]>([
    ['1024-65535 to and from 0.0.0.0/0', [...both(100, false, '0.0.0.0/0', 1024, 65535), ...both(100, true, '0.0.0.0/0', 1024, 65535)]],
    ['exactly 32768-60999', [...both(100, false, '0.0.0.0/0', 32768, 60999), ...both(100, true, '0.0.0.0/0', 32768, 60999)]],
    ['all protocols', [rule(100, false, '-1', '0.0.0.0/0', 'allow'), rule(100, true, '-1', '0.0.0.0/0', 'allow')]],
    ['split ranges covering 32768-60999', [
      ...both(100, false, '0.0.0.0/0', 32768, 40000), ...both(110, false, '0.0.0.0/0', 40001, 60999),
      ...both(100, true, '0.0.0.0/0', 32768, 40000), ...both(110, true, '0.0.0.0/0', 40001, 60999),
    ]],
    ['a VPC allow split into two halves, then the internet', [
      ...both(100, true, '10.0.0.0/17', 32768, 60999), ...both(110, true, '10.0.128.0/17', 32768, 60999), ...both(120, true, '0.0.0.0/0', 32768, 60999),
      rule(100, false, '-1', '0.0.0.0/0', 'allow'),
    ]],
    ['a deny for a block outside the VPC', [rule(90, true, '-1', '192.168.0.0/16', 'deny'), rule(100, true, '-1', '0.0.0.0/0', 'allow'), rule(100, false, '-1', '0.0.0.0/0', 'allow')]],
  ])('Compliance: %s (every path active) is not flagged', (_name, entries) => {
    expect(run(naclBlocksEphemeralReturn, everyPath([...entries, ...star]))).toEqual([]);
  });
});

// The NACL filters traffic at the subnet boundary before the interface's security groups:
// https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison
describe('nacl-denies-sg-allowed', () => {
  // A NACL is evaluated before the security groups on the way in, so a rule it denies has no effect:
  // https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison
  const world = (entries: Entry[], rules: ReturnType<typeof sg>['IpPermissions']) => {
    const s = withNacl(entries);
    s.aws.securityGroups.push(sg('sg-web', rules));
    s.aws.networkInterfaces.push(eni('eni-web', 'subnet-priv', '10.0.1.99', ['sg-web']));
    return s;
  };
  it('Noncompliance 1: SG admits 443 from the internet, NACL denies it', () => {
    const f = run(
      naclDeniesSgAllowed,
      world([inbound(100, 'deny', { PortRange: { From: 443, To: 443 } }), inbound(200, 'allow', { Protocol: '-1' })], [
        { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] },
      ]),
    );
    expect(ids(f)).toEqual(['nacl-denies-sg-allowed medium acl-priv']);
    expect(f[0]!.summary).toContain('denies TCP 443 from 0.0.0.0/0 (rule 100), which sg-web admits (tcp 443 from 0.0.0.0/0)');
    expect(f[0]!.fix).toContain('--rule-number 10 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0');
  });
  it('Noncompliance 2: NACL admits only the VPC, SG admits the internet: the rest of the internet is named as blocks', () => {
    const f = run(
      naclDeniesSgAllowed,
      world([inbound(100, 'allow', { Protocol: '-1', CidrBlock: '10.0.0.0/16' })], [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]),
    );
    expect(ids(f)).toEqual(['nacl-denies-sg-allowed medium acl-priv']);
    expect(f[0]!.summary).toContain('denies TCP 8443 from 0.0.0.0/0 except 10.0.0.0/16 (the final * rule)');
    expect(f[0]!.fix).toContain('--port-range From=8443,To=8443 --cidr-block 0.0.0.0/0 --rule-action allow');
  });
  it('Noncompliance 3: SG admits SSH from a managed prefix list whose CIDRs the NACL denies', () => {
    const s = world([inbound(50, 'deny', { PortRange: { From: 22, To: 22 } }), inbound(100, 'allow', { Protocol: '-1' })], [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-vpn' }] },
    ]);
    s.aws.prefixListEntries['pl-vpn'] = ['192.168.50.0/24'];
    const f = run(naclDeniesSgAllowed, s);
    expect(f[0]!.summary).toContain('denies TCP 22 from 192.168.50.0/24 (rule 50)');
    expect(f[0]!.fix).toContain('--rule-number 10 --protocol tcp --port-range From=22,To=22 --cidr-block 192.168.50.0/24 --rule-action allow');
  });
  it('Noncompliance 4: per port — one SG rule for 20-25, NACL denies 22 and 23 by different rules: one finding each', () => {
    const f = run(
      naclDeniesSgAllowed,
      world(
        [inbound(50, 'deny', { PortRange: { From: 22, To: 22 } }), inbound(60, 'deny', { PortRange: { From: 23, To: 23 } }), inbound(100, 'allow', { Protocol: '-1' })],
        [{ IpProtocol: 'tcp', FromPort: 20, ToPort: 25, IpRanges: [{ CidrIp: '192.168.0.0/16' }] }],
      ),
    );
    expect(f).toHaveLength(2);
    const summaries = f.map((x) => x.summary).sort();
    expect(summaries[0]).toContain('denies TCP 22 from 192.168.0.0/16 (rule 50)');
    expect(summaries[1]).toContain('denies TCP 23 from 192.168.0.0/16 (rule 60)');
    expect(f.map((x) => x.fix).join(' ')).toContain('--port-range From=23,To=23');
  });
  it('Compliance 1: NACL allows what the SG admits', () => {
    expect(run(naclDeniesSgAllowed, world([inbound(100, 'allow', { Protocol: '-1' })], [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]))).toEqual([]);
  });
  it('Compliance 2: sources inside the interface\'s own subnet never cross the NACL', () => {
    expect(run(naclDeniesSgAllowed, world([], [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.1.0/25' }] }]))).toEqual([]);
  });
  it('negative control: an IPv6 rule (::/0) in a subnet and VPC without an IPv6 block — no IPv6 traffic can arrive', () => {
    const entries = [inbound(100, 'allow', { Protocol: '-1' })];
    const rules = [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }];
    expect(run(naclDeniesSgAllowed, world(entries, rules))).toEqual([]);
    // The same rule once the subnet has an IPv6 block: the NACL has no IPv6 allow, so the * rule denies it.
    const s = world(entries, rules);
    s.aws.subnets.find((x) => x.SubnetId === 'subnet-priv')!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f14:1:100::/64', Ipv6CidrBlockState: { State: 'associated' } }];
    s.aws.routeTables.find((t) => t.RouteTableId === 'rtb-priv')!.Routes!.push({ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' });
    expect(ids(run(naclDeniesSgAllowed, s))).toEqual(['nacl-denies-sg-allowed medium acl-priv']);
  });
  it('negative control: no route back to the source (no path can exist), so the NACL deny changes nothing', () => {
    // 192.168.0.0/16 is neither in the VPC nor routed anywhere once the default route is gone.
    const s = world([inbound(50, 'deny', { PortRange: { From: 22, To: 22 } }), inbound(100, 'allow', { Protocol: '-1' })], [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '192.168.0.0/16' }] },
    ]);
    const table = s.aws.routeTables.find((t) => t.RouteTableId === 'rtb-priv')!;
    table.Routes = table.Routes!.filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0');
    expect(run(naclDeniesSgAllowed, s)).toEqual([]);
    // With a route to a transit gateway for that block, the path exists again.
    table.Routes.push({ DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' });
    expect(ids(run(naclDeniesSgAllowed, s))).toEqual(['nacl-denies-sg-allowed medium acl-priv']);
  });
});
