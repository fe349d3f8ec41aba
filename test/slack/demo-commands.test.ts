// Every registered subcommand through the real handler on the bundled demo snapshot (EKSNET_SNAPSHOT=demo/snapshot,
// as on Lambda): answers fit Slack's limits, whichever renderer (own or the generic code-block one) they use.
import * as path from 'node:path';
import nock from 'nock';
import { handler, resetSlackHandler } from '../../src/slack/lambda';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { limitViolations } from '../../src/render/slack/limits';
import { allText, BOT_TOKEN, captureLogs, httpApiEvent, SIGNING_SECRET, slashBody } from './helpers';

let logs: ReturnType<typeof captureLogs>;
const cwd = process.cwd();

beforeAll(() => {
  // Lambda runs in the package root; EKSNET_SNAPSHOT=demo/snapshot is relative to it.
  process.chdir(path.join(__dirname, '..', '..'));
  nock.disableNetConnect();
  process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
  process.env.SLACK_BOT_TOKEN = BOT_TOKEN;
  process.env.EKSNET_SNAPSHOT = 'demo/snapshot';
  clearSecretsCache();
  resetSlackHandler();
  logs = captureLogs(setLogSink);
});
afterAll(() => {
  logs.restore();
  process.chdir(cwd);
  for (const k of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'EKSNET_SNAPSHOT']) delete process.env[k];
  nock.enableNetConnect();
});

async function slash(text: string) {
  const res = await handler(httpApiEvent(slashBody(text)), {});
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body);
}

it('whoami-reach on the demo cluster names demo-eks and the snapshot', async () => {
  const body = await slash('whoami-reach shop/frontend shop/checkout');
  expect(body.blocks[0].text.text).toMatch(/^:white_check_mark: \*ALLOWED\*  shop\/svc\/frontend → shop\/svc\/checkout/);
  expect(body.blocks[1].elements[0].text).toMatch(/^cluster demo-eks \(snapshot demo\/snapshot/);
  expect(limitViolations(body)).toEqual([]);
});

it.each(['posture', 'addons', 'drift --baseline demo/snapshot', 'posture --json'])('/eksnet %s answers within the limits', async (text) => {
  const body = await slash(text);
  expect(body.response_type).toBe('ephemeral');
  expect(body.text).not.toMatch(/^eksnet: |could not finish/);
  expect(body.blocks.length).toBeGreaterThan(0);
  expect(limitViolations(body)).toEqual([]);
});

it('drift refuses a baseline outside the deployment', async () => {
  for (const p of ['/etc', '../secrets', 'baselines/../../etc']) {
    expect((await slash(`drift --baseline ${p}`)).text).toBe('eksnet: --baseline must be a path relative to the deployment (e.g. baselines/prod), without ..');
  }
});

it('baseline (changes state) is refused while no approvers are configured', async () => {
  const body = await slash('baseline save --out /tmp/x');
  expect(body.text).toBe(
    ':lock: You may not run `/eksnet baseline`: `baseline` changes state, and no approvers are configured (authorization.approvers), so nobody may run it yet.',
  );
});

it('help lists every registered subcommand', async () => {
  const text = allText(await slash('help'));
  for (const name of ['whoami-reach', 'drift', 'baseline', 'addons', 'posture']) expect(text).toContain(`\`/eksnet ${name}\``);
});
