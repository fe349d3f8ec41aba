import { createHash } from 'node:crypto';
import { stableStringify } from '../drift/canonical';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import type { StateStore, StoredRecord } from '../state/types';
import { capture, ownerOf, type Captured, type Owner } from './owner';

/**
 * The life cycle of each drift change of a cluster, kept in the state store so that every run (a fresh
 * process) knows what earlier runs saw, showed, alerted, and what people accepted or snoozed:
 *
 *   partition `drift#<cluster>`, sort key = the change's key (a hash of its kind and id).
 *
 * A change is NEW on the day a digest first shows it in its current form (its content hash), STILL OPEN
 * afterwards (with its age since first seen), and RESOLVED on the day it is no longer reported (the
 * object is back to the baseline). Accepting puts it into the baseline (so drift stops reporting it);
 * snoozing hides it from digests for 7 days unless it changes further.
 */
export interface ChangeRecord {
  cluster: string;
  key: string;
  kind: Change['kind'];
  id: string;
  change: Change['change'];
  severity: Change['severity'];
  summary: string;
  /** Content hash of the change as reported (kind, id, change, summary): "changed further" = a new hash. */
  hash: string;
  status: 'open' | 'accepted' | 'resolved';
  firstSeen: string;
  lastSeen: string;
  /** The day (UTC) a digest first showed this form of the change; NEW on that day only. */
  newOn?: string;
  digestedHash?: string;
  alertedHash?: string;
  alertedAt?: string;
  snoozedHash?: string;
  snoozedUntil?: string;
  snoozedBy?: string;
  acceptedBy?: string;
  acceptedAt?: string;
  acceptedVersion?: number;
  resolvedOn?: string;
  /** Document key of the owner object as this change left it (for Accept), when the change has one owner. */
  captured?: string;
  /** Who made the change and when (src/drift/attribution.ts), looked up once per form of the change. */
  changedBy?: string;
}

/** Who made each change, by change key: looked up by the caller for changes `needsAttribution` names. */
export type ChangedBy = Map<string, string>;

/** The changes whose record has no attribution for their current form yet (new, or changed further). */
export async function needsAttribution(store: StateStore, cluster: string, changes: Change[]): Promise<Change[]> {
  const records = new Map((await listRecords(store, cluster)).map((r) => [r.data.key, r.data]));
  return changes.filter((c) => {
    const r = records.get(changeKey(c));
    return !r || r.status === 'resolved' || r.hash !== contentHash(c) || !r.changedBy;
  });
}

export const partition = (cluster: string) => `drift#${cluster}`;

export function changeKey(c: Pick<Change, 'kind' | 'id'>): string {
  return createHash('sha256').update(`${c.kind}\u0000${c.id}`).digest('hex').slice(0, 24);
}

export function contentHash(c: Pick<Change, 'kind' | 'id' | 'change' | 'summary'>): string {
  return createHash('sha256').update(stableStringify([c.kind, c.id, c.change, c.summary])).digest('hex').slice(0, 16);
}

/** Resolved records stay long enough for that day's digest (and a retried run) to report them. */
const RESOLVED_TTL_SECONDS = 3 * 24 * 3600;

export function isSnoozed(r: ChangeRecord, now: Date): boolean {
  return r.snoozedHash === r.hash && r.snoozedUntil !== undefined && Date.parse(r.snoozedUntil) > now.getTime();
}

