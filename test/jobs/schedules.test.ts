// The schedules: serverless.yml (EventBridge Scheduler, https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based)
// and the local node-cron runner must fire at the same times.
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import cron from 'node-cron';
import { parse } from 'yaml';
import { SCHEDULES, toNodeCron } from '../../src/scheduled/schedules';
import { JOB_NAMES } from '../../src/scheduled/types';

const serverless = parse(readFileSync(path.join(__dirname, '..', '..', 'serverless.yml'), 'utf8'));

describe('schedules', () => {
  it('serverless.yml schedules every job with the expression jobs/schedules.ts names, on EventBridge Scheduler', () => {
    const fn = serverless.functions.jobs;
    expect(fn.handler).toBe('jobs/handler.handler');
    const events = fn.events.map((e: any) => e.schedule);
    expect(events.map((e: any) => e.input.job).sort()).toEqual([...JOB_NAMES].sort());
    for (const e of events) {
      expect(e.method).toBe('scheduler');
      expect(e.rate).toEqual([SCHEDULES[e.input.job as keyof typeof SCHEDULES].expression]);
      // Context attributes the scheduler replaces per invocation (managing-schedule-context-attributes.html).
      expect(e.input.scheduledTime).toBe('<aws.scheduler.scheduled-time>');
    }
  });

  it('the existing functions are kept', () => {
    expect(Object.keys(serverless.functions)).toEqual(expect.arrayContaining(['slack', 'worker', 'jobs']));
    expect(serverless.functions.slack.handler).toBe('src/slack/lambda.handler');
  });

  it('EventBridge cron becomes node-cron: ? is *, weekdays 1-7 from Sunday become 0-6', () => {
    expect(toNodeCron('cron(0 7 * * ? *)')).toBe('0 7 * * *');
    expect(toNodeCron('cron(0 8 ? * MON *)')).toBe('0 8 * * 1');
    expect(toNodeCron('cron(30 6 ? * 1,7 *)')).toBe('30 6 * * 0,6');
    // EventBridge's `0/15` (from minute 0, every 15) is node-cron's `0-59/15`.
    expect(toNodeCron('cron(0/15 * * * ? *)')).toBe('0-59/15 * * * *');
    expect(() => toNodeCron('rate(1 day)')).toThrow(/not a cron/);
    expect(() => toNodeCron('cron(0 7 * * ? 2027)')).toThrow(/year/);
  });

  it('the local runner fires the drift digest daily at 07:00 UTC and the add-on check on Mondays at 08:00 UTC', () => {
    const digest = cron.createTask(toNodeCron(SCHEDULES['drift-digest'].expression), () => undefined, { timezone: 'UTC' });
    const addons = cron.createTask(toNodeCron(SCHEDULES['addon-check'].expression), () => undefined, { timezone: 'UTC' });
    expect(digest.match(new Date('2026-11-27T07:00:00Z'))).toBe(true);
    expect(digest.match(new Date('2026-11-27T08:00:00Z'))).toBe(false);
    expect(addons.match(new Date('2026-11-30T08:00:00Z'))).toBe(true); // a Monday
    expect(addons.match(new Date('2026-11-29T08:00:00Z'))).toBe(false); // a Sunday
    const check = cron.createTask(toNodeCron(SCHEDULES['drift-check'].expression), () => undefined, { timezone: 'UTC' });
    for (const t of ['07:00', '07:15', '07:30', '07:45']) expect(check.match(new Date(`2026-11-27T${t}:00Z`))).toBe(true);
    expect(check.match(new Date('2026-11-27T07:10:00Z'))).toBe(false);
    void check.destroy();
    void digest.destroy();
    void addons.destroy();
  });
});
