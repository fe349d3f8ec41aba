import type { StateStore } from '../../src/state';
import { claimOnce, releaseClaim } from '../../src/state/claims';
import { listAudit, recordAudit } from '../../src/state/audit';

/** One suite of behaviour every StateStore implementation must show (CONTRACT §5). */
export function stateStoreContract(name: string, open: () => Promise<{ store: StateStore; setNow?: (ms: number) => void }>): void {
  describe(`StateStore contract: ${name}`, () => {
    let store: StateStore;
    let setNow: ((ms: number) => void) | undefined;
    beforeEach(async () => {
      ({ store, setNow } = await open());
    });

    it('init is safe to repeat', async () => {
      await store.init();
      await expect(store.init()).resolves.toEqual(expect.any(Array));
    });

    it('reads back what it wrote, with a version that every write increments', async () => {
      expect(await store.getRecord('p', 'a')).toBeUndefined();
      const first = await store.putRecord('p', 'a', { n: 1 });
      expect(first).toMatchObject({ pk: 'p', sk: 'a', version: 1, data: { n: 1 } });
      const second = await store.putRecord('p', 'a', { n: 2 });
      expect(second?.version).toBe(2);
      expect(await store.getRecord('p', 'a')).toMatchObject({ version: 2, data: { n: 2 } });
    });

    it('ifAbsent lets exactly one of many concurrent writers win', async () => {
      const results = await Promise.all(Array.from({ length: 8 }, (_, i) => store.putRecord('race', 'k', { i }, { ifAbsent: true })));
      expect(results.filter(Boolean)).toHaveLength(1);
    });

    it('ifVersion refuses a stale writer and writes nothing', async () => {
      await store.putRecord('p', 'v', { s: 'one' });
      expect(await store.putRecord('p', 'v', { s: 'two' }, { ifVersion: 1 })).toMatchObject({ version: 2 });
      expect(await store.putRecord('p', 'v', { s: 'stale' }, { ifVersion: 1 })).toBeUndefined();
      expect((await store.getRecord<{ s: string }>('p', 'v'))?.data.s).toBe('two');
      expect(await store.putRecord('p', 'missing', { s: 'x' }, { ifVersion: 1 })).toBeUndefined();
    });

    it('deletes, conditionally when asked', async () => {
      await store.putRecord('p', 'd', 1);
      expect(await store.deleteRecord('p', 'd', { ifVersion: 7 })).toBe(false);
      expect(await store.getRecord('p', 'd')).toBeDefined();
      expect(await store.deleteRecord('p', 'd', { ifVersion: 1 })).toBe(true);
      expect(await store.getRecord('p', 'd')).toBeUndefined();
      expect(await store.deleteRecord('p', 'd')).toBe(true);
    });

    it('queries one partition in sort-key order, by prefix, from a key, newest first, with a limit', async () => {
      for (const sk of ['2026-01-02#b', '2026-01-01#a', '2026-01-03#c', 'other#x']) await store.putRecord('q', sk, sk);
      await store.putRecord('q2', '2026-01-01#z', 'elsewhere');
      const all = await store.queryRecords<string>('q');
      expect(all.map((r) => r.sk)).toEqual(['2026-01-01#a', '2026-01-02#b', '2026-01-03#c', 'other#x']);
      expect((await store.queryRecords('q', { prefix: '2026-' })).map((r) => r.sk)).toHaveLength(3);
      expect((await store.queryRecords('q', { from: '2026-01-02', prefix: '2026-' })).map((r) => r.sk)).toEqual(['2026-01-02#b', '2026-01-03#c']);
      expect((await store.queryRecords('q', { newestFirst: true, limit: 2 })).map((r) => r.sk)).toEqual(['other#x', '2026-01-03#c']);
      expect(await store.queryRecords('nothing-here')).toEqual([]);
    });

    it('keys with slashes, colons and spaces are kept apart and round-trip', async () => {
      await store.putRecord('a/b', 'c:d e', 1);
      await store.putRecord('a', 'b/c:d e', 2);
      expect((await store.getRecord('a/b', 'c:d e'))?.data).toBe(1);
      expect((await store.queryRecords('a')).map((r) => r.sk)).toEqual(['b/c:d e']);
    });

    it('an expired record reads as absent and can be claimed again', async () => {
      if (!setNow) return;
      const t0 = Date.parse('2026-12-01T00:00:00Z');
      setNow(t0);
      expect(await store.putRecord('ttl', 'k', 1, { ifAbsent: true, ttlSeconds: 60 })).toBeDefined();
      expect(await store.putRecord('ttl', 'k', 2, { ifAbsent: true, ttlSeconds: 60 })).toBeUndefined();
      setNow(t0 + 61_000);
      expect(await store.getRecord('ttl', 'k')).toBeUndefined();
      expect(await store.queryRecords('ttl')).toEqual([]);
      expect(await store.putRecord('ttl', 'k', 3, { ifAbsent: true, ttlSeconds: 60 })).toBeDefined();
    });

    it('documents: write, read, list by prefix; a missing one is undefined; unsafe keys are refused', async () => {
      await store.putDocument('baselines/prod/0001.json', '{"a":1}');
      await store.putDocument('baselines/prod/0002.json', '{"a":2}');
      await store.putDocument('baselines/dev/0001.json', '{"b":1}');
      expect(await store.getDocument('baselines/prod/0002.json')).toBe('{"a":2}');
      expect(await store.getDocument('baselines/prod/0009.json')).toBeUndefined();
      expect(await store.listDocuments('baselines/prod/')).toEqual(['baselines/prod/0001.json', 'baselines/prod/0002.json']);
      await expect(store.putDocument('../escape.json', 'x')).rejects.toThrow(/relative path/);
      await expect(store.putDocument('/abs.json', 'x')).rejects.toThrow(/relative path/);
    });

    it('claims: one winner; released claims can be taken again', async () => {
      expect(await claimOnce(store, 'eksnet#drift-digest#prod#2026-12-01', 3600)).toBe(true);
      expect(await claimOnce(store, 'eksnet#drift-digest#prod#2026-12-01', 3600)).toBe(false);
      await releaseClaim(store, 'eksnet#drift-digest#prod#2026-12-01');
      expect(await claimOnce(store, 'eksnet#drift-digest#prod#2026-12-01', 3600)).toBe(true);
    });

    it('audit: events newest first, filtered by cluster and time', async () => {
      const base = { actor: 'U1', action: 'baseline-save', subject: 'v1', detail: '', outcome: 'ok' };
      await recordAudit(store, { ...base, cluster: 'prod', at: '2026-12-01T10:00:00.000Z' });
      await recordAudit(store, { ...base, cluster: 'dev', at: '2026-12-02T10:00:00.000Z' });
      await recordAudit(store, { ...base, cluster: 'prod', at: '2026-12-03T10:00:00.000Z' });
      expect((await listAudit(store)).map((e) => e.at)).toEqual(['2026-12-03T10:00:00.000Z', '2026-12-02T10:00:00.000Z', '2026-12-01T10:00:00.000Z']);
      expect((await listAudit(store, { cluster: 'prod' })).map((e) => e.cluster)).toEqual(['prod', 'prod']);
      expect(await listAudit(store, { since: new Date('2026-12-02T00:00:00Z') })).toHaveLength(2);
    });
  });
}
