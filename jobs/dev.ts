import cron from 'node-cron';
import { main as cli } from '../src/cli';
import { openStateStore } from '../src/state';
import { describeError, log } from '../src/util/log';
import { runScheduledJob } from './handler';
import { SCHEDULES, toNodeCron } from './schedules';
import { slackPoster } from './slack-post';
import { JOB_NAMES, type JobName } from './types';

/**
 * The scheduled jobs on a workstation, on the same schedules as on Lambda (UTC), posting with
 * SLACK_BOT_TOKEN and keeping state in the state store (EKSNET_STATE_DIR by default). `--once JOB [flags]`
 * is `eksnet jobs run JOB [flags]`. Example:
 * EKSNET_SNAPSHOT=demo/snapshot EKSNET_CONFIG=eksnet.yaml npm run jobs:dev -- --once drift-digest
 */
async function main(argv: string[]): Promise<void> {
  const onceAt = argv.indexOf('--once');
  if (onceAt >= 0) {
    process.exitCode = await cli(['jobs', 'run', ...argv.slice(onceAt + 1)]);
    return;
  }
  const env = process.env;
  const post = await slackPoster(env);
  const store = openStateStore(env);
  const run = async (job: JobName, scheduledTime: Date) => {
    try {
      const summary = await runScheduledJob({ job, scheduledTime: scheduledTime.toISOString() }, env, post, store);
      log.info('scheduled job finished', { job, clusters: summary.clusters });
    } catch (err) {
      log.error('scheduled job could not run', { job, error: describeError(err) });
    }
  };
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
