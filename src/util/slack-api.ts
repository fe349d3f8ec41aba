// Slack Web API settings shared by the Bolt app (src/slack) and the scheduled jobs (jobs/), which must not load Bolt.

/** SLACK_API_URL overrides the Web API base (CONTRACT §3); the WebClient expects a trailing slash. */
export function slackApiUrl(env: NodeJS.ProcessEnv): string | undefined {
  const url = env.SLACK_API_URL;
  if (!url) return undefined;
  return url.endsWith('/') ? url : url + '/';
}
