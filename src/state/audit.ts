import { randomUUID } from 'node:crypto';
import type { StateStore } from './types';

/** One audit event, exactly the fields `eksnet audit --json` prints (CONTRACT §2). */
export interface AuditEvent {
  /** ISO 8601 time of the event. */
  at: string;
  /** Who: a Slack user id (U…/W…), `local:<user>` for the CLI, or `eksnet` for scheduled jobs. */
  actor: string;
  /** What, as a stable kebab-case word: baseline-save, drift-accept, drift-snooze, upgrade-offer, upgrade-approve, upgrade-refuse, upgrade-start, upgrade-result, ... */
  action: string;
  cluster: string;
  /** What it concerns: a baseline version, a change id, an add-on, an offer id. */
  subject: string;
  detail: string;
  /** ok | refused | failed | pending, or another short word. */
  outcome: string;
}

const PARTITION = 'audit';
/** Audit events are kept 400 days (then DynamoDB's TTL removes them). */
const AUDIT_TTL_SECONDS = 400 * 24 * 3600;

/** Append an event; the sort key is its time plus a random suffix, so events never overwrite each other. */
export async function recordAudit(store: StateStore, event: Omit<AuditEvent, 'at'> & { at?: string }): Promise<AuditEvent> {
  const full: AuditEvent = { ...event, at: event.at ?? new Date().toISOString() };
  await store.putRecord(PARTITION, `${full.at}#${randomUUID()}`, full, { ifAbsent: true, ttlSeconds: AUDIT_TTL_SECONDS });
  return full;
}

/** Events newest first, optionally for one cluster and since a time. */
export async function listAudit(store: StateStore, filter: { cluster?: string; since?: Date; limit?: number } = {}): Promise<AuditEvent[]> {
  const records = await store.queryRecords<AuditEvent>(PARTITION, {
    newestFirst: true,
    ...(filter.since ? { from: filter.since.toISOString() } : {}),
  });
  const events = records.map((r) => r.data).filter((e) => !filter.cluster || e.cluster === filter.cluster);
  return filter.limit !== undefined ? events.slice(0, filter.limit) : events;
}
