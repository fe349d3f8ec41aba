import { claimOnce, releaseClaim } from '../state/claims';
import type { StateStore } from '../state/types';

/**
 * At-most-once runs for scheduled jobs, across processes. Lambda may deliver one event more than once and
 * retries failed async invocations; EventBridge Scheduler retries on its own
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule.html). So each
 * (job, cluster, scheduled period) is claimed in the state store (a conditional write: src/state/claims.ts)
 * before anything is done, whichever process the event lands in.
 *
 * A claim is a lease while its run is going: a run that dies (timeout, crash) leaves it `running`, and
 * once the lease is over a retry of the same event takes it over instead of skipping the work. A run
 * that finished marks it `done`, and every duplicate after that does nothing.
 */

/** A claim lasts two days: longer than any redelivery, and the key names the day anyway. */
export const CLAIM_TTL_SECONDS = 2 * 24 * 3600;
/** Longer than the jobs function may run (serverless.yml timeout 900 s). */
export const LEASE_SECONDS = 16 * 60;

interface ClaimData {
  state?: 'running' | 'done';
  leaseUntil?: string;
  claimedAt?: string;
}

/** True when this process now owns the run `key`; false for a duplicate of a run that is done or still going. */
export async function claimRun(store: StateStore, key: string, now: Date = new Date()): Promise<boolean> {
  const leaseUntil = new Date(now.getTime() + LEASE_SECONDS * 1000).toISOString();
  if (await claimOnce(store, key, CLAIM_TTL_SECONDS, { state: 'running', leaseUntil })) return true;
  const current = await store.getRecord<ClaimData>('claim', key);
  if (!current) return claimOnce(store, key, CLAIM_TTL_SECONDS, { state: 'running', leaseUntil });
  const d = current.data;
  if (d.state !== 'running' || !d.leaseUntil || Date.parse(d.leaseUntil) > now.getTime()) return false;
  // The run that held it is gone: take over, once (a conditional write on the version we read).
  const taken = await store.putRecord<ClaimData>('claim', key, { state: 'running', leaseUntil, claimedAt: now.toISOString() }, { ifVersion: current.version, ttlSeconds: CLAIM_TTL_SECONDS });
  return taken !== undefined;
}

/** The run did its work (its messages are queued in the outbox): duplicates are skipped from now on. */
export async function finishRun(store: StateStore, key: string, now: Date = new Date()): Promise<void> {
  await store.putRecord<ClaimData>('claim', key, { state: 'done', claimedAt: now.toISOString() }, { ttlSeconds: CLAIM_TTL_SECONDS });
}

/** Give up a claim whose work failed before anything was queued, so that a retry may do it. */
export function releaseRun(store: StateStore, key: string): Promise<void> {
  return releaseClaim(store, key);
}

/**
 * The time a run belongs to: the schedule's own time, so a redelivery hours later still maps to the same
 * key; a run with no (readable) time — a manual invocation — to now.
 */
export function runTime(scheduledTime: string | undefined, now: number = Date.now()): Date {
  const t = scheduledTime ? Date.parse(scheduledTime) : NaN;
  return new Date(Number.isNaN(t) ? now : t);
}

/** The day a run belongs to (UTC). */
export function runDay(scheduledTime: string | undefined, now: number = Date.now()): string {
  return runTime(scheduledTime, now).toISOString().slice(0, 10);
}

/** The frequent check's period: the 15-minute slot (UTC) a time falls in, `YYYY-MM-DDTHH:MM`. */
export function runSlot(time: Date, minutes = 15): string {
  const t = new Date(Math.floor(time.getTime() / (minutes * 60_000)) * minutes * 60_000);
  return t.toISOString().slice(0, 16);
}

/** The deterministic key of one job's run for one cluster: `eksnet#<job>#<cluster>#<YYYY-MM-DD>` (or the slot). */
export function runKey(job: string, cluster: string, period: string): string {
  return `eksnet#${job}#${cluster}#${period}`;
}
