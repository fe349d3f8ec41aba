import { CHECKS } from '../../src/posture/checks/index';
import { PACK } from '../../src/posture/pack';
import { runPosture } from '../../src/posture/runner';
import { sortFindings } from '../../src/posture/findings';
import type { PostureCheck } from '../../src/posture/types';
import { compliantWorld, ids, notEvaluatedCheck } from './world';

// cdk-nag's applyRule reports a rule that throws instead of passing silently; so does the posture runner.

describe('posture runner', () => {
  it('a check that throws becomes a check-not-evaluated finding naming the error', () => {
    const broken: PostureCheck = {
      id: 'always-broken',
      run: () => {
        throw new TypeError("Cannot read properties of undefined (reading 'Routes')");
      },
    };
    const f = runPosture(compliantWorld(), [broken]);
    expect(ids(f)).toEqual(['check-not-evaluated info demo (always-broken)']);
    expect(f[0]!.summary).toContain("reading 'Routes'");
  });
  it('check-not-evaluated concerns the cluster: object is the cluster name, the check id is in the summary (CONTRACT §2 posture)', () => {
    const s = compliantWorld();
    s.aws.securityGroups = [];
    s.present.delete('SecurityGroups');
    const f = runPosture(s).find((x) => x.id === 'check-not-evaluated' && x.summary.startsWith('The sg-open-to-world check'))!;
    expect(f.object).toBe('demo');
    delete s.aws.cluster;
    s.collection.cluster = 'from-collection';
    expect(runPosture(s).filter((x) => x.id === 'check-not-evaluated').map((x) => x.object)).toContain('from-collection');
  });
  it('other checks still run after one throws', () => {
    const ok: PostureCheck = { id: 'sgp-group-missing', run: () => [{ id: 'sgp-group-missing', object: 'x', summary: 's', fix: 'f' }] };
    const broken: PostureCheck = { id: 'broken', run: () => { throw new Error('boom'); } };
    expect(ids(runPosture(compliantWorld(), [broken, ok]))).toEqual(['sgp-group-missing high x', 'check-not-evaluated info demo (broken)']);
  });
  it('severity comes from the pack, not the check: a finding id the pack does not know is a bug, reported as not evaluated', () => {
    const unknown: PostureCheck = { id: 'no-such-check', run: () => [{ id: 'no-such-check', object: 'x', summary: 's', fix: 'f' }] };
    const f = runPosture(compliantWorld(), [unknown]);
    expect(ids(f)).toEqual(['check-not-evaluated info demo (no-such-check)']);
    expect(f[0]!.summary).toContain('has no entry in the pack');
  });
  it('every check has a pack entry with a title and an https documentation link, and every variant it may name', () => {
    for (const check of CHECKS) {
      const entry = PACK[check.id];
      expect(entry).toBeDefined();
      expect(entry!.title.length).toBeGreaterThan(5);
      expect(entry!.doc).toMatch(/^https:\/\//);
    }
    expect(Object.keys(PACK).sort()).toEqual([...new Set([...CHECKS.map((c) => c.id), 'check-not-evaluated'])].sort());
  });
  it('sorts by severity, then id, then object', () => {
    const f = (id: string, severity: any, object: string) => ({ id, severity, object, summary: '', fix: '' });
    const sorted = sortFindings([f('b', 'low', 'z'), f('a', 'low', 'y'), f('a', 'low', 'x'), f('z', 'critical', 'q'), f('c', 'info', 'a')]);
    expect(ids(sorted)).toEqual(['z critical q', 'a low x', 'a low y', 'b low z', 'c info a']);
  });
  it('the compliant world yields only what the snapshot cannot show (no add-on versions)', () => {
    expect(ids(runPosture(compliantWorld()))).toEqual(['check-not-evaluated info demo (addon-outdated)']);
  });
  it('an empty snapshot is never silently clean: each AWS check says what is missing', () => {
    const s = compliantWorld();
    s.aws.securityGroups = [];
    s.present.delete('SecurityGroups');
    const f = runPosture(s).filter((x) => x.id === 'check-not-evaluated').map(notEvaluatedCheck);
    expect(f).toEqual(expect.arrayContaining(['sg-open-to-world', 'sg-rule-stale-reference', 'nacl-denies-sg-allowed']));
  });
});

describe('Kubernetes objects the collection could not read', () => {
  it.each([
    ['NetworkPolicy', ['namespace-without-default-deny', 'networkpolicy-not-enforced', 'networkpolicy-selects-no-pods']],
    ['SecurityGroupPolicy', ['sgp-blocks-kubelet-probes', 'sgp-selects-no-pods', 'sgp-without-pod-eni']],
  ])('%s missing → its checks are not evaluated (never a clean pass)', (resource, checks) => {
    const s = compliantWorld();
    s.collection.missing.push({ resource, reason: 'forbidden' });
    const notEvaluated = runPosture(s).filter((f) => f.id === 'check-not-evaluated').map(notEvaluatedCheck);
    expect(notEvaluated).toEqual(expect.arrayContaining(checks));
  });
});
