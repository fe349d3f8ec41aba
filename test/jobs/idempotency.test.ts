// Claims that stop a redelivered or retried scheduled event from posting twice, in any process
// (Lambda may deliver an event more than once: https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { claimRun, finishRun, LEASE_SECONDS, releaseRun, runDay, runKey, runSlot } from '../../src/scheduled/idempotency';
import { LocalStateStore } from '../../src/state/local';

const store = () => new LocalStateStore(mkdtempSync(path.join(tmpdir(), 'eksnet-claims-')));

describe('idempotency keys and claims', () => {
  it('the key names the job, the cluster and the scheduled day (UTC), not the delivery', () => {
    expect(runKey('drift-digest', 'prod', runDay('2026-11-27T23:59:59Z'))).toBe('eksnet#drift-digest#prod#2026-11-27');
    expect(runDay('2026-11-28T00:00:00+01:00')).toBe('2026-11-27');
    // No (or an unreadable) scheduled time: a manual run belongs to today.
    expect(runDay(undefined, Date.parse('2026-11-27T12:00:00Z'))).toBe('2026-11-27');
    expect(runDay('<aws.scheduler.scheduled-time>', Date.parse('2026-11-27T12:00:00Z'))).toBe('2026-11-27');
    // The frequent check's period is its 15-minute slot.
    expect(runSlot(new Date('2026-11-27T07:14:59Z'))).toBe('2026-11-27T07:00');
    expect(runSlot(new Date('2026-11-27T07:15:00Z'))).toBe('2026-11-27T07:15');
  });

  it('the first claim wins; a duplicate loses while the run goes on and after it is done; a released claim can be taken again', async () => {
    const s = store();
    const t = new Date('2026-11-27T07:00:00Z');
    expect(await claimRun(s, 'k', t)).toBe(true);
    expect(await claimRun(s, 'k', t)).toBe(false);
    await releaseRun(s, 'k');
    expect(await claimRun(s, 'k', t)).toBe(true);
    await finishRun(s, 'k', t);
    // Long after: a finished run stays done (no lease to take over).
    expect(await claimRun(s, 'k', new Date(t.getTime() + 3600_000))).toBe(false);
  });

  it('a run that died (its lease over) is taken over by one retry only', async () => {
    const s = store();
    const t = new Date('2026-11-27T07:00:00Z');
    expect(await claimRun(s, 'k', t)).toBe(true);
    const later = new Date(t.getTime() + (LEASE_SECONDS + 1) * 1000);
    const [a, b] = await Promise.all([claimRun(s, 'k', later), claimRun(s, 'k', later)]);
    expect([a, b].sort()).toEqual([false, true]);
  });
});
