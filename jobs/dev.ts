import cron from 'node-cron';
import { parseArgs } from '../commands/args';
import { parseAt, parseJob, runJobNow } from '../src/scheduled/run';
import { runScheduledJob } from './local';
import { SCHEDULES, toNodeCron } from '../src/scheduled/schedules';
import { slackPoster } from '../src/scheduled/slack-post';
import { JOB_NAMES, type JobName } from '../src/scheduled/types';
import { openStateStore } from '../src/state';
import { BadInputError } from '../src/util/errors';
import { describeError, log } from '../src/util/log';

/**
 * The scheduled jobs on a workstation, on the same schedules as on Lambda (UTC), posting with
 * SLACK_BOT_TOKEN and keeping state in the state store (EKSNET_STATE_DIR by default). `--once JOB
 * [--cluster C] [--at TIME]` is `eksnet jobs run JOB [--cluster C] [--at TIME]` (the same function). Example:
 * EKSNET_SNAPSHOT=demo/snapshot EKSNET_CONFIG=eksnet.yaml npm run jobs:dev -- --once drift-digest
 */
async function main(argv: string[]): Promise<void> {
  const env = process.env;
  const onceAt = argv.indexOf('--once');
  if (onceAt >= 0) {
    const args = parseArgs(argv.slice(onceAt + 1));
    const cluster = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
    const summary = await runJobNow({ job: parseJob(args.words[0]), at: parseAt(typeof args.flags.at === 'string' ? args.flags.at : undefined), ...(cluster ? { cluster } : {}) }, env);
    process.stdout.write(JSON.stringify(summary, null, 2) + '\n');
    return;
  }
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
  process.exitCode = err instanceof BadInputError ? 2 : 1;
});
