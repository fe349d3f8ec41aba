// The `slack` Lambda handler driven with signed API Gateway HTTP API v2 events, asserted at the wire.
import nock from 'nock';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { COMMANDS } from '../../commands/index';
import type { Command } from '../../commands/types';
import { handler } from '../../src/slack/lambda';
import { limitViolations } from '../../src/render/slack/limits';
import { allText, BOT_TOKEN, buttonBody, FIXTURE_SNAPSHOT, httpApiEvent, RESPONSE_HOST, RESPONSE_PATH, SIGNING_SECRET, SLACK_API, slashBody, freshSlackPerTest } from './helpers';

const ENV_KEYS = ['EKSNET_STATE_DIR', 'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'EKSNET_WORKER_FUNCTION', 'SLACK_SECRETS_SSM_PREFIX'];
// Share claims live in the state store: a fresh directory per test.
const logs = freshSlackPerTest(ENV_KEYS, () => ({ EKSNET_STATE_DIR: mkdtempSync(path.join(tmpdir(), 'eksnet-slack-')) }));


async function slash(text: string, opts: Parameters<typeof slashBody>[1] = {}) {
  const res = await handler(httpApiEvent(slashBody(text, opts)), {});
  const body = res.body ? JSON.parse(res.body) : undefined;
  return { res, body };
}

describe('whoami-reach answered from a snapshot (EKSNET_SNAPSHOT)', () => {
  it('acks with the Block Kit answer: verdict first, cluster and data age, one line per blocking layer, the fix once as code', async () => {
    const { res, body } = await slash('whoami-reach shop/frontend shop/payments');
    expect(res.statusCode).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    expect(body.blocks[0].text.text).toBe(':no_entry: *DENIED* shop/svc/frontend → shop/svc/payments 8443/TCP: 0 of 1 flow allowed');
    expect(body.blocks[1].elements[0].text).toMatch(/^cluster fixture-eks \(snapshot .*slack-snapshot, collected .* ago\)/);
    const text = allText(body);
    expect(text).toContain(':no_entry: *networkpolicy-ingress* — NetworkPolicy shop/payments-from-checkout isolates shop/payments pods for ingress, and none admits shop/frontend on TCP 8443.');
    // Layers with the same reason are one line; the allowing layer is in the "pass" line.
    expect(text).toContain(':grey_question: *security-group-egress, nacl-outbound, route, nacl-return* not evaluated — No network interface in the snapshot holds 10.0.1.10');
    expect(text).toContain(':white_check_mark: networkpolicy-egress: pass  ·  This answer covers only the evaluated layers.');
    // The fix is code to copy, escaped as Slack's rule asks (<< shows as typed).
    expect(text).toMatch(/\*Fix\*\n```\nkubectl apply -f - &lt;&lt;'EOF'\napiVersion: networking.k8s.io\/v1\nkind: NetworkPolicy/);
    // Ephemeral answers carry a "Share in channel" button with the words to run again.
    const actions = body.blocks.find((b: any) => b.type === 'actions');
    expect(actions.elements[0]).toMatchObject({ action_id: 'eksnet_share', value: JSON.stringify({ c: 'whoami-reach', a: ['shop/frontend', 'shop/payments'] }) });
    expect(limitViolations(body)).toEqual([]);
  });

  it('--share answers in the channel (no share button)', async () => {
    const { body } = await slash('whoami-reach shop/checkout shop/payments --share');
    expect(body.response_type).toBe('in_channel');
    expect(body.blocks[0].text.text).toMatch(/^:white_check_mark: \*ALLOWED\*/);
    expect(body.blocks.some((b: any) => b.type === 'actions')).toBe(false);
  });

  it('one reference maps what it reaches, compactly per Service', async () => {
    const { body } = await slash('whoami-reach shop/frontend');
    const text = allText(body);
    expect(text).toContain('*Reach map of shop/svc/frontend*');
    expect(text).toContain('*shop/svc/frontend reaches* 1 of 2 services\n:white_check_mark: *shop/checkout*  80/TCP :white_check_mark:');
    // Denied Services are named, not only counted.
    expect(text).toContain(':no_entry: denied (1): shop/payments');
  });

  it('a bad reference is one ephemeral line, the one the CLI prints for exit status 2, and what to do next', async () => {
    const { res, body } = await slash('whoami-reach nope shop/payments');
    expect(res.statusCode).toBe(200);
    expect(body).toEqual({ response_type: 'ephemeral', text: ':warning: unknown endpoint nope: no service, workload or pod named nope; `/eksnet help whoami-reach` shows the usage.' });
    const { body: typo } = await slash('whoami-reach shop/frontend shop/paymnets');
    expect(typo.text).toBe(':warning: unknown endpoint shop/paymnets: no service, workload or pod named paymnets in namespace shop; did you mean shop/payments?');
  });

  it('malformed words are refused before anything runs', async () => {
    const { body } = await slash('whoami-reach shop/frontend shop/payments --bogus');
    expect(body).toEqual({ response_type: 'ephemeral', text: ':warning: unknown option --bogus; `/eksnet help whoami-reach` shows the usage.' });
    const { body: snap } = await slash('whoami-reach a b --snapshot /etc');
    expect(snap.text).toBe(':warning: --snapshot names a file on the server and is not available from Slack; use the eksnet CLI; `/eksnet help whoami-reach` shows the usage.');
  });
});

describe('router', () => {
  it('an unknown subcommand shows usage with examples', async () => {
    const { body } = await slash('frobnicate now');
    expect(body.response_type).toBe('ephemeral');
    const text = allText(body);
    expect(text).toContain(':warning: Unknown subcommand "frobnicate".');
    expect(text).toContain('`/eksnet whoami-reach`');
    expect(text).toContain('`/eksnet whoami-reach shop/frontend shop/checkout`');
  });

  it.each(['', 'help'])('"%s" shows usage', async (text) => {
    const { body } = await slash(text);
    expect(allText(body)).toContain('*Usage:* `/eksnet &lt;subcommand&gt; [args]`');
  });

  it('help SUBCOMMAND and --help show that subcommand', async () => {
    for (const t of ['help whoami-reach', 'whoami-reach --help']) {
      const { body } = await slash(t);
      // Only what works from Slack: --batch reads a server file.
      expect(body.text).toBe('Usage: /eksnet whoami-reach FROM [TO [PORT[/PROTOCOL]]]');
    }
  });
});

describe('request verification (Bolt) and replays', () => {
  it('a forged signature gets 401 and nothing runs or is posted', async () => {
    const hooks = nock(RESPONSE_HOST).post(/.*/).reply(200, 'ok');
    const res = await handler(httpApiEvent(slashBody('whoami-reach shop/frontend shop/payments'), { secret: 'not-the-secret' }), {});
    expect(res).toMatchObject({ statusCode: 401, body: '' });
    expect(hooks.isDone()).toBe(false);
    expect(logs.lines.some((l) => l.includes('command answered'))).toBe(false);
  });

  it('a correctly signed request older than five minutes gets 401', async () => {
    const ts = Math.floor(Date.now() / 1000) - 6 * 60;
    const res = await handler(httpApiEvent(slashBody('whoami-reach shop/frontend shop/payments'), { ts }), {});
    expect(res.statusCode).toBe(401);
  });

  // https://api.slack.com/authentication/verifying-requests-from-slack: a timestamp more than five
  // minutes from local time may be a replay — in either direction.
  it('a correctly signed request dated more than five minutes ahead gets 401', async () => {
    const ts = Math.floor(Date.now() / 1000) + 6 * 60;
    const res = await handler(httpApiEvent(slashBody('whoami-reach shop/frontend shop/payments'), { ts }), {});
    expect(res.statusCode).toBe(401);
  });

  it('a click on a button this version does not know is acknowledged (no error shown in Slack)', async () => {
    const res = await handler(httpApiEvent(buttonBody('eksnet_retired_button', 'x')), {});
    expect(res.statusCode).toBe(200);
  });

  it('a replay of an accepted request gets 401', async () => {
    const event = httpApiEvent(slashBody('whoami-reach shop/frontend shop/payments'));
    expect((await handler(event, {})).statusCode).toBe(200);
    expect((await handler({ ...event }, {})).statusCode).toBe(401);
    expect(logs.lines.filter((l) => l.includes('command answered'))).toHaveLength(1);
  });

  it('an API Gateway REST (payload 1.0) event is served too', async () => {
    const v2 = httpApiEvent(slashBody('whoami-reach shop/checkout shop/payments'));
    const v1 = { httpMethod: 'POST', path: '/slack/events', resource: '/slack/events', headers: v2.headers, multiValueHeaders: {}, body: v2.body, isBase64Encoded: false, requestContext: {}, pathParameters: null, queryStringParameters: null, multiValueQueryStringParameters: null, stageVariables: null };
    const res = await handler(v1 as any, {});
    expect(JSON.parse(res.body).blocks[0].text.text).toMatch(/ALLOWED/);
  });

  it('a base64-encoded body (as API Gateway may send it) verifies', async () => {
    const res = await handler(httpApiEvent(slashBody('whoami-reach shop/checkout shop/payments'), { base64: true }), {});
    expect(JSON.parse(res.body).blocks[0].text.text).toMatch(/ALLOWED/);
  });
});

describe('authorisation', () => {
  const stateChanging: Command = {
    name: 'test-accept-baseline',
    summary: 'a state-changing command for this test',
    usage: 'test-accept-baseline',
    examples: [],
    readOnly: false,
    run: async () => ({ command: 'test-accept-baseline', data: { accepted: true }, exitCode: 0, notices: [] }),
  };
  beforeAll(() => COMMANDS.push(stateChanging));
  afterAll(() => COMMANDS.splice(COMMANDS.indexOf(stateChanging), 1));

  it('with no authorisation configured, a command that changes state is refused to everyone', async () => {
    const { body } = await slash('test-accept-baseline');
    expect(body).toEqual({
      response_type: 'ephemeral',
      text: ':lock: You may not run `/eksnet test-accept-baseline`: `test-accept-baseline` changes state, and no approvers are configured (authorization.approvers), so nobody may run it yet.',
    });
  });

  it('once approvers are configured, approvers may run it and others are refused', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ authorization: { approvers: ['U0APPROVER'] } });
    expect(allText((await slash('test-accept-baseline', { user: 'U0APPROVER' })).body)).toContain('"accepted": true');
    expect((await slash('test-accept-baseline', { user: 'U0001' })).body.text).toContain('is limited to the users and groups in authorization.approvers, and you are not one of them');
  });

  it('authorization.commands limits a read-only command to users and user groups (usergroups.users.list via SLACK_API_URL)', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ authorization: { commands: { 'whoami-reach': ['U0LISTED', 'S0PLATFORM'] } } });
    const api = nock(SLACK_API)
      .post('/api/usergroups.users.list', (b) => b.usergroup === 'S0PLATFORM')
      .matchHeader('authorization', `Bearer ${BOT_TOKEN}`)
      .reply(200, { ok: true, users: ['U0MEMBER'] });
    const refused = await slash('whoami-reach shop/frontend shop/payments', { user: 'U0STRANGER' });
    expect(refused.body.text).toBe(
      ':lock: You may not run `/eksnet whoami-reach`: `whoami-reach` is limited to the users and groups in authorization.commands.whoami-reach, and you are not one of them.',
    );
    expect(api.isDone()).toBe(true);
    // The group's members are cached: the member is let in without another API call.
    expect((await slash('whoami-reach shop/frontend shop/payments', { user: 'U0MEMBER' })).body.blocks[0].text.text).toMatch(/DENIED/);
    expect((await slash('whoami-reach shop/frontend shop/payments', { user: 'U0LISTED' })).body.blocks[0].text.text).toMatch(/DENIED/);
  });

  it('a channel may query only its configured clusters', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({
      clusters: [{ name: 'prod', region: 'eu-west-1' }, { name: 'staging', region: 'eu-west-1' }],
      channels: { C0PROD: { clusters: ['prod'], defaultCluster: 'prod' } },
    });
    expect((await slash('whoami-reach shop/frontend shop/payments', { channel: 'C0RANDOM' })).body.text).toBe(
      ':lock: You may not run `/eksnet whoami-reach` in this channel: this channel is not configured to query any cluster (channels in the eksnet configuration).',
    );
    expect((await slash('whoami-reach shop/frontend shop/payments --cluster staging', { channel: 'C0PROD' })).body.text).toBe(
      ':lock: You may not run `/eksnet whoami-reach` in this channel: this channel may query only prod, not staging.',
    );
    // The channel's own cluster is allowed (answered from EKSNET_SNAPSHOT here).
    expect((await slash('whoami-reach shop/frontend shop/payments', { channel: 'C0PROD' })).body.blocks[0].text.text).toMatch(/DENIED/);
  });
});

describe('live collection is handed to the worker', () => {
  beforeEach(() => {
    delete process.env.EKSNET_SNAPSHOT;
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'prod', region: 'eu-west-1' }], channels: { C0001: { clusters: ['prod'] } } });
    process.env.EKSNET_WORKER_FUNCTION = 'eksnet-dev-worker';
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
  });
  afterEach(() => {
    for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[k];
  });

  it('acks "working on it" and invokes the worker asynchronously (InvocationType Event) with the job', async () => {
    let payload: any;
    const lambda = nock('https://lambda.eu-west-1.amazonaws.com')
      .post('/2015-03-31/functions/eksnet-dev-worker/invocations', (b) => {
        payload = b;
        return true;
      })
      .matchHeader('x-amz-invocation-type', 'Event')
      .reply(202);
    const { res, body } = await slash('whoami-reach shop/frontend shop/payments --share');
    expect(res.statusCode).toBe(200);
    expect(body.response_type).toBe('ephemeral');
    // Issue 10: the job carries the configuration's cluster and region, never a user's.
    expect(body.text).toBe(':arrows_counterclockwise: Working on `/eksnet whoami-reach shop/frontend shop/payments --cluster prod --region eu-west-1` (cluster prod); the answer replaces this message shortly.');
    expect(lambda.isDone()).toBe(true);
    expect(payload.eksnetJob).toMatchObject({
      command: 'whoami-reach',
      argv: ['shop/frontend', 'shop/payments', '--cluster', 'prod', '--region', 'eu-west-1'],
      userId: 'U0001',
      channelId: 'C0001',
      responseUrl: RESPONSE_HOST + RESPONSE_PATH,
      share: true,
      // The worker's answer takes the place of "Working on…".
      replaceOriginal: true,
    });
  });

  it('EKSNET_SLACK_ASYNC=always hands even snapshot answers to the worker', async () => {
    process.env.EKSNET_SNAPSHOT = FIXTURE_SNAPSHOT;
    process.env.EKSNET_SLACK_ASYNC = 'always';
    try {
      const lambda = nock('https://lambda.eu-west-1.amazonaws.com').post('/2015-03-31/functions/eksnet-dev-worker/invocations').reply(202);
      const { body } = await slash('whoami-reach shop/frontend shop/payments');
      expect(body.text).toMatch(/^:arrows_counterclockwise: Working on/);
      expect(lambda.isDone()).toBe(true);
    } finally {
      delete process.env.EKSNET_SLACK_ASYNC;
    }
  });

  it('when the hand-off fails, the person gets one sentence with a reference, and the details go to the log', async () => {
    nock('https://lambda.eu-west-1.amazonaws.com').post(/.*/).times(5).reply(403, { Message: 'User: arn:aws:sts::123456789012:assumed-role/eksnet/slack is not authorized' }, { 'x-amzn-errortype': 'AccessDeniedException' });
    let posted: any;
    const hooks = nock(RESPONSE_HOST)
      .post(RESPONSE_PATH, (b) => {
        posted = b;
        return true;
      })
      .reply(200, 'ok');
    await slash('whoami-reach shop/frontend shop/payments');
    expect(hooks.isDone()).toBe(true);
    const ref = /reference ([0-9a-f]{8})/.exec(posted.text)![1];
    expect(posted.text).toBe(`:warning: eksnet could not finish \`whoami-reach\`. Try again in a minute; if it fails again, give reference ${ref} to whoever runs eksnet (the logs have the details).`);
    expect(posted.text).not.toContain('arn:aws');
    const line = logs.lines.find((l) => l.includes(ref) && l.includes('"level":"error"'))!;
    expect(JSON.parse(line)).toMatchObject({ msg: 'could not hand the job to the worker', ref });
    expect(line).toContain('arn:aws:sts::123456789012');
  });
});

describe('the "Share in channel" button (interactivity on the same route)', () => {
  it('acks the click and posts the answer in the channel via response_url', async () => {
    let posted: any;
    const hooks = nock(RESPONSE_HOST)
      .post(RESPONSE_PATH, (b) => {
        posted = b;
        return true;
      })
      .reply(200, 'ok');
    const res = await handler(httpApiEvent(buttonBody('eksnet_share', JSON.stringify({ c: 'whoami-reach', a: ['shop/frontend', 'shop/payments'] }))), {});
    expect(res).toMatchObject({ statusCode: 200, body: '' });
    expect(hooks.isDone()).toBe(true);
    expect(posted).toMatchObject({ response_type: 'in_channel', replace_original: false });
    expect(posted.blocks[0].text.text).toMatch(/^:no_entry: \*DENIED\*/);
  });

  it('posts once and says who shared: a second click (or a redelivery) gets "already shared"', async () => {
    const posts: any[] = [];
    nock(RESPONSE_HOST)
      .post(RESPONSE_PATH, (b) => {
        posts.push(b);
        return true;
      })
      .times(3)
      .reply(200, 'ok');
    const click = (user: string) => handler(httpApiEvent(buttonBody('eksnet_share', JSON.stringify({ c: 'whoami-reach', a: ['shop/frontend', 'shop/payments'] }), { user })), {});
    await click('U0001');
    await click('U0002');
    await click('U0001');
    expect(posts.map((p) => p.response_type)).toEqual(['in_channel', 'ephemeral', 'ephemeral']);
    expect(allText(posts[0])).toContain(':mega: Shared by <@U0001>');
    expect(posts[1].text).toBe(':mega: This answer is already shared in the channel.');
  });

  it('a refused click does not use up the share: an allowed person can still share', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ authorization: { commands: { 'whoami-reach': ['U0LISTED'] } } });
    const posts: any[] = [];
    nock(RESPONSE_HOST)
      .post(RESPONSE_PATH, (b) => {
        posts.push(b);
        return true;
      })
      .times(2)
      .reply(200, 'ok');
    const value = JSON.stringify({ c: 'whoami-reach', a: ['shop/frontend', 'shop/payments'] });
    await handler(httpApiEvent(buttonBody('eksnet_share', value, { user: 'U0STRANGER' })), {});
    await handler(httpApiEvent(buttonBody('eksnet_share', value, { user: 'U0LISTED' })), {});
    expect(posts.map((p) => p.response_type)).toEqual(['ephemeral', 'in_channel']);
    expect(allText(posts[1])).toContain('Shared by <@U0LISTED>');
  });

  it('re-checks authorisation for the person who clicks', async () => {
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ authorization: { commands: { 'whoami-reach': ['U0LISTED'] } } });
    let posted: any;
    nock(RESPONSE_HOST)
      .post(RESPONSE_PATH, (b) => {
        posted = b;
        return true;
      })
      .reply(200, 'ok');
    await handler(httpApiEvent(buttonBody('eksnet_share', JSON.stringify({ c: 'whoami-reach', a: ['shop/frontend', 'shop/payments'] }), { user: 'U0STRANGER' })), {});
    expect(posted).toMatchObject({ response_type: 'ephemeral' });
    expect(posted.text).toMatch(/^:lock: You may not run/);
  });
});

