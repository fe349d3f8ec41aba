import { prng } from '../../bench/generate/random';
import * as path from 'node:path';
import { diff } from '../../src/drift';
import type { Snapshot } from '../../src/model/snapshot';
import { loadSnapshot } from '../../src/snapshot/load';

// CONTRACT §2: "reordered lists ... are never drift. The same input gives the same output, in a stable order."

/** Deterministic pseudo-random shuffle (the benchmark generator's mulberry32), so a failure reproduces. */
const rng = prng;

/** Every list reversed or shuffled, every object's keys re-inserted in another order — at every depth. */
function scramble<T>(value: T, random: () => number): T {
  if (Array.isArray(value)) {
    const out = value.map((v) => scramble(v, random));
    for (let i = out.length - 1; i > 0; i--) {
      const j = Math.floor(random() * (i + 1));
      [out[i], out[j]] = [out[j], out[i]];
    }
    return out as T;
  }
  if (value && typeof value === 'object' && !(value instanceof Set) && !(value instanceof Date)) {
    const entries = Object.entries(value).reverse();
    return Object.fromEntries(entries.map(([k, v]) => [k, scramble(v, random)])) as T;
  }
  return value;
}

function scrambleSnapshot(snap: Snapshot, seed: number): Snapshot {
  const s = scramble({ ...snap, present: undefined }, rng(seed)) as unknown as Snapshot;
  s.present = snap.present;
  // A container's argv keeps its order: for a repeated flag the last occurrence wins.
  for (const d of s.k8s.daemonSets) {
    const original = snap.k8s.daemonSets.find((o) => o.metadata.name === d.metadata.name && o.metadata.namespace === d.metadata.namespace);
    for (const c of d.spec?.template?.spec?.containers ?? []) {
      const o = original?.spec?.template?.spec?.containers.find((x) => x.name === c.name);
      c.args = o?.args;
      c.command = o?.command;
    }
  }
  return s;
}

describe('drift is order-blind and deterministic', () => {
  let demo: Snapshot;
  beforeAll(async () => {
    demo = await loadSnapshot(path.join(__dirname, '..', '..', 'demo', 'snapshot'));
  });

  it.each([1, 2, 3, 4, 5])('the bundled demo snapshot against a scrambled copy of itself (seed %i) is no drift', (seed) => {
    const scrambled = scrambleSnapshot(demo, seed);
    expect(JSON.stringify(scrambled.aws.securityGroups)).not.toBe(JSON.stringify(demo.aws.securityGroups));
    expect(JSON.stringify(scrambled.k8s.networkPolicies)).not.toBe(JSON.stringify(demo.k8s.networkPolicies));
    expect(diff(demo, scrambled)).toEqual([]);
  });

  it('changes found against scrambled copies are identical and sorted', () => {
    const changed = structuredClone({ ...demo, present: undefined }) as unknown as Snapshot;
    changed.present = demo.present;
    changed.aws.securityGroups[0]!.IpPermissions!.push({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    changed.k8s.networkPolicies.pop();
    changed.aws.networkAcls[0]!.Entries!.push({ RuleNumber: 1, Egress: false, Protocol: '-1', CidrBlock: '0.0.0.0/0', RuleAction: 'deny' });
    const expected = diff(demo, changed);
    expect(expected.length).toBeGreaterThanOrEqual(3);
    for (const seed of [7, 8, 9]) expect(diff(scrambleSnapshot(demo, seed), scrambleSnapshot(changed, seed + 10))).toEqual(expected);
    const keys = expected.map((c) => [c.kind, c.id, c.change].join('\u0000'));
    expect(keys).toEqual([...keys].sort());
  });
});
