import { WebClient } from '@slack/web-api';
import { boltLogger } from '../util/log';
import { slackApiUrl } from '../util/slack-api';
import { loadSlackSecrets } from '../util/slack-secrets';

/**
 * The Slack Web API client of the worker's button work (add-on upgrades, drift accept and snooze): the bot token,
 * SLACK_API_URL, a few retries and a 10 s timeout (the worker has minutes, not Slack's 3 s).
 */
export async function workerSlackClient(env: NodeJS.ProcessEnv): Promise<WebClient> {
  const secrets = await loadSlackSecrets(env);
  return new WebClient(secrets.botToken, { slackApiUrl: slackApiUrl(env), retryConfig: { retries: 2, maxTimeout: 3000 }, timeout: 10_000, logger: boltLogger() });
}
