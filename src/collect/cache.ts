/**
 * Reuse of collected state in a warm process: a value is served for `ttlSeconds` after it was
 * made; concurrent callers share one collection; a failed collection is not kept.
 */
export class CollectionCache<T> {
  private readonly entries = new Map<string, { madeAt: number; value: Promise<T> }>();

  constructor(private readonly clock: () => number = Date.now) {}

  async get(key: string, ttlSeconds: number, fresh: boolean, make: () => Promise<T>): Promise<T> {
    const hit = this.entries.get(key);
    if (hit && !fresh && this.clock() - hit.madeAt < ttlSeconds * 1000) return hit.value;
    const value = make();
    const entry = { madeAt: this.clock(), value };
    this.entries.set(key, entry);
    value.catch(() => {
      if (this.entries.get(key) === entry) this.entries.delete(key);
    });
    return value;
  }

  clear(): void {
    this.entries.clear();
  }
}
