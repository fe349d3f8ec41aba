// Per-day claims that stop a redelivered scheduled event from posting twice
// (Lambda may deliver an event more than once: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
import { MemoryIdempotencyStore, runDay, runKey } from '../../jobs/idempotency';

describe('idempotency keys and claims', () => {
  it('the key names the job, the cluster and the scheduled day (UTC), not the delivery', () => {
    expect(runKey('drift-digest', 'prod', runDay('2026-11-27T23:59:59Z'))).toBe('eksnet#drift-digest#prod#2026-11-27');
    expect(runDay('2026-11-28T00:00:00+01:00')).toBe('2026-11-27');
    // No (or an unreadable) scheduled time: a manual run belongs to today.
    expect(runDay(undefined, Date.parse('2026-11-27T12:00:00Z'))).toBe('2026-11-27');
    expect(runDay('<aws.scheduler.scheduled-time>', Date.parse('2026-11-27T12:00:00Z'))).toBe('2026-11-27');
  });

  it('the first claim wins, a duplicate loses, a released claim can be taken again, and claims expire', async () => {
    let now = 0;
    const store = new MemoryIdempotencyStore(() => now);
    expect(await store.claim('k', 60)).toBe(true);
    expect(await store.claim('k', 60)).toBe(false);
    await store.release('k');
    expect(await store.claim('k', 60)).toBe(true);
    now = 59_999;
    expect(await store.claim('k', 60)).toBe(false);
    now = 60_000;
    expect(await store.claim('k', 60)).toBe(true);
  });
});
