import { PromiseCache } from '../../src/util/promise-cache';

describe('PromiseCache (the one promise cache: collections, snapshots, secrets, tokens, credentials, the Bolt app)', () => {
  it('callers asking while a value is being made share it; a made value is reused', async () => {
    const cache = new PromiseCache<string, number>();
    let made = 0;
    const make = () => new Promise<number>((r) => setTimeout(() => r(++made), 5));
    const [a, b] = await Promise.all([cache.get('k', make), cache.get('k', make)]);
    expect([a, b, made]).toEqual([1, 1, 1]);
    expect(await cache.get('k', make)).toBe(1);
    expect(await cache.get('other', make)).toBe(2);
  });
  it('a failure is not kept: the next call tries again', async () => {
    const cache = new PromiseCache<string, string>();
    await expect(cache.get('k', () => Promise.reject(new Error('denied')))).rejects.toThrow('denied');
    await new Promise((r) => setImmediate(r));
    expect(await cache.get('k', async () => 'ok')).toBe('ok');
  });
  it('maxAgeMs, refresh and isFresh make a new value', async () => {
    let now = 1000;
    const cache = new PromiseCache<string, number>(() => now);
    let n = 0;
    const make = async () => ++n;
    expect(await cache.get('k', make, { maxAgeMs: 60_000 })).toBe(1);
    now += 59_000;
    expect(await cache.get('k', make, { maxAgeMs: 60_000 })).toBe(1);
    now += 1_000;
    expect(await cache.get('k', make, { maxAgeMs: 60_000 })).toBe(2);
    expect(await cache.get('k', make, { refresh: true })).toBe(3);
    expect(await cache.get('k', make, { isFresh: (v) => v !== 3 })).toBe(4);
    expect(await cache.get('k', make, { isFresh: (v) => v !== 3 })).toBe(4);
  });
});
