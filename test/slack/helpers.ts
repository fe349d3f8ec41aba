import nock from 'nock';
import { createHmac } from 'node:crypto';
import * as path from 'node:path';
import type { HttpApiEvent } from '../../src/slack/lambda';

export const SIGNING_SECRET = 'test-signing-secret-0123456789';
export const BOT_TOKEN = 'xoxb-1111-2222-testtokenvalue';
export const SLACK_API = 'https://slack.test';
export const RESPONSE_HOST = 'https://hooks.slack.com';
export const RESPONSE_PATH = '/commands/T0001/1234/abcdefRESPONSE';
export const RESPONSE_URL = RESPONSE_HOST + RESPONSE_PATH;
export const FIXTURE_SNAPSHOT = path.join(__dirname, '..', 'fixtures', 'slack-snapshot');

/** Slack's signature: v0=HMAC-SHA256(secret, `v0:{timestamp}:{raw body}`) (https://api.slack.com/authentication/verifying-requests-from-slack). */
export function sign(body: string, ts: number, secret = SIGNING_SECRET): string {
  return 'v0=' + createHmac('sha256', secret).update(`v0:${ts}:${body}`).digest('hex');
}

/** An API Gateway HTTP API payload 2.0 event carrying a Slack request on POST /slack/events. */
export function httpApiEvent(body: string, opts: { ts?: number; signature?: string; secret?: string; base64?: boolean } = {}): HttpApiEvent {
  const ts = opts.ts ?? Math.floor(Date.now() / 1000);
  return {
    version: '2.0',
    routeKey: 'POST /slack/events',
    rawPath: '/slack/events',
    rawQueryString: '',
    headers: {
      'content-type': 'application/x-www-form-urlencoded',
      'x-slack-request-timestamp': String(ts),
      'x-slack-signature': opts.signature ?? sign(body, ts, opts.secret),
      'user-agent': 'Slackbot 1.0 (+https://api.slack.com/robots)',
    },
    requestContext: { http: { method: 'POST', path: '/slack/events' }, routeKey: 'POST /slack/events', stage: '$default' },
    body: opts.base64 ? Buffer.from(body).toString('base64') : body,
    isBase64Encoded: opts.base64 ?? false,
  };
}

let seq = 0;

/** The form body Slack POSTs for `/eksnet <text>`. */
export function slashBody(text: string, opts: { user?: string; channel?: string; responseUrl?: string } = {}): string {
  return new URLSearchParams({
    token: 'deprecated-verification-token',
    team_id: 'T0001',
    team_domain: 'example',
    channel_id: opts.channel ?? 'C0001',
    channel_name: 'platform',
    user_id: opts.user ?? 'U0001',
    user_name: 'ada',
    command: '/eksnet',
    text,
    api_app_id: 'A0001',
    response_url: opts.responseUrl ?? RESPONSE_URL,
    trigger_id: `1337.${++seq}.abc`,
  }).toString();
}

/** A button click as Slack POSTs it (https://docs.slack.dev/reference/interaction-payloads/block_actions-payload). */
export interface ClickOptions {
  actionId: string;
  value: string | undefined;
  user?: string;
  channel?: string;
  blockId?: string;
  buttonText?: string;
  /** The message the button is on, as Slack sends it along (messages the bot posted in a channel). */
  message?: { text?: string; blocks?: unknown[] };
  /** Its ts (default 1700000000.000100). */
  messageTs?: string;
  /** An ephemeral message (Slack sends no `message` then). */
  ephemeral?: boolean;
  responseUrl?: string;
}

