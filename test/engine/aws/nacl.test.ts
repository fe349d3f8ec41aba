import type { NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { LayerName, Protocol } from '../../../src/model/result';
import { applyFix } from './apply-fix';
import { entry, twoSubnetWorld } from './world';

const NACL = 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html';
const ENTRY = 'https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkAclEntry.html';
const EPH = 'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html';
const KERNEL = 'https://www.kernel.org/doc/Documentation/networking/ip-sysctl.txt';

const OPEN_EGRESS = [entry(100, true, 'allow', '0.0.0.0/0'), entry(101, true, 'allow', '::/0')];
const OPEN_INGRESS = [entry(100, false, 'allow', '0.0.0.0/0'), entry(101, false, 'allow', '::/0')];

/** web (subnet-a, 10.0.1.21) → db (subnet-b, 10.0.2.31); subnet-b gets a NACL with these entries. */
function dbNacl(entries: NetworkAclEntry[]) {
  return twoSubnetWorld().nacl('acl-b', ['subnet-b'], entries);
}

describe('nacl-inbound', () => {
  // NACL: "in order, starting with the lowest numbered rule … we do not evaluate any additional rules"; the JSON
  // order is irrelevant.
  it.each<[string, NetworkAclEntry[], string, string | undefined]>([
    [
      'deny numbered below the allow wins even when listed after it',
      [entry(100, false, 'allow', '0.0.0.0/0'), entry(90, false, 'deny', '10.0.1.0/24', '6', [5432, 5432]), ...OPEN_EGRESS],
      'deny',
      'rule 90',
    ],
    [
      'deny numbered above the allow never applies',
      [entry(110, false, 'deny', '10.0.1.0/24', '6', [5432, 5432]), entry(100, false, 'allow', '0.0.0.0/0'), ...OPEN_EGRESS],
      'allow',
      undefined,
    ],
    ['nothing matches: the final * rule denies', [entry(100, false, 'allow', '0.0.0.0/0', '6', [443, 443]), ...OPEN_EGRESS], 'deny', 'final * rule'],
    ['tcp entry with a port range', [entry(100, false, 'allow', '10.0.1.0/24', '6', [5000, 6000]), ...OPEN_EGRESS], 'allow', undefined],
    ['udp entry does not match TCP', [entry(100, false, 'allow', '10.0.1.0/24', '17', [5432, 5432]), ...OPEN_EGRESS], 'deny', 'final * rule'],
    ['CIDR that misses the client', [entry(100, false, 'allow', '10.0.3.0/24'), ...OPEN_EGRESS], 'deny', 'final * rule'],
    ['IPv6 entry does not match IPv4 traffic', [entry(100, false, 'allow', '::/0'), ...OPEN_EGRESS], 'deny', 'final * rule'],
  ])(`rules apply by number, first match wins (${NACL}, ${ENTRY}): %s`, (_n, entries, verdict, rule) => {
    const l = dbNacl(entries).layer('shop/web', 'shop/db', 5432, 'nacl-inbound');
    expect(l.verdict).toBe(verdict);
    if (verdict === 'deny') {
      expect(l.objects).toEqual(['acl-b']);
      expect(l.reason).toContain(rule!);
    }
  });

  it.each<[string, string, Protocol, string]>([
    ['132 entry allows any SCTP port', '132', 'SCTP', 'allow'],
    ['-1 entry allows SCTP', '-1', 'SCTP', 'allow'],
    ['6 entry does not match SCTP', '6', 'SCTP', 'deny'],
  ])(`other protocol numbers match all ports (${ENTRY}): %s`, (_n, proto, protocol, verdict) => {
    const w = dbNacl([entry(100, false, 'allow', '10.0.0.0/16', proto, proto === '6' ? [0, 65535] : undefined), ...OPEN_EGRESS]);
    expect(w.layer('shop/web', 'shop/db', 9899, 'nacl-inbound', protocol).verdict).toBe(verdict);
  });

  it(`IPv4 entries never match IPv6 traffic (${NACL})`, () => {
    const w = dbNacl([entry(100, false, 'allow', '0.0.0.0/0'), ...OPEN_EGRESS])
      .pod('shop/web6', { node: 'node-a', ip: '2600:1f14:aaa:bb01::21' })
      .pod('shop/db6', { node: 'node-b', ip: '2600:1f14:aaa:bb02::31' });
    expect(w.layer('shop/web6', 'shop/db6', 5432, 'nacl-inbound').verdict).toBe('deny');
    w.snap.aws.networkAcls.find((a) => a.NetworkAclId === 'acl-b')!.Entries!.push(entry(101, false, 'allow', '::/0'));
    expect(w.layer('shop/web6', 'shop/db6', 5432, 'nacl-inbound').verdict).toBe('allow');
  });

  it(`a subnet in no NACL's associations uses the VPC's default NACL (${NACL})`, () => {
    const w = twoSubnetWorld();
    const l = w.layer('shop/web', 'shop/db', 5432, 'nacl-inbound');
    expect(l).toMatchObject({ verdict: 'allow', objects: ['acl-default'] });
  });
});

describe('nacl-outbound', () => {
  it(`checks the source subnet's egress entries against the destination (${NACL})`, () => {
    const w = twoSubnetWorld().nacl('acl-a', ['subnet-a'], [entry(100, true, 'allow', '192.168.5.0/24'), ...OPEN_INGRESS]);
    const l = w.layer('shop/web', 'shop/db', 5432, 'nacl-outbound');
    expect(l).toMatchObject({ verdict: 'deny', objects: ['acl-a'] });
    expect(w.layer('shop/web', '192.168.5.40', 5432, 'nacl-outbound').verdict).toBe('allow');
  });
});

describe('same subnet', () => {
  // NACL: "We evaluate the network ACL rules when traffic enters and leaves the subnet, not as it is routed within a subnet."
  it.each<LayerName>(['nacl-outbound', 'nacl-inbound', 'nacl-return'])(`%s is allow: NACLs are not evaluated inside a subnet (${NACL})`, (name) => {
    const w = twoSubnetWorld()
      .node('node-a2', { subnet: 'subnet-a', ip: '10.0.1.11', groups: ['sg-node'] })
      .pod('shop/cache', { node: 'node-a2', ip: '10.0.1.41' })
      .nacl('acl-a', ['subnet-a'], []);
    const l = w.layer('shop/web', 'shop/cache', 6379, name);
    expect(l.verdict).toBe('allow');
    expect(l.reason).toBe('Same subnet: NACLs are not evaluated inside a subnet.');
  });
});

describe('nacl-return', () => {
  // NACL: stateless, "responses to allowed inbound traffic are subject to the rules for outbound traffic";
  // the client's range is Linux's 32768-60999 (KERNEL), AWS recommends 1024-65535 (EPH).
  it.each<[string, NetworkAclEntry[], string, string[]]>([
    ['1024-65535 covers the client range', [entry(100, true, 'allow', '10.0.1.0/24', '6', [1024, 65535]), ...OPEN_INGRESS], 'allow', []],
    ['32768-65535 (AWS example) covers it', [entry(100, true, 'allow', '10.0.1.0/24', '6', [32768, 65535]), ...OPEN_INGRESS], 'allow', []],
    ['32768-60999 exactly covers it', [entry(100, true, 'allow', '10.0.1.0/24', '6', [32768, 60999]), ...OPEN_INGRESS], 'allow', []],
    [
      'Windows range 49152-65535 leaves 32768-49151 blocked',
      [entry(100, true, 'allow', '10.0.1.0/24', '6', [49152, 65535]), ...OPEN_INGRESS],
      'deny',
      ['32768-49151 (the final * rule'],
    ],
    [
      'allow up to 50000 leaves 50001-60999 blocked',
      [entry(100, true, 'allow', '0.0.0.0/0', '6', [1024, 50000]), ...OPEN_INGRESS],
      'deny',
      ['50001-60999 (the final * rule'],
    ],
    [
      'a lower-numbered deny carves a hole out of the allow',
      [entry(50, true, 'deny', '0.0.0.0/0', '6', [40000, 41000]), entry(100, true, 'allow', '0.0.0.0/0', '6', [1024, 65535]), ...OPEN_INGRESS],
      'deny',
      ['40000-41000 (rule 50)'],
    ],
    [
      'a higher-numbered deny is shadowed by the allow',
      [entry(150, true, 'deny', '0.0.0.0/0', '6', [40000, 41000]), entry(100, true, 'allow', '0.0.0.0/0', '6', [1024, 65535]), ...OPEN_INGRESS],
      'allow',
      [],
    ],
    [
      'two holes are both named',
      [
        entry(50, true, 'deny', '0.0.0.0/0', '6', [40000, 41000]),
        entry(100, true, 'allow', '0.0.0.0/0', '6', [1024, 59999]),
        ...OPEN_INGRESS,
      ],
      'deny',
      ['40000-41000 (rule 50)', '60000-60999 (the final * rule'],
    ],
  ])(`the server NACL's egress must cover the client's ephemeral range (${NACL}, ${EPH}, ${KERNEL}): %s`, (_n, entries, verdict, named) => {
    const l = dbNacl(entries).layer('shop/web', 'shop/db', 5432, 'nacl-return');
    expect(l.verdict).toBe(verdict);
    for (const n of named) expect(l.reason).toContain(n);
    if (verdict === 'deny') expect(l.objects).toEqual(['acl-b']);
  });

  it(`the client NACL's ingress must also cover the range (${NACL})`, () => {
    const w = twoSubnetWorld().nacl('acl-a', ['subnet-a'], [...OPEN_EGRESS, entry(100, false, 'allow', '10.0.2.0/24', '6', [1024, 32767])]);
    const l = w.layer('shop/web', 'shop/db', 5432, 'nacl-return');
    expect(l.verdict).toBe('deny');
    expect(l.objects).toEqual(['acl-a']);
    expect(l.reason).toContain('acl-a inbound blocks ports 32768-60999');
  });

  it(`for traffic to the internet only the client NACL's ingress applies, from 0.0.0.0/0 (${NACL})`, () => {
    const w = twoSubnetWorld().nacl('acl-a', ['subnet-a'], [...OPEN_EGRESS, entry(100, false, 'allow', '1.0.0.0/8', '6', [1024, 65535])]);
    expect(w.layer('shop/web', 'internet', 443, 'nacl-return').verdict).toBe('deny');
    expect(w.layer('shop/web', '1.2.3.4', 443, 'nacl-return').verdict).toBe('allow');
  });
});

describe('NACL fixes', () => {
  it.each<[string, LayerName, NetworkAclEntry[]]>([
    ['inbound behind an explicit deny', 'nacl-inbound', [entry(90, false, 'deny', '10.0.0.0/16'), entry(100, false, 'allow', '0.0.0.0/0'), ...OPEN_EGRESS]],
    ['inbound with only the final * rule', 'nacl-inbound', [...OPEN_EGRESS]],
    ['return path hole', 'nacl-return', [entry(50, true, 'deny', '0.0.0.0/0', '6', [40000, 41000]), entry(100, true, 'allow', '0.0.0.0/0'), ...OPEN_INGRESS]],
    ['return path denied at rule 3 with rule 1 taken', 'nacl-return', [entry(1, true, 'allow', '10.9.0.0/16'), entry(3, true, 'deny', '0.0.0.0/0', '6', [60000, 60100]), entry(100, true, 'allow', '0.0.0.0/0'), ...OPEN_INGRESS]],
  ])('applying the fix entry makes the layer allow: %s', (_n, layer, entries) => {
    const w = dbNacl(entries);
    const before = w.layer('shop/web', 'shop/db', 5432, layer);
    expect(before.verdict).toBe('deny');
    expect(before.fix?.kind).toBe('nacl');
    expect(before.fix?.text).toMatch(/^aws ec2 create-network-acl-entry --network-acl-id acl-b --(ingress|egress) --rule-number \d+ --protocol tcp --port-range From=\d+,To=\d+ --cidr-block \S+ --rule-action allow$/);
    applyFix(w.snap, before.fix!);
    expect(w.layer('shop/web', 'shop/db', 5432, layer).verdict).toBe('allow');
  });

  it('the new entry is numbered below the denying rule and names the client subnet', () => {
    const w = dbNacl([entry(90, false, 'deny', '10.0.0.0/16'), entry(100, false, 'allow', '0.0.0.0/0'), ...OPEN_EGRESS]);
    const l = w.layer('shop/web', 'shop/db', 5432, 'nacl-inbound');
    expect(l.fix?.object).toEqual({
      networkAclId: 'acl-b',
      entry: { RuleNumber: 10, Protocol: '6', RuleAction: 'allow', Egress: false, CidrBlock: '10.0.1.0/24', PortRange: { From: 5432, To: 5432 } },
    });
    expect(l.fix?.text).toBe(
      'aws ec2 create-network-acl-entry --network-acl-id acl-b --ingress --rule-number 10 --protocol tcp --port-range From=5432,To=5432 --cidr-block 10.0.1.0/24 --rule-action allow',
    );
  });

  it('NetworkAcls listed as missing → every NACL layer not-evaluated with the collection reason', () => {
    const w = twoSubnetWorld();
    w.snap.collection.missing.push({ resource: 'NetworkAcls', reason: 'UnauthorizedOperation: ec2:DescribeNetworkAcls' });
    const layers = w.engine().evaluate(w.flow('shop/web', 'shop/db', 5432));
    for (const name of ['nacl-outbound', 'nacl-inbound', 'nacl-return']) {
      const l = layers.find((x) => x.layer === name)!;
      expect(l.verdict).toBe('not-evaluated');
      expect(l.reason).toContain('UnauthorizedOperation: ec2:DescribeNetworkAcls');
    }
  });
});
