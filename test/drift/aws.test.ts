import { diff } from '../../src/drift';
import { cidrs, entry, groups, nacl, rtb, sg, snap, subnet, tcp, type SnapParts } from './builders';

type Expected = [kind: string, id: string, change: string, severity: string];

const brief = (parts: SnapParts, after: SnapParts): Expected[] => diff(snap(parts), snap(after)).map((c) => [c.kind, c.id, c.change, c.severity]);

// Security group rules are allow-only and unordered; one IpPermission may list many peers
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html), so drift compares
// atomic (group, direction, protocol, ports, one peer) rules.
describe('security groups', () => {
  const base = sg('sg-0abc', [tcp(443, 443, cidrs('10.0.0.0/16')), tcp(8080, 8080, groups('sg-0node'))]);

  it.each<[string, SnapParts, Expected[]]>([
    ['SSH opened to the world is critical', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(22, 22, cidrs('0.0.0.0/0'))])] }, [['SecurityGroupRule', 'sg-0abc/ingress/tcp/22/0.0.0.0/0', 'added', 'critical']]],
    ['all protocols from ::/0 is critical', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, { IpProtocol: '-1', Ipv6Ranges: [{ CidrIpv6: '::/0' }] }])] }, [['SecurityGroupRule', 'sg-0abc/ingress/all/all/::/0', 'added', 'critical']]],
    ['a port range covering PostgreSQL from the world is critical', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(5000, 6000, cidrs('0.0.0.0/0'))])] }, [['SecurityGroupRule', 'sg-0abc/ingress/tcp/5000-6000/0.0.0.0/0', 'added', 'critical']]],
    ['kubelet 10250 from the world is critical', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(10250, 10250, cidrs('0.0.0.0/0'))])] }, [['SecurityGroupRule', 'sg-0abc/ingress/tcp/10250/0.0.0.0/0', 'added', 'critical']]],
    ['HTTPS from the world is high', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(443, 443, cidrs('0.0.0.0/0'))])] }, [['SecurityGroupRule', 'sg-0abc/ingress/tcp/443/0.0.0.0/0', 'added', 'high']]],
    ['a private CIDR is medium', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(22, 22, cidrs('10.1.0.0/16'))])] }, [['SecurityGroupRule', 'sg-0abc/ingress/tcp/22/10.1.0.0/16', 'added', 'medium']]],
    ['a removed rule is medium (traffic may break)', { securityGroups: [sg('sg-0abc', [base.IpPermissions![0]!])] }, [['SecurityGroupRule', 'sg-0abc/ingress/tcp/8080/sg-0node', 'removed', 'medium']]],
    ['a changed port is one removal and one addition', { securityGroups: [sg('sg-0abc', [tcp(8443, 8443, cidrs('10.0.0.0/16')), base.IpPermissions![1]!])] }, [
      ['SecurityGroupRule', 'sg-0abc/ingress/tcp/443/10.0.0.0/16', 'removed', 'medium'],
      ['SecurityGroupRule', 'sg-0abc/ingress/tcp/8443/10.0.0.0/16', 'added', 'medium'],
    ]],
    // Every new group starts with "allow all outbound" (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): not an alarm.
    ['a new group with the default all-outbound rule is low and medium, never high', { securityGroups: [base, sg('sg-0new', [])] }, [
      ['SecurityGroup', 'sg-0new', 'added', 'low'],
      ['SecurityGroupRule', 'sg-0new/egress/all/all/0.0.0.0/0', 'added', 'medium'],
    ]],
    ['egress to the world removed is low', { securityGroups: [sg('sg-0abc', base.IpPermissions, [])] }, [['SecurityGroupRule', 'sg-0abc/egress/all/all/0.0.0.0/0', 'removed', 'low']]],
    ['a new group and its world-open rule', { securityGroups: [base, sg('sg-0new', [tcp(3389, 3389, cidrs('0.0.0.0/0'))], [])] }, [
      ['SecurityGroup', 'sg-0new', 'added', 'low'],
      ['SecurityGroupRule', 'sg-0new/ingress/tcp/3389/0.0.0.0/0', 'added', 'critical'],
    ]],
    ['a removed group is one change, not one per rule', { securityGroups: [] }, [['SecurityGroup', 'sg-0abc', 'removed', 'medium']]],
  ])('%s', (_name, after, expected) => {
    expect(brief({ securityGroups: [base] }, after)).toEqual(expected);
  });

  it.each<[string, SnapParts]>([
    ['IpPermissions reordered', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!].reverse())] }],
    ['the same rule listed twice', { securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(443, 443, cidrs('10.0.0.0/16'))])] }],
    ['protocol written as a number ("6" is tcp)', { securityGroups: [sg('sg-0abc', base.IpPermissions!.map((p) => ({ ...p, IpProtocol: '6' })))] }],
    ['rule descriptions and tags changed', { securityGroups: [{ ...sg('sg-0abc', [tcp(443, 443, { IpRanges: [{ CidrIp: '10.0.0.0/16', Description: 'vpc' }] }), base.IpPermissions![1]!]), Tags: [{ Key: 'team', Value: 'x' }] }] }],
  ])('no drift: %s', (_name, after) => {
    expect(brief({ securityGroups: [base] }, after)).toEqual([]);
  });

  it('peers grouped in one permission or split over several are the same rules', () => {
    const grouped = sg('sg-0abc', [tcp(443, 443, { ...cidrs('10.0.0.0/16', '10.1.0.0/16'), ...groups('sg-0node') })]);
    const split = sg('sg-0abc', [tcp(443, 443, groups('sg-0node')), tcp(443, 443, cidrs('10.1.0.0/16')), tcp(443, 443, cidrs('10.0.0.0/16'))]);
    expect(brief({ securityGroups: [grouped] }, { securityGroups: [split] })).toEqual([]);
  });

  it('UserIdGroupPairs order inside a permission is not drift', () => {
    const two = (a: string, b: string) => sg('sg-0abc', [tcp(53, 53, groups(a, b))]);
    expect(brief({ securityGroups: [two('sg-1', 'sg-2')] }, { securityGroups: [two('sg-2', 'sg-1')] })).toEqual([]);
  });

  it('the summary says what is open and how to revoke it', () => {
    const [c] = diff(snap({ securityGroups: [base] }), snap({ securityGroups: [sg('sg-0abc', [...base.IpPermissions!, tcp(22, 22, cidrs('0.0.0.0/0'))])] }));
    expect(c!.summary).toContain('sg-0abc now admits 0.0.0.0/0 on TCP 22 (SSH)');
    expect(c!.summary).toContain('aws ec2 revoke-security-group-ingress --group-id sg-0abc');
  });
});

