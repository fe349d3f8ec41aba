import { BadInputError } from '../src/util/errors';
import type { Command, JobsRunData } from './types';

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
    if (!ctx.runJob) throw new BadInputError('jobs run is a command-line command: run `eksnet jobs run` where the jobs run');
    const cluster = typeof args.flags.cluster === 'string' ? args.flags.cluster : undefined;
    const data = await ctx.runJob({ job: name, ...(typeof args.flags.at === 'string' ? { at: args.flags.at } : {}), ...(cluster ? { cluster } : {}) });
    if (cluster && data.clusters.length === 0) throw new BadInputError(`cluster ${cluster} has no channel in the eksnet configuration (clusters[].channel), so no job reports on it`);
    const failed = data.clusters.some((c) => c.outcome === 'failed');
    return { command: 'jobs', data, exitCode: failed ? 1 : 0, notices: [] };
  },
};
