import { loadConfig } from '../src/config';
import type { SlackMessage } from '../src/render/slack/types';
import { describeError, log } from '../src/util/log';
import { claimOnce, releaseClaim } from '../src/state/claims';
import type { StateStore } from '../src/state/types';
import { FAILURE_PK, failureKey } from './consume';
import { runDay } from '../src/scheduled/idempotency';
import { decodeMessage, type BatchResponse, type QueueEvent } from './queue';
import { CLUSTER_JOBS } from './registry';
import type { PostMessage } from '../src/scheduled/slack-post';
import { scheduledClusters } from '../src/scheduled/targets';

/** Receives before SQS moves a message to the dead-letter queue, unless EKSNET_JOBS_MAX_RECEIVE_COUNT says otherwise. */
export const DEFAULT_MAX_RECEIVE_COUNT = 3;
const CLAIM_TTL_SECONDS = 7 * 24 * 3600;

export function maxReceiveCount(env: NodeJS.ProcessEnv): number {
  const n = Number(env.EKSNET_JOBS_MAX_RECEIVE_COUNT);
  return Number.isInteger(n) && n > 0 ? n : DEFAULT_MAX_RECEIVE_COUNT;
}

export interface DeadLetterSurroundings {
  env: NodeJS.ProcessEnv;
  post: PostMessage;
  state: StateStore;
}

/**
 * The dead-letter consumer: a message SQS moved here failed maxReceiveCount times
 * (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
 * It tells the cluster's channel once — "drift check for CLUSTER failed N times" — under a durable claim on
 * (job, cluster, day), so a second delivery of the dead letter, or a second message for the same run,
 * posts nothing. A post Slack refused gives the claim back and the message stays for another try.
 */
export async function handleDeadLetters(event: QueueEvent, s: DeadLetterSurroundings): Promise<BatchResponse> {
  const failures: { itemIdentifier: string }[] = [];
  const times = maxReceiveCount(s.env);
  for (const record of event.Records ?? []) {
    const m = decodeMessage(record.body);
    if (typeof m === 'string') {
      log.error('dead letter dropped: it cannot be read', { messageId: record.messageId, reason: m });
      continue;
    }
    const cluster = scheduledClusters(loadConfig(s.env)).find((c) => c.name === m.cluster);
    if (!cluster) {
      log.warn('dead letter dropped: the cluster has no channel in the configuration any more', { job: m.job, cluster: m.cluster });
      continue;
    }
    const key = `dead-letter#${failureKey(m)}`;
    if (!(await claimOnce(s.state, key, CLAIM_TTL_SECONDS, { messageId: record.messageId }))) {
      log.info('dead letter already reported', { job: m.job, cluster: m.cluster, day: runDay(m.scheduledTime) });
      continue;
    }
    const last = await s.state.getRecord<{ reason?: string }>(FAILURE_PK, failureKey(m)).catch(() => undefined);
    try {
      await s.post(cluster.channel, deadLetterMessage(`${CLUSTER_JOBS[m.job].title} for ${m.cluster} failed ${times} times`, last?.data.reason));
      log.error('job gave up after its retries', { job: m.job, cluster: m.cluster, receives: times, day: runDay(m.scheduledTime) });
    } catch (err) {
      log.error('could not post a dead letter', { job: m.job, cluster: m.cluster, error: describeError(err) });
      await releaseClaim(s.state, key).catch(() => undefined);
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
}

function deadLetterMessage(headline: string, reason: string | undefined): SlackMessage {
  const text = `:x: ${headline}${reason ? `; the last attempt: ${reason}` : ''}. It runs again at its next schedule.`;
  return { text, blocks: [{ type: 'section', text: { type: 'mrkdwn', text } }] };
}
