import { sgOpenToWorld } from '../../src/posture/checks/sg-open-to-world';
import { sgRuleStaleReference } from '../../src/posture/checks/sg-rule-stale-reference';
import { compliantWorld, eni, ids, run, sg } from './world';

// Rules open to 0.0.0.0/0 or ::/0 admit the whole internet: https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html
// High-risk ports: AWS Security Hub EC2.19 https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19
// Kubelet/API ports: https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html

/** The group on node n1's interface, in a subnet and VPC with IPv6 blocks (so IPv6 rules can matter). */
function withGroup(group: ReturnType<typeof sg>) {
  const s = compliantWorld();
  s.aws.securityGroups.push(group);
  s.aws.networkInterfaces.find((e) => e.NetworkInterfaceId === 'eni-n1')!.Groups!.push({ GroupId: group.GroupId });
  dualStack(s);
  return s;
}

function dualStack(s: ReturnType<typeof compliantWorld>) {
  s.aws.vpcs[0]!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f14:1::/56', Ipv6CidrBlockState: { State: 'associated' } }];
  s.aws.subnets.find((x) => x.SubnetId === 'subnet-priv')!.Ipv6CidrBlockAssociationSet = [{ Ipv6CidrBlock: '2600:1f14:1:1::/64', Ipv6CidrBlockState: { State: 'associated' } }];
}

/** A load balancer's group: on an NLB interface and an ALB interface in the public subnet. */
function onLoadBalancer(group: ReturnType<typeof sg>) {
  const s = compliantWorld();
  s.aws.securityGroups.push(group);
  s.aws.networkInterfaces.push(
    eni('eni-nlb', 'subnet-pub', '10.0.101.50', [group.GroupId!], { InterfaceType: 'network_load_balancer', Description: 'ELB net/k8s-shop-web/0123456789abcdef' }),
    eni('eni-alb', 'subnet-pub', '10.0.101.51', [group.GroupId!], { Description: 'ELB app/k8s-shop-api/0123456789abcdef', RequesterId: 'amazon-elb' }),
  );
  return s;
}
const tcp = (from: number, to: number, cidr = '0.0.0.0/0') => ({ IpProtocol: 'tcp', FromPort: from, ToPort: to, IpRanges: [{ CidrIp: cidr }] });

describe('sg-open-to-world: authorised ports (Security Hub EC2.18) and what the group is attached to', () => {
  // EC2.18: "Security groups should only allow unrestricted incoming traffic for authorized ports" (authorizedTcpPorts
  // default 80, 443): https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18
  const web = () => sg('sg-web-lb', [tcp(80, 80), tcp(443, 443)]);
  it('Compliance: a load balancer\'s group open to the world on 80 and 443 is its purpose', () => {
    expect(run(sgOpenToWorld, onLoadBalancer(web()))).toEqual([]);
  });
  it('Noncompliance: the same group on a node interface is a finding (443 high)', () => {
    expect(ids(run(sgOpenToWorld, withGroup(web())))).toEqual(['sg-open-to-world high sg-web-lb']);
  });
  it('Noncompliance: a load balancer\'s group open on a port that is not authorised (8080) is still a finding', () => {
    const f = run(sgOpenToWorld, onLoadBalancer(sg('sg-lb', [tcp(443, 443), tcp(8080, 8080)])));
    expect(ids(f)).toEqual(['sg-open-to-world medium sg-lb']);
    expect(f[0]!.summary).toContain('TCP 8080');
    expect(f[0]!.summary).not.toContain('TCP 443');
  });
  it('configurable: posture.authorizedPorts [8443] makes 8443 fine and 443 a finding on a load balancer', () => {
    const s = onLoadBalancer(sg('sg-lb', [tcp(443, 443), tcp(8443, 8443)]));
    const f = run(sgOpenToWorld, s, { authorizedPorts: [8443] });
    expect(ids(f)).toEqual(['sg-open-to-world high sg-lb']);
    expect(f[0]!.summary).toContain('TCP 443');
    expect(f[0]!.summary).not.toContain('8443');
  });
  it('negative control: a range spanning authorised ports (80-443) is not authorised', () => {
    expect(ids(run(sgOpenToWorld, onLoadBalancer(sg('sg-lb', [tcp(80, 443)]))))).toEqual(['sg-open-to-world high sg-lb']);
  });
});

