// The scheduled drift digest, driven through the `jobs` Lambda handler and asserted at the wire
// (chat.postMessage on SLACK_API_URL, https://api.slack.com/methods/chat.postMessage).
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { limitViolations } from '../../src/render/slack/limits';
import { setLogSink } from '../../src/slack/log';
import { clearSecretsCache } from '../../src/slack/secrets';
import { allText, BOT_TOKEN, captureLogs, SIGNING_SECRET, SLACK_API, isolateEnv } from '../slack/helpers';
import { DEMO_SNAPSHOT, demoCopy, manyInternalRules, NODE_SG, openSshToWorld, slackPosts } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'EKSNET_BASELINE_DIR', 'SLACK_SECRETS_SSM_PREFIX'];
const clearEnv = isolateEnv(ENV_KEYS);
let logs: ReturnType<typeof captureLogs>;

const DAY1 = '2026-11-27T07:00:00Z';
const event = (scheduledTime = DAY1) => ({ job: 'drift-digest' as const, scheduledTime, executionId: 'd32c5kddcf5bb8c3' });

function configure(clusters: object[]): void {
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters });
}

beforeEach(() => {
  clearEnv();
  process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
  process.env.SLACK_BOT_TOKEN = BOT_TOKEN;
  process.env.SLACK_API_URL = `${SLACK_API}/api/`;
  clearSecretsCache();
  resetJobsHandler();
  logs = captureLogs(setLogSink);
});
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

