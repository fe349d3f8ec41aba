import { describeError, log } from '../src/util/log';
import { consumeQueue } from './consume';
import { containerPoster, containerState } from './container';
import { handleDeadLetters } from './dlq';
import type { BatchResponse, QueueEvent } from './queue';
import type { PostMessage } from '../src/scheduled/slack-post';

/** Every message of the event back to the queue (nothing could be attempted). */
function allFailed(event: QueueEvent): BatchResponse {
  return { batchItemFailures: (event.Records ?? []).map((r) => ({ itemIdentifier: r.messageId })) };
}

/** The `jobsConsumer` function: the jobs queue's SQS event source (ReportBatchItemFailures). */
export async function consume(event: QueueEvent, context?: { getRemainingTimeInMillis?: () => number }): Promise<BatchResponse> {
  const remaining = context?.getRemainingTimeInMillis?.bind(context);
  let post: PostMessage;
  try {
    post = await containerPoster();
  } catch (err) {
    log.error('jobs consumer cannot reach Slack', { error: describeError(err) });
    return allFailed(event);
  }
  const r = await consumeQueue(event, { env: process.env, post, state: containerState(), ...(remaining ? { remainingMs: remaining } : {}) });
  log.info('jobs consumed', { outcomes: r.outcomes, retried: r.batchItemFailures.length });
  return { batchItemFailures: r.batchItemFailures };
}

/** The `jobsDeadLetters` function: the dead-letter queue's event source. */
export async function deadLetter(event: QueueEvent): Promise<BatchResponse> {
  let post: PostMessage;
  try {
    post = await containerPoster();
  } catch (err) {
    log.error('dead-letter handler cannot reach Slack', { error: describeError(err) });
    return allFailed(event);
  }
  return handleDeadLetters(event, { env: process.env, post, state: containerState() });
}
