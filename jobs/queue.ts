import type { JobName } from '../src/scheduled/types';
import { isJobName } from '../src/scheduled/types';

/**
 * One unit of fan-out: one job for one cluster, on the day its schedule fired. The consumer claims
 * (job, cluster, day), so a message delivered twice (SQS standard queues deliver "at least once",
 * https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/standard-queues.html) posts once.
 */
export interface JobMessage {
  job: JobName;
  cluster: string;
  /** The schedule's time (ISO 8601): the day of the idempotency key. */
  scheduledTime: string;
  executionId?: string;
}

/** The subset of a Lambda SQS event record eksnet reads (https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html). */
export interface QueueRecord {
  messageId: string;
  body: string;
  attributes?: { ApproximateReceiveCount?: string };
}

export interface QueueEvent {
  Records: QueueRecord[];
}

/** Partial batch response: only these messages return to the queue (functionResponseType ReportBatchItemFailures). */
export interface BatchResponse {
  batchItemFailures: { itemIdentifier: string }[];
}

/** Where the dispatcher puts messages: SQS on Lambda (jobs/sqs-queue.ts), memory in one process (MemoryQueue). */
export interface Queue {
  send(messages: JobMessage[]): Promise<void>;
}

export function encodeMessage(m: JobMessage): string {
  return JSON.stringify({ job: m.job, cluster: m.cluster, scheduledTime: m.scheduledTime, ...(m.executionId ? { executionId: m.executionId } : {}) });
}

/** The message in a record's body, or a one-line reason it is not one. */
export function decodeMessage(body: string): JobMessage | string {
  let v: unknown;
  try {
    v = JSON.parse(body);
  } catch {
    return 'the body is not JSON';
  }
  const m = v as Partial<JobMessage> | null;
  if (!m || typeof m !== 'object') return 'the body is not an object';
  if (!isJobName(m.job)) return `unknown job ${JSON.stringify(m.job ?? null)}`;
  if (typeof m.cluster !== 'string' || m.cluster === '') return 'no cluster';
  if (typeof m.scheduledTime !== 'string' || Number.isNaN(Date.parse(m.scheduledTime))) return 'no valid scheduledTime';
  return { job: m.job, cluster: m.cluster, scheduledTime: m.scheduledTime, ...(typeof m.executionId === 'string' ? { executionId: m.executionId } : {}) };
}

export type Consumer = (event: QueueEvent) => Promise<BatchResponse>;

export interface DrainOptions {
  /** Consumers running at once (the event source's maximumConcurrency). */
  concurrency: number;
  /** Messages per consumer call (the event source's batchSize). */
  batchSize: number;
  /** Receives before a message moves to the dead-letter queue (the redrive policy's maxReceiveCount). */
  maxReceiveCount: number;
}

interface Held {
  messageId: string;
  body: string;
  receives: number;
}

/**
 * The queue in one process (npm run jobs:dev, `eksnet jobs run`, tests): the same messages, consumer and
 * dead-letter handler as on Lambda, with the SQS event source's rules played here — batches of
 * `batchSize`, at most `concurrency` consumers at once, a message reported in batchItemFailures (or in a
 * batch whose consumer threw) delivered again, and after `maxReceiveCount` receives handed to the
 * dead-letter consumer. A redelivery comes at once (no visibility timeout to wait for).
 */
export class MemoryQueue implements Queue {
  private readonly ready: Held[] = [];
  private readonly dead: Held[] = [];
  private seq = 0;

  async send(messages: JobMessage[]): Promise<void> {
    for (const m of messages) this.ready.push({ messageId: `local-${++this.seq}`, body: encodeMessage(m), receives: 0 });
  }

  /** Deliver until the queue is empty; dead letters go to `deadLetter` (one call per message). */
  async drain(consumer: Consumer, deadLetter: Consumer, opts: DrainOptions): Promise<{ delivered: number; deadLettered: number }> {
    let delivered = 0;
    let deadLettered = 0;
    const worker = async () => {
      for (;;) {
        const batch = this.ready.splice(0, Math.max(1, opts.batchSize));
        if (batch.length === 0) return;
        for (const h of batch) h.receives++;
        delivered += batch.length;
        let failed: Set<string>;
        try {
          const res = await consumer({ Records: batch.map(toRecord) });
          failed = new Set(res.batchItemFailures.map((f) => f.itemIdentifier));
        } catch {
          failed = new Set(batch.map((h) => h.messageId));
        }
        for (const h of batch) {
          if (!failed.has(h.messageId)) continue;
          if (h.receives >= opts.maxReceiveCount) this.dead.push(h);
          else this.ready.push(h);
        }
      }
    };
    // Workers stop when the queue is empty; a redelivered message may refill it, so run until both are settled.
    while (this.ready.length > 0) await Promise.all(Array.from({ length: Math.max(1, opts.concurrency) }, worker));
    while (this.dead.length > 0) {
      const h = this.dead.shift()!;
      deadLettered++;
      // A dead letter the handler could not post is logged by it; here nothing redelivers it.
      await deadLetter({ Records: [toRecord(h)] }).catch(() => undefined);
    }
    return { delivered, deadLettered };
  }
}

function toRecord(h: Held): QueueRecord {
  return { messageId: h.messageId, body: h.body, attributes: { ApproximateReceiveCount: String(h.receives) } };
}
