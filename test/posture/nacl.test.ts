import type { NetworkAcl } from '@aws-sdk/client-ec2';
import { naclBlocksEphemeralReturn } from '../../src/posture/checks/nacl-blocks-ephemeral-return';
import { naclDeniesSgAllowed } from '../../src/posture/checks/nacl-denies-sg-allowed';
import { compliantWorld, eni, ids, run, sg } from './world';

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
    expect(f[0]!.summary).toContain('inbound from the internet (responses to connections the nodes and pods open): 32768-60999 (the default * rule)');
    expect(f[0]!.fix).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-priv --ingress --rule-number 32766 --protocol tcp --port-range From=32768,To=60999 --cidr-block 0.0.0.0/0 --rule-action allow',
    );
  });
  it('Noncompliance 2: allows 1024-50000 only — part of the range is denied, named', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([inbound(100, 'allow', { PortRange: { From: 1024, To: 50000 } }), inbound(32767, 'deny', { Protocol: '-1' })]));
    expect(f[0]!.summary).toContain('inbound from the internet (responses to connections the nodes and pods open): 50001-60999 (the default * rule)');
    expect(f[0]!.summary).not.toContain('outbound');
  });
  it('Noncompliance 3: a lower-numbered deny wins over a later allow', () => {
    const f = run(naclBlocksEphemeralReturn, withNacl([
      inbound(90, 'deny', { PortRange: { From: 40000, To: 40010 } }),
      inbound(100, 'allow', { PortRange: { From: 1024, To: 65535 } }),
    ]));
    expect(f[0]!.summary).toContain('40000-40010 (rule 90)');
    expect(f[0]!.fix).toContain('--rule-number 89');
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
    expect(f[0]!.summary).toContain('outbound to 10.0.0.0/16 (responses to clients in other subnets): 32768-49151 (the default * rule)');
    expect(f[0]!.fix).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-priv --egress --rule-number 32766 --protocol tcp --port-range From=32768,To=60999 --cidr-block 10.0.0.0/16 --rule-action allow',
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
    expect(ids(run(naclBlocksEphemeralReturn, s))).toEqual(['check-not-evaluated info nacl-blocks-ephemeral-return']);
  });
});

// The NACL filters traffic at the subnet boundary before the interface's security groups:
// https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison
describe('nacl-denies-sg-allowed', () => {
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
    expect(f[0]!.summary).toContain('sg-web');
    expect(f[0]!.summary).toContain('443 (rule 100)');
    expect(f[0]!.fix).toContain('--rule-number 99 --protocol tcp --port-range From=443,To=443 --cidr-block 0.0.0.0/0');
  });
  it('Noncompliance 2: NACL admits only the VPC, SG admits the internet: the rest is denied, the exception named', () => {
    const f = run(
      naclDeniesSgAllowed,
      world([inbound(100, 'allow', { Protocol: '-1', CidrBlock: '10.0.0.0/16' })], [{ IpProtocol: 'tcp', FromPort: 8443, ToPort: 8443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]),
    );
    expect(f[0]!.summary).toContain('except from 10.0.0.0/16');
  });
  it('Noncompliance 3: SG admits SSH from a managed prefix list whose CIDRs the NACL denies', () => {
    const s = world([inbound(50, 'deny', { PortRange: { From: 22, To: 22 } }), inbound(100, 'allow', { Protocol: '-1' })], [
      { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, PrefixListIds: [{ PrefixListId: 'pl-vpn' }] },
    ]);
    s.aws.prefixListEntries['pl-vpn'] = ['192.168.50.0/24'];
    const f = run(naclDeniesSgAllowed, s);
    expect(f[0]!.summary).toContain('TCP 22 from 192.168.50.0/24: denied on 22 (rule 50)');
    expect(f[0]!.fix).toContain('--rule-number 49 --protocol tcp --port-range From=22,To=22 --cidr-block 192.168.50.0/24 --rule-action allow');
  });
  it('Compliance 1: NACL allows what the SG admits', () => {
    expect(run(naclDeniesSgAllowed, world([inbound(100, 'allow', { Protocol: '-1' })], [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }]))).toEqual([]);
  });
  it('Compliance 2: sources inside the interface\'s own subnet never cross the NACL', () => {
    expect(run(naclDeniesSgAllowed, world([], [{ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.1.0/25' }] }]))).toEqual([]);
  });
});