describe('sg-open-to-world: IPv6 only where IPv6 traffic can arrive', () => {
  const v6 = () => sg('sg-v6', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }]);
  it('negative control: ::/0 on a node group in a subnet and VPC without IPv6 blocks is no finding', () => {
    const s = compliantWorld();
    s.aws.securityGroups.push(v6());
    s.aws.networkInterfaces.find((e) => e.NetworkInterfaceId === 'eni-n1')!.Groups!.push({ GroupId: 'sg-v6' });
    expect(run(sgOpenToWorld, s)).toEqual([]);
  });
  it('Noncompliance: the same rule once the subnet has an IPv6 block', () => {
    expect(ids(run(sgOpenToWorld, withGroup(v6())))).toEqual(['sg-open-to-world critical sg-v6']);
  });
  it('negative control: a group on no interface in a VPC without IPv6', () => {
    const s = compliantWorld();
    s.aws.securityGroups.push(v6());
    expect(run(sgOpenToWorld, s)).toEqual([]);
  });
});

describe('sg-open-to-world', () => {
  it.each([
    ['SSH 22', [tcp(22, 22)], 'critical'],
    ['RDP 3389', [tcp(3389, 3389)], 'critical'],
    ['PostgreSQL inside a range', [tcp(5000, 5500)], 'critical'],
    ['all traffic', [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], 'critical'],
    ['protocol 50 (ESP) means all ports', [{ IpProtocol: '50', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], 'critical'],
    ['kubelet 10250', [tcp(10250, 10250)], 'high'],
    ['API 6443', [tcp(6443, 6443)], 'high'],
    ['HTTPS 443 from ::/0', [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, Ipv6Ranges: [{ CidrIpv6: '::/0' }] }], 'high'],
    ['another port', [tcp(8080, 8080)], 'medium'],
    ['UDP 22 is not SSH', [{ IpProtocol: 'udp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], 'medium'],
    ['ICMP', [{ IpProtocol: 'icmp', FromPort: -1, ToPort: -1, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], 'low'],
  ])('Noncompliance: %s', (_name, rules, severity) => {
    const f = run(sgOpenToWorld, withGroup(sg('sg-open', rules)));
    expect(ids(f)).toEqual([`sg-open-to-world ${severity} sg-open`]);
  });
  it('takes the worst rule of a group and revokes only the world-open ranges', () => {
    const f = run(sgOpenToWorld, withGroup(sg('sg-open', [tcp(8080, 8080), { ...tcp(22, 22), IpRanges: [{ CidrIp: '0.0.0.0/0' }, { CidrIp: '10.0.0.0/8' }] }])));
    expect(f[0]!.severity).toBe('critical');
    expect(f[0]!.summary).toContain('TCP 22 (SSH 22)');
    expect(f[0]!.fix).toContain('aws ec2 revoke-security-group-ingress --group-id sg-open');
    expect(f[0]!.fix).not.toContain('10.0.0.0/8');
  });
  it('Compliance: narrower ranges (0.0.0.0/1 is parsed, not string-matched) and group references', () => {
    expect(run(sgOpenToWorld, withGroup(sg('sg-ok', [tcp(22, 22, '10.0.0.0/8'), tcp(22, 22, '0.0.0.0/1')])))).toEqual([]);
  });
  // Rules are additive (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html): blocks that
  // together hold every address admit the whole internet as 0.0.0.0/0 does.
  it('Noncompliance: 0.0.0.0/1 + 128.0.0.0/1 in one rule is the whole internet', () => {
    const f = run(sgOpenToWorld, withGroup(sg('sg-halves', [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/1' }, { CidrIp: '10.0.0.0/8' }] }])));
    expect(ids(f)).toEqual(['sg-open-to-world critical sg-halves']);
    expect(f[0]!.summary).toContain('TCP 22 (SSH 22) from 0.0.0.0/1 and 128.0.0.0/1 (together the whole internet)');
    expect(f[0]!.fix).toContain('"IpRanges":[{"CidrIp":"0.0.0.0/1"},{"CidrIp":"128.0.0.0/1"}]');
    expect(f[0]!.fix).not.toContain('10.0.0.0/8');
  });
  it('Noncompliance: halves in two rules are open only where their port ranges overlap', () => {
    const f = run(sgOpenToWorld, withGroup(sg('sg-split', [tcp(0, 1000, '0.0.0.0/1'), tcp(20, 30, '128.0.0.0/1')])));
    expect(ids(f)).toEqual(['sg-open-to-world critical sg-split']);
    expect(f[0]!.summary).toContain('admits TCP 20-30 (SSH 22) from 0.0.0.0/1 and 128.0.0.0/1');
    expect(f[0]!.summary).not.toContain('TCP 0-1000');
  });
  it('Noncompliance: an all-traffic rule for one half and a TCP 443 rule for the other open 443', () => {
    const f = run(sgOpenToWorld, withGroup(sg('sg-mixed', [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '128.0.0.0/1' }] }, tcp(443, 443, '0.0.0.0/1')])));
    expect(ids(f)).toEqual(['sg-open-to-world high sg-mixed']);
    expect(f[0]!.summary).toContain('TCP 443 (HTTPS/Kubernetes API 443) from');
  });
  it('Noncompliance: ::/1 + 8000::/1 is the whole IPv6 internet', () => {
    const f = run(sgOpenToWorld, withGroup(sg('sg-v6', [{ IpProtocol: 'tcp', FromPort: 6443, ToPort: 6443, Ipv6Ranges: [{ CidrIpv6: '::/1' }, { CidrIpv6: '8000::/1' }] }])));
    expect(ids(f)).toEqual(['sg-open-to-world high sg-v6']);
  });
  it('Compliance: halves on different ports, and blocks that leave a gap, are not the whole internet', () => {
    expect(run(sgOpenToWorld, withGroup(sg('sg-ok', [tcp(22, 22, '0.0.0.0/1'), tcp(80, 80, '128.0.0.0/1')])))).toEqual([]);
    expect(run(sgOpenToWorld, withGroup(sg('sg-gap', [{ ...tcp(22, 22, '0.0.0.0/1'), IpRanges: [{ CidrIp: '0.0.0.0/1' }, { CidrIp: '128.0.0.0/2' }, { CidrIp: '224.0.0.0/3' }] }])))).toEqual([]);
  });
  it('catches a world CIDR written in a non-canonical form', () => {
    expect(ids(run(sgOpenToWorld, withGroup(sg('sg-odd', [tcp(22, 22, '0.0.0.0/00')]))))).toEqual(['sg-open-to-world critical sg-odd']);
  });
});

// Stale rules: https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html#vpc-peering-stale-groups
describe('sg-rule-stale-reference', () => {
  it('Noncompliance 1: a same-account reference to a group that is gone', () => {
    const f = run(sgRuleStaleReference, withGroup(sg('sg-app', [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: 'sg-deleted', UserId: '111122223333' }] }])));
    expect(ids(f)).toEqual(['sg-rule-stale-reference low sg-app']);
    expect(f[0]!.summary).toContain('sg-deleted');
    expect(f[0]!.fix).toContain('revoke-security-group-ingress --group-id sg-app');
  });
  it('Noncompliance 2: a peered reference marked deleted (egress)', () => {
    const f = run(sgRuleStaleReference, withGroup(sg('sg-app', [], { IpPermissionsEgress: [{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-peer', VpcPeeringConnectionId: 'pcx-1', PeeringStatus: 'deleted' }] }] })));
    expect(f[0]!.fix).toContain('revoke-security-group-egress');
  });
  it('Compliance: references to existing groups and to other accounts', () => {
    const f = run(sgRuleStaleReference, withGroup(sg('sg-app', [
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: 'sg-node' }] },
      { IpProtocol: 'tcp', FromPort: 80, ToPort: 80, UserIdGroupPairs: [{ GroupId: 'sg-elsewhere', UserId: '999988887777' }] },
    ])));
    expect(f).toEqual([]);
  });
});
