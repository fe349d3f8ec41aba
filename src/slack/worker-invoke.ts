import { log } from '../util/log';

/**
 * Queue one event for the worker function `fn` (Lambda Invoke, InvocationType Event: queued, answered 202 at once,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): how button clicks (add-on upgrades, drift
 * accept and snooze) leave the `slack` function, which must answer Slack within 3 s. The invoke has a 2.5 s timeout
 * that fires. The SDK is loaded on the first hand-off, not when the `slack` function starts.
 */
export async function invokeWorkerAsync(event: object, fn: string, logFields: Record<string, unknown>): Promise<void> {
  const [{ LambdaClient, InvokeCommand }, { awsRequestHandler }] = await Promise.all([import('@aws-sdk/client-lambda'), import('../util/aws-http')]);
  const client = new LambdaClient({ requestHandler: awsRequestHandler(2500), maxAttempts: 2 });
  try {
    const res = await client.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
    if (res.StatusCode !== 202) throw new Error(`worker invocation answered ${res.StatusCode}`);
    log.info('work handed to worker', { ...logFields, worker: fn });
  } finally {
    client.destroy();
  }
}
