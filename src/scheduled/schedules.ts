import type { JobName } from './types';

/**
 * When each job runs, as EventBridge Scheduler expressions (UTC). serverless.yml repeats them on the
 * `jobs` function (a test keeps the two equal); the local runner converts them for node-cron.
 * cron(minutes hours day-of-month month day-of-week year):
 * https://docs.aws.amazon.com/scheduler/latest/UserGuide/schedule-types.html#cron-based
 */
export const SCHEDULES: Record<JobName, { expression: string; what: string }> = {
  'drift-digest': { expression: 'cron(0 7 * * ? *)', what: 'daily drift digest (and critical alerts), 07:00 UTC' },
  'drift-check': { expression: 'cron(0/15 * * * ? *)', what: 'frequent drift check: alerts on new critical changes, every 15 minutes' },
  'addon-check': { expression: 'cron(0 8 ? * MON *)', what: 'add-on upgrade offers, Mondays 08:00 UTC' },
};

const DAY_NAMES = ['SUN', 'MON', 'TUE', 'WED', 'THU', 'FRI', 'SAT'];

/**
 * An EventBridge cron expression as a five-field node-cron pattern. EventBridge numbers weekdays 1-7 from
 * Sunday where cron uses 0-6, and uses `?` for "no value"; only the forms SCHEDULES uses (numbers,
 * `*`, `?`, `N/M` increments, weekday names, year `*`) are accepted.
 */
export function toNodeCron(expression: string): string {
  const m = /^cron\((.+)\)$/.exec(expression.trim());
  if (!m) throw new Error(`not a cron() expression: ${expression}`);
  const fields = m[1]!.trim().split(/\s+/);
  if (fields.length !== 6) throw new Error(`cron() needs six fields: ${expression}`);
  const [min, hour, dom, month, dow, year] = fields as [string, string, string, string, string, string];
  if (year !== '*') throw new Error(`only year * is supported: ${expression}`);
  // `0/15` (from 0, every 15) is `0-59/15` for node-cron.
  const plain = (f: string, max = 59) => (f === '?' ? '*' : f.replace(/^(\d+)\/(\d+)$/, `$1-${max}/$2`));
  const weekday = (f: string) =>
    f === '?' || f === '*'
      ? '*'
      : f
          .split(',')
          .map((d) => {
            const named = DAY_NAMES.indexOf(d.toUpperCase());
            if (named >= 0) return String(named);
            const n = Number(d);
            if (!Number.isInteger(n) || n < 1 || n > 7) throw new Error(`unsupported day of week ${d} in ${expression}`);
            return String(n - 1);
          })
          .join(',');
  return [plain(min), plain(hour, 23), plain(dom, 31), plain(month, 12), weekday(dow)].join(' ');
}
