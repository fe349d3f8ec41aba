import type { BaselineDocument } from '../baseline/documents';
import type { StateStore } from './types';

/** What `eksnet baseline show|history --json` prints per baseline (CONTRACT §2), minus `objects`' body. */
export interface BaselineMeta {
  cluster: string;
  /** 1, 2, 3 … per cluster; never reused. */
  version: number;
  savedAt: string;
  /** A Slack user id, `local:<user>`, or `eksnet`. */
  savedBy: string;
  /** When the state it holds was collected (the data's age). */
  collectedAt: string;
  /** How many objects it holds (documents' items). */
  objects: number;
  /** Why it was saved: "save", or "accept <change ids>" when a drift change was accepted into it. */
  reason?: string;
  /** The version it was derived from (an accept), if any. */
  parent?: number;
}

export interface StoredBaseline {
  meta: BaselineMeta;
  documents: BaselineDocument[];
}

const pad = (n: number) => String(n).padStart(8, '0');
const documentKey = (cluster: string, version: number) => `baselines/${encodeURIComponent(cluster)}/${pad(version)}.json`;
const HISTORY = (cluster: string) => `baseline#${cluster}`;
const CURRENT = 'baseline-current';

function countObjects(documents: BaselineDocument[]): number {
  let n = 0;
  for (const d of documents) {
    const doc = d.doc as Record<string, unknown> | null;
    if (!doc || typeof doc !== 'object') continue;
    if (Array.isArray(doc.items)) n += doc.items.length;
    else {
      const lists = Object.values(doc).filter(Array.isArray) as unknown[][];
      n += lists.length ? lists.reduce((s, l) => s + l.length, 0) : 1;
    }
  }
  return n;
}

/**
 * Save a new baseline version for a cluster and make it current. The documents go to an immutable key
 * (written before anything points at them); the version number is taken with a conditional write on the
 * cluster's current pointer, so two concurrent saves get two versions and neither is lost. `expectCurrent`
 * makes the save conditional on the current version (an accept derived from version N must not overwrite
 * a save that happened meanwhile): undefined is returned when it no longer holds.
 */
export async function saveStoredBaseline(
  store: StateStore,
  input: { cluster: string; documents: BaselineDocument[]; savedBy: string; collectedAt: string; reason?: string; parent?: number; now?: Date },
  expectCurrent?: number,
): Promise<BaselineMeta | undefined> {
  for (let attempt = 0; attempt < 20; attempt++) {
    const current = await store.getRecord<BaselineMeta>(CURRENT, input.cluster);
    if (expectCurrent !== undefined && (current?.data.version ?? 0) !== expectCurrent) return undefined;
    const last = await store.queryRecords<BaselineMeta>(HISTORY(input.cluster), { newestFirst: true, limit: 1 });
    const version = Math.max(current?.data.version ?? 0, last[0]?.data.version ?? 0) + 1;
    const meta: BaselineMeta = {
      cluster: input.cluster,
      version,
      savedAt: (input.now ?? new Date()).toISOString(),
      savedBy: input.savedBy,
      collectedAt: input.collectedAt,
      objects: countObjects(input.documents),
      ...(input.reason ? { reason: input.reason } : {}),
      ...(input.parent !== undefined ? { parent: input.parent } : {}),
    };
    // Claim the version number first: only one writer gets it.
    const claimed = await store.putRecord(HISTORY(input.cluster), pad(version), meta, { ifAbsent: true });
    if (!claimed) continue;
    await store.putDocument(documentKey(input.cluster, version), JSON.stringify(input.documents));
    const moved = current
      ? await store.putRecord(CURRENT, input.cluster, meta, { ifVersion: current.version })
      : await store.putRecord(CURRENT, input.cluster, meta, { ifAbsent: true });
    if (moved) return meta;
    if (expectCurrent !== undefined) return undefined;
    // Someone else moved the pointer; our version stays in history, and a newer one is current unless ours is newer.
    const now = await store.getRecord<BaselineMeta>(CURRENT, input.cluster);
    if (now && now.data.version < version) {
      const retried = await store.putRecord(CURRENT, input.cluster, meta, { ifVersion: now.version });
      if (retried) return meta;
    }
    return meta;
  }
  throw new Error(`could not save a baseline for ${input.cluster}: too many concurrent saves`);
}

export async function currentBaselineMeta(store: StateStore, cluster: string): Promise<BaselineMeta | undefined> {
  return (await store.getRecord<BaselineMeta>(CURRENT, cluster))?.data;
}

/** A stored baseline's record (default: the current one), without its documents; undefined when there is none. */
export async function storedBaselineMeta(store: StateStore, cluster: string, version?: number): Promise<BaselineMeta | undefined> {
  if (version === undefined) return currentBaselineMeta(store, cluster);
  return (await store.getRecord<BaselineMeta>(HISTORY(cluster), pad(version)))?.data;
}

/** A stored baseline by version (default: the current one); undefined when there is none. */
export async function loadStoredBaseline(store: StateStore, cluster: string, version?: number): Promise<StoredBaseline | undefined> {
  const meta = await storedBaselineMeta(store, cluster, version);
  if (!meta) return undefined;
  const body = await store.getDocument(documentKey(cluster, meta.version));
  if (body === undefined) throw new Error(`baseline ${meta.version} of ${cluster} is recorded but its documents are missing from the store`);
  return { meta, documents: JSON.parse(body) as BaselineDocument[] };
}

/** Every saved baseline of a cluster, newest first. */
export async function baselineHistory(store: StateStore, cluster: string): Promise<BaselineMeta[]> {
  return (await store.queryRecords<BaselineMeta>(HISTORY(cluster), { newestFirst: true })).map((r) => r.data);
}
