// Canonical forms so that two snapshots of the same configuration compare equal however their
// lists and keys are ordered.

/** JSON with object keys sorted at every level (arrays keep their order: sort them first where order is meaningless). */
export function stableStringify(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (value && typeof value === 'object') {
    const out: Record<string, unknown> = {};
    for (const k of Object.keys(value).sort(compareText)) {
      const v = (value as Record<string, unknown>)[k];
      if (v !== undefined) out[k] = sortKeys(v);
    }
    return out;
  }
  return value;
}

/** Code-point order: the same on every machine and locale. */
export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}

/** A set-like list: canonicalise each item, drop duplicates, sort. */
export function canonicalSet<T>(items: readonly T[] | undefined | null, canon: (t: T) => unknown = (t) => t): unknown[] {
  const byKey = new Map<string, unknown>();
  for (const item of items ?? []) {
    const c = canon(item);
    byKey.set(stableStringify(c), c);
  }
  return [...byKey.keys()].sort(compareText).map((k) => byKey.get(k));
}

/** Index objects by a key; the last wins (as a snapshot loaded twice would). */
export function indexBy<T>(items: readonly T[], key: (t: T) => string | undefined): Map<string, T> {
  const out = new Map<string, T>();
  for (const item of items) {
    const k = key(item);
    if (k !== undefined) out.set(k, item);
  }
  return out;
}

/** Keys only in `a`, only in `b`, and in both — each sorted. */
export function splitKeys<A, B>(a: Map<string, A>, b: Map<string, B>): { onlyA: string[]; onlyB: string[]; both: string[] } {
  const onlyA: string[] = [];
  const both: string[] = [];
  for (const k of a.keys()) (b.has(k) ? both : onlyA).push(k);
  const onlyB = [...b.keys()].filter((k) => !a.has(k));
  return { onlyA: onlyA.sort(compareText), onlyB: onlyB.sort(compareText), both: both.sort(compareText) };
}

/** Labels as a sorted `k=v, …` list for summaries. */
export function labelText(labels: Record<string, string> | undefined): string {
  const entries = Object.entries(labels ?? {}).sort(([a], [b]) => compareText(a, b));
  return entries.length ? entries.map(([k, v]) => `${k}=${v}`).join(', ') : '(none)';
}
