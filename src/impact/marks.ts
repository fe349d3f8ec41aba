/**
 * A set of small non-negative integers (below the size given) that empties in O(1): each round stamps its own
 * number, so a row of the cell walk starts a new set without clearing or allocating one.
 */
export class Marks {
  private readonly stamp: Uint32Array;
  private round = 1;

  constructor(size: number) {
    this.stamp = new Uint32Array(size);
  }

  /** Empties the set. */
  clear(): void {
    if (++this.round === 0xffffffff) {
      this.stamp.fill(0);
      this.round = 1;
    }
  }

  /** Adds `i`; false when it was in already. */
  add(i: number): boolean {
    if (this.stamp[i] === this.round) return false;
    this.stamp[i] = this.round;
    return true;
  }

  has(i: number): boolean {
    return this.stamp[i] === this.round;
  }
}
