import { assessChange, computeImpact } from '../../src/impact';
import { generatedDocuments, toSnapshot, withChangesOfEveryKind, withEgressOfEveryShape } from './generated';

// The impact of a change is computed only on the cells its objects can move (pods a NetworkPolicy
// selects, ENIs carrying a group, subnets of a NACL or route table, ...). That shortcut must agree,
// cell by cell, with evaluating every cell — every Service to every Service port, internet and VPC to
// every Service, every Service to the internet — flow by flow, layer by layer.
describe('scoped impact agrees with full evaluation on a generated cluster', () => {
  const original = generatedDocuments();
  const before = toSnapshot(original, 'before');
  const after = toSnapshot(withChangesOfEveryKind(original), 'after');
  const scoped = assessChange(before, after);
  const full = computeImpact(before, after, scoped.changes.map((c) => ({ ...c, summary: '', impact: undefined })), { cells: 'all', evaluation: 'full' });

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
describe('scoped impact agrees with full evaluation for sources of every egress shape', () => {
  const original = withEgressOfEveryShape(generatedDocuments());
  const before = toSnapshot(original, 'before');
  const after = toSnapshot(withChangesOfEveryKind(original), 'after');
  const scoped = assessChange(before, after);
  const full = computeImpact(before, after, scoped.changes.map((c) => ({ ...c, summary: '', impact: undefined })), { cells: 'all', evaluation: 'full' });

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
});
