/**
 * The one promise cache: callers asking for a key while its value is being made share that promise; a value that
 * failed is forgotten (the next call tries again); a made value is kept while it is fresh — by age (`maxAgeMs`), by
 * what it holds (`isFresh`, e.g. a token's expiry), or until `refresh` asks for a new one.
 */
export interface CacheOptions<V> {
  /** Make a new value even when a fresh one is held. */
  refresh?: boolean;
  /** A value older than this (since it was asked for) is made again. */
  maxAgeMs?: number;
  /** A made value for which this is false is made again. */
  isFresh?: (value: V) => boolean;
}

interface Entry<V> {
  madeAt: number;
  promise: Promise<V>;
  settled: boolean;
  value?: V;
}

export class PromiseCache<K, V> {
  private readonly entries = new Map<K, Entry<V>>();

  constructor(private readonly clock: () => number = Date.now) {}

  get(key: K, make: () => Promise<V>, options: CacheOptions<V> = {}): Promise<V> {
    const hit = this.entries.get(key);
    if (hit && !options.refresh && this.usable(hit, options)) return hit.promise;
    const entry: Entry<V> = { madeAt: this.clock(), promise: make(), settled: false };
    this.entries.set(key, entry);
    entry.promise.then(
      (value) => {
        entry.settled = true;
        entry.value = value;
      },
      () => {
        if (this.entries.get(key) === entry) this.entries.delete(key);
      },
    );
    return entry.promise;
  }

  delete(key: K): void {
    this.entries.delete(key);
  }

  clear(): void {
    this.entries.clear();
  }

  private usable(e: Entry<V>, options: CacheOptions<V>): boolean {
    if (options.maxAgeMs !== undefined && this.clock() - e.madeAt >= options.maxAgeMs) return false;
    // A value still being made is shared; freshness is judged once it is there.
    if (!e.settled || !options.isFresh) return true;
    return options.isFresh(e.value as V);
  }
}

/** One value per process (a cache with a single key). */
export class CachedValue<V> {
  private readonly cache = new PromiseCache<0, V>();

  get(make: () => Promise<V>, options?: CacheOptions<V>): Promise<V> {
    return this.cache.get(0, make, options);
  }

  clear(): void {
    this.cache.clear();
  }
}
