import { generatedDocuments, toSnapshot, withChangesOfEveryKind, withEgressOfEveryShape, withNaclEntryForOneBlock } from './generated';
import { allTraffic, entry, tcp, World } from '../engine/aws/world';
import { scopedAndFull, service } from './compare';

/** web, api and db, one pod each on a node in subnet-a, -b and -c carrying `groups`, behind Services on 80 → 8080. */
function threeSubnets(w: World, groups: [string, string, string]): World {
  ['web', 'api', 'db'].forEach((app, i) => {
    const n = 'abc'[i];
    w.subnet(`subnet-${n}`, `10.0.${i + 1}.0/24`)
      .node(`node-${n}`, { subnet: `subnet-${n}`, ip: `10.0.${i + 1}.10`, groups: [groups[i]!] })
      .pod(`shop/${app}-1`, { node: `node-${n}`, ip: `10.0.${i + 1}.21` });
    w.snap.k8s.pods.at(-1)!.metadata.labels = { app };
    w.snap.k8s.services.push(service(app));
  });
  return w;
}

// The impact of a change is computed only on the cells its objects can move (pods a NetworkPolicy
// selects, ENIs carrying a group, subnets of a NACL or route table, ...). That shortcut must agree,
// cell by cell, with evaluating every cell — every Service to every Service port, internet and VPC to
// every Service, every Service to the internet — flow by flow, layer by layer.
describe('scoped impact agrees with full evaluation on a generated cluster', () => {
  const original = generatedDocuments();
  const before = toSnapshot(original, 'before');
  const after = toSnapshot(withChangesOfEveryKind(original), 'after');
  const { scoped, full } = scopedAndFull(before, after);

  it('finds the changes of every kind', () => {
    expect(scoped.changes.map((c) => c.kind).sort()).toEqual(
      expect.arrayContaining(['Namespace', 'NetworkAclEntry', 'NetworkPolicy', 'RouteTable', 'SecurityGroupPolicy', 'SecurityGroupRule', 'Service']),
    );
  });

  it('the same cells opened and closed, with the same changes responsible', () => {
    expect(scoped.opened).toEqual(full.opened);
    expect(scoped.closed).toEqual(full.closed);
    // Both answers occur, so the comparison can fail either way.
    expect(scoped.opened.length).toBeGreaterThan(0);
    expect(scoped.closed.length).toBeGreaterThan(0);
  });

  it('evaluates fewer cells than the full comparison', () => {
    expect(scoped.cellsEvaluated).toBeLessThan(full.cellsEvaluated);
  });

  it('each change lists the flows it moved, and every moved flow names a change', () => {
    for (const f of [...scoped.opened, ...scoped.closed]) expect(f.changes.length).toBeGreaterThan(0);
    for (const c of scoped.changes) {
      const mine = [...scoped.opened, ...scoped.closed].filter((f) => f.changes.some((x) => x.kind === c.kind && x.id === c.id));
      expect((c.impact ?? []).length).toBe(mine.length);
    }
  });
});

// Service-to-Service cells are skipped, on each side, for the sources whose egress policies admit none of the
// target's pods (src/impact/egress-reach.ts). Sources of every egress shape — not isolated, an ipBlock only, every
// namespace — send flows that the change of tenant-02's ingress opens, and the scoped answer must still find each.
// A NACL entry for one block holds only the cells whose source has an address in it (Scope.peerCidrs).
describe('scoped impact agrees with full evaluation for sources of every egress shape', () => {
  const original = withEgressOfEveryShape(generatedDocuments());
  const before = toSnapshot(original, 'before');
  const after = toSnapshot(withNaclEntryForOneBlock(withChangesOfEveryKind(original)), 'after');
  const { scoped, full } = scopedAndFull(before, after);

  it('the same cells opened and closed, with the same changes responsible', () => {
    expect(scoped.opened).toEqual(full.opened);
    expect(scoped.closed).toEqual(full.closed);
  });

  it('flows move from sources of each egress shape', () => {
    for (const ns of ['tenant-03', 'tenant-04', 'tenant-05']) {
      expect(scoped.opened.filter((f) => f.from.startsWith(`${ns}/`) && f.to.startsWith('tenant-02/')).length).toBeGreaterThan(0);
    }
    // As sources of a changed object, to targets no change holds.
    const moved = [...scoped.opened, ...scoped.closed];
    expect(moved.filter((f) => f.from.startsWith('tenant-01/') && !f.to.startsWith('tenant-01/') && f.changes.some((c) => c.kind === 'Namespace')).length).toBeGreaterThan(0);
    expect(moved.filter((f) => f.from === 'tenant-03/svc/api' && !f.to.startsWith('tenant-03/')).length).toBeGreaterThan(0);
  });

  it('the entry for one block closes flows from that block alone', () => {
    const mine = scoped.closed.filter((f) => f.changes.some((c) => c.id === 'acl-00000000000000003/ingress/98'));
    expect(mine.length).toBeGreaterThan(0);
    expect(scoped.cellsEvaluated).toBeLessThan(full.cellsEvaluated);
  });
});

// A NACL entry acts only on flows whose far end lies in its block (first matching entry wins,
// https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html): a modified entry moves flows from its old block
// and from its new one.
describe('a NACL entry whose block changes', () => {
  const world = () =>
    threeSubnets(new World().sg('sg-node', [allTraffic({ cidr: '10.0.0.0/16' })]), ['sg-node', 'sg-node', 'sg-node']).nacl('acl-c', ['subnet-c'], [
      entry(90, false, 'deny', '10.0.1.0/24', '6', [8080, 8080]),
      entry(100, false, 'allow', '0.0.0.0/0'),
      entry(100, true, 'allow', '0.0.0.0/0'),
    ]).snap;
  const before = world();
  const after = world();
  after.aws.networkAcls.find((n) => n.NetworkAclId === 'acl-c')!.Entries!.find((e) => e.RuleNumber === 90)!.CidrBlock = '10.0.2.0/24';
  const { scoped, full } = scopedAndFull(before, after);

  it('opens the flows from the old block and closes those from the new one', () => {
    expect(scoped.opened.map((f) => `${f.from} → ${f.to}`)).toEqual(['shop/svc/web → shop/svc/db']);
    expect(scoped.closed.map((f) => `${f.from} → ${f.to}`)).toEqual(['shop/svc/api → shop/svc/db']);
    expect(scoped.opened).toEqual(full.opened);
    expect(scoped.closed).toEqual(full.closed);
  });
});

// A security-group rule likewise acts only on flows whose far end its peer block holds: a rule added for one
// block opens only flows from it (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
describe('a security-group rule for one block', () => {
  const world = () => threeSubnets(new World().sg('sg-clients', []).sg('sg-db', [tcp(8080, { cidr: '10.0.1.0/24' })]), ['sg-clients', 'sg-clients', 'sg-db']).snap;
  const before = world();
  const after = world();
  after.aws.securityGroups.find((g) => g.GroupId === 'sg-db')!.IpPermissions!.push(tcp(8080, { cidr: '10.0.2.0/24' }));
  const { scoped, full } = scopedAndFull(before, after);

  it('opens the flows from that block only', () => {
    expect(scoped.opened.map((f) => `${f.from} → ${f.to}`)).toEqual(['shop/svc/api → shop/svc/db']);
    expect(scoped.opened).toEqual(full.opened);
    expect(scoped.closed).toEqual(full.closed);
  });
});