describe('failures and secrets', () => {
  it('an unexpected error reaches the user as one sentence and a reference; stack and tokens only in the (redacted) log', async () => {
    const whoami = COMMANDS.find((c) => c.name === 'whoami-reach')!;
    const spy = jest.spyOn(whoami, 'run').mockRejectedValueOnce(Object.assign(new Error(`boom with ${BOT_TOKEN} and arn:aws:iam::123456789012:role/x`), { name: 'Error' }));
    try {
      const { body } = await slash('whoami-reach shop/frontend shop/payments');
      const ref = /reference ([0-9a-f]{8})/.exec(body.text)![1];
      expect(body).toEqual({ response_type: 'ephemeral', text: `:warning: eksnet could not finish \`whoami-reach\`. Try again in a minute; if it fails again, give reference ${ref} to whoever runs eksnet (the logs have the details).` });
      const line = logs.lines.find((l) => l.includes(ref) && l.includes('command failed'))!;
      expect(JSON.parse(line).error.stack).toContain('boom');
      expect(logs.lines.join('\n')).not.toContain(BOT_TOKEN);
      expect(logs.lines.join('\n')).not.toContain(SIGNING_SECRET);
    } finally {
      spy.mockRestore();
    }
  });

  it('a missing SLACK_BOT_TOKEN does not break the import; the first event logs which variable is missing and gets 500', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    const res = await handler(httpApiEvent(slashBody('help')), {});
    expect(res.statusCode).toBe(500);
    const line = JSON.parse(logs.lines.find((l) => l.includes('cannot start'))!);
    expect(line.error.message).toBe('SLACK_BOT_TOKEN is not set (set it in the environment, or set SLACK_SECRETS_SSM_PREFIX to read it from SSM Parameter Store)');
  });

  it('reads the secrets from SSM Parameter Store (GetParameters, WithDecryption) when the environment lacks them', async () => {
    delete process.env.SLACK_BOT_TOKEN;
    delete process.env.SLACK_SIGNING_SECRET;
    process.env.SLACK_SECRETS_SSM_PREFIX = '/eksnet/slack/';
    process.env.AWS_REGION = 'eu-west-1';
    process.env.AWS_ACCESS_KEY_ID = 'AKIDEXAMPLE';
    process.env.AWS_SECRET_ACCESS_KEY = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';
    try {
      let request: any;
      const ssm = nock('https://ssm.eu-west-1.amazonaws.com')
        .post('/', (b) => {
          request = b;
          return true;
        })
        .matchHeader('x-amz-target', 'AmazonSSM.GetParameters')
        .reply(200, {
          Parameters: [
            { Name: '/eksnet/slack/signing-secret', Type: 'SecureString', Value: SIGNING_SECRET },
            { Name: '/eksnet/slack/bot-token', Type: 'SecureString', Value: BOT_TOKEN },
          ],
          InvalidParameters: [],
        });
      const { res, body } = await slash('whoami-reach shop/checkout shop/payments');
      expect(ssm.isDone()).toBe(true);
      expect(request).toEqual({ Names: ['/eksnet/slack/signing-secret', '/eksnet/slack/bot-token'], WithDecryption: true });
      expect(res.statusCode).toBe(200);
      expect(body.blocks[0].text.text).toMatch(/ALLOWED/);
    } finally {
      for (const k of ['AWS_REGION', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY']) delete process.env[k];
    }
  });
});
