import type { Finding } from '../model/result';
import type { StateStore } from '../state/types';
import { BadInputError } from '../util/errors';
import { NOT_EVALUATED_ID, PACK } from './pack';

/**
 * The posture mute list (as Prowler's mutelist): findings a team accepts, kept in the state store (CONTRACT §5) per
 * cluster, each with who muted it, why and until when. A muted finding is shown as muted, not as a finding; once
 * `until` has passed the record expires (its TTL) and the finding is back.
 */
export interface Mute {
  /** The check id (`sg-open-to-world`). */
  id: string;
  /** The finding's object (`sg-0123`). */
  object: string;
  /** Who muted it: a Slack user id, or `local:<user>` for the CLI. */
  by: string;
  reason: string;
  /** ISO 8601 time the mute ends. */
  until: string;
  /** ISO 8601 time it was muted. */
  at: string;
}

export interface MutedFinding {
  finding: Finding;
  mute: Mute;
}

/** A mute may last at most a year: accepted risks get looked at again. */
export const MAX_MUTE_DAYS = 366;

const partition = (cluster: string) => `posture-mute#${cluster}`;
const sortKey = (id: string, object: string) => `${id}#${object}`;

/** `--until`: a date (YYYY-MM-DD, the end of that day UTC) or an ISO 8601 time, in the future and within a year. */
export function parseUntil(text: string, now: Date = new Date()): Date {
  const dateOnly = /^\d{4}-\d{2}-\d{2}$/.test(text);
  const when = new Date(dateOnly ? `${text}T23:59:59Z` : text);
  if (!/^\d{4}-\d{2}-\d{2}/.test(text) || Number.isNaN(when.getTime())) {
    throw new BadInputError(`bad --until "${text}": expected a date (YYYY-MM-DD) or an ISO 8601 time`);
  }
  if (when.getTime() <= now.getTime()) throw new BadInputError(`--until ${text} is not in the future`);
  if (when.getTime() - now.getTime() > MAX_MUTE_DAYS * 86400_000) throw new BadInputError(`--until ${text} is more than ${MAX_MUTE_DAYS} days away: a mute lasts at most a year`);
  return when;
}

/** The check id must be one posture reports (not `check-not-evaluated`: missing data is fixed, not muted). */
export function checkMuteTarget(id: string, object: string): void {
  if (id === NOT_EVALUATED_ID) throw new BadInputError(`${NOT_EVALUATED_ID} cannot be muted: collect the missing data instead`);
  if (!PACK[id]) throw new BadInputError(`unknown posture check "${id}" (checks: ${Object.keys(PACK).filter((k) => k !== NOT_EVALUATED_ID).sort().join(', ')})`);
  if (!object.trim()) throw new BadInputError('posture mute needs the finding\'s OBJECT (e.g. sg-0123)');
}

export async function addMute(store: StateStore, cluster: string, mute: Mute, now: Date = new Date()): Promise<Mute> {
  const ttlSeconds = Math.max(1, Math.ceil((new Date(mute.until).getTime() - now.getTime()) / 1000));
  await store.putRecord(partition(cluster), sortKey(mute.id, mute.object), mute, { ttlSeconds });
  return mute;
}

/** True when a mute was there to remove. */
export async function removeMute(store: StateStore, cluster: string, id: string, object: string): Promise<Mute | undefined> {
  const existing = await store.getRecord<Mute>(partition(cluster), sortKey(id, object));
  if (!existing) return undefined;
  await store.deleteRecord(partition(cluster), sortKey(id, object));
  return existing.data;
}

/** The cluster's mutes still in force. */
export async function listMutes(store: StateStore, cluster: string, now: Date = new Date()): Promise<Mute[]> {
  const records = await store.queryRecords<Mute>(partition(cluster));
  return records.map((r) => r.data).filter((m) => new Date(m.until).getTime() > now.getTime());
}

/** Split findings into those still reported and those a mute in force covers (same check id and object). */
export function applyMutes(findings: Finding[], mutes: Mute[]): { findings: Finding[]; muted: MutedFinding[] } {
  const byKey = new Map(mutes.map((m) => [sortKey(m.id, m.object), m]));
  const out: Finding[] = [];
  const muted: MutedFinding[] = [];
  for (const f of findings) {
    const mute = f.id === NOT_EVALUATED_ID ? undefined : byKey.get(sortKey(f.id, f.object));
    if (mute) muted.push({ finding: f, mute });
    else out.push(f);
  }
  return { findings: out, muted };
}
