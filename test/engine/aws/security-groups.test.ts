import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Protocol } from '../../../src/model/result';
import { ALL_OUT, allTraffic, perm, tcp, World } from './world';

const SGR = 'https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html';
const IPPERM = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html';
const SGREQ = 'https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html';

/** client pod on node-c (sg-client), server pod on node-s (the given groups), one subnet so NACLs stay out of it. */
function world(serverGroups: Record<string, IpPermission[]>, clientEgress: IpPermission[] = [ALL_OUT]): World {
  const w = new World().subnet('subnet-a', '10.0.1.0/24', '2600:1f14:aaa:bb01::/64').sg('sg-client', [], clientEgress);
  for (const [id, ingress] of Object.entries(serverGroups)) w.sg(id, ingress);
  return w
    .node('node-c', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-client'] })
    .node('node-s', { subnet: 'subnet-a', ip: '10.0.1.11', groups: Object.keys(serverGroups) })
    .pod('app/client', { node: 'node-c', ip: '10.0.1.20' })
    .pod('app/server', { node: 'node-s', ip: '10.0.1.30' });
}

describe('security-group-ingress', () => {
  // SGR: "the rules from each security group are aggregated to form a single set of rules"
  it.each<[string, number, Protocol, string]>([
    ['rule in the first group', 80, 'TCP', 'allow'],
    ['rule in the second group', 443, 'TCP', 'allow'],
    ['no group has the port', 8080, 'TCP', 'deny'],
    ['tcp rule does not admit UDP', 80, 'UDP', 'deny'],
  ])(`unions every group on the ENI (${SGR}): %s`, (_name, port, protocol, verdict) => {
    const w = world({ 'sg-a': [tcp(80, { cidr: '10.0.0.0/16' })], 'sg-b': [tcp(443, { cidr: '10.0.1.0/24' })] });
    const l = w.layer('app/client', 'app/server', port, 'security-group-ingress', protocol);
    expect(l.verdict).toBe(verdict);
    if (verdict === 'deny') expect(l.objects).toEqual(['sg-a', 'sg-b']);
  });

  // IPPERM: "specifying -1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports,
  // regardless of any port range you specify"
  it.each<[string, IpPermission, number, Protocol, string]>([
    ['-1 allows any TCP port', allTraffic({ cidr: '10.0.0.0/16' }), 31337, 'TCP', 'allow'],
    ['-1 allows UDP', allTraffic({ cidr: '10.0.0.0/16' }), 53, 'UDP', 'allow'],
    ['-1 allows SCTP', allTraffic({ cidr: '10.0.0.0/16' }), 9899, 'SCTP', 'allow'],
    ['132 allows every SCTP port despite a port range', perm('132', 1, 1, { cidr: '10.0.0.0/16' }), 9899, 'SCTP', 'allow'],
    ['132 does not allow TCP', perm('132', undefined, undefined, { cidr: '10.0.0.0/16' }), 9899, 'TCP', 'deny'],
    ['range start is inclusive', perm('tcp', 8000, 8080, { cidr: '10.0.0.0/16' }), 8000, 'TCP', 'allow'],
    ['range end is inclusive', perm('tcp', 8000, 8080, { cidr: '10.0.0.0/16' }), 8080, 'TCP', 'allow'],
    ['past the range end', perm('tcp', 8000, 8080, { cidr: '10.0.0.0/16' }), 8081, 'TCP', 'deny'],
    ['before the range start', perm('tcp', 8000, 8080, { cidr: '10.0.0.0/16' }), 7999, 'TCP', 'deny'],
    ['udp rule on its port', perm('udp', 53, 53, { cidr: '10.0.0.0/16' }), 53, 'UDP', 'allow'],
    ['icmp rule does not admit TCP', perm('icmp', -1, -1, { cidr: '10.0.0.0/16' }), 80, 'TCP', 'deny'],
    ['CIDR that misses the client', tcp(80, { cidr: '10.0.2.0/24' }), 80, 'TCP', 'deny'],
  ])(`protocols and ports (${IPPERM}): %s`, (_name, rule, port, protocol, verdict) => {
    const w = world({ 'sg-s': [rule] });
    expect(w.layer('app/client', 'app/server', port, 'security-group-ingress', protocol).verdict).toBe(verdict);
  });

  // SGR: a group reference admits "the private IP addresses of the EC2 instances associated with" the group.
  it.each<[string, IpPermission, string]>([
    ['reference to the client ENI group', tcp(5432, { group: 'sg-client' }), 'allow'],
    ['reference to a group the client lacks', tcp(5432, { group: 'sg-other' }), 'deny'],
  ])(`security-group references match the peer ENI's groups (${SGR}): %s`, (_name, rule, verdict) => {
    const w = world({ 'sg-s': [rule] });
    expect(w.layer('app/client', 'app/server', 5432, 'security-group-ingress').verdict).toBe(verdict);
  });

  it(`a self-referencing group admits every ENI carrying it and nothing else (${SGREQ})`, () => {
    const w = world({ 'sg-cluster': [allTraffic({ group: 'sg-cluster' })] });
    w.nodeEni('node-c').Groups = [{ GroupId: 'sg-cluster' }];
    expect(w.layer('app/client', 'app/server', 9000, 'security-group-ingress').verdict).toBe('allow');
    w.nodeEni('node-c').Groups = [{ GroupId: 'sg-client' }];
    expect(w.layer('app/client', 'app/server', 9000, 'security-group-ingress').verdict).toBe('deny');
  });

  it(`a group reference does not match traffic arriving from a public address (${SGR})`, () => {
    const w = world({ 'sg-s': [allTraffic({ group: 'sg-client' })] });
    expect(w.layer('203.0.113.9', 'app/server', 443, 'security-group-ingress').verdict).toBe('deny');
  });

  // SGR: prefix list rules match the list's CIDRs
  it.each<[string, Record<string, string[]>, string]>([
    ['list holds the client subnet', { 'pl-corp': ['10.0.1.0/24'] }, 'allow'],
    ['list does not hold it', { 'pl-corp': ['192.168.0.0/16'] }, 'deny'],
    ['list entries unknown', {}, 'not-evaluated'],
  ])(`prefix lists (${SGR}): %s`, (_name, entries, verdict) => {
    const w = world({ 'sg-s': [tcp(443, { pl: 'pl-corp' })] });
    w.snap.aws.prefixListEntries = entries;
    const l = w.layer('app/client', 'app/server', 443, 'security-group-ingress');
    expect(l.verdict).toBe(verdict);
    if (verdict === 'not-evaluated') expect(l.reason).toContain('pl-corp');
  });

  it(`an unknown prefix list does not stop another rule from allowing (${SGR})`, () => {
    const w = world({ 'sg-s': [tcp(443, { pl: 'pl-gone' }), tcp(443, { cidr: '10.0.1.0/24' })] });
    expect(w.layer('app/client', 'app/server', 443, 'security-group-ingress').verdict).toBe('allow');
  });

  // SGREQ: "Separate rules are required for IPv4 and IPv6 addresses."
  it.each<[string, IpPermission, string]>([
    ['IPv4 0.0.0.0/0 does not admit IPv6', tcp(80, { cidr: '0.0.0.0/0' }), 'deny'],
    ['Ipv6Ranges ::/0 admits IPv6', tcp(80, { cidr6: '::/0' }), 'allow'],
    ['Ipv6Ranges of the subnet admits IPv6', tcp(80, { cidr6: '2600:1f14:aaa:bb01::/64' }), 'allow'],
  ])(`IPv4 and IPv6 rules are separate (${SGREQ}): %s`, (_name, rule, verdict) => {
    const w = world({ 'sg-s': [rule] })
      .pod('app/client6', { node: 'node-c', ip: '2600:1f14:aaa:bb01::20' })
      .pod('app/server6', { node: 'node-s', ip: '2600:1f14:aaa:bb01::30' });
    expect(w.layer('app/client6', 'app/server6', 80, 'security-group-ingress').verdict).toBe(verdict);
  });

  it(`an ENI group missing from the snapshot is not-evaluated, naming it (${SGR})`, () => {
    const w = world({ 'sg-s': [] });
    w.nodeEni('node-s').Groups!.push({ GroupId: 'sg-ghost' });
    const l = w.layer('app/client', 'app/server', 80, 'security-group-ingress');
    expect(l.verdict).toBe('not-evaluated');
    expect(l.reason).toContain('sg-ghost');
  });

  it('a deny names the groups and offers an ingress rule referencing the client group', () => {
    const w = world({ 'sg-s': [tcp(22, { cidr: '10.0.0.0/16' })] });
    const l = w.layer('app/client', 'app/server', 8080, 'security-group-ingress');
    expect(l).toMatchObject({ verdict: 'deny', objects: ['sg-s'] });
    expect(l.reason).toContain('TCP 8080');
    expect(l.fix).toMatchObject({
      kind: 'security-group',
      description: expect.any(String),
      text: "aws ec2 authorize-security-group-ingress --group-id sg-s --ip-permissions IpProtocol=tcp,FromPort=8080,ToPort=8080,UserIdGroupPairs='[{GroupId=sg-client}]'",
    });
    expect(l.fix?.object).toEqual({
      groupId: 'sg-s',
      direction: 'ingress',
      permission: { IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-client' }] },
    });
    // --json prints the fix to paste, not its data a second time.
    expect(Object.keys(JSON.parse(JSON.stringify(l.fix)))).toEqual(['kind', 'description', 'text']);
  });
});

describe('security-group-egress', () => {
  // SGR: "If your security group has no outbound rules, no outbound traffic is allowed."
  it.each<[string, IpPermission[], string, string]>([
    ['default allow-all outbound', [ALL_OUT], 'app/server', 'allow'],
    ['no outbound rules', [], 'app/server', 'deny'],
    ['outbound to the server group', [tcp(443, { group: 'sg-s' })], 'app/server', 'allow'],
    ['outbound to 0.0.0.0/0 reaches the internet', [tcp(443, { cidr: '0.0.0.0/0' })], 'internet', 'allow'],
    ['outbound to part of the internet does not cover "internet"', [tcp(443, { cidr: '1.0.0.0/8' })], 'internet', 'deny'],
    ['outbound to a public CIDR covers an address in it', [tcp(443, { cidr: '1.0.0.0/8' })], '1.2.3.4', 'allow'],
  ])(`source egress rules (${SGR}): %s`, (_name, egress, to, verdict) => {
    const w = world({ 'sg-s': [allTraffic({ cidr: '0.0.0.0/0' })] }, egress);
    expect(w.layer('app/client', to, 443, 'security-group-egress').verdict).toBe(verdict);
  });

  it('a denied egress offers an egress rule for the destination (a /32 outside the VPC)', () => {
    const w = world({ 'sg-s': [] }, []);
    const l = w.layer('app/client', '1.2.3.4', 443, 'security-group-egress');
    expect(l.verdict).toBe('deny');
    expect(l.objects).toEqual(['sg-client']);
    expect(l.fix?.text).toBe(
      "aws ec2 authorize-security-group-egress --group-id sg-client --ip-permissions IpProtocol=tcp,FromPort=443,ToPort=443,IpRanges='[{CidrIp=1.2.3.4/32}]'",
    );
  });

  it('SecurityGroups listed as missing by the collection → both SG layers not-evaluated with that reason', () => {
    const w = world({ 'sg-s': [] });
    w.snap.collection.missing.push({ resource: 'SecurityGroups', reason: 'UnauthorizedOperation: ec2:DescribeSecurityGroups' });
    const layers = w.engine().evaluate(w.flow('app/client', 'app/server', 80));
    for (const name of ['security-group-egress', 'security-group-ingress']) {
      const l = layers.find((x) => x.layer === name)!;
      expect(l.verdict).toBe('not-evaluated');
      expect(l.reason).toContain('UnauthorizedOperation');
    }
  });
});

describe('the verdict-only security-group check (the memoised engines ask it per class pair)', () => {
  const groupsAdmit = (w: World, from: string, to: string, port: number) => {
    const engine = w.engine();
    const layers = engine.evaluate(w.flow(from, to, port));
    const denied = layers.some((l) => l.layer.startsWith('security-group') && l.verdict === 'deny');
    return { fast: engine.admitsFamily(w.flow(from, to, port), 'groups'), layers: !denied };
  };

  it.each<[string, () => World, string, number, boolean]>([
    ['an allowing ingress rule', () => world({ 'sg-s': [tcp(80, { cidr: '10.0.0.0/16' })] }), 'app/server', 80, true],
    ['no rule for the port', () => world({ 'sg-s': [tcp(80, { cidr: '10.0.0.0/16' })] }), 'app/server', 81, false],
    ['no outbound rule', () => world({ 'sg-s': [allTraffic({ cidr: '0.0.0.0/0' })] }, []), 'app/server', 80, false],
    // A layer that cannot be decided is not a deny (not-evaluated): the verdict-only check must not say deny either.
    ['prefix list entries unknown', () => world({ 'sg-s': [tcp(443, { pl: 'pl-corp' })] }), 'app/server', 443, true],
    [
      'a group on the ENI missing from the snapshot',
      () => {
        const w = world({ 'sg-s': [] });
        w.nodeEni('node-s').Groups!.push({ GroupId: 'sg-ghost' });
        return w;
      },
      'app/server',
      80,
      true,
    ],
    [
      'SecurityGroups missing from the collection',
      () => {
        const w = world({ 'sg-s': [] });
        w.snap.collection.missing.push({ resource: 'SecurityGroups', reason: 'UnauthorizedOperation' });
        return w;
      },
      'app/server',
      80,
      true,
    ],
    // A peered VPC's ENI may carry a group of its own VPC (undecided), never one of this VPC (denied).
    ['a private address outside the VPC, egress to a group of another VPC', () => world({ 'sg-s': [] }, [tcp(443, { group: 'sg-peer' })]), '172.16.0.9', 443, true],
    ['a private address outside the VPC, egress to a group of this VPC', () => world({ 'sg-s': [] }, [tcp(443, { group: 'sg-s' })]), '172.16.0.9', 443, false],
    ['the internet against a group-only egress rule', () => world({ 'sg-s': [] }, [tcp(443, { group: 'sg-s' })]), 'internet', 443, false],
  ])('answers as the layers do: %s', (_name, build, to, port, admitted) => {
    const { fast, layers } = groupsAdmit(build(), 'app/client', to, port);
    expect(layers).toBe(admitted);
    expect(fast).toBe(admitted);
  });
});
