import type { LambdaClient } from '@aws-sdk/client-lambda';
import { log } from '../util/log';

/** One client per warm container (it keeps its connection); nothing in it must outlive the container. */
let client: Promise<{ client: LambdaClient; InvokeCommand: typeof import('@aws-sdk/client-lambda').InvokeCommand }> | undefined;

function lambdaClient() {
  client ??= Promise.all([import('@aws-sdk/client-lambda'), import('../util/aws-http')]).then(([{ LambdaClient, InvokeCommand }, { awsRequestHandler }]) => ({
    // Two tries of 1.2 s each, inside the overall deadline below.
    client: new LambdaClient({ requestHandler: awsRequestHandler(ATTEMPT_MS), maxAttempts: 2 }),
    InvokeCommand,
  }));
  client.catch(() => (client = undefined));
  return client;
}

/** Per try. */
const ATTEMPT_MS = 1200;
/**
 * The whole hand-off, retries included: the `slack` function must still ack within Slack's 3 s
 * (https://api.slack.com/interactivity/handling#acknowledgment_response).
 */
export const HAND_OFF_DEADLINE_MS = 2500;

/**
 * Queue one event for the worker function `fn` (Lambda Invoke, InvocationType Event: queued, answered 202 at once,
 * https://docs.aws.amazon.com/lambda/latest/dg/invocation-async.html): how slash-command jobs and button clicks
 * (add-on upgrades, drift accept and snooze) leave the `slack` function, which must answer Slack within 3 s. The
 * hand-off has a deadline of HAND_OFF_DEADLINE_MS, retries included, that fires (a TimeoutError, or an AbortError at
 * the deadline). The SDK is loaded on the first hand-off, not when the `slack` function starts.
 */
export async function invokeWorkerAsync(event: object, fn: string, logFields: Record<string, unknown>): Promise<void> {
  const deadline = AbortSignal.timeout(HAND_OFF_DEADLINE_MS);
  const { client, InvokeCommand } = await lambdaClient();
  const res = await client.send(new InvokeCommand({ FunctionName: fn, InvocationType: 'Event', Payload: Buffer.from(JSON.stringify(event)) }), { abortSignal: deadline });
  if (res.StatusCode !== 202) throw new Error(`worker invocation answered ${res.StatusCode}`);
  log.info('work handed to worker', { ...logFields, worker: fn });
}