// NACL entries are evaluated by rule number; the order of Entries is irrelevant
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).
describe('network ACLs', () => {
  const entries = [entry(100, false, 'allow', '6', '10.0.0.0/16', [443, 443]), entry(100, true, 'allow', '-1', '0.0.0.0/0'), entry(200, false, 'allow', '6', '0.0.0.0/0', [1024, 65535])];
  const base = nacl('acl-0123', entries, ['subnet-a']);

  it.each<[string, SnapParts, Expected[]]>([
    ['inbound allow-all from the world is critical', { networkAcls: [nacl('acl-0123', [...entries, entry(90, false, 'allow', '-1', '0.0.0.0/0')], ['subnet-a'])] }, [['NetworkAclEntry', 'acl-0123/ingress/90', 'added', 'critical']]],
    ['a rule changed into inbound allow-all is critical', { networkAcls: [nacl('acl-0123', [entry(100, false, 'allow', '-1', '0.0.0.0/0'), ...entries.slice(1)], ['subnet-a'])] }, [['NetworkAclEntry', 'acl-0123/ingress/100', 'modified', 'critical']]],
    ['SSH from the world is high', { networkAcls: [nacl('acl-0123', [...entries, entry(110, false, 'allow', '6', '0.0.0.0/0', [22, 22])], ['subnet-a'])] }, [['NetworkAclEntry', 'acl-0123/ingress/110', 'added', 'high']]],
    ['a deny entry added is low', { networkAcls: [nacl('acl-0123', [...entries, entry(50, false, 'deny', '6', '203.0.113.0/24', [1024, 65535])], ['subnet-a'])] }, [['NetworkAclEntry', 'acl-0123/ingress/50', 'added', 'low']]],
    ['an entry removed is medium', { networkAcls: [nacl('acl-0123', entries.slice(0, 2), ['subnet-a'])] }, [['NetworkAclEntry', 'acl-0123/ingress/200', 'removed', 'medium']]],
    ['a subnet moved onto the NACL', { networkAcls: [nacl('acl-0123', entries, ['subnet-a', 'subnet-b'])] }, [['NetworkAcl', 'acl-0123', 'modified', 'medium']]],
    ['NACL removed', { networkAcls: [] }, [['NetworkAcl', 'acl-0123', 'removed', 'medium']]],
  ])('%s', (_name, after, expected) => {
    expect(brief({ networkAcls: [base] }, after)).toEqual(expected);
  });

  it('a new NACL lists its entries but not its immutable * rules', () => {
    expect(brief({ networkAcls: [] }, { networkAcls: [nacl('acl-0new', [entry(100, false, 'allow', '6', '10.0.0.0/16', [80, 80])])] })).toEqual([
      ['NetworkAcl', 'acl-0new', 'added', 'low'],
      ['NetworkAclEntry', 'acl-0new/ingress/100', 'added', 'medium'],
    ]);
  });

  it('no drift: Entries and Associations reordered, protocol written by name', () => {
    const shuffled = { ...base, Entries: [...base.Entries!].reverse().map((e) => (e.Protocol === '6' ? { ...e, Protocol: 'tcp' } : e)), Associations: [...base.Associations!].reverse() };
    expect(brief({ networkAcls: [base] }, { networkAcls: [shuffled] })).toEqual([]);
  });
});

