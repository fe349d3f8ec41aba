import { ErrorCode, WebClient, type WebAPICallError } from '@slack/web-api';
import { enforceLimits } from '../render/slack/limits';
import type { SlackMessage } from '../render/slack/types';
import { slackApiUrl } from '../util/slack-api';
import { boltLogger, log } from '../util/log';
import { loadSlackSecrets } from '../util/slack-secrets';

/** Post one message in a channel; resolves with its ts, throws when it could not be delivered. */
export type PostMessage = (channel: string, message: SlackMessage) => Promise<{ ts?: string }>;

export interface RetryPolicy {
  /** Attempts in all (the first one included). */
  attempts: number;
  /** Backoff before the 2nd attempt after a 5xx or network error; doubled each time. */
  backoffMs: number;
  /** The longest Retry-After this run waits for; a longer one leaves the message to the next run (the outbox). */
  maxRetryAfterSeconds: number;
}

export const DEFAULT_RETRY: RetryPolicy = { attempts: 4, backoffMs: 500, maxRetryAfterSeconds: 60 };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/** Why a post failed, without anything secret (the WebClient's errors never carry the token). */
export class PostError extends Error {
  override readonly name = 'PostError';
  constructor(
    message: string,
    readonly retryable: boolean,
    options?: ErrorOptions,
  ) {
    super(message, options);
  }
}

/**
 * chat.postMessage with retries under our control. @slack/web-api would retry by itself (p-retry, 10 tries over
 * ~30 min by default, waiting out a 429's Retry-After by pausing its queue); on a Lambda with a 15-minute
 * limit that can hang a run, so its retries are off (`retries: 0`, `rejectRateLimitedCalls: true`) and this
 * loop decides: a 429 waits Retry-After (up to maxRetryAfterSeconds), a 5xx or network error backs off
 * exponentially, a Slack error answer (`ok: false`, e.g. channel_not_found) is not retried.
 * https://docs.slack.dev/apis/web-api/rate-limits
 */
export function postWith(client: WebClient, policy: RetryPolicy = DEFAULT_RETRY): PostMessage {
  return async (channel, message) => {
    const m = enforceLimits(message);
    let backoff = policy.backoffMs;
    for (let attempt = 1; ; attempt++) {
      try {
        const res = await client.chat.postMessage({ channel, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}), unfurl_links: false, unfurl_media: false });
        return { ts: res.ts };
      } catch (err) {
        const e = err as WebAPICallError;
        const last = attempt >= policy.attempts;
        if (e.code === ErrorCode.RateLimitedError) {
          const wait = e.retryAfter;
          if (last || wait > policy.maxRetryAfterSeconds) throw new PostError(`Slack rate-limited chat.postMessage (Retry-After ${wait} s)`, true, { cause: err });
          log.warn('Slack rate limit: waiting as Retry-After says', { channel, retryAfterSeconds: wait, attempt });
          await sleep(wait * 1000);
          continue;
        }
        const transient = e.code === ErrorCode.RequestError || (e.code === ErrorCode.HTTPError && e.statusCode >= 500);
        if (e.code === ErrorCode.PlatformError) throw new PostError(`Slack refused the message: ${e.data?.error ?? 'error'}`, false, { cause: err });
        if (!transient || last) throw new PostError(`chat.postMessage failed: ${e.code === ErrorCode.HTTPError ? `HTTP ${e.statusCode}` : (e.message ?? 'error')}`, transient, { cause: err });
        log.warn('Slack post failed; retrying', { channel, attempt, status: e.code === ErrorCode.HTTPError ? e.statusCode : null });
        await sleep(backoff * (0.75 + Math.random() / 2));
        backoff *= 2;
      }
    }
  };
}

/**
 * The poster jobs use: the bot token (environment or SSM, as for the Slack function) and SLACK_API_URL
 * honoured (CONTRACT §3). Every message passes enforceLimits first.
 */
export async function slackPoster(env: NodeJS.ProcessEnv = process.env, policy: RetryPolicy = retryPolicyFrom(env)): Promise<PostMessage> {
  const secrets = await loadSlackSecrets(env);
  const client = new WebClient(secrets.botToken, { slackApiUrl: slackApiUrl(env), retryConfig: { retries: 0 }, rejectRateLimitedCalls: true, timeout: 15_000, logger: boltLogger() });
  return postWith(client, policy);
}

/** EKSNET_SLACK_MAX_RETRY_AFTER (seconds) and EKSNET_SLACK_BACKOFF_MS tune the policy (tests use small values). */
export function retryPolicyFrom(env: NodeJS.ProcessEnv): RetryPolicy {
  const num = (v: string | undefined, d: number) => (v !== undefined && v !== '' && Number.isFinite(Number(v)) ? Number(v) : d);
  return {
    attempts: DEFAULT_RETRY.attempts,
    backoffMs: num(env.EKSNET_SLACK_BACKOFF_MS, DEFAULT_RETRY.backoffMs),
    maxRetryAfterSeconds: num(env.EKSNET_SLACK_MAX_RETRY_AFTER, DEFAULT_RETRY.maxRetryAfterSeconds),
  };
}
