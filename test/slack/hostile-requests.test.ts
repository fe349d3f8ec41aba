// Issue 10: requests probed as an attacker and a careless operator would, into the real `slack` Lambda handler.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { createServer, type Server, type Socket } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { handler, resetSlackHandler } from '../../src/slack/lambda';
import { clearGroupCache } from '../../src/slack/usergroups';
import { MAX_BODY_BYTES } from '../../src/slack/request';
import { applyEnv, startLocalAws } from '../state/local-servers';
import { buttonBody, httpApiEvent, RESPONSE_HOST, SLACK_API, slashBody, freshSlackPerTest } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'EKSNET_WORKER_FUNCTION', 'AWS_REGION'];
const logs = freshSlackPerTest(ENV_KEYS);

async function slash(text: string, opts: Parameters<typeof slashBody>[1] = {}) {
  const res = await handler(httpApiEvent(slashBody(text, opts)), {});
  return { res, body: res.body ? JSON.parse(res.body) : undefined };
}

/** A form body signed correctly, whatever it holds. */
function signed(body: string, opts: { ts?: number } = {}) {
  return httpApiEvent(body, { ts: opts.ts });
}

describe('malformed requests are a 4xx, never a 500', () => {
  it.each([
    ['payload={bad', 'payload=%7Bbad'],
    ['payload that is a JSON string', `payload=${encodeURIComponent('"x"')}`],
    ['payload without a user', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', actions: [{ action_id: 'x' }] }))}`],
    ['block_actions without actions', `payload=${encodeURIComponent(JSON.stringify({ type: 'block_actions', user: { id: 'U1' } }))}`],
    ['slash command without a response_url', 'command=%2Feksnet&user_id=U1&text=help'],
    ['neither command nor payload', 'hello=world'],
    ['empty body', ''],
  ])('signed %s: 400, and the log holds no request text', async (_name, body) => {
    const res = await handler(signed(body), {});
    expect(res.statusCode).toBe(400);
    expect(logs.lines.join('\n')).not.toContain('bad');
    expect(logs.lines.join('\n')).not.toMatch(/stack|at Object\./);
  });

  it('unsigned payload={bad is refused by the signature check (401) before anything parses it', async () => {
    const res = await handler(httpApiEvent('payload={bad', { signature: 'v0=' + '0'.repeat(64) }), {});
    expect(res.statusCode).toBe(401);
    const noHeaders = await handler({ ...httpApiEvent('payload={bad'), headers: {} } as any, {});
    expect(noHeaders.statusCode).toBe(401);
  });

  it('a JSON body that is not JSON, or a content type that is neither form nor JSON, is refused', async () => {
    const json = httpApiEvent('{"type":');
    json.headers!['content-type'] = 'application/json';
    expect((await handler(json, {})).statusCode).toBe(400);
    const xml = httpApiEvent('<x/>');
    xml.headers!['content-type'] = 'text/xml';
    expect((await handler(xml, {})).statusCode).toBe(415);
  });

  it('a content type with parameters is still understood', async () => {
    const event = httpApiEvent(slashBody('whoami-reach shop/checkout shop/payments'));
    event.headers!['content-type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    const res = await handler(event, {});
    expect(res.statusCode).toBe(200);
    expect(JSON.parse(res.body).blocks[0].text.text).toMatch(/ALLOWED/);
  });

  it('a body above the limit is refused (413) before its signature is computed or it is parsed', async () => {
    const body = 'command=%2Feksnet&text=' + 'a'.repeat(MAX_BODY_BYTES);
    const res = await handler(signed(body), {});
    expect(res.statusCode).toBe(413);
    const b64 = httpApiEvent(body, { base64: true });
    expect((await handler(b64, {})).statusCode).toBe(413);
  });
});

describe('timestamps and replays', () => {
  // https://api.slack.com/authentication/verifying-requests-from-slack: compare the timestamp with local time.
  it('a timestamp more than 60 s ahead is refused; a small skew is accepted', async () => {
    const now = Math.floor(Date.now() / 1000);
    expect((await handler(signed(slashBody('help'), { ts: now + 120 }), {})).statusCode).toBe(401);
    expect((await handler(signed(slashBody('help'), { ts: now + 30 }), {})).statusCode).toBe(200);
  });

  it('a replay is refused by another container too: the claim is in the durable store', async () => {
    const event = signed(slashBody('whoami-reach shop/checkout shop/payments'));
    expect((await handler(event, {})).statusCode).toBe(200);
    resetSlackHandler(); // a fresh app, as in a second Lambda container
    expect((await handler({ ...event }, {})).statusCode).toBe(401);
    expect(logs.lines.some((l) => l.includes('refused a replayed Slack request'))).toBe(true);
  });

  it('with the AWS state store (DynamoDB on dynalite), two containers share the replay guard', async () => {
    const aws = await startLocalAws({ table: 'eksnet-replay-test', bucket: 'eksnet-replay-test' });
    const undo = applyEnv(aws.env);
    nock.enableNetConnect('127.0.0.1');
    try {
      const { openStateStore } = await import('../../src/state/index');
      await openStateStore(process.env).init();
      const event = signed(slashBody('whoami-reach shop/checkout shop/payments'));
      expect((await handler(event, {})).statusCode).toBe(200);
      resetSlackHandler();
      expect((await handler({ ...event }, {})).statusCode).toBe(401);
    } finally {
      nock.disableNetConnect();
      undo();
      await aws.stop();
    }
  });
});

describe('an invalid object in the snapshot', () => {
  it('the answer names the file, the object and the rule, and analyses nothing', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-invalid-'));
    writeFileSync(path.join(dir, 'np.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 80, endPort: 70}]\n');
    process.env.EKSNET_SNAPSHOT = dir;
    const { body } = await slash('whoami-reach shop/frontend shop/payments');
    expect(body.response_type).toBe('ephemeral');
    expect(body.text).toContain(`${path.join(dir, 'np.yaml')}: NetworkPolicy shop/allow: spec.ingress[0].ports[0].endPort: Invalid value: 70: must be greater than or equal to \`port\` (Kubernetes ValidateNetworkPolicy)`);
    expect(body.blocks).toBeUndefined();
  });
});

describe('a configuration error', () => {
  it('is logged once at start, and every command answers "eksnet is misconfigured: <key>"', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'prod', region: 'eu-west-1' }], chanels: { C0PROD: { clusters: ['prod'] } } });
    const first = await slash('whoami-reach shop/frontend shop/payments');
    expect(first.body.text).toBe(':warning: eksnet is misconfigured: chanels (the operator can run `eksnet config check`); nothing was run.');
    const second = await slash('posture');
    expect(second.body.text).toContain('eksnet is misconfigured: chanels');
    const startLines = logs.lines.filter((l) => l.includes('every command answers'));
    expect(startLines).toHaveLength(1);
    expect(JSON.parse(startLines[0]!)).toMatchObject({ level: 'error', key: 'chanels', error: 'config: chanels: unknown key (did you mean "channels"?)' });
    expect(logs.lines.some((l) => l.includes('command answered'))).toBe(false);
  });

  it('config check runs in the CLI only', async () => {
    const { body } = await slash('config check');
    expect(body.text).toMatch(/^:lock: You may not run `\/eksnet config`: `config` .*runs only from the eksnet CLI/);
  });
});