// Route tables: longest-prefix routes to one target each; a subnet with a route to an internet gateway is public
// (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html).
describe('route tables and subnets', () => {
  const privateRtb = rtb('rtb-0priv', [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }], ['subnet-a']);
  const publicRtb = rtb('rtb-0pub', [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }], ['subnet-p'], true);

  it.each<[string, SnapParts, Expected[]]>([
    ['a private table retargeted to an internet gateway is high', { routeTables: [rtb('rtb-0priv', [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }], ['subnet-a']), publicRtb] }, [['RouteTable', 'rtb-0priv/0.0.0.0/0', 'modified', 'high']]],
    ['an igw route added to a private table is high', { routeTables: [rtb('rtb-0priv', [...privateRtb.Routes!.slice(1), { DestinationIpv6CidrBlock: '::/0', GatewayId: 'igw-1', State: 'active' }], ['subnet-a']), publicRtb] }, [['RouteTable', 'rtb-0priv/::/0', 'added', 'high']]],
    ['a route added to a public table is medium', { routeTables: [privateRtb, rtb('rtb-0pub', [...publicRtb.Routes!.slice(1), { DestinationCidrBlock: '192.168.0.0/16', TransitGatewayId: 'tgw-1', State: 'active' }], ['subnet-p'], true)] }, [['RouteTable', 'rtb-0pub/192.168.0.0/16', 'added', 'medium']]],
    ['a NAT route gone to blackhole is medium', { routeTables: [rtb('rtb-0priv', [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'blackhole' }], ['subnet-a']), publicRtb] }, [['RouteTable', 'rtb-0priv/0.0.0.0/0', 'modified', 'medium']]],
    ['a route removed is medium', { routeTables: [rtb('rtb-0priv', [], ['subnet-a']), publicRtb] }, [['RouteTable', 'rtb-0priv/0.0.0.0/0', 'removed', 'medium']]],
    ['a private subnet moved to the public table is high', { routeTables: [rtb('rtb-0priv', privateRtb.Routes!.slice(1), []), rtb('rtb-0pub', publicRtb.Routes!.slice(1), ['subnet-p', 'subnet-a'], true)] }, [
      ['RouteTable', 'rtb-0priv', 'modified', 'medium'],
      ['RouteTable', 'rtb-0pub', 'modified', 'high'],
    ]],
  ])('%s', (_name, after, expected) => {
    expect(brief({ routeTables: [privateRtb, publicRtb] }, after)).toEqual(expected);
  });

  it('no drift: routes and associations reordered, route Origin ignored', () => {
    const shuffled = { ...publicRtb, Routes: [...publicRtb.Routes!].reverse().map((r) => ({ ...r, Origin: 'CreateRoute' as const })), Associations: [...publicRtb.Associations!].reverse() };
    expect(brief({ routeTables: [privateRtb, publicRtb] }, { routeTables: [shuffled, privateRtb] })).toEqual([]);
  });

  it.each<[string, SnapParts, SnapParts, Expected[]]>([
    ['MapPublicIpOnLaunch turned on is high', { subnets: [subnet('subnet-a')] }, { subnets: [subnet('subnet-a', true)] }, [['Subnet', 'subnet-a', 'modified', 'high']]],
    ['MapPublicIpOnLaunch turned off is low', { subnets: [subnet('subnet-a', true)] }, { subnets: [subnet('subnet-a')] }, [['Subnet', 'subnet-a', 'modified', 'low']]],
    ['a subnet added', { subnets: [] }, { subnets: [subnet('subnet-a')] }, [['Subnet', 'subnet-a', 'added', 'low']]],
    ['a subnet removed', { subnets: [subnet('subnet-a')] }, { subnets: [] }, [['Subnet', 'subnet-a', 'removed', 'medium']]],
    ['no drift: AvailableIpAddressCount changes', { subnets: [{ ...subnet('subnet-a'), AvailableIpAddressCount: 200 }] }, { subnets: [{ ...subnet('subnet-a'), AvailableIpAddressCount: 187 }] }, []],
  ])('%s', (_name, before, after, expected) => {
    expect(brief(before, after)).toEqual(expected);
  });
});
