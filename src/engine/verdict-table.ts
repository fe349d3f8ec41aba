/**
 * Memoised yes/no verdicts keyed by small non-negative integers (below 2^31 - 1), in typed arrays: an open-addressing
 * hash table. Millions of memo entries then cost the garbage collector nothing to trace, unlike a Map's.
 */
export class VerdictTable {
  /** key + 1 per slot (0: empty). */
  private keys = new Int32Array(8);
  /** 1: true, 2: false. */
  private values = new Uint8Array(8);
  private size = 0;

  /** The verdict stored for `key`, or undefined. */
  get(key: number): boolean | undefined {
    const mask = this.keys.length - 1;
    for (let i = hash(key) & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i]!;
      if (k === 0) return undefined;
      if (k === key + 1) return this.values[i] === 1;
    }
  }

  set(key: number, value: boolean): void {
    if (2 * (this.size + 1) > this.keys.length) this.grow();
    const mask = this.keys.length - 1;
    for (let i = hash(key) & mask; ; i = (i + 1) & mask) {
      const k = this.keys[i]!;
      if (k === 0 || k === key + 1) {
        if (k === 0) this.size++;
        this.keys[i] = key + 1;
        this.values[i] = value ? 1 : 2;
        return;
      }
    }
  }

  private grow(): void {
    const keys = this.keys;
    const values = this.values;
    this.keys = new Int32Array(keys.length * 2);
    this.values = new Uint8Array(keys.length * 2);
    this.size = 0;
    for (let i = 0; i < keys.length; i++) if (keys[i] !== 0) this.set(keys[i]! - 1, values[i] === 1);
  }
}

/**
 * Mixes every bit of the key into the low bits the table indexes by (MurmurHash3's finaliser): the memo's keys
 * are multiples of 2^15 plus a few bits, which a plain multiplicative hash would crowd into a handful of slots.
 */
function hash(key: number): number {
  let h = key ^ (key >>> 16);
  h = Math.imul(h, 0x85ebca6b);
  h ^= h >>> 13;
  h = Math.imul(h, 0xc2b2ae35);
  return (h ^ (h >>> 16)) >>> 0;
}
