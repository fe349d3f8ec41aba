import { PromiseCache } from '../util/promise-cache';

/**
 * Reuse of collected state in a warm process: a value is served for `ttlSeconds` after it was
 * made; concurrent callers share one collection; a failed collection is not kept.
 */
export class CollectionCache<T> {
  private readonly entries: PromiseCache<string, T>;

  constructor(clock: () => number = Date.now) {
    this.entries = new PromiseCache<string, T>(clock);
  }

  get(key: string, ttlSeconds: number, fresh: boolean, make: () => Promise<T>): Promise<T> {
    return this.entries.get(key, make, { refresh: fresh, maxAgeMs: ttlSeconds * 1000 });
  }

  clear(): void {
    this.entries.clear();
  }
}