describe('scope: the configuration fixes cluster, region and role', () => {
  beforeEach(() => {
    delete process.env.EKSNET_SNAPSHOT;
    process.env.AWS_REGION = 'eu-west-1';
    process.env.EKSNET_WORKER_FUNCTION = 'eksnet-dev-worker';
  });

  it('a channel bound to prod cannot add --region', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'prod', region: 'eu-west-1' }], channels: { C0PROD: { clusters: ['prod'] } } });
    const lambda = nock('https://lambda.eu-west-1.amazonaws.com').post(/.*/).reply(202);
    const { body } = await slash('whoami-reach a b --region us-east-1', { channel: 'C0PROD' });
    expect(body.text).toBe(':lock: You may not run `/eksnet whoami-reach` in this channel: cluster prod is configured in eu-west-1; --region us-east-1 cannot be chosen from Slack.');
    expect(lambda.isDone()).toBe(false);
  });

  it('with clusters configured and no channels, nothing else is reachable', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'prod', region: 'eu-west-1' }] });
    const lambda = nock('https://lambda.eu-west-1.amazonaws.com').post(/.*/).reply(202);
    const { body } = await slash('whoami-reach a b --cluster some-other-cluster --region us-west-2');
    expect(body.text).toBe(':lock: You may not run `/eksnet whoami-reach` in this channel: cluster some-other-cluster is not in the eksnet configuration (clusters: prod).');
    expect(lambda.isDone()).toBe(false);
  });

  it('with no cluster configured, a live cluster cannot be named from Slack', async () => {
    const { body } = await slash('posture --cluster anything');
    expect(body.text).toContain('cluster anything is not in the eksnet configuration, which lists no clusters');
  });

  it('the Share button is checked the same way (its words name another cluster)', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'prod', region: 'eu-west-1' }, { name: 'staging', region: 'eu-west-1' }], channels: { C0PROD: { clusters: ['prod'] } } });
    let answer: any;
    const hook = nock(RESPONSE_HOST).post(/.*/, (b) => ((answer = b), true)).reply(200, 'ok');
    const res = await handler(httpApiEvent(buttonBody('eksnet_share', JSON.stringify({ c: 'posture', a: ['--cluster', 'staging'] }), { channel: 'C0PROD' })), {});
    expect(res.statusCode).toBe(200);
    expect(hook.isDone()).toBe(true);
    expect(answer.text).toBe(':lock: You may not run `/eksnet posture` in this channel: this channel may query only prod, not staging.');
  });
});

