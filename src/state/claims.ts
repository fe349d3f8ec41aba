import type { StateStore } from './types';

/**
 * At-most-once work across processes: the first caller to claim `key` within `ttlSeconds` gets true, every
 * other caller (another container, a redelivered event, a retried run) false. A conditional write in the
 * store, never process memory.
 */
export async function claimOnce(store: StateStore, key: string, ttlSeconds: number, data: Record<string, unknown> = {}): Promise<boolean> {
  const written = await store.putRecord('claim', key, { ...data, claimedAt: new Date().toISOString() }, { ifAbsent: true, ttlSeconds });
  return written !== undefined;
}

/** Give up a claim whose work failed, so that a retry may do it. */
export async function releaseClaim(store: StateStore, key: string): Promise<void> {
  await store.deleteRecord('claim', key);
}