/** Read-modify-write one record with a conditional write, retried when another run wrote it meanwhile. */
export async function updateRecord(
  store: StateStore,
  cluster: string,
  key: string,
  fn: (current: ChangeRecord | undefined) => ChangeRecord | undefined | null,
  ttlSeconds?: number,
): Promise<{ record?: ChangeRecord; written: boolean }> {
  for (let attempt = 0; attempt < 8; attempt++) {
    const current = await store.getRecord<ChangeRecord>(partition(cluster), key);
    const next = fn(current?.data);
    if (next === undefined) return { record: current?.data, written: false };
    if (next === null) {
      if (!current || (await store.deleteRecord(partition(cluster), key, { ifVersion: current.version }))) return { written: true };
      continue;
    }
    const options = { ...(current ? { ifVersion: current.version } : { ifAbsent: true }), ...(ttlSeconds ? { ttlSeconds } : {}) };
    if (await store.putRecord(partition(cluster), key, next, options)) return { record: next, written: true };
  }
  throw new Error(`drift record ${key} of ${cluster}: too many concurrent writes`);
}

export async function listRecords(store: StateStore, cluster: string): Promise<StoredRecord<ChangeRecord>[]> {
  return store.queryRecords<ChangeRecord>(partition(cluster));
}

/** Store the owner object a change left behind (write-once, content-addressed) and return its key. */
async function storeCaptured(store: StateStore, cluster: string, owner: Owner, captured: Captured): Promise<string> {
  const body = JSON.stringify({ owner, captured });
  const hash = createHash('sha256').update(body).digest('hex').slice(0, 32);
  const key = `drift/${encodeURIComponent(cluster)}/captured/${hash}.json`;
  if ((await store.getDocument(key)) === undefined) await store.putDocument(key, body);
  return key;
}

export async function loadCaptured(store: StateStore, key: string): Promise<{ owner: Owner; captured: Captured } | undefined> {
  const body = await store.getDocument(key);
  return body === undefined ? undefined : (JSON.parse(body) as { owner: Owner; captured: Captured });
}

/** One change as a digest shows it. */
export interface DigestEntry {
  record: ChangeRecord;
  /** Set when the frequent check already alerted this form of the change (the digest does not repeat it). */
  alertedAt?: string;
}

export interface DigestView {
  new: DigestEntry[];
  open: DigestEntry[];
  resolved: ChangeRecord[];
  snoozed: number;
}

function fresh(c: Change, cluster: string, key: string, hash: string, now: string): ChangeRecord {
  return { cluster, key, kind: c.kind, id: c.id, change: c.change, severity: c.severity, summary: c.summary, hash, status: 'open', firstSeen: now, lastSeen: now };
}

/**
 * Bring a change's record up to date with what was just reported: a new record for a change never seen
 * (or seen resolved, or changed further: then it is new again, and earlier alerts, snoozes and accepts no
 * longer apply to it), else only `lastSeen`. The owner object is captured for Accept.
 */
async function observe(store: StateStore, cluster: string, c: Change, current: Snapshot, now: Date, extra: (r: ChangeRecord) => ChangeRecord | undefined, by?: ChangedBy): Promise<ChangeRecord | undefined> {
  const key = changeKey(c);
  const hash = contentHash(c);
  const iso = now.toISOString();
  const owner = ownerOf(c);
  let capturedKey: string | undefined;
  const existing = (await store.getRecord<ChangeRecord>(partition(cluster), key))?.data;
  if (owner && (!existing || existing.hash !== hash || !existing.captured || existing.status === 'resolved')) {
    capturedKey = await storeCaptured(store, cluster, owner, capture(current, owner));
  }
  const { record } = await updateRecord(store, cluster, key, (r) => {
    let next: ChangeRecord;
    if (!r || r.status === 'resolved' || r.hash !== hash) {
      next = fresh(c, cluster, key, hash, iso);
      // Same object, changed further while still open: its age counts from when it first drifted.
      if (r && r.status === 'open') next.firstSeen = r.firstSeen;
    } else next = { ...r, lastSeen: iso, severity: c.severity };
    if (capturedKey) next.captured = capturedKey;
    const who = by?.get(key);
    if (who && !next.changedBy) next.changedBy = who;
    return extra(next);
  });
  return record;
}

/**
 * The daily digest's view of a cluster, recorded: every reported change observed, those a digest shows
 * today marked (NEW today stays NEW if the run is retried), and records no longer reported resolved.
 */
