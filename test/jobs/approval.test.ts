// "Upgrade" clicks on add-on offers: signed interactivity requests into the real `slack` Lambda handler,
// asserted at the wire (response_url, usergroups.users.list, EKS DescribeAddon and UpdateAddon).
// UpdateAddon: POST /clusters/{name}/addons/{addon}/update with addonVersion, resolveConflicts and the
// idempotency token clientRequestToken (https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html).
import nock from 'nock';
import { handler as jobsHandler, resetJobsHandler } from '../../jobs/handler';
import { upgradeToken } from '../../src/addons/upgrade';
import { enforceLimits, limitViolations } from '../../src/render/slack/limits';
import { renderAddonOffer } from '../../src/render/slack/addon-offer';
import type { SlackMessage } from '../../src/render/slack/types';
import { handler, resetSlackHandler } from '../../src/slack/lambda';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { clearGroupCache } from '../../src/slack/usergroups';
import { allText, BOT_TOKEN, captureLogs, httpApiEvent, RESPONSE_HOST, RESPONSE_PATH, RESPONSE_URL, SIGNING_SECRET, SLACK_API, isolateEnv } from '../slack/helpers';
import { fakeAwsEnv } from '../wire/env';
import { DEMO_SNAPSHOT, freshStateDir, slackPosts } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'EKSNET_WORKER_FUNCTION', 'SLACK_SECRETS_SSM_PREFIX', 'EKSNET_STATE_DIR', 'EKSNET_STATE_BUCKET', 'EKSNET_STATE_TABLE'];
const clearEnv = isolateEnv(ENV_KEYS);
let logs: ReturnType<typeof captureLogs>;
let restoreAws: () => void;

const EKS = 'https://eks.eu-west-1.amazonaws.com';
const FROM = 'v1.19.0-eksbuild.1';
const TO = 'v1.19.2-eksbuild.5';

function configure(approvers: string[], cluster = 'prod'): void {
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: cluster, region: 'eu-west-1', channel: 'C0PROD' }], authorization: { approvers } });
}

function offerMessage(cluster = 'prod'): SlackMessage {
  return enforceLimits(
    renderAddonOffer(cluster, [
      { name: 'coredns', current: 'v1.11.3-eksbuild.2', latest: 'v1.11.4-eksbuild.2', upgradeAvailable: true, managed: true },
      { name: 'vpc-cni', current: FROM, latest: TO, upgradeAvailable: true, managed: true },
    ])!,
  );
}

let seq = 0;
/** The block_actions form body Slack sends when someone clicks a button on a message the bot posted in a channel. */
function clickBody(message: SlackMessage, addon: string, user: string): string {
  const block = message.blocks!.find((b: any) => b.accessory?.action_id === `eksnet_addon_upgrade:${addon}`) as any;
  const payload = {
    type: 'block_actions',
    team: { id: 'T0001', domain: 'example' },
    user: { id: user, username: user.toLowerCase(), team_id: 'T0001' },
    api_app_id: 'A0001',
    token: 'deprecated-verification-token',
    container: { type: 'message', message_ts: '1700000000.000100', channel_id: 'C0PROD', is_ephemeral: false },
    trigger_id: `2000.${++seq}.abc`,
    channel: { id: 'C0PROD', name: 'prod-alerts' },
    message: { type: 'message', ts: '1700000000.000100', bot_id: 'B0001', text: message.text, blocks: message.blocks },
    response_url: RESPONSE_URL,
    actions: [{ type: 'button', action_id: block.accessory.action_id, block_id: block.block_id, text: block.accessory.text, value: block.accessory.value, action_ts: `1700000001.${seq}` }],
  };
  return new URLSearchParams({ payload: JSON.stringify(payload) }).toString();
}

/** Record what the listener posts to response_url. */
function responses(times = 5): any[] {
  const got: any[] = [];
  nock(RESPONSE_HOST)
    .post(RESPONSE_PATH)
    .times(times)
    .reply(200, (_uri, body) => {
      got.push(typeof body === 'string' ? JSON.parse(body) : body);
      return 'ok';
    });
  return got;
}

function describeAddon(version: string, cluster = 'prod', times = 1) {
  return nock(EKS)
    .get(`/clusters/${cluster}/addons/vpc-cni`)
    .times(times)
    .reply(200, { addon: { addonName: 'vpc-cni', clusterName: cluster, addonVersion: version, status: 'ACTIVE' } });
}

function updateAddon(bodies: any[], cluster = 'prod', times = 1) {
  return nock(EKS)
    .post(`/clusters/${cluster}/addons/vpc-cni/update`)
    .times(times)
    .reply(200, (_uri, body) => {
      bodies.push(typeof body === 'string' ? JSON.parse(body) : body);
      return { update: { id: '7b3e4f5a-1c2d-3e4f-8a9b-0c1d2e3f4a5b', status: 'InProgress', type: 'AddonUpdate', params: [{ type: 'AddonVersion', value: TO }] } };
    });
}

