// "Working on…" is replaced by the answer: the worker posts to the command's response_url with replace_original
// (https://docs.slack.dev/interactivity/handling-user-interaction: replace_original edits the source message;
// delete_original deletes it "as the sole attribute"). An ephemeral message cannot become a channel message, so a
// --share answer deletes "Working on…" and posts in the channel.
import nock from 'nock';
import { handler as worker } from '../../src/slack/worker';
import { setLogSink } from '../../src/util/log';
import { captureLogs, FIXTURE_SNAPSHOT, RESPONSE_HOST, RESPONSE_PATH, RESPONSE_URL } from './helpers';

let logs: ReturnType<typeof captureLogs>;
beforeAll(() => {
  nock.disableNetConnect();
  process.env.EKSNET_SNAPSHOT = FIXTURE_SNAPSHOT;
});
afterAll(() => {
  delete process.env.EKSNET_SNAPSHOT;
  nock.enableNetConnect();
});
beforeEach(() => (logs = captureLogs(setLogSink)));
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

function capture(times: number): any[] {
  const posts: any[] = [];
  nock(RESPONSE_HOST)
    .post(RESPONSE_PATH, (b) => {
      posts.push(b);
      return true;
    })
    .times(times)
    .reply(200, 'ok');
  return posts;
}

const job = (ref: string, share: boolean) => ({ command: 'whoami-reach', argv: ['shop/frontend', 'shop/payments'], userId: 'U0001', channelId: 'C0001', responseUrl: RESPONSE_URL, share, ref, replaceOriginal: true });

it('the answer replaces "Working on…" (replace_original on the response_url)', async () => {
  const posts = capture(1);
  await worker({ eksnetJob: job('jobrepl1', false) });
  expect(posts).toHaveLength(1);
  expect(posts[0]).toMatchObject({ replace_original: true, response_type: 'ephemeral' });
  expect(posts[0].blocks[0].text.text).toMatch(/^:no_entry: \*DENIED\*/);
});

it('a --share answer removes "Working on…" and posts in the channel', async () => {
  const posts = capture(2);
  await worker({ eksnetJob: job('jobrepl2', true) });
  expect(posts[0]).toEqual({ delete_original: true });
  expect(posts[1]).toMatchObject({ replace_original: false, response_type: 'in_channel' });
});
