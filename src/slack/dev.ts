import { createSlackApp } from './app';
import { inlineDispatcher } from './dispatch';
import { describeError, log } from '../util/log';
import { loadSlackSecrets } from '../util/slack-secrets';

/**
 * Local development with the same listeners as on Lambda: Socket Mode when SLACK_APP_TOKEN (xapp-...) is
 * set (no public URL needed), else an HTTP server on PORT (default 3000) serving POST /slack/events.
 * Work runs in this process; answers go to response_url.
 */
async function main(): Promise<void> {
  const env = process.env;
  const secrets = await loadSlackSecrets(env);
  const appToken = env.SLACK_APP_TOKEN;
  const port = Number(env.PORT ?? 3000);
  const app = createSlackApp({ secrets, env, dispatcher: inlineDispatcher(env), appToken, port });
  await app.start(port);
  log.info(appToken ? 'eksnet Slack app running in Socket Mode' : `eksnet Slack app listening on http://localhost:${port}/slack/events`, {
    snapshot: env.EKSNET_SNAPSHOT ?? null,
  });
}

main().catch((err) => {
  log.error('the Slack app cannot start', { error: describeError(err) });
  process.exitCode = 1;
});
