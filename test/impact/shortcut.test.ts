import { assessChange, computeImpact } from '../../src/impact';
import { generatedDocuments, toSnapshot, withChangesOfEveryKind } from './generated';

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
