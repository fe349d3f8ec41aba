import { log } from '../util/log';

/** An "Upgrade" click, as the slack function hands it to the worker: nothing from the button but the raw value. */
export interface UpgradeClick {
  kind: 'click';
  ref: string;
  /** The button's value as it came (an offer id, or whatever a tampered payload carries), at most 200 characters. */
  offerId: string;
  userId: string;
  channelId?: string;
  messageTs?: string;
  /** When Slack delivered the click. */
  at: string;
}

/** A later worker run following an update that outlasted the previous run. */
export interface UpgradeFollow {
  kind: 'follow';
  ref: string;
  offerId: string;
  run: number;
}

export type UpgradeWork = UpgradeClick | UpgradeFollow;

export interface UpgradeEvent {
  eksnetUpgrade: UpgradeWork;
}

/**
 * Queue upgrade work for the worker function `fn` (Lambda Invoke, InvocationType Event: queued, answered 202 at once,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html). The invoke has a 2.5 s timeout that fires, so
 * a click's ack is never held longer.
 */
export async function invokeWorker(work: UpgradeWork, fn: string): Promise<void> {
  // Loaded on first use (as the AWS SDK itself): the slack function's cold start does not pay for them.
  const [{ LambdaClient, InvokeCommand }, { awsRequestHandler }] = await Promise.all([import('@aws-sdk/client-lambda'), import('../util/aws-http')]);
  const client = new LambdaClient({ requestHandler: awsRequestHandler(2500), maxAttempts: 2 });
  try {
    const event: UpgradeEvent = { eksnetUpgrade: work };
    const res = await client.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
    if (res.StatusCode !== 202) throw new Error(`worker invocation answered ${res.StatusCode}`);
    log.info('upgrade work handed to worker', { ref: work.ref, kind: work.kind, worker: fn });
  } finally {
    client.destroy();
  }
}
