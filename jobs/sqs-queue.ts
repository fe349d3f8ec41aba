import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { awsRequestHandler } from '../src/util/aws-http';
import { encodeMessage, type JobMessage, type Queue } from './queue';

/** SendMessageBatch takes at most 10 entries (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html). */
const BATCH = 10;
const TIMEOUT_MS = 5000;

/**
 * The jobs queue on SQS. The SDK's endpoint resolution stays in force (AWS_ENDPOINT_URL_SQS for local
 * stand-ins). Entries SendMessageBatch reports as Failed are sent once more; what still fails is an error
 * naming how many, so the scheduler's retry sends them again (the consumer's claims absorb duplicates).
 */
export class SqsQueue implements Queue {
  private readonly client: SQSClient;

  constructor(
    private readonly queueUrl: string,
    client?: SQSClient,
  ) {
    this.client = client ?? new SQSClient({ requestHandler: awsRequestHandler(TIMEOUT_MS) });
  }

  async send(messages: JobMessage[]): Promise<void> {
    let lost = 0;
    let lastReason = '';
    for (let i = 0; i < messages.length; i += BATCH) {
      let entries = messages.slice(i, i + BATCH).map((m, j) => ({ Id: `m${i + j}`, MessageBody: encodeMessage(m) }));
      for (let attempt = 1; entries.length > 0; attempt++) {
        const out = await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: entries }));
        const failed = new Set((out.Failed ?? []).map((f) => f.Id));
        for (const f of out.Failed ?? []) lastReason = `${f.Code ?? 'error'}${f.Message ? `: ${f.Message}` : ''}`;
        entries = entries.filter((e) => failed.has(e.Id));
        if (attempt === 2) {
          lost += entries.length;
          break;
        }
      }
    }
    if (lost > 0) throw new Error(`SQS did not accept ${lost} of ${messages.length} job messages (${lastReason})`);
  }
}
