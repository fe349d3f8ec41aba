// The scheduled drift digest and the frequent check, driven through the `jobs` Lambda handler with the state
// kept in a local state store, and asserted at the wire (chat.postMessage on SLACK_API_URL,
// https://api.slack.com/methods/chat.postMessage).
import * as path from 'node:path';
import nock from 'nock';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { snapshotDocuments } from '../../src/baseline/documents';
import { limitViolations } from '../../src/render/slack/limits';
import { listAudit } from '../../src/state/audit';
import { saveStoredBaseline } from '../../src/state/baselines';
import { LocalStateStore } from '../../src/state/local';
import { loadSnapshot } from '../../src/snapshot/load';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { allText, BOT_TOKEN, captureLogs, SIGNING_SECRET, SLACK_API, isolateEnv } from '../slack/helpers';
import { DEMO_SNAPSHOT, demoCopy, freshStateDir, NODE_SG, openSshToWorld, slackPosts } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'SLACK_SECRETS_SSM_PREFIX', 'EKSNET_STATE_DIR', 'EKSNET_STATE_BUCKET', 'EKSNET_STATE_TABLE', 'EKSNET_SLACK_BACKOFF_MS'];
const clearEnv = isolateEnv(ENV_KEYS);
let logs: ReturnType<typeof captureLogs>;
let store: LocalStateStore;

const at = (day: number, hhmm = '07:00') => `2026-11-${String(day).padStart(2, '0')}T${hhmm}:00Z`;
const digest = (scheduledTime: string) => handler({ job: 'drift-digest', scheduledTime, executionId: 'd32c5kddcf5bb8c3' });
const check = (scheduledTime: string) => handler({ job: 'drift-check', scheduledTime, executionId: 'c1' });
const SSH = `${NODE_SG}/ingress/tcp/22/0.0.0.0/0`;

function configure(extra: object = {}): void {
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'demo-eks', channel: 'C0PROD' }], authorization: { approvers: ['U0ALICE'] }, ...extra });
}

async function seedBaseline(dir = DEMO_SNAPSHOT): Promise<void> {
  const snap = await loadSnapshot(dir);
  await saveStoredBaseline(store, { cluster: 'demo-eks', documents: snapshotDocuments(snap, '2026-11-26T06:00:00Z'), savedBy: 'U0ALICE', collectedAt: '2026-11-26T06:00:00Z', now: new Date('2026-11-26T06:00:00Z') });
}

