// Nothing lost, nothing twice: the jobs' outbox and Slack poster against a real local Slack stand-in
// (429 with Retry-After: https://docs.slack.dev/apis/web-api/rate-limits; 5xx; ok:false errors).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { Outbox } from '../../src/scheduled/outbox';
import { slackPoster, type PostMessage } from '../../src/scheduled/slack-post';
import { LocalStateStore } from '../../src/state/local';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { BOT_TOKEN, captureLogs } from '../slack/helpers';
import { SlackStandIn } from './slack-standin';

let slack: SlackStandIn;
let logs: ReturnType<typeof captureLogs>;
let post: PostMessage;
const store = () => new LocalStateStore(mkdtempSync(path.join(tmpdir(), 'eksnet-outbox-')));

beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1');
  slack = await new SlackStandIn().start();
});
afterAll(async () => {
  // nock's net-connect setting outlives this file in an in-band run: give the next suite nock's default back.
  nock.enableNetConnect();
  await slack.stop();
});
beforeEach(async () => {
  slack.received.length = 0;
  clearSecretsCache();
  logs = captureLogs(setLogSink);
  post = await slackPoster({ SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_SIGNING_SECRET: 's', SLACK_API_URL: slack.apiUrl, EKSNET_SLACK_BACKOFF_MS: '20', EKSNET_SLACK_MAX_RETRY_AFTER: '2' });
});
afterEach(() => logs.restore());

const msg = (text: string) => ({ text });

describe('posting to Slack', () => {
  it('a 429 is retried after the Retry-After it names, and the message is posted once', async () => {
    slack.script('chat.postMessage', { status: 429, retryAfter: 1 });
    const outbox = new Outbox(store(), post);
    await outbox.enqueue('k1', 'C1', msg('hello'));
    expect(await outbox.deliver('k1')).toBe('sent');
    const calls = slack.received.filter((r) => r.method === 'chat.postMessage');
    expect(calls).toHaveLength(2);
    expect(calls[1]!.at - calls[0]!.at).toBeGreaterThanOrEqual(950);
    expect(slack.posts().map((p) => p.body.text)).toEqual(['hello']);
    expect(calls[0]!.body.token ?? '').not.toContain('xoxb'); // the token travels in the Authorization header
  });

  it('500s are retried with backoff; the message goes out once they stop', async () => {
    slack.script('chat.postMessage', { status: 500 }, { status: 503 });
    const outbox = new Outbox(store(), post);
    await outbox.enqueue('k1', 'C1', msg('after 5xx'));
    expect(await outbox.deliver('k1')).toBe('sent');
    expect(slack.received.filter((r) => r.method === 'chat.postMessage')).toHaveLength(3);
    expect(slack.posts()).toHaveLength(1);
    expect((await outbox.get('k1'))!.ts).toMatch(/^1700000000\./);
  });

  it('a message Slack still refuses after every retry is kept and delivered by the next run, once', async () => {
    const s = store();
    slack.script('chat.postMessage', { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    const first = new Outbox(s, post);
    await first.enqueue('digest', 'C1', msg('the digest'));
    expect(await first.deliver('digest')).toBe('pending');
    expect(slack.posts()).toHaveLength(0);
    expect(await first.get('digest')).toMatchObject({ status: 'pending', attempts: 1, lastError: 'chat.postMessage failed: HTTP 500' });

    // The next run (another process: a new Outbox on the same store) delivers it before its own work.
    const next = new Outbox(s, post);
    expect(await next.flush()).toEqual({ sent: 1, pending: 0 });
    expect(await next.flush()).toEqual({ sent: 0, pending: 0 });
    expect(slack.posts().map((p) => p.body.text)).toEqual(['the digest']);
  });

  it('a Retry-After longer than a run should wait leaves the message for the next run instead of blocking', async () => {
    slack.script('chat.postMessage', { status: 429, retryAfter: 120 });
    const outbox = new Outbox(store(), post);
    await outbox.enqueue('k', 'C1', msg('later'));
    const t = Date.now();
    expect(await outbox.deliver('k')).toBe('pending');
    expect(Date.now() - t).toBeLessThan(2000);
    expect(await outbox.flush()).toEqual({ sent: 1, pending: 0 });
  });

  it('no alert is dropped because another message of the same run went through', async () => {
    const s = store();
    const outbox = new Outbox(s, post);
    await outbox.enqueue('alert', 'C1', msg('critical alert'));
    await outbox.enqueue('digest', 'C1', msg('digest'));
    slack.script('chat.postMessage', { status: 500 }, { status: 500 }, { status: 500 }, { status: 500 });
    expect(await outbox.deliver('alert')).toBe('pending');
    expect(await outbox.deliver('digest')).toBe('sent');
    expect(await new Outbox(s, post).flush()).toEqual({ sent: 1, pending: 0 });
    expect(slack.posts().map((p) => p.body.text)).toEqual(['digest', 'critical alert']);
  });

  it('a retried run posts nothing twice: the same key is queued once, and a sent message is not sent again', async () => {
    const s = store();
    const a = new Outbox(s, post);
    expect(await a.enqueue('run#digest', 'C1', msg('one'))).toBe(true);
    expect(await a.enqueue('run#digest', 'C1', msg('one, rendered again'))).toBe(false);
    expect(await a.deliver('run#digest')).toBe('sent');
    expect(await new Outbox(s, post).deliver('run#digest')).toBe('already-sent');
    expect(slack.posts().map((p) => p.body.text)).toEqual(['one']);
  });

  it('two processes delivering the same message at once post it once', async () => {
    const s = store();
    await new Outbox(s, post).enqueue('k', 'C1', msg('once'));
    const results = await Promise.all([new Outbox(s, post).deliver('k'), new Outbox(s, post).deliver('k')]);
    expect(results.sort()).toEqual(['busy', 'sent']);
    expect(slack.posts()).toHaveLength(1);
  });

  it('a Slack error answer (ok: false) is not retried within the run, and the bot token is never logged', async () => {
    slack.script('chat.postMessage', { error: 'channel_not_found' });
    const outbox = new Outbox(store(), post);
    await outbox.enqueue('k', 'CGONE', msg('x'));
    expect(await outbox.deliver('k')).toBe('pending');
    expect(slack.received.filter((r) => r.method === 'chat.postMessage')).toHaveLength(1);
    expect((await outbox.get('k'))!.lastError).toBe('Slack refused the message: channel_not_found');
    expect(logs.lines.join('\n')).not.toContain(BOT_TOKEN);
  });
});
