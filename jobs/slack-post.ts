import { WebClient } from '@slack/web-api';
import { enforceLimits } from '../src/render/slack/limits';
import type { SlackMessage } from '../src/render/slack/types';
import { slackApiUrl } from '../src/util/slack-api';
import { boltLogger } from '../src/util/log';
import { loadSlackSecrets } from '../src/util/slack-secrets';

/** Post one message in a channel; throws when Slack refuses it. */
export type PostMessage = (channel: string, message: SlackMessage) => Promise<void>;

/**
 * chat.postMessage through the Slack WebClient with the bot token (environment or SSM, as for the Slack
 * function) and SLACK_API_URL honoured (CONTRACT §3). Every message passes enforceLimits first. Few
 * retries: a job posting late is better than one hanging for the WebClient's default ~30 minutes.
 */
export async function slackPoster(env: NodeJS.ProcessEnv = process.env): Promise<PostMessage> {
  const secrets = await loadSlackSecrets(env);
  const client = new WebClient(secrets.botToken, { slackApiUrl: slackApiUrl(env), retryConfig: { retries: 2, maxTimeout: 5000 }, logger: boltLogger() });
  return async (channel, message) => {
    const m = enforceLimits(message);
    await client.chat.postMessage({ channel, text: m.text, ...(m.blocks ? { blocks: m.blocks } : {}), unfurl_links: false, unfurl_media: false });
  };
}
