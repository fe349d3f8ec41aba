import cron from 'node-cron';
import { describeError, log } from '../src/util/log';
import { MemoryIdempotencyStore } from './idempotency';
import { runScheduledJob } from './local';
import { SCHEDULES, toNodeCron } from './schedules';
import { slackPoster } from './slack-post';
import { isJobName, JOB_NAMES, type JobName } from './types';

/**
 * The scheduled jobs on a workstation, on the same schedules as on Lambda (UTC), through the same dispatcher,
 * consumer and dead-letter handler as on Lambda with an in-process queue (runScheduledJob), posting with
 * SLACK_BOT_TOKEN (SLACK_SIGNING_SECRET is read too, as by the Slack app). `--once JOB` runs one job now
 * and exits. Example: EKSNET_SNAPSHOT=demo/snapshot EKSNET_CONFIG=eksnet.yaml npm run jobs:dev -- --once drift-digest
 */
async function main(argv: string[]): Promise<void> {
  const env = process.env;
  const post = await slackPoster(env);
  const store = new MemoryIdempotencyStore();
  const run = async (job: JobName, scheduledTime: Date) => {
    try {
      const summary = await runScheduledJob({ job, scheduledTime: scheduledTime.toISOString() }, env, post, store);
      log.info('scheduled job finished', { job, clusters: summary.clusters });
    } catch (err) {
      log.error('scheduled job could not run', { job, error: describeError(err) });
    }
  };
  const onceAt = argv.indexOf('--once');
  if (onceAt >= 0) {
    const job = argv[onceAt + 1];
    if (!isJobName(job)) throw new Error(`--once needs one of ${JOB_NAMES.join(', ')}`);
    await run(job, new Date());
    return;
  }
  for (const job of JOB_NAMES) {
    const pattern = toNodeCron(SCHEDULES[job].expression);
    cron.schedule(pattern, (ctx) => run(job, ctx.date), { name: job, timezone: 'UTC', noOverlap: true });
    log.info('job scheduled', { job, cron: pattern, what: SCHEDULES[job].what });
  }
}

main(process.argv.slice(2)).catch((err) => {
  log.error('the jobs runner cannot start', { error: describeError(err) });
  process.exitCode = 1;
});
