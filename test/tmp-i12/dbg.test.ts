import { handler, resetSlackHandler } from '../../src/slack/lambda';
import { FIXTURE_SNAPSHOT, httpApiEvent, slashBody, SIGNING_SECRET, BOT_TOKEN, SLACK_API, allText } from '../slack/helpers';
it('dbg', async () => {
  process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET; process.env.SLACK_BOT_TOKEN = BOT_TOKEN; process.env.SLACK_API_URL = `${SLACK_API}/api/`; process.env.EKSNET_SNAPSHOT = FIXTURE_SNAPSHOT;
  resetSlackHandler();
  for (const t of (process.env.DBG ?? '').split(';')) {
    const res = await handler(httpApiEvent(slashBody(t)), {});
    const body = JSON.parse(res.body!);
    console.log(t + '\n' + JSON.stringify(body.text) + '\n' + allText(body));
  }
});
