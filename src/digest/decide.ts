import { recordAudit } from '../state/audit';
import { loadStoredBaseline, saveStoredBaseline } from '../state/baselines';
import { claimOnce, releaseClaim } from '../state/claims';
import type { StateStore } from '../state/types';
import { acceptIntoDocuments, type AcceptItem } from './accept';
import { isSnoozed, loadCaptured, partition, updateRecord, type ChangeRecord } from './lifecycle';

/**
 * What a click on a digest's button does, given who clicked (already checked to be an approver in the
 * cluster's channel) and the record the button names. Each outcome is a state change made once, with a
 * conditional write, and an audit event; a second click finds it done and changes nothing.
 */
export type DecisionOutcome =
  | { kind: 'accepted'; version: number; parent: number; records: ChangeRecord[] }
  | { kind: 'snoozed'; until: string; record: ChangeRecord }
  /** Nothing changed; the sentence says why (to the person who clicked only). */
  | { kind: 'nothing'; reason: string };

const SNOOZE_DAYS = 7;
const hhmm = (iso?: string) => (iso ? `${iso.slice(0, 10)} ${iso.slice(11, 16)} UTC` : 'earlier');

/** A change as a button named it: its record, and the form (content hash) the message showed. */
export interface Target {
  key: string;
  hash: string;
}

/** The records still open in the form the message showed (a change that changed since is not decided on sight unseen). */
async function openRecords(store: StateStore, cluster: string, targets: Target[]): Promise<ChangeRecord[]> {
  const out: ChangeRecord[] = [];
  for (const t of targets) {
    const r = (await store.getRecord<ChangeRecord>(partition(cluster), t.key))?.data;
    if (r && r.status === 'open' && r.hash === t.hash) out.push(r);
  }
  return out;
}

/**
 * Accept changes into the cluster's baseline: a new version derived from the current one that gains exactly
 * these changes (src/digest/accept.ts), saved only if the current version is still the one it was derived
 * from (a save meanwhile makes it derive again from that one).
 */
export async function acceptChanges(store: StateStore, cluster: string, targets: Target[], userId: string, now: Date = new Date()): Promise<DecisionOutcome> {
  const records = await openRecords(store, cluster, targets);
  if (records.length === 0) {
    const one = targets.length === 1 ? (await store.getRecord<ChangeRecord>(partition(cluster), targets[0]!.key))?.data : undefined;
    if (one?.status === 'open' && one.hash !== targets[0]!.hash) return { kind: 'nothing', reason: 'the change has changed since this message was posted; the next digest shows it as it is now' };
    if (one?.status === 'accepted' && one.hash === targets[0]!.hash) return { kind: 'nothing', reason: `already accepted into baseline v${one.acceptedVersion} by <@${one.acceptedBy}> at ${hhmm(one.acceptedAt)}` };
    return { kind: 'nothing', reason: 'the change is no longer open (resolved, accepted or changed since this digest): the next digest shows where it stands' };
  }
  // One accept at a time per set of changes: a double click or a Slack retry finds the claim taken.
  const claim = `accept#${cluster}#${records.map((r) => `${r.key}:${r.hash}`).sort().join(',')}`.slice(0, 1000);
  if (!(await claimOnce(store, claim, 3600, { by: userId }))) return { kind: 'nothing', reason: 'this accept is already being done (or was just done)' };
  try {
    const items: AcceptItem[] = [];
    for (const r of records) {
      const captured = r.captured ? await loadCaptured(store, r.captured) : undefined;
      if (!captured) {
        await releaseClaim(store, claim);
        return { kind: 'nothing', reason: `${r.kind} ${r.id} cannot be accepted on its own (it is not one object eksnet can copy into the baseline); save a new baseline instead` };
      }
      items.push({ change: r, owner: captured.owner, captured: captured.captured });
    }
    for (let attempt = 0; attempt < 5; attempt++) {
      const base = await loadStoredBaseline(store, cluster);
      if (!base) {
        await releaseClaim(store, claim);
        return { kind: 'nothing', reason: `${cluster} has no stored baseline any more` };
      }
      const outcome = acceptIntoDocuments(base.documents, items);
      if (outcome.kind === 'entangled') {
        await releaseClaim(store, claim);
        const others = outcome.others.slice(0, 5).map((o) => `${o.kind} ${o.id}`).join(', ');
        return { kind: 'nothing', reason: `accepting this alone would also accept ${others}${outcome.others.length > 5 ? ', …' : ''} (same object); use "Accept all" for them together` };
      }
      let version = base.meta.version;
      if (outcome.kind === 'ok') {
        const reason = `accept ${records.map((r) => r.id).join(', ')}`.slice(0, 900);
        const saved = await saveStoredBaseline(store, { cluster, documents: outcome.documents, savedBy: userId, collectedAt: base.meta.collectedAt, reason, parent: base.meta.version, now }, base.meta.version);
        if (!saved) continue; // saved meanwhile: derive again from the new current version
        version = saved.version;
      }
      const done: ChangeRecord[] = [];
      for (const r of records) {
        const { record } = await updateRecord(store, cluster, r.key, (cur) =>
          cur && cur.status === 'open' && cur.hash === r.hash ? { ...cur, status: 'accepted', acceptedBy: userId, acceptedAt: now.toISOString(), acceptedVersion: version } : undefined,
        );
        if (record) done.push(record);
        await recordAudit(store, { actor: userId, action: 'drift-accept', cluster, subject: r.id, detail: `${r.kind} ${r.change}; baseline v${version} (from v${base.meta.version})${outcome.kind === 'already' ? ', already held it' : ''}`, outcome: 'ok' });
      }
      return { kind: 'accepted', version, parent: base.meta.version, records: done };
    }
    await releaseClaim(store, claim);
    return { kind: 'nothing', reason: 'the baseline kept changing while accepting; try again' };
  } catch (err) {
    await releaseClaim(store, claim);
    throw err;
  }
}

/** Snooze a change for 7 days (in its current form: a further change shows again). */
export async function snoozeChange(store: StateStore, cluster: string, target: Target, userId: string, now: Date = new Date()): Promise<DecisionOutcome> {
  const until = new Date(now.getTime() + SNOOZE_DAYS * 86_400_000).toISOString();
  let already: ChangeRecord | undefined;
  const { record, written } = await updateRecord(store, cluster, target.key, (r) => {
    if (!r || r.status !== 'open' || r.hash !== target.hash) return undefined;
    if (isSnoozed(r, now)) {
      already = r;
      return undefined;
    }
    return { ...r, snoozedHash: r.hash, snoozedUntil: until, snoozedBy: userId };
  });
  if (already) return { kind: 'nothing', reason: `already snoozed by <@${already.snoozedBy}> until ${hhmm(already.snoozedUntil)}` };
  if (!written || !record) return { kind: 'nothing', reason: 'the change is no longer open as this message shows it (resolved, accepted or changed since)' };
  await recordAudit(store, { actor: userId, action: 'drift-snooze', cluster, subject: record.id, detail: `${record.kind} ${record.change}; snoozed until ${until}`, outcome: 'ok' });
  return { kind: 'snoozed', until, record };
}
