// Deterministic randomness for the cluster generator: same seed, same cluster (no Math.random, no clock).

/** mulberry32: a small, fast, seedable PRNG (deterministic across platforms). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** A stride coprime with n, so stepping by it visits every index once. */
export function coprimeStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const candidate of [37, 41, 43, 47, 53, 59, 61]) if (gcd(candidate, n) === 1) return candidate % n || 1;
  return 1;
}

/**
 * Pods per Service in one namespace: `services` counts summing to `pods`, two of them exactly 10
 * (for the pair benchmark), the others 3-7 (about five each).
 */
export function podCountsPerService(pods: number, services: number, rand: () => number): number[] {
  if (services < 2 || pods < 20 + (services - 2)) throw new Error('generateCluster: too few pods for two 10-pod Services');
  const counts = [10, 10];
  let left = pods - 20;
  for (let i = 2; i < services; i++) {
    const remaining = services - i;
    const avg = left / remaining;
    const n = i === services - 1 ? left : Math.max(1, Math.min(left - (remaining - 1), Math.round(avg + (rand() * 4 - 2))));
    counts.push(n);
    left -= n;
  }
  return counts;
}

export function shuffle<T>(list: T[], rand: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}
