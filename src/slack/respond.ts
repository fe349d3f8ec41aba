import type { SlackMessage } from '../render/slack/types';
import { enforceLimits } from '../render/slack/limits';

/**
 * POST a message to a command's or action's response_url (https://api.slack.com/interactivity/handling#message_responses).
 * Throws when Slack does not accept it (expired URL, invalid blocks).
 */
export async function postToResponseUrl(url: string, message: SlackMessage, timeoutMs = 10_000): Promise<void> {
  if (!/^https:\/\//.test(url)) throw new Error('response_url is not an https URL');
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json; charset=utf-8' },
    // delete_original must be the sole attribute (https://docs.slack.dev/interactivity/handling-user-interaction).
    body: JSON.stringify(message.delete_original ? { delete_original: true } : { replace_original: false, ...enforceLimits(message) }),
    signal: AbortSignal.timeout(timeoutMs),
  });
  if (!res.ok) {
    const body = await res.text().catch(() => '');
    throw new Error(`response_url answered ${res.status}: ${body.slice(0, 200)}`);
  }
}