describe('user groups: short timeout, durable cache, refusal that says why', () => {
  let server: Server;
  const sockets: Socket[] = [];
  beforeAll(async () => {
    // Accepts the connection and never answers.
    server = createServer((s) => void sockets.push(s));
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  });
  afterAll(async () => {
    for (const s of sockets) s.destroy();
    await new Promise<void>((r) => server.close(() => r()));
  });

  it('a Slack API that never answers: refused within the ack deadline, saying why', async () => {
    process.env.SLACK_API_URL = `http://127.0.0.1:${(server.address() as { port: number }).port}/api/`;
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ authorization: { commands: { 'whoami-reach': ['S0SLOW'] } } });
    nock.enableNetConnect('127.0.0.1');
    try {
      const started = Date.now();
      const { body } = await slash('whoami-reach shop/frontend shop/payments', { user: 'U0SOMEONE' });
      expect(Date.now() - started).toBeLessThan(3000);
      expect(body.text).toBe(
        ':lock: You may not run `/eksnet whoami-reach`: `whoami-reach` is limited to the users and groups in authorization.commands.whoami-reach, and eksnet could not read the members of user group S0SLOW from Slack (Slack did not answer within 1500 ms), so it cannot tell whether you are one of them; try again in a moment.',
      );
    } finally {
      nock.disableNetConnect();
    }
  });

  it('members read once are served to another container from the store, without asking Slack', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ authorization: { commands: { 'whoami-reach': ['S0TEAM'] } } });
    const api = nock(SLACK_API).post('/api/usergroups.users.list').once().reply(200, { ok: true, users: ['U0MEMBER'] });
    expect((await slash('whoami-reach shop/frontend shop/payments', { user: 'U0MEMBER' })).body.blocks[0].text.text).toMatch(/DENIED/);
    expect(api.isDone()).toBe(true);
    clearGroupCache();
    resetSlackHandler();
    // No interceptor left: a call to Slack would fail and refuse; the stored members answer instead.
    expect((await slash('whoami-reach shop/frontend shop/payments', { user: 'U0MEMBER' })).body.blocks[0].text.text).toMatch(/DENIED/);
    expect((await slash('whoami-reach shop/frontend shop/payments', { user: 'U0OTHER' })).body.text).toContain('and you are not one of them');
  });
});

