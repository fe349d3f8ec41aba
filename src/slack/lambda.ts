import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { AwsEvent, AwsHandler, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { createSlackApp } from './app';
import { defaultDispatcher, type Dispatcher } from './dispatch';
import { boltLogger, describeError, log } from '../util/log';
import { ReplayGuard } from './replay';
import { loadSlackSecrets } from '../util/slack-secrets';
import { CachedValue } from '../util/promise-cache';

/** API Gateway HTTP API (payload format 2.0; REST API v1 events work too) and the response Bolt builds. */
export type HttpApiEvent = AwsEvent;
export type HttpResponse = AwsResponse;
type BoltHandler = AwsHandler;

const boltHandler = new CachedValue<BoltHandler>();
let dispatcherOverride: Dispatcher | undefined;
const replays = new ReplayGuard();

/** Build the app on the first event, not at import: a missing secret becomes one clear log line, not a failed cold start. */
async function createHandler(env: NodeJS.ProcessEnv): Promise<BoltHandler> {
  const secrets = await loadSlackSecrets(env);
  const receiver = new AwsLambdaReceiver({ signingSecret: secrets.signingSecret, logger: boltLogger() });
  createSlackApp({ secrets, env, receiver, dispatcher: dispatcherOverride ?? defaultDispatcher(env) });
  return receiver.start();
}

const FIVE_MINUTES = 300;

function header(event: HttpApiEvent, name: string): string | undefined {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] : undefined;
}

/**
 * The `slack` function: Slack slash commands and interactivity on one HTTP API route. Bolt verifies the
 * signature and refuses stale timestamps (401); a signed request seen before in this process is refused too.
 */
export async function handler(event: HttpApiEvent, context: unknown): Promise<HttpResponse> {
  const signature = header(event, 'x-slack-signature');
  // Bolt refuses timestamps more than 5 minutes old but not ones from the future; a request dated
  // ahead can be replayed later, so both directions are refused (Slack: "verifying requests").
  const timestamp = Number(header(event, 'x-slack-request-timestamp'));
  if (Number.isFinite(timestamp) && timestamp - Date.now() / 1000 > FIVE_MINUTES) {
    log.warn('refused a Slack request dated in the future', { timestamp });
    return { statusCode: 401, body: '' };
  }
  if (replays.isReplay(signature)) {
    log.warn('refused a replayed Slack request', { timestamp: header(event, 'x-slack-request-timestamp') });
    return { statusCode: 401, body: '' };
  }
  let bolt: BoltHandler;
  try {
    bolt = await boltHandler.get(() => createHandler(process.env));
  } catch (err) {
    log.error('the Slack app cannot start', { error: describeError(err) });
    return { statusCode: 500, body: '' };
  }
  const response = await bolt(event, context);
  if (response.statusCode !== 401) replays.remember(signature);
  return response;
}

/** Tests: rebuild the app on the next event (new environment), optionally with another dispatcher. */
export function resetSlackHandler(dispatcher?: Dispatcher): void {
  boltHandler.clear();
  dispatcherOverride = dispatcher;
}
