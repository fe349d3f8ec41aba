// Deep import: the package index also loads ExpressReceiver (express and its dependencies), which the
// Lambda bundle would have to parse on every cold start for nothing.
import App from '@slack/bolt/dist/App';
import type { Receiver } from '@slack/bolt';
import type { Dispatcher } from './dispatch';
import { registerListeners } from './listeners';
import { boltLogger } from '../util/log';
import type { SlackSecrets } from '../util/slack-secrets';
import { slackApiUrl } from '../util/slack-api';
import type { StateStore } from '../state/types';

export interface AppOptions {
  secrets: SlackSecrets;
  env: NodeJS.ProcessEnv;
  dispatcher: Dispatcher;
  receiver?: Receiver;
  /** Socket Mode (local development): the app-level token (xapp-...). */
  appToken?: string;
  port?: number;
  /** The durable state store (user-group cache); opened from `env` when absent. */
  store?: StateStore;
}

/**
 * The one Bolt app behind both entry points. `authorize` hands Bolt the bot token with the bot ids from
 * the environment, so Bolt never calls auth.test (which it would otherwise retry for ~30 min when Slack
 * is unreachable); slash commands and buttons do not need the ids.
 */
export function createSlackApp(opts: AppOptions): App {
  const { secrets, env } = opts;
  const app = new App({
    ...(opts.receiver ? { receiver: opts.receiver } : opts.appToken ? { socketMode: true, appToken: opts.appToken } : { signingSecret: secrets.signingSecret, port: opts.port }),
    authorize: async () => ({ botToken: secrets.botToken, botId: env.SLACK_BOT_ID, botUserId: env.SLACK_BOT_USER_ID }),
    logger: boltLogger(),
    clientOptions: { slackApiUrl: slackApiUrl(env), retryConfig: { retries: 2, maxTimeout: 2000 } },
  });
  registerListeners(app, { env, dispatcher: opts.dispatcher, store: opts.store });
  app.error(async (err) => {
    boltLogger().error('unhandled error in a listener', err);
  });
  return app;
}
