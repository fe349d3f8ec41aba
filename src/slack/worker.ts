import { answerJob, type WorkerEvent } from './dispatch';
import { log } from '../util/log';
import type { UpgradeEvent } from './upgrade-events';

/**
 * Lambda async invocations can deliver the same event more than once
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html): answer each job
 * reference once per warm container. The worker never throws, so Lambda does not retry a posted answer.
 */
const answered = new Set<string>();

/** The `worker` function: runs a job the `slack` function handed off and posts the answer to response_url. */
export async function handler(event: WorkerEvent | UpgradeEvent): Promise<void> {
  // Add-on upgrade clicks and their follow-up runs (src/slack/upgrade-worker.ts); loaded only for them.
  if (event && 'eksnetUpgrade' in event && event.eksnetUpgrade) {
    const { handleUpgradeWork } = await import('./upgrade-worker');
    await handleUpgradeWork(event.eksnetUpgrade);
    return;
  }
  const job = (event as WorkerEvent)?.eksnetJob;
  if (!job || typeof job.responseUrl !== 'string' || typeof job.command !== 'string') {
    log.error('worker received an event that is not an eksnet job');
    return;
  }
  if (answered.has(job.ref)) {
    log.warn('worker skipped a job it already answered', { ref: job.ref });
    return;
  }
  answered.add(job.ref);
  await answerJob(job);
}
