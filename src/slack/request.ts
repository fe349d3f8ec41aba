import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * Checks on a raw Slack request, in the order that never lets unverified text reach a parser:
 * size first (refused before anything reads it), then the signature headers' shape, the signature itself
 * (https://api.slack.com/authentication/verifying-requests-from-slack: HMAC-SHA256 of `v0:{timestamp}:{body}`),
 * the timestamp window, and only then the body's shape. Each refusal is a 4xx and one log line, never a 500.
 */

/**
 * Largest body accepted. Slack's largest request to this app is a button click, whose payload carries the
 * message it came from: at most 50 blocks of at most 3,000 characters plus a 40,000-character text
 * (https://api.slack.com/reference/block-kit/blocks, https://api.slack.com/methods/chat.postMessage), under
 * 200,000 characters before URL-encoding; 1 MiB is well above that and bounds the work a request can cause.
 */
export const MAX_BODY_BYTES = 1024 * 1024;
/** Slack: "verify that the request timestamp is within five minutes of local time" (past). */
export const MAX_AGE_SECONDS = 300;
/** Clock skew tolerated for a timestamp ahead of ours; more is refused (it could be replayed later). */
export const FUTURE_SKEW_SECONDS = 60;
/** How long a seen signature must stay remembered: a signature verifies for at most this long. */
export const REPLAY_WINDOW_SECONDS = MAX_AGE_SECONDS + FUTURE_SKEW_SECONDS;

export type RequestVerdict =
  | { ok: true; rawBody: string; signature: string; timestamp: number; contentType: 'form' | 'json' }
  | { ok: false; status: 400 | 401 | 413 | 415; reason: string };

export interface RawRequest {
  headers?: Record<string, string | undefined> | null;
  body?: string | null;
  isBase64Encoded?: boolean;
}

export function header(event: RawRequest, name: string): string | undefined {
  const headers = event.headers ?? {};
  const key = Object.keys(headers).find((k) => k.toLowerCase() === name);
  return key ? headers[key] ?? undefined : undefined;
}

/** The raw body, size-checked before it is decoded (base64 is 4/3 of the bytes it carries). */
function rawBody(event: RawRequest): { body: string } | { tooLarge: true } {
  const body = typeof event.body === 'string' ? event.body : '';
  const bytes = event.isBase64Encoded ? Math.floor((body.length * 3) / 4) : Buffer.byteLength(body, 'utf8');
  if (bytes > MAX_BODY_BYTES) return { tooLarge: true };
  return { body: event.isBase64Encoded ? Buffer.from(body, 'base64').toString('utf8') : body };
}

function signatureMatches(secret: string, body: string, timestamp: string, signature: string): boolean {
  const expected = Buffer.from('v0=' + createHmac('sha256', secret).update(`v0:${timestamp}:${body}`).digest('hex'), 'utf8');
  const given = Buffer.from(signature, 'utf8');
  return given.length === expected.length && timingSafeEqual(given, expected);
}

/** Size, headers, signature and timestamp window; `nowSeconds` for tests. */
export function verifySlackRequest(event: RawRequest, signingSecret: string, nowSeconds = Date.now() / 1000): RequestVerdict {
  const raw = rawBody(event);
  if ('tooLarge' in raw) return { ok: false, status: 413, reason: `body larger than ${MAX_BODY_BYTES} bytes` };
  const signature = header(event, 'x-slack-signature');
  const tsText = header(event, 'x-slack-request-timestamp');
  if (!signature || !/^v0=[0-9a-f]{64}$/.test(signature)) return { ok: false, status: 401, reason: 'missing or malformed X-Slack-Signature' };
  if (!tsText || !/^\d{1,12}$/.test(tsText)) return { ok: false, status: 401, reason: 'missing or malformed X-Slack-Request-Timestamp' };
  if (!signatureMatches(signingSecret, raw.body, tsText, signature)) return { ok: false, status: 401, reason: 'signature does not match' };
  const timestamp = Number(tsText);
  if (nowSeconds - timestamp > MAX_AGE_SECONDS) return { ok: false, status: 401, reason: 'timestamp more than five minutes old' };
  if (timestamp - nowSeconds > FUTURE_SKEW_SECONDS) return { ok: false, status: 401, reason: `timestamp more than ${FUTURE_SKEW_SECONDS} s in the future` };
  const type = (header(event, 'content-type') ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/x-www-form-urlencoded' && type !== 'application/json') return { ok: false, status: 415, reason: 'content type is neither form nor JSON' };
  return { ok: true, rawBody: raw.body, signature, timestamp, contentType: type === 'application/json' ? 'json' : 'form' };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const isString = (v: unknown): v is string => typeof v === 'string';

/**
 * The shapes the listeners read, checked before Bolt parses the body: a slash command's fields, or an
 * interactivity `payload` that is a JSON object with a type and the user (and, for buttons, the actions).
 * Undefined when well-formed, else the reason for a 400.
 */
export function malformedBody(body: string, contentType: 'form' | 'json'): string | undefined {
  if (contentType === 'json') {
    let doc: unknown;
    try {
      doc = JSON.parse(body);
    } catch {
      return 'body is not JSON';
    }
    return isObject(doc) && isString(doc.type) ? undefined : 'JSON body without a type';
  }
  const form = new URLSearchParams(body);
  if (form.has('ssl_check')) return undefined;
  if (form.has('payload')) {
    let payload: unknown;
    try {
      payload = JSON.parse(form.get('payload')!);
    } catch {
      return 'payload is not JSON';
    }
    if (!isObject(payload) || !isString(payload.type)) return 'payload without a type';
    if (!isObject(payload.user) || !isString(payload.user.id)) return 'payload without a user';
    // Fields Bolt and the listeners read: when present, of the type Slack sends.
    for (const key of ['team', 'channel', 'enterprise', 'container', 'message', 'view', 'state']) {
      if (key in payload && !isObject(payload[key])) return `payload ${key} is not an object`;
    }
    for (const key of ['team', 'channel', 'enterprise']) {
      if (isObject(payload[key]) && !isString((payload[key] as Record<string, unknown>).id)) return `payload ${key} without an id`;
    }
    for (const key of ['response_url', 'trigger_id', 'api_app_id', 'token']) {
      if (key in payload && !isString(payload[key])) return `payload ${key} is not a string`;
    }
    if (payload.type === 'block_actions') {
      if (!Array.isArray(payload.actions) || payload.actions.length === 0) return 'block_actions payload without actions';
      const wellFormed = (a: unknown) =>
        isObject(a) && isString(a.action_id) && ['type', 'block_id', 'value', 'action_ts'].every((k) => !(k in a) || isString(a[k]));
      if (!payload.actions.every(wellFormed)) return 'block_actions payload with a malformed action';
    }
    return undefined;
  }
  if (form.has('command')) {
    for (const field of ['command', 'user_id', 'response_url']) if (!form.get(field)) return `slash command without ${field}`;
    if (!form.get('command')!.startsWith('/')) return 'slash command name does not start with /';
    return undefined;
  }
  return 'neither a slash command nor an interactivity payload';
}
