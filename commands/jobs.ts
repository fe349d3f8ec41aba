import { BadInputError } from '../src/util/errors';
import type { Command } from './types';

/** What `eksnet jobs run --json` prints: the run's outcome per cluster. */
export interface JobsRunData {
  job: string;
  at: string;
  clusters: { cluster: string; outcome: string; posted: number; pending?: number; ref?: string }[];
}

/** `eksnet jobs run JOB [--cluster C] [--at TIME]` (CONTRACT §2): a scheduled job, now, as the schedule runs it. */
export const jobsCommand: Command<JobsRunData> = {
  name: 'jobs',
  summary: 'Run a scheduled job (drift-digest, drift-check, addon-check) now, exactly as its schedule would.',
  usage: 'jobs run JOB [--cluster C] [--at TIME]',
  examples: ['jobs run drift-digest', 'jobs run drift-digest --cluster prod --at 2026-11-27T07:00:00Z'],
  // It posts to Slack and records state (claims, digests, alerts).
  readOnly: false,
  async run(args, ctx) {
    const [verb, name, ...rest] = args.words;
    if (verb !== 'run' || rest.length) throw new BadInputError(`usage: eksnet ${this.usage}`);
    // Loaded here: the jobs (and the Web API client) stay out of every other command's start-up.
    const { parseAt, parseJob, runJobNow } = await import('../jobs/run');
    const job = parseJob(name);
    const at = parseAt(typeof args.flags.at === 'string' ? args.flags.at : undefined);
    const cluster = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
    const summary = await runJobNow({ job, at, ...(cluster ? { cluster } : {}) }, ctx.env);
    if (cluster && summary.clusters.length === 0) throw new BadInputError(`cluster ${cluster} has no channel in the eksnet configuration (clusters[].channel), so no job reports on it`);
    const failed = summary.clusters.some((c) => c.outcome === 'failed');
    return { command: 'jobs', data: { job, at: at.toISOString(), clusters: summary.clusters }, exitCode: failed ? 1 : 0, notices: [] };
  },
};
