// Slack's message limits on very large answers: 50 blocks, 3000 characters per text, ~12k in total
// (https://docs.slack.dev/reference/block-kit/blocks; msg_blocks_too_long: slackapi/bolt-js#2509).
import { rmSync } from 'node:fs';
import nock from 'nock';
import { handler } from '../../src/slack/lambda';
import { handler as worker } from '../../src/slack/worker';
import { setLogSink } from '../../src/util/log';
import { blockTextLength, limitViolations, LIMITS } from '../../src/render/slack/limits';
import { allText, captureLogs, httpApiEvent, RESPONSE_HOST, RESPONSE_PATH, RESPONSE_URL, slashBody, useSignedSlack } from './helpers';
import { writeLargeSnapshot } from './large-world';

let dir: string;
let logs: ReturnType<typeof captureLogs>;

beforeAll(() => {
  dir = writeLargeSnapshot();
});
afterAll(() => rmSync(dir, { recursive: true, force: true }));
useSignedSlack(() => ({ EKSNET_SNAPSHOT: dir }));
beforeEach(() => (logs = captureLogs(setLogSink)));
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

function expectWithinLimits(message: any): void {
  expect(limitViolations(message)).toEqual([]);
  expect(message.blocks.length).toBeLessThanOrEqual(LIMITS.blocks);
  expect(message.blocks.reduce((n: number, b: any) => n + blockTextLength(b), 0)).toBeLessThanOrEqual(12000);
}

async function slash(text: string) {
  const res = await handler(httpApiEvent(slashBody(text)), {});
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body);
}

it('80 flows with 80 distinct causes: the answer fits, says how many failing flows it left out and which CLI command prints them', async () => {
  const body = await slash('whoami-reach shop/frontend shop/big');
  expectWithinLimits(body);
  expect(body.blocks[0].text.text).toBe(':no_entry: *DENIED* shop/svc/frontend → shop/svc/big 8080/TCP: 0 of 80 flows allowed');
  const text = allText(body);
  const note = text.match(/…and (\d+) more failing flows \((\d+) more causes\)\. Run `eksnet whoami-reach shop\/frontend shop\/big` to print everything\./);
  expect(note).not.toBeNull();
  const shownFlows = [...text.matchAll(/— (\d+) flows? \(/g)].reduce((n, m) => n + Number(m[1]), 0);
  expect(shownFlows).toBeGreaterThan(0);
  expect(Number(note![1])).toBe(80 - shownFlows);
});

it('a reach map over 400 Services is summarised with the CLI command', async () => {
  const body = await slash('whoami-reach shop/frontend');
  expectWithinLimits(body);
  expect(allText(body)).toMatch(/\*shop\/svc\/frontend reaches\* 400 of 401 services/);
  expect(allText(body)).toMatch(/:no_entry: denied \(1\): shop\/\S+/);
  expect(allText(body)).toMatch(/…and \d+ more services\. Run `eksnet whoami-reach shop\/frontend` to print everything\./);
  // Both directions keep room: what reaches FROM is listed too, not crowded out.
  const reachedBy = body.blocks.find((b: any) => b.text?.text?.startsWith('*Reached by*'));
  expect(reachedBy.text.text.split('\n').length).toBeGreaterThan(20);
});

it('--json output is cut into code blocks within the limits', async () => {
  const body = await slash('whoami-reach shop/frontend shop/big --json');
  expectWithinLimits(body);
  expect(body.blocks.find((b: any) => b.type === 'section').text.text).toMatch(/^```\n\{\n  "verdict": "denied",/);
  expect(allText(body)).toMatch(/…and \d+ more lines\. Run `eksnet whoami-reach shop\/frontend shop\/big --json` to print everything\./);
});

it('the worker posts a large answer to response_url within the limits, in the channel with --share', async () => {
  let posted: any;
  const hooks = nock(RESPONSE_HOST)
    .post(RESPONSE_PATH, (b) => {
      posted = b;
      return true;
    })
    .reply(200, 'ok');
  await worker({ eksnetJob: { command: 'whoami-reach', argv: ['shop/frontend', 'shop/big'], userId: 'U0001', channelId: 'C0001', responseUrl: RESPONSE_URL, share: true, ref: 'job00001' } });
  expect(hooks.isDone()).toBe(true);
  expect(posted.response_type).toBe('in_channel');
  expectWithinLimits(posted);
  expect(allText(posted)).toContain('more failing flows');
});

it('the worker answers a job once even when Lambda delivers it twice, to another container', async () => {
  let posts = 0;
  nock(RESPONSE_HOST)
    .post(RESPONSE_PATH, () => ++posts > 0)
    .times(2)
    .reply(200, 'ok');
  const job = { command: 'whoami-reach', argv: ['nope', 'shop/big'], userId: 'U0001', responseUrl: RESPONSE_URL, share: false, ref: 'job00002' };
  await worker({ eksnetJob: job });
  // A second container: a fresh copy of the module, nothing shared but the state store (EKSNET_STATE_DIR).
  let otherContainer: typeof worker | undefined;
  jest.isolateModules(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    otherContainer = require('../../src/slack/worker').handler;
  });
  await otherContainer!({ eksnetJob: job });
  expect(posts).toBe(1);
  // And a redelivery to the same container.
  await worker({ eksnetJob: job });
  expect(posts).toBe(1);
  expect(logs.lines.some((l) => l.includes('already answered'))).toBe(true);
});