describe('drift digest', () => {
  it('posts the digest to the cluster channel; a world-open rule that moves no flow is low, with no alert (issue 11)', async () => {
    // SSH from 0.0.0.0/0 on the node group: the nodes sit in private subnets (route to a NAT gateway), so
    // the engine finds no flow from the internet that opened — severity follows the impact, not the text.
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    configure([{ name: 'demo-eks', channel: 'C0PROD', baseline: DEMO_SNAPSHOT }]);
    const posted = slackPosts(SLACK_API);

    const summary = await handler(event());

    expect(summary.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 1 }]);
    expect(posted).toHaveLength(1);
    const [digest] = posted;
    expect(digest!.channel).toBe('C0PROD');
    expect(digest!.text).toBe('Drift digest for demo-eks: 1 low');
    expect(digest!.blocks![0]).toEqual({ type: 'header', text: { type: 'plain_text', text: 'Drift digest — demo-eks', emoji: true } });
    const digestText = allText(digest);
    expect(digestText).toContain('*1 change since the baseline*\n:red_circle: 0 critical   :large_orange_circle: 0 high   :large_yellow_circle: 0 medium   :large_blue_circle: 1 low');
    expect(digestText).toContain(`:large_blue_circle: *SecurityGroupRule* \`${NODE_SG}/ingress/tcp/22/0.0.0.0/0\` added — moves no flow eksnet checks`);
    expect(digestText).toContain('admits 0.0.0.0/0 on TCP 22 (SSH)');
    expect(digestText).toContain(`with baseline ${DEMO_SNAPSHOT} (collected`);
    for (const m of posted) expect(limitViolations(m)).toEqual([]);
  });

  it('no drift: one digest saying so, no alert', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    configure([{ name: 'demo-eks', channel: 'C0PROD', baseline: DEMO_SNAPSHOT }]);
    const posted = slackPosts(SLACK_API);
    await handler(event());
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toBe('Drift digest for demo-eks: no drift');
    expect(allText(posted[0])).toContain(':white_check_mark: No drift');
  });

  it('many changes: counts by severity, the top changes, "…and N more" with the CLI command, within Slack limits', async () => {
    process.env.EKSNET_SNAPSHOT = demoCopy((g) => {
      openSshToWorld(g);
      manyInternalRules(60)(g);
    });
    configure([{ name: 'demo-eks', channel: 'C0PROD', baseline: DEMO_SNAPSHOT }]);
    const posted = slackPosts(SLACK_API);
    await handler(event());
    const digest = posted[0]!;
    const text = allText(digest);
    // None of the 61 rules moves a flow between Services, from the internet or from the VPC: all low.
    expect(text).toContain('*61 changes since the baseline*\n:red_circle: 0 critical   :large_orange_circle: 0 high   :large_yellow_circle: 0 medium   :large_blue_circle: 61 low');
    const lines = text.split('\n').filter((l) => /^:large_blue_circle: \*SecurityGroupRule\*/.test(l));
    expect(lines).toHaveLength(15);
    expect(text).toContain(`…and 46 more changes. Run \`eksnet drift --baseline ${DEMO_SNAPSHOT} --cluster demo-eks\` to print everything.`);
    expect(limitViolations(digest)).toEqual([]);
  });

  it('no baseline yet: an explanatory message with how to save one, never silence', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-baselines-'));
    process.env.EKSNET_BASELINE_DIR = dir;
    configure([{ name: 'demo-eks', channel: 'C0PROD' }]);
    const posted = slackPosts(SLACK_API);

    const summary = await handler(event());

    expect(summary.clusters[0]!.outcome).toBe('no-baseline');
    expect(posted).toHaveLength(1);
    const where = path.join(dir, 'demo-eks');
    expect(posted[0]!.channel).toBe('C0PROD');
    expect(allText(posted[0])).toContain('no baseline to compare with yet');
    expect(allText(posted[0])).toContain(`\`eksnet baseline save --cluster demo-eks --out ${where}\``);
  });

  it('no baseline location configured at all: says how to configure one', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    configure([{ name: 'demo-eks', channel: 'C0PROD' }]);
    const posted = slackPosts(SLACK_API);
    await handler(event());
    expect(allText(posted[0])).toContain('set `baseline: baselines/demo-eks` for the cluster in the eksnet configuration');
  });

  it('the same scheduled event delivered twice posts once; the next day posts again', async () => {
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    configure([{ name: 'demo-eks', channel: 'C0PROD', baseline: DEMO_SNAPSHOT }]);
    const posted = slackPosts(SLACK_API);

    await handler(event());
    const again = await handler(event());
    expect(again.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'duplicate', posted: 0 }]);
    expect(posted).toHaveLength(1); // the digest, once

    // A redelivery is another attempt at the same scheduled time: same day, same key.
    await handler({ ...event('2026-11-27T07:00:00Z'), executionId: 'another-attempt' });
    expect(posted).toHaveLength(1);

    await handler(event('2026-11-28T07:00:00Z'));
    expect(posted).toHaveLength(2);
  });

  it('each cluster with a channel gets its own digest; clusters without one are skipped', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    configure([
      { name: 'prod', channel: 'C0PROD', baseline: DEMO_SNAPSHOT },
      { name: 'staging', channel: 'C0STAGING', baseline: DEMO_SNAPSHOT },
      { name: 'sandbox' },
    ]);
    const posted = slackPosts(SLACK_API);
    await handler(event());
    expect(posted.map((p) => [p.channel, p.text])).toEqual([
      ['C0PROD', 'Drift digest for prod: no drift'],
      ['C0STAGING', 'Drift digest for staging: no drift'],
    ]);
  });

  it('Slack refusing every post: logged, and the claim is given up so a redelivery can post', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    configure([{ name: 'demo-eks', channel: 'C0GONE', baseline: DEMO_SNAPSHOT }]);
    slackPosts(SLACK_API, 2, () => ({ ok: false, error: 'channel_not_found' }));
    const first = await handler(event());
    expect(first.clusters[0]).toMatchObject({ outcome: 'failed', posted: 0, ref: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(logs.lines.some((l) => l.includes('drift digest failed') && l.includes(first.clusters[0]!.ref!))).toBe(true);

    const posted = slackPosts(SLACK_API);
    await handler(event());
    expect(posted).toHaveLength(1);
  });

  it('a baseline that cannot be read: one sentence with a reference in the channel', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    const broken = mkdtempSync(path.join(tmpdir(), 'eksnet-broken-'));
    require('node:fs').writeFileSync(path.join(broken, 'garbage.json'), '{not json');
    configure([{ name: 'demo-eks', channel: 'C0PROD', baseline: broken }]);
    const posted = slackPosts(SLACK_API);
    const summary = await handler(event());
    expect(summary.clusters[0]!.outcome).toBe('failed');
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toBe(`:warning: eksnet could not run the drift digest for demo-eks (the baseline at ${broken} could not be read); reference ${summary.clusters[0]!.ref} in the eksnet logs has the details.`);
  });

  it('the bot token never appears in the logs', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    configure([{ name: 'demo-eks', channel: 'C0PROD', baseline: DEMO_SNAPSHOT }]);
    slackPosts(SLACK_API);
    await handler(event());
    expect(logs.lines.length).toBeGreaterThan(0);
    expect(logs.lines.join('\n')).not.toContain(BOT_TOKEN);
  });
});
