import { answerJob, type WorkerEvent } from './dispatch';
import { openStateStore } from '../state/index';
import { claimOnce } from '../state/claims';
import { describeError, log } from '../util/log';
import type { UpgradeEvent } from './upgrade-events';
import type { DriftEvent } from './drift-click';

/**
 * Lambda async invocations can deliver the same event more than once, to any container
 * (https://docs.aws.amazon.com/lambda/latest/dg/invocation-async-error-handling.html): each job reference is
 * claimed in the state store before it is answered. A response_url lives 30 minutes; the claim outlives it.
 * The worker never throws, so Lambda does not retry a posted answer.
 */
const ANSWER_CLAIM_TTL_SECONDS = 3600;

/** True unless another delivery already claimed the job. A store that cannot be reached does not stop the answer (a read-only reply twice beats none). */
async function firstDelivery(ref: string): Promise<boolean> {
  try {
    return await claimOnce(openStateStore(process.env), `worker-answer#${ref}`, ANSWER_CLAIM_TTL_SECONDS);
  } catch (err) {
    log.warn('could not claim the job in the state store; answering anyway', { ref, error: describeError(err) });
    return true;
  }
}

/**
 * The `worker` function: runs a job the `slack` function handed off and posts the answer to response_url; decides
 * drift digest clicks (accept, snooze) and runs add-on upgrade clicks.
 */
export async function handler(event: WorkerEvent | UpgradeEvent | DriftEvent): Promise<void> {
  // Add-on upgrade clicks and their follow-up runs (src/slack/upgrade-worker.ts); loaded only for them.
  if (event && 'eksnetUpgrade' in event && event.eksnetUpgrade) {
    const { handleUpgradeWork } = await import('./upgrade-worker');
    await handleUpgradeWork(event.eksnetUpgrade);
    return;
  }
  // Drift digest clicks: accept into baseline (the slow part: derive, verify, save) and snooze (src/slack/drift-worker.ts).
  if (event && 'eksnetDrift' in event && event.eksnetDrift) {
    const { handleDriftWork } = await import('./drift-worker');
    await handleDriftWork(event.eksnetDrift);
    return;
  }
  const job = (event as WorkerEvent)?.eksnetJob;
  if (!job || typeof job.responseUrl !== 'string' || typeof job.command !== 'string') {
    log.error('worker received an event that is not an eksnet job');
    return;
  }
  if (!(await firstDelivery(job.ref))) {
    log.warn('worker skipped a job it already answered', { ref: job.ref });
    return;
  }
  await answerJob(job);
}