async function click(message: SlackMessage, user: string, addon = 'vpc-cni') {
  const res = await handler(httpApiEvent(clickBody(message, addon, user)), {});
  expect(res.statusCode).toBe(200);
  return res;
}

beforeEach(() => {
  clearEnv();
  Object.assign(process.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/` });
  restoreAws = fakeAwsEnv({ AWS_MAX_ATTEMPTS: '1' });
  clearSecretsCache();
  clearGroupCache();
  resetSlackHandler();
  resetJobsHandler();
  process.env.EKSNET_STATE_DIR = freshStateDir();
  logs = captureLogs(setLogSink);
});
afterEach(() => {
  logs.restore();
  restoreAws();
  nock.cleanAll();
});

describe('approving an add-on upgrade', () => {
  it('an approver\'s click re-checks the version, calls UpdateAddon exactly once, and replaces the offer with who approved and the update id', async () => {
    configure(['U0ALICE']);
    const got = responses();
    const bodies: any[] = [];
    const described = describeAddon(FROM);
    const updated = updateAddon(bodies, 'prod', 2);

    await click(offerMessage(), 'U0ALICE');

    expect(described.isDone()).toBe(true);
    expect(bodies).toEqual([{ addonVersion: TO, resolveConflicts: 'PRESERVE', clientRequestToken: upgradeToken('prod', 'vpc-cni', TO) }]);
    expect(updated.pendingMocks()).toHaveLength(1); // the second allowed call never came
    expect(got).toHaveLength(1);
    expect(got[0].replace_original).toBe(true);
    const text = allText(got[0]);
    expect(text).toContain(':arrows_counterclockwise: *vpc-cni* on prod: <@U0ALICE> approved the upgrade `v1.19.0-eksbuild.1` → `v1.19.2-eksbuild.5`; EKS update `7b3e4f5a-1c2d-3e4f-8a9b-0c1d2e3f4a5b` (InProgress).');
    // The other add-on keeps its button.
    expect(got[0].blocks.filter((b: any) => b.accessory).map((b: any) => b.accessory.action_id)).toEqual(['eksnet_addon_upgrade:coredns']);
    expect(limitViolations(got[0])).toEqual([]);
    expect(logs.lines.some((l) => l.includes('add-on upgrade approved and started') && l.includes('"user":"U0ALICE"'))).toBe(true);
  });

  it('a double click (or a Slack retry) sends the same clientRequestToken, so EKS starts one update', async () => {
    configure(['U0ALICE', 'U0BOB']);
    responses();
    const bodies: any[] = [];
    describeAddon(FROM, 'prod', 2);
    updateAddon(bodies, 'prod', 2);

    await click(offerMessage(), 'U0ALICE');
    await click(offerMessage(), 'U0BOB');

    expect(bodies).toHaveLength(2);
    expect(bodies[0].clientRequestToken).toBe(bodies[1].clientRequestToken);
    expect(bodies[0].clientRequestToken).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/);
  });

  it('a member of an approver user group may approve (usergroups.users.list)', async () => {
    configure(['S0PLATFORM']);
    nock(SLACK_API).post('/api/usergroups.users.list', (b) => b.usergroup === 'S0PLATFORM').reply(200, { ok: true, users: ['U0BOB'] });
    const got = responses();
    const bodies: any[] = [];
    describeAddon(FROM);
    updateAddon(bodies);
    await click(offerMessage(), 'U0BOB');
    expect(bodies).toHaveLength(1);
    expect(got[0].replace_original).toBe(true);
  });

  it('someone who is not an approver is refused, ephemerally, and AWS is never called', async () => {
    configure(['U0ALICE', 'S0PLATFORM']);
    nock(SLACK_API).post('/api/usergroups.users.list').reply(200, { ok: true, users: ['U0BOB'] });
    const got = responses();
    const bodies: any[] = [];
    const described = describeAddon(FROM);
    updateAddon(bodies);

    await click(offerMessage(), 'U0MALLORY');

    expect(described.isDone()).toBe(false);
    expect(bodies).toHaveLength(0);
    expect(got).toEqual([
      {
        response_type: 'ephemeral',
        replace_original: false,
        text: ':lock: You may not run the vpc-cni upgrade on prod: `addon-upgrade` is limited to the users and groups in authorization.approvers, and you are not one of them.',
      },
    ]);
  });

  it('with no approvers configured everyone is refused (CONTRACT §4)', async () => {
    configure([]);
    const got = responses();
    const described = describeAddon(FROM);
    await click(offerMessage(), 'U0ALICE');
    expect(described.isDone()).toBe(false);
    expect(got[0].text).toBe(
      ':lock: You may not run the vpc-cni upgrade on prod: `addon-upgrade` changes state, and no approvers are configured (authorization.approvers), so nobody may run it yet.',
    );
  });

  it('a stale offer (the add-on is no longer on the offered version) does nothing and says so', async () => {
    configure(['U0ALICE']);
    const got = responses();
    const bodies: any[] = [];
    describeAddon(TO);
    updateAddon(bodies);
    await click(offerMessage(), 'U0ALICE');
    expect(bodies).toHaveLength(0);
    expect(got).toHaveLength(1);
    expect(got[0]).toMatchObject({ response_type: 'ephemeral', replace_original: false });
    expect(got[0].text).toBe(
      ':information_source: vpc-cni on prod runs `v1.19.2-eksbuild.5` now, not `v1.19.0-eksbuild.1` as when this offer was made, so nothing was done; `eksnet addons --cluster prod` shows what is current.',
    );
  });

  it('in snapshot mode (EKSNET_SNAPSHOT) nothing calls AWS: upgrades need a live cluster', async () => {
    configure(['U0ALICE']);
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    const got = responses();
    const described = describeAddon(FROM);
    await click(offerMessage(), 'U0ALICE');
    expect(described.isDone()).toBe(false);
    expect(got[0].text).toBe(':information_source: Add-on upgrades need a live cluster: eksnet is answering from a snapshot (EKSNET_SNAPSHOT), so nothing was changed.');
  });

  it('an offer for a cluster that is not configured is refused', async () => {
    configure(['U0ALICE'], 'staging');
    const got = responses();
    const described = describeAddon(FROM);
    await click(offerMessage('prod'), 'U0ALICE');
    expect(described.isDone()).toBe(false);
    expect(got[0].text).toContain('cluster prod is not in the eksnet configuration');
  });

  it('EKS refusing the update: one sentence and a reference; the details only in the logs', async () => {
    configure(['U0ALICE']);
    const got = responses();
    describeAddon(FROM);
    nock(EKS)
      .post('/clusters/prod/addons/vpc-cni/update')
      .reply(403, { message: 'User: arn:aws:sts::111122223333:assumed-role/eksnet/x is not authorized to perform: eks:UpdateAddon' }, { 'x-amzn-errortype': 'AccessDeniedException' });
    await click(offerMessage(), 'U0ALICE');
    expect(got).toHaveLength(1);
    const m = /reference ([0-9a-f]{8}) in the eksnet logs/.exec(got[0].text);
    expect(got[0].text).toMatch(/^:warning: eksnet could not start the vpc-cni upgrade on prod \(eksnet is not allowed to update add-ons \(eks:DescribeAddon, eks:UpdateAddon\)\); reference [0-9a-f]{8} in the eksnet logs has the details\.$/);
    expect(got[0].text).not.toContain('arn:aws');
    expect(logs.lines.some((l) => l.includes('add-on upgrade failed') && l.includes(m![1]!))).toBe(true);
  });
});

describe('from the scheduled offer to the upgrade', () => {
  it('the button the add-on check posts, clicked by an approver, upgrades that add-on to the offered version', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'demo-eks', region: 'eu-west-1', channel: 'C0PROD' }], authorization: { approvers: ['U0ALICE'] } });
    const posted = slackPosts(SLACK_API);
    await jobsHandler({ job: 'addon-check', scheduledTime: '2026-11-30T08:00:00Z' });
    expect(posted).toHaveLength(1);

    // The offer came from a snapshot; the click reaches a deployment that manages the live cluster.
    delete process.env.EKSNET_SNAPSHOT;
    resetSlackHandler();
    const got = responses();
    const bodies: any[] = [];
    describeAddon(FROM, 'demo-eks');
    updateAddon(bodies, 'demo-eks');
    await click({ text: posted[0]!.text, blocks: posted[0]!.blocks }, 'U0ALICE');
    expect(bodies).toEqual([{ addonVersion: TO, resolveConflicts: 'PRESERVE', clientRequestToken: upgradeToken('demo-eks', 'vpc-cni', TO) }]);
    expect(got[0].replace_original).toBe(true);
  });
});

describe('upgradeToken', () => {
  it('is the same for the same (cluster, add-on, version) and differs when any of them differs', () => {
    const t = upgradeToken('prod', 'vpc-cni', TO);
    expect(upgradeToken('prod', 'vpc-cni', TO)).toBe(t);
    expect(new Set([t, upgradeToken('staging', 'vpc-cni', TO), upgradeToken('prod', 'coredns', TO), upgradeToken('prod', 'vpc-cni', FROM)]).size).toBe(4);
  });
});
