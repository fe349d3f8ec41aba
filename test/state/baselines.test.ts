import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { LocalStateStore } from '../../src/state/local';
import { baselineHistory, currentBaselineMeta, loadStoredBaseline, saveStoredBaseline } from '../../src/state/baselines';

const docs = (n: number) => [{ file: 'aws/security-groups.json', doc: { SecurityGroups: Array.from({ length: n }, (_, i) => ({ GroupId: `sg-${i}` })) } }];

describe('stored baselines', () => {
  const fresh = () => new LocalStateStore(mkdtempSync(path.join(tmpdir(), 'eksnet-bl-')));

  it('numbers versions per cluster, keeps history newest first, and loads by version', async () => {
    const store = fresh();
    const a = await saveStoredBaseline(store, { cluster: 'prod', documents: docs(2), savedBy: 'U1', collectedAt: '2026-12-01T00:00:00Z' });
    const b = await saveStoredBaseline(store, { cluster: 'prod', documents: docs(3), savedBy: 'U2', collectedAt: '2026-12-02T00:00:00Z' });
    await saveStoredBaseline(store, { cluster: 'dev', documents: docs(1), savedBy: 'U1', collectedAt: '2026-12-02T00:00:00Z' });
    expect([a?.version, b?.version]).toEqual([1, 2]);
    expect((await currentBaselineMeta(store, 'prod'))?.version).toBe(2);
    expect((await baselineHistory(store, 'prod')).map((m) => [m.version, m.savedBy, m.objects])).toEqual([[2, 'U2', 3], [1, 'U1', 2]]);
    expect((await loadStoredBaseline(store, 'prod', 1))?.documents).toEqual(docs(2));
    expect(await loadStoredBaseline(store, 'staging')).toBeUndefined();
  });

  it('concurrent saves each get their own version and none is lost', async () => {
    const store = fresh();
    const saved = await Promise.all(Array.from({ length: 5 }, (_, i) => saveStoredBaseline(store, { cluster: 'prod', documents: docs(i), savedBy: `U${i}`, collectedAt: 'x' })));
    expect(new Set(saved.map((m) => m?.version)).size).toBe(5);
    expect((await baselineHistory(store, 'prod')).length).toBe(5);
    expect((await currentBaselineMeta(store, 'prod'))?.version).toBe(5);
  });

  it('a save conditional on the current version refuses when another save came first', async () => {
    const store = fresh();
    await saveStoredBaseline(store, { cluster: 'prod', documents: docs(1), savedBy: 'U1', collectedAt: 'x' });
    await saveStoredBaseline(store, { cluster: 'prod', documents: docs(2), savedBy: 'U1', collectedAt: 'x' });
    expect(await saveStoredBaseline(store, { cluster: 'prod', documents: docs(9), savedBy: 'U3', collectedAt: 'x', parent: 1 }, 1)).toBeUndefined();
    expect((await currentBaselineMeta(store, 'prod'))?.version).toBe(2);
  });
});
