import { openStateStore } from '../state';
import type { StateStore } from '../state/types';
import { BadInputError } from '../util/errors';
import { describeError, log } from '../util/log';
import { runAddonCheck } from './addon-check';
import { jobContext } from './context';
import { runDriftCheck } from './drift-check';
import { runDriftDigest } from './drift-digest';
import { slackPoster, type PostMessage } from './slack-post';
import { isJobName, JOB_NAMES, type JobEvent, type JobName, type JobSummary } from './types';

const JOBS = { 'drift-digest': runDriftDigest, 'drift-check': runDriftCheck, 'addon-check': runAddonCheck } as const;

/**
 * Run one scheduled job with the given surroundings: the Lambda handler (jobs/handler.ts), `eksnet jobs
 * run` and the local runner all come here. Messages earlier runs could not deliver go out first.
 */
export async function runScheduledJob(event: JobEvent, env: NodeJS.ProcessEnv, post: PostMessage, store: StateStore): Promise<JobSummary> {
  const ctx = jobContext(event, env, post, store);
  try {
    await ctx.outbox.flush();
  } catch (err) {
    log.error('could not deliver earlier messages', { error: describeError(err) });
  }
  const clusters = await JOBS[event.job](ctx);
  return { job: event.job, clusters };
}

const ISO_8601 = /^\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;

/** `--at`: an ISO 8601 date or time (a time without a zone is UTC); bad input names the value. */
export function parseAt(text: string | undefined, now: Date = new Date()): Date {
  if (text === undefined) return now;
  const iso = ISO_8601.test(text.trim()) ? text.trim() : undefined;
  const withZone = iso && /T/.test(iso) && !/(Z|[+-]\d{2}:?\d{2})$/.test(iso) ? `${iso}Z` : iso;
  const t = withZone ? Date.parse(withZone) : NaN;
  if (Number.isNaN(t)) throw new BadInputError(`--at ${JSON.stringify(text)} is not an ISO 8601 time (e.g. 2026-11-27T07:00:00Z)`);
  return new Date(t);
}

export function parseJob(name: string | undefined): JobName {
  if (!isJobName(name)) throw new BadInputError(`${name === undefined ? 'no job named' : `unknown job "${name}"`} (jobs: ${JOB_NAMES.join(', ')})`);
  return name;
}

/**
 * Run one scheduled job now, in this process, exactly as its schedule would (`eksnet jobs run`, `npm run
 * jobs:dev -- --once`): the same code, the same state store and outbox, and the same idempotency key as a
 * scheduled run at `at` — running it twice for one `at` posts once.
 */
export async function runJobNow(input: { job: JobName; at: Date; cluster?: string }, env: NodeJS.ProcessEnv): Promise<JobSummary> {
  const post = await slackPoster(env);
  return runScheduledJob({ job: input.job, scheduledTime: input.at.toISOString(), ...(input.cluster ? { cluster: input.cluster } : {}) }, env, post, openStateStore(env));
}
