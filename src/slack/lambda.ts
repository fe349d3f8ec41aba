import AwsLambdaReceiver from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import type { AwsEvent, AwsHandler, AwsResponse } from '@slack/bolt/dist/receivers/AwsLambdaReceiver';
import { ConfigError, loadConfig } from '../config';
import { openStateStore, type StateStore } from '../state/index';
import { createSlackApp } from './app';
import { defaultDispatcher, type Dispatcher } from './dispatch';
import { boltLogger, describeError, log } from '../util/log';
import { firstUseOfSignature } from './replay';
import { malformedBody, verifySlackRequest } from './request';
import { loadSlackSecrets } from '../util/slack-secrets';

/** API Gateway HTTP API (payload format 2.0; REST API v1 events work too) and the response Bolt builds. */
export type HttpApiEvent = AwsEvent;
export type HttpResponse = AwsResponse;
type BoltHandler = AwsHandler;

interface Started {
  bolt: BoltHandler;
  signingSecret: string;
  store: StateStore;
}

let started: Promise<Started> | undefined;
let dispatcherOverride: Dispatcher | undefined;

/**
 * Build the app on the first event, not at import: a missing secret becomes one clear log line, not a failed
 * cold start. The configuration is checked here too: when it is invalid the log says so once, and every
 * command answers "eksnet is misconfigured: <key>" (the router re-reads it) instead of running with defaults.
 */
async function start(env: NodeJS.ProcessEnv): Promise<Started> {
  try {
    loadConfig(env);
  } catch (err) {
    if (!(err instanceof ConfigError)) throw err;
    log.error('eksnet is misconfigured: every command answers "eksnet is misconfigured" until it is fixed', { key: err.key, error: err.message });
  }
  const secrets = await loadSlackSecrets(env);
  const store = openStateStore(env);
  const receiver = new AwsLambdaReceiver({ signingSecret: secrets.signingSecret, logger: boltLogger() });
  createSlackApp({ secrets, env, receiver, dispatcher: dispatcherOverride ?? defaultDispatcher(env), store });
  return { bolt: await receiver.start(), signingSecret: secrets.signingSecret, store };
}

const refuse = (status: number): HttpResponse => ({ statusCode: status, body: '' });

/**
 * The `slack` function: Slack slash commands and interactivity on one HTTP API route. Before Bolt sees a byte:
 * the size, the signature, the timestamp window (five minutes back, a minute ahead), the body's shape, and a
 * durable replay guard. Every malformed or unverified request is a 4xx with one log line; Bolt then verifies
 * again and runs the listeners.
 */
export async function handler(event: HttpApiEvent, context: unknown): Promise<HttpResponse> {
  let app: Started;
  try {
    started ??= start(process.env);
    app = await started;
  } catch (err) {
    started = undefined;
    log.error('the Slack app cannot start', { error: describeError(err) });
    return refuse(500);
  }
  const verdict = verifySlackRequest(event, app.signingSecret);
  if (!verdict.ok) {
    log.warn('refused a Slack request', { status: verdict.status, reason: verdict.reason });
    return refuse(verdict.status);
  }
  const malformed = malformedBody(verdict.rawBody, verdict.contentType);
  if (malformed) {
    log.warn('refused a malformed Slack request', { status: 400, reason: malformed });
    return refuse(400);
  }
  let first: boolean;
  try {
    first = await firstUseOfSignature(app.store, verdict.signature);
  } catch (err) {
    // Without the store a replay cannot be told apart: refuse rather than run twice.
    log.error('the replay guard could not reach the state store; request refused', { error: describeError(err) });
    return refuse(503);
  }
  if (!first) {
    log.warn('refused a replayed Slack request', { timestamp: verdict.timestamp });
    return refuse(401);
  }
  // Bolt compares the content type exactly; hand it the bare media type.
  const headers = { ...(event.headers ?? {}) };
  for (const k of Object.keys(headers)) if (k.toLowerCase() === 'content-type') delete headers[k];
  headers['content-type'] = verdict.contentType === 'json' ? 'application/json' : 'application/x-www-form-urlencoded';
  return app.bolt({ ...event, headers } as HttpApiEvent, context);
}

/** Tests: rebuild the app on the next event (new environment), optionally with another dispatcher. */
export function resetSlackHandler(dispatcher?: Dispatcher): void {
  started = undefined;
  dispatcherOverride = dispatcher;
}
