import type { LambdaClient } from '@aws-sdk/client-lambda';
import { log } from '../util/log';

/** One client per warm container (it keeps its connection); nothing in it must outlive the container. */
let client: Promise<{ client: LambdaClient; InvokeCommand: typeof import('@aws-sdk/client-lambda').InvokeCommand }> | undefined;

function lambdaClient() {
  client ??= Promise.all([import('@aws-sdk/client-lambda'), import('../util/aws-http')]).then(([{ LambdaClient, InvokeCommand }, { awsRequestHandler }]) => ({
    client: new LambdaClient({ requestHandler: awsRequestHandler(2500), maxAttempts: 2 }),
    InvokeCommand,
  }));
  client.catch(() => (client = undefined));
  return client;
}

/**
 * Queue one event for the worker function `fn` (Lambda Invoke, InvocationType Event: queued, answered 202 at once,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): how slash-command jobs and button clicks
 * (add-on upgrades, drift accept and snooze) leave the `slack` function, which must answer Slack within 3 s. The
 * invoke has a 2.5 s timeout that fires. The SDK is loaded on the first hand-off, not when the `slack` function starts.
 */
export async function invokeWorkerAsync(event: object, fn: string, logFields: Record<string, unknown>): Promise<void> {
  const { client, InvokeCommand } = await lambdaClient();
  const res = await client.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }));
  if (res.StatusCode !== 202) throw new Error(`worker invocation answered ${res.StatusCode}`);
  log.info('work handed to worker', { ...logFields, worker: fn });
}