beforeEach(() => {
  clearEnv();
  Object.assign(process.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/`, EKSNET_STATE_DIR: freshStateDir(), EKSNET_SLACK_BACKOFF_MS: '5' });
  store = new LocalStateStore(process.env.EKSNET_STATE_DIR!);
  clearSecretsCache();
  resetJobsHandler();
  logs = captureLogs(setLogSink);
  configure();
});
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

describe('drift digest life cycle', () => {
  it('a new critical change: an alert at once, then the digest lists it as new (alerted, not repeated) with Accept and Snooze buttons', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    const posted = slackPosts(SLACK_API);

    const summary = await digest(at(27));

    expect(summary.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 2 }]);
    const [alert, d] = posted;
    expect(alert!.channel).toBe('C0PROD');
    expect(alert!.blocks![0].text.text).toBe(':rotating_light: *Critical drift on demo-eks*: 1 new critical change since the baseline');
    expect(allText(alert)).toContain('admits 0.0.0.0/0 on TCP 22 (SSH)');
    expect(d!.text).toBe('Drift digest for demo-eks: 1 new, 0 still open, 0 resolved');
    const text = allText(d);
    expect(text).toContain('*1 new* · *0 still open* · *0 resolved*');
    expect(text).toContain('with baseline v1 (saved by U0ALICE');
    // The alert carried the text; the digest points at it.
    expect(text).toContain(`:red_circle: *SecurityGroupRule* \`${SSH}\` added — alerted at 07:00 UTC`);
    expect(text).not.toContain('admits 0.0.0.0/0');
    // Who changed it (src/drift/attribution.ts): CloudTrail is not asked about a snapshot, and the digest says so.
    expect(text).toContain('alerted at 07:00 UTC\n      _changed by unknown (CloudTrail: not looked up for a snapshot)_');
    expect(allText(alert)).toContain('_changed by unknown (CloudTrail: not looked up for a snapshot)_');
    const actions = d!.blocks!.filter((b) => b.type === 'actions');
    expect(actions).toHaveLength(1);
    expect(actions[0].elements.map((e: any) => [e.action_id, e.text.text])).toEqual([
      ['eksnet_drift_accept', 'Accept into baseline'],
      ['eksnet_drift_snooze', 'Snooze 7 days'],
    ]);
    // A button carries only the id of a record in the store (and the form of the change it showed).
    expect(actions[0].elements[0].value).toMatch(/^change:demo-eks:[0-9a-f]{24}\.[0-9a-f]{16}$/);
    for (const m of posted) expect(limitViolations(m)).toEqual([]);
  });

  it('the next day: the same change is still open (with its age), nothing new, and no second alert', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    slackPosts(SLACK_API, 2);
    await digest(at(27));
    const posted = slackPosts(SLACK_API);

    await digest(at(29));

    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toBe('Drift digest for demo-eks: 0 new, 1 still open, 0 resolved');
    expect(allText(posted[0])).toContain(`*Still open*\n`);
    expect(allText(posted[0])).toContain(`\`${SSH}\` added _(open 2 days)_ — ${NODE_SG} now admits 0.0.0.0/0 on TCP 22 (SSH)`);
  });

  it('back to the baseline: the digest reports it resolved; the day after is quiet (one line)', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    slackPosts(SLACK_API, 2);
    await digest(at(27));
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    const posted = slackPosts(SLACK_API);

    await digest(at(28));
    await digest(at(29));

    expect(posted.map((p) => p.text)).toEqual(['Drift digest for demo-eks: 0 new, 0 still open, 1 resolved', ':white_check_mark: demo-eks: no drift from baseline v1 (saved by U0ALICE 3 days ago).']);
    expect(allText(posted[0])).toContain(`*Resolved*\n:white_check_mark: *SecurityGroupRule* \`${SSH}\` — back to the baseline`);
  });

  it('quietDays: silent posts nothing on a quiet day', async () => {
    configure({ digest: { quietDays: 'silent' } });
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    const posted = slackPosts(SLACK_API);
    const summary = await digest(at(27));
    expect(summary.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'quiet', posted: 0 }]);
    expect(posted).toHaveLength(0);
  });

  it('no baseline yet: says how to save one (from Slack or the CLI), never silence', async () => {
    process.env.EKSNET_SNAPSHOT = DEMO_SNAPSHOT;
    const posted = slackPosts(SLACK_API);
    const summary = await digest(at(27));
    expect(summary.clusters[0]!.outcome).toBe('no-baseline');
    expect(allText(posted[0])).toContain('no baseline to compare with yet');
    expect(allText(posted[0])).toContain('`/eksnet baseline save --cluster demo-eks`');
  });

  it('a collection that fails posts "drift check failed: why", never "no drift"', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = path.join(freshStateDir(), 'no-such-snapshot');
    const posted = slackPosts(SLACK_API);
    const summary = await digest(at(27));
    expect(summary.clusters[0]).toMatchObject({ outcome: 'failed', posted: 1, ref: expect.stringMatching(/^[0-9a-f]{8}$/) });
    expect(posted[0]!.text).toBe(`:warning: drift check failed: the cluster's current state could not be collected (cluster demo-eks; reference ${summary.clusters[0]!.ref} in the eksnet logs has the details).`);
    expect(posted.map((p) => p.text).join('\n')).not.toMatch(/no drift/i);
  });

  it('the same scheduled event delivered twice posts once; the next day posts again', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    const posted = slackPosts(SLACK_API);
    await digest(at(27));
    resetJobsHandler(); // as if in another container: nothing in memory
    const again = await handler({ job: 'drift-digest', scheduledTime: at(27), executionId: 'another-attempt' });
    expect(again.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'duplicate', posted: 0 }]);
    expect(posted).toHaveLength(2);
    await digest(at(28));
    expect(posted).toHaveLength(3);
  });

  it('Slack refusing every post: the digest and alert are kept and the next run (the 07:15 check) delivers them, once', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    nock(SLACK_API).post('/api/chat.postMessage').times(8).reply(500, 'oops');
    const first = await digest(at(27));
    expect(first.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 0, pending: 2 }]);
    const posted = slackPosts(SLACK_API);
    const next = await check(at(27, '07:15'));
    expect(next.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'nothing-new', posted: 0 }]);
    expect(posted.map((p) => p.text.slice(0, 40))).toEqual(['Critical drift on demo-eks: sg-0a0de5ec0', 'Drift digest for demo-eks: 1 new, 0 stil']);
    await check(at(27, '07:30'));
    expect(posted).toHaveLength(2);
  });
});

describe('frequent check', () => {
  it('alerts at once on a new critical change, once; again only when another critical change appears; the digest marks the alerted ones', async () => {
    await seedBaseline();
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    const posted = slackPosts(SLACK_API);

    expect((await check(at(27, '06:15'))).clusters[0]).toMatchObject({ outcome: 'posted', posted: 1 });
    expect((await check(at(27, '06:30'))).clusters[0]).toMatchObject({ outcome: 'nothing-new', posted: 0 });
    expect(posted).toHaveLength(1);
    expect(posted[0]!.text).toContain('Critical drift on demo-eks');

    process.env.EKSNET_SNAPSHOT = demoCopy((g) => {
      openSshToWorld(g);
      g.find((x: any) => x.GroupId === NODE_SG).IpPermissions.push({ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
    });
    await check(at(27, '06:45'));
    expect(posted).toHaveLength(2);
    expect(allText(posted[1])).toContain(`${NODE_SG}/ingress/all/all/0.0.0.0/0`);
    expect(allText(posted[1])).not.toContain(SSH);

    await digest(at(27));
    expect(posted).toHaveLength(3); // the digest only: both were alerted
    expect(allText(posted[2])).toContain(`\`${SSH}\` added — alerted at 06:15 UTC`);
    expect(allText(posted[2])).toContain(`\`${NODE_SG}/ingress/all/all/0.0.0.0/0\` added — alerted at 06:45 UTC`);
    expect(posted[2]!.blocks!.some((b) => b.block_id === 'drift-all')).toBe(true);
    expect(await listAudit(store)).toEqual([]);
  });

  it('no baseline: the check posts nothing (the digest says so once a day)', async () => {
    process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
    const posted = slackPosts(SLACK_API);
    expect((await check(at(27, '06:15'))).clusters[0]).toMatchObject({ outcome: 'no-baseline', posted: 0 });
    expect(posted).toHaveLength(0);
  });
});