export async function reconcileForDigest(store: StateStore, cluster: string, changes: Change[], current: Snapshot, now: Date, day: string, by?: ChangedBy): Promise<DigestView> {
  const view: DigestView = { new: [], open: [], resolved: [], snoozed: 0 };
  const reported = new Set<string>();
  for (const c of changes) {
    reported.add(changeKey(c));
    const record = await observe(store, cluster, c, current, now, (r) => {
      if (r.status === 'accepted' && r.acceptedVersion !== undefined) return r; // accepted meanwhile: the next baseline holds it
      if (isSnoozed(r, now)) return r;
      if (r.digestedHash !== r.hash) return { ...r, status: 'open', digestedHash: r.hash, newOn: day };
      return { ...r, status: 'open' };
    }, by);
    if (!record || record.status === 'accepted') continue;
    if (isSnoozed(record, now)) {
      view.snoozed++;
      continue;
    }
    const entry: DigestEntry = { record, ...(record.alertedHash === record.hash && record.alertedAt ? { alertedAt: record.alertedAt } : {}) };
    if (record.newOn === day) view.new.push(entry);
    else view.open.push(entry);
  }
  for (const { data } of await listRecords(store, cluster)) {
    if (reported.has(data.key)) continue;
    if (data.status === 'resolved') {
      if (data.resolvedOn === day) view.resolved.push(data);
      continue;
    }
    // Accepted and gone: the baseline holds it now; nothing to report (the message already says who accepted it).
    if (data.status === 'accepted') {
      await updateRecord(store, cluster, data.key, (r) => (r && r.status === 'accepted' ? null : undefined));
      continue;
    }
    const { record } = await updateRecord(store, cluster, data.key, (r) => (r && r.status === 'open' ? { ...r, status: 'resolved', resolvedOn: day } : undefined), RESOLVED_TTL_SECONDS);
    // Only what a digest or an alert had shown is news when it goes away.
    if (record?.status === 'resolved' && (record.digestedHash || record.alertedHash)) view.resolved.push(record);
  }
  return view;
}

/**
 * The critical changes an alert should name now: not yet alerted in this form, nor accepted, nor snoozed.
 * Records are observed (created when new) but not marked: the caller queues the alert first (under a key
 * made from these changes), then marks them with `markAlerted`, so a run that dies in between is redone
 * with the same alert key rather than losing the alert.
 */
export async function alertCandidates(store: StateStore, cluster: string, changes: Change[], current: Snapshot, now: Date, by?: ChangedBy): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  for (const c of changes.filter((x) => x.severity === 'critical')) {
    const record = await observe(store, cluster, c, current, now, (r) => r, by);
    if (!record || record.alertedHash === record.hash || isSnoozed(record, now) || record.status === 'accepted') continue;
    out.push(record);
  }
  return out;
}

/** The deterministic key of an alert about these changes (in these forms). */
export function alertKey(cluster: string, records: Pick<ChangeRecord, 'key' | 'hash'>[]): string {
  const h = createHash('sha256').update(records.map((r) => `${r.key}:${r.hash}`).sort().join(',')).digest('hex').slice(0, 24);
  return `eksnet#drift-alert#${cluster}#${h}`;
}

/** Record that these changes were alerted (only in the form alerted: a further change alerts again). */
export async function markAlerted(store: StateStore, cluster: string, records: ChangeRecord[], at: Date): Promise<void> {
  for (const a of records) {
    await updateRecord(store, cluster, a.key, (r) => (r && r.hash === a.hash && r.alertedHash !== a.hash ? { ...r, alertedHash: a.hash, alertedAt: at.toISOString() } : undefined));
  }
}

/** A record's change, as drift reported it. */
export function recordChange(r: ChangeRecord): Change {
  return { kind: r.kind, id: r.id, change: r.change, severity: r.severity, summary: r.summary };
}
