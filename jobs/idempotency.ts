/**
 * At-most-once posting for scheduled jobs. Lambda may deliver one event more than once, and EventBridge
 * Scheduler retries on its own (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html,
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/managing-schedule.html), so each
 * (job, cluster, scheduled day) is claimed before anything is posted.
 *
 * The store here is in memory: it stops duplicates that reach the same warm container (the common case:
 * an immediate redelivery). Across containers it needs a shared store; a DynamoDB implementation of
 * `IdempotencyStore` plugs in unchanged: PutItem with `ConditionExpression: attribute_not_exists(id) OR
 * expiration < :now` on the key below and a TTL attribute `expiration` — the table layout
 * @aws-lambda-powertools/idempotency uses (partition key `id`, TTL `expiration`), so the same table can
 * serve both.
 */
export interface IdempotencyStore {
  /** True for the first caller to claim `key` within `ttlSeconds`; false for every duplicate. */
  claim(key: string, ttlSeconds: number): Promise<boolean>;
  /** Give up a claim whose work failed, so that a retry may do it. */
  release(key: string): Promise<void>;
}

/** A claim lasts two days: longer than any redelivery, and the key names the day anyway. */
export const CLAIM_TTL_SECONDS = 2 * 24 * 3600;

export class MemoryIdempotencyStore implements IdempotencyStore {
  private readonly claims = new Map<string, number>();

  constructor(private readonly now: () => number = Date.now) {}

  async claim(key: string, ttlSeconds: number): Promise<boolean> {
    const t = this.now();
    for (const [k, expires] of this.claims) if (expires <= t) this.claims.delete(k);
    if (this.claims.has(key)) return false;
    this.claims.set(key, t + ttlSeconds * 1000);
    return true;
  }

  async release(key: string): Promise<void> {
    this.claims.delete(key);
  }
}

/**
 * The day a run belongs to (UTC): from the schedule's own time, so a redelivery hours later still maps to
 * the same key, and a run with no time (a manual invocation) to today.
 */
export function runDay(scheduledTime: string | undefined, now: number = Date.now()): string {
  const t = scheduledTime ? Date.parse(scheduledTime) : NaN;
  return new Date(Number.isNaN(t) ? now : t).toISOString().slice(0, 10);
}

/** The deterministic key of one job's post for one cluster: `eksnet#<job>#<cluster>#<YYYY-MM-DD>`. */
export function runKey(job: string, cluster: string, day: string): string {
  return `eksnet#${job}#${cluster}#${day}`;
}