/** The form body of a block_actions payload: `payload=<JSON>`. */
export function blockActionsBody(o: ClickOptions): string {
  const user = o.user ?? 'U0001';
  const channel = o.channel ?? 'C0001';
  const ts = o.messageTs ?? '1700000000.000100';
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'example' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: ts, channel_id: channel, is_ephemeral: o.ephemeral ?? !o.message },
    trigger_id: `1338.${++seq}.abc`,
    channel: { id: channel, name: 'platform' },
    ...(o.message ? { message: { type: 'message', ts, bot_id: 'B0001', ...o.message } } : {}),
    response_url: o.responseUrl ?? RESPONSE_URL,
    actions: [{ type: 'button', action_id: o.actionId, block_id: o.blockId ?? 'b1', text: { type: 'plain_text', text: o.buttonText ?? 'Click' }, value: o.value, action_ts: `1700000001.${String(seq).padStart(6, '0')}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** The signed API Gateway event of a button click. */
export function clickEvent(o: ClickOptions, sign: { ts?: number; secret?: string } = {}): HttpApiEvent {
  return httpApiEvent(blockActionsBody(o), sign);
}

/** The form body of a block_actions payload (a button click on an ephemeral message). */
export function buttonBody(actionId: string, value: string, opts: { user?: string; channel?: string } = {}): string {
  return blockActionsBody({ actionId, value, user: opts.user, channel: opts.channel, buttonText: 'Share in channel', ephemeral: true });
}

/**
 * Ready the `slack` handler for signed requests in this test file: the signing secret and bot token the requests are
 * signed with, plus `env()` (read when the file's tests start), set before them and restored after; the secrets
 * cache and the handler are reset so they read these; no real network meanwhile. Call it after any `beforeAll`
 * that `env()` depends on.
 */
export function useSignedSlack(env: () => Record<string, string | undefined> = () => ({})): void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(async () => {
    nock.disableNetConnect();
    const vars = { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, ...env() };
    for (const [k, v] of Object.entries(vars)) {
      saved[k] = process.env[k];
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    const [{ clearSecretsCache }, { resetSlackHandler }] = await Promise.all([import('../../src/util/slack-secrets'), import('../../src/slack/lambda')]);
    clearSecretsCache();
    resetSlackHandler();
  });
  afterAll(() => {
    for (const [k, v] of Object.entries(saved)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
    nock.enableNetConnect();
  });
}

/**
 * A fresh `slack` handler for every test in this file (or describe block): `keys` cleared before each test
 * (saved before the file and restored after, no real network meanwhile, as isolateEnv), then the signing
 * secret, bot token, Slack API URL (the nock host SLACK_API) and the fixture snapshot set, plus `env()`;
 * the secrets, user-group and handler caches reset; each test's log lines captured in the returned `lines`.
 */
export function freshSlackPerTest(keys: string[], env: () => Record<string, string> = () => ({})): { lines: string[] } {
  const clearEnv = isolateEnv(keys);
  const logs = { lines: [] as string[] };
  let restore: (() => void) | undefined;
  beforeEach(async () => {
    clearEnv();
    Object.assign(process.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/`, EKSNET_SNAPSHOT: FIXTURE_SNAPSHOT }, env());
    const [{ clearSecretsCache }, { clearGroupCache }, { resetSlackHandler }, { setLogSink }] = await Promise.all([
      import('../../src/util/slack-secrets'),
      import('../../src/slack/usergroups'),
      import('../../src/slack/lambda'),
      import('../../src/util/log'),
    ]);
    clearSecretsCache();
    clearGroupCache();
    resetSlackHandler();
    const captured = captureLogs(setLogSink);
    logs.lines = captured.lines;
    restore = captured.restore;
  });
  afterEach(() => {
    restore?.();
    nock.cleanAll();
  });
  return logs;
}

/** Every text a message shows (blocks and fallback), for assertions. */
export function allText(message: any): string {
  const out: string[] = [message.text ?? ''];
  const visit = (v: any): void => {
    if (typeof v === 'string') out.push(v);
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') Object.entries(v).forEach(([k, x]) => (k === 'text' || k === 'elements' || k === 'value' || typeof x === 'object' ? visit(x) : undefined));
  };
  visit(message.blocks ?? []);
  return out.join('\n');
}

/** Capture the JSON log lines written while a test runs. */
export function captureLogs(setSink: (s: (line: string) => void) => (line: string) => void): { lines: string[]; restore: () => void } {
  const lines: string[] = [];
  const prev = setSink((l) => lines.push(l));
  return { lines, restore: () => setSink(prev) };
}

/**
 * Isolate a test file from the machine's environment and network: save `keys` before the file and
 * restore them after, refuse real network connections meanwhile. Returns a function that clears the
 * keys (call it first in `beforeEach`).
 */
export function isolateEnv(keys: string[]): () => void {
  const saved: Record<string, string | undefined> = {};
  beforeAll(() => {
    for (const k of keys) saved[k] = process.env[k];
    nock.disableNetConnect();
  });
  afterAll(() => {
    for (const k of keys) if (saved[k] === undefined) delete process.env[k];
    else process.env[k] = saved[k];
    nock.enableNetConnect();
  });
  return () => {
    for (const k of keys) delete process.env[k];
  };
}
