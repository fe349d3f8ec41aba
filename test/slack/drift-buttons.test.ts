// The drift digest's buttons at the wire: signed block_actions requests into the `slack` Lambda handler, the worker
// event it hands off (recorded by a Lambda Invoke stand-in) into the `worker` handler, the state store on dynalite +
// s3rver, and a Slack stand-in (Web API and response_url). The click is acked before the accept is done; the worker
// decides it, saves the baseline once and updates the digest in place (chat.update).
import { handler as jobsHandler, resetJobsHandler } from '../../jobs/handler';
import { snapshotDocuments } from '../../src/baseline/documents';
import { handler as slackHandler, resetSlackHandler } from '../../src/slack/lambda';
import { clearGroupCache } from '../../src/slack/usergroups';
import { handler as workerHandler } from '../../src/slack/worker';
import { loadSnapshot } from '../../src/snapshot/load';
import { listAudit } from '../../src/state/audit';
import { baselineHistory, saveStoredBaseline } from '../../src/state/baselines';
import { openStateStore } from '../../src/state/index';
import type { StateStore } from '../../src/state/types';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { DEMO_SNAPSHOT, demoCopy, manyInternalRules, NODE_SG, openSshToWorld } from '../jobs/helpers';
import { SlackStandIn } from '../jobs/slack-standin';
import { startLocalAws, type LocalAws } from '../state/local-servers';
import { allText, BOT_TOKEN, captureLogs, clickEvent, SIGNING_SECRET } from './helpers';
import { LambdaStandIn } from './lambda-standin';

jest.setTimeout(60_000);

const SSH = `${NODE_SG}/ingress/tcp/22/0.0.0.0/0`;
const DIGEST_TS = '1700000000.000777';
const WORKER = 'eksnet-test-worker';

let aws: LocalAws;
let slack: SlackStandIn;
let lambda: LambdaStandIn;
let store: StateStore;
let logs: ReturnType<typeof captureLogs>;
let digest: { text: string; blocks: any[] };
let tables = 0;
const saved: Record<string, string | undefined> = {};
let applied: string[] = [];

/** This process's environment for one test (the handlers read process.env), undone by the next. */
function useEnv(vars: Record<string, string | undefined>): void {
  for (const k of applied) delete process.env[k];
  applied = Object.keys(vars);
  for (const [k, v] of Object.entries(vars)) if (v !== undefined) process.env[k] = v;
  clearSecretsCache();
  clearGroupCache();
  resetSlackHandler();
  resetJobsHandler();
}

const CONFIG = { clusters: [{ name: 'demo-eks', channel: 'C0PROD' }], authorization: { approvers: ['U0ALICE'] } };

function testEnv(config: object = CONFIG, extra: Record<string, string | undefined> = {}): Record<string, string | undefined> {
  return {
    ...aws.env,
    // A table and bucket of its own for each test.
    EKSNET_STATE_TABLE: `eksnet-drift-buttons-${tables}`,
    EKSNET_STATE_BUCKET: `eksnet-drift-buttons-${tables}`,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
    EKSNET_WORKER_FUNCTION: WORKER,
    EKSNET_CONFIG_JSON: JSON.stringify(config),
    ...extra,
  };
}

/** A stored baseline v1 of the demo cluster, then the 07:00 digest of a drifted copy (SSH open to the world + one internal rule). */
async function postDigest(config: object = CONFIG, extra: Record<string, string | undefined> = {}): Promise<void> {
  tables++;
  useEnv(testEnv(config, { ...extra, EKSNET_SNAPSHOT: undefined }));
  store = openStateStore(process.env);
  await store.init();
  const snap = await loadSnapshot(DEMO_SNAPSHOT);
  await saveStoredBaseline(store, { cluster: 'demo-eks', documents: snapshotDocuments(snap, '2026-11-26T06:00:00Z'), savedBy: 'U0ALICE', collectedAt: '2026-11-26T06:00:00Z' });
  const drifted = demoCopy((g) => {
    openSshToWorld(g);
    manyInternalRules(1)(g);
  });
  useEnv(testEnv(config, { ...extra, EKSNET_SNAPSHOT: drifted }));
  const before = slack.posts().length;
  await jobsHandler({ job: 'drift-digest', scheduledTime: '2026-11-27T07:00:00Z' });
  const post = slack.posts().slice(before).find((p) => String(p.body.text).startsWith('Drift digest'));
  expect(post).toBeDefined();
  digest = { text: post!.body.text, blocks: post!.body.blocks };
}

const changeButtons = (m: { blocks?: any }) => (m.blocks as any[]).filter((b: any) => b.type === 'actions' && String(b.block_id).startsWith('drift:'));
/** The SSH rule's block (critical, listed first). */
const sshBlock = () => changeButtons(digest)[0];

let clicks = 0;
/** A click on the digest's button in `channel`; returns the response_url id it carries. */
async function click(actionId: 'eksnet_drift_accept' | 'eksnet_drift_snooze' | 'eksnet_drift_accept_all', user = 'U0ALICE', channel = 'C0PROD'): Promise<{ statusCode: number; responseId: string }> {
  const block = actionId === 'eksnet_drift_accept_all' ? digest.blocks.find((b) => b.block_id === 'drift-all') : sshBlock();
  const button = block.elements.find((e: any) => e.action_id === actionId);
  const responseId = `click-${++clicks}`;
  const res = await slackHandler(
    clickEvent({ actionId, value: button.value, user, channel, blockId: block.block_id, buttonText: button.text.text, message: digest, messageTs: DIGEST_TS, responseUrl: slack.responseUrl(responseId) }),
    {},
  );
  return { statusCode: res.statusCode, responseId };
}

const responses = (id: string) => slack.received.filter((r) => r.method === 'response' && r.body.__path === id).map((r) => r.body);
const since = (method: string, n: number) => slack.posts(method).slice(n).map((r) => r.body);
const history = () => baselineHistory(store, 'demo-eks');

beforeAll(async () => {
  for (const k of Object.keys(process.env)) saved[k] = process.env[k];
  aws = await startLocalAws();
  slack = await new SlackStandIn().start();
  lambda = await new LambdaStandIn().start();
}, 60_000);

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await lambda?.stop();
  await slack?.stop();
  await aws?.stop();
});

beforeEach(() => (logs = captureLogs(setLogSink)));
afterEach(() => logs.restore());

describe('Accept into baseline: acked at once, decided in the worker', () => {
  it('the slack function acks without writing the baseline and hands the click to the worker; the worker saves v2 and updates the digest in place', async () => {
    await postDigest();
    const invoked = lambda.invoked.length;
    const updates = slack.posts('chat.update').length;

    const ack = await click('eksnet_drift_accept');

    // The ack: 200, and nothing decided yet — the baseline is still v1, the message untouched.
    expect(ack.statusCode).toBe(200);
    expect((await history()).map((h) => h.version)).toEqual([1]);
    expect(since('chat.update', updates)).toEqual([]);
    expect(responses(ack.responseId)).toEqual([]);
    expect(lambda.invoked.slice(invoked).map((i) => [i.functionName, i.invocationType])).toEqual([[WORKER, 'Event']]);
    const [event] = lambda.events(invoked);
    expect(event).toEqual({
      eksnetDrift: expect.objectContaining({ kind: 'drift-click', actionId: 'eksnet_drift_accept', value: sshBlock().elements[0].value, userId: 'U0ALICE', channelId: 'C0PROD', messageTs: DIGEST_TS }),
    });

    // The worker: baseline v2 (parent v1) gains exactly the SSH rule; the digest is updated in place.
    await workerHandler(event);
    expect((await history()).map((h) => [h.version, h.parent, h.savedBy, h.reason])).toEqual([
      [2, 1, 'U0ALICE', `accept ${SSH}`],
      [1, undefined, 'U0ALICE', undefined],
    ]);
    const [update] = since('chat.update', updates);
    expect(update).toMatchObject({ channel: 'C0PROD', ts: DIGEST_TS });
    expect(allText(update)).toContain(':white_check_mark: Accepted into baseline v2 by <@U0ALICE> at ');
    expect(changeButtons(update).map((b: any) => b.block_id)).toEqual([changeButtons(digest)[1].block_id]);
    expect((await listAudit(store)).map((e) => [e.action, e.actor, e.subject, e.outcome])).toEqual([['drift-accept', 'U0ALICE', SSH, 'ok']]);
  });

  it('a double click saves once: two clicks, two worker events run at once — one new version, one update, the other click told; a redelivered event does nothing', async () => {
    await postDigest();
    const invoked = lambda.invoked.length;
    const updates = slack.posts('chat.update').length;
    const ephemerals = slack.posts('chat.postEphemeral').length;

    await click('eksnet_drift_accept');
    await click('eksnet_drift_accept');
    const events = lambda.events(invoked);
    expect(events).toHaveLength(2);
    expect(events[0].eksnetDrift.ref).not.toBe(events[1].eksnetDrift.ref);
    expect(await history()).toHaveLength(1);

    await Promise.all(events.map((e) => workerHandler(e)));

    expect((await history()).map((h) => h.version)).toEqual([2, 1]);
    expect(since('chat.update', updates)).toHaveLength(1);
    const told = since('chat.postEphemeral', ephemerals);
    expect(told).toHaveLength(1);
    expect(told[0]).toMatchObject({ channel: 'C0PROD', user: 'U0ALICE' });
    expect(told[0].text).toMatch(/^:information_source: Nothing done: (this accept is already being done \(or was just done\)|already accepted into baseline v2 by <@U0ALICE> at .*)\.$/);

    // Lambda delivers an event again (possibly to another container): claimed by its reference, nothing happens.
    await workerHandler(events[0]);
    expect((await history()).map((h) => h.version)).toEqual([2, 1]);
    expect(since('chat.update', updates)).toHaveLength(1);
    expect(since('chat.postEphemeral', ephemerals)).toHaveLength(1);
    expect((await listAudit(store)).filter((e) => e.action === 'drift-accept' && e.outcome === 'ok')).toHaveLength(1);
  });

  it('a click from a channel that is not the cluster\'s is refused at once, with why; audited, nothing handed to the worker', async () => {
    await postDigest();
    const invoked = lambda.invoked.length;
    const ack = await click('eksnet_drift_accept', 'U0ALICE', 'C0OTHER');
    expect(ack.statusCode).toBe(200);
    expect(responses(ack.responseId)).toEqual([
      expect.objectContaining({
        response_type: 'ephemeral',
        replace_original: false,
        text: ':no_entry: eksnet did not accept this: demo-eks is decided only in <#C0PROD> (the channels configured for it), not in this channel.',
      }),
    ]);
    expect(lambda.invoked.length).toBe(invoked);
    expect(await history()).toHaveLength(1);
    expect((await listAudit(store)).map((e) => [e.action, e.actor, e.outcome, e.detail])).toEqual([
      ['drift-accept', 'U0ALICE', 'refused', 'demo-eks is decided only in <#C0PROD> (the channels configured for it), not in this channel'],
    ]);
  });

  it('a channel\'s clusters fix what its clicks reach, as for slash commands: a channel that lists the cluster may decide, one that lists another may not', async () => {
    const config = {
      clusters: [{ name: 'demo-eks', channel: 'C0PROD' }, { name: 'staging' }],
      channels: { C0NETTEAM: { clusters: ['demo-eks'] }, C0STAGING: { clusters: ['staging'] } },
      authorization: { approvers: ['U0ALICE'] },
    };
    await postDigest(config);
    const invoked = lambda.invoked.length;
    const refused = await click('eksnet_drift_snooze', 'U0ALICE', 'C0STAGING');
    expect(responses(refused.responseId)[0].text).toBe(':no_entry: eksnet did not snooze this: demo-eks is decided only in <#C0NETTEAM>, <#C0PROD> (the channels configured for it), not in this channel.');
    expect(lambda.invoked.length).toBe(invoked);

    await click('eksnet_drift_snooze', 'U0ALICE', 'C0NETTEAM');
    const [event] = lambda.events(invoked);
    expect(event.eksnetDrift).toMatchObject({ channelId: 'C0NETTEAM', actionId: 'eksnet_drift_snooze' });
    const updates = slack.posts('chat.update').length;
    await workerHandler(event);
    const [update] = since('chat.update', updates);
    expect(update).toMatchObject({ channel: 'C0NETTEAM', ts: DIGEST_TS });
    expect(allText(update)).toMatch(/:zzz: Snoozed until \d{4}-\d\d-\d\d by <@U0ALICE> at /);
  });

  it('a non-approver is refused by the worker (the approver check may need Slack\'s user groups): told ephemerally, audited, nothing saved', async () => {
    await postDigest();
    const invoked = lambda.invoked.length;
    const ephemerals = slack.posts('chat.postEphemeral').length;
    await click('eksnet_drift_accept', 'U0MALLORY');
    await workerHandler(lambda.events(invoked)[0]);
    const told = since('chat.postEphemeral', ephemerals);
    expect(told).toEqual([expect.objectContaining({ channel: 'C0PROD', user: 'U0MALLORY' })]);
    expect(told[0].text).toContain(':no_entry: eksnet did not accept this: `drift-accept` is limited to the users and groups in authorization.approvers, and you are not one of them.');
    expect(await history()).toHaveLength(1);
    expect((await listAudit(store)).map((e) => [e.action, e.actor, e.outcome])).toEqual([['drift-accept', 'U0MALLORY', 'refused']]);
  });

  it('Accept all: acked at once, then one new version with every listed change, the message updated in place', async () => {
    await postDigest();
    const invoked = lambda.invoked.length;
    const updates = slack.posts('chat.update').length;
    await click('eksnet_drift_accept_all');
    expect(await history()).toHaveLength(1);
    await workerHandler(lambda.events(invoked)[0]);
    expect((await history()).map((h) => h.version)).toEqual([2, 1]);
    const [update] = since('chat.update', updates);
    expect(allText(update)).toContain(':white_check_mark: 2 changes accepted into baseline v2 by <@U0ALICE>');
    expect(changeButtons(update)).toEqual([]);
  });
});

describe('without a worker function (npm run slack:dev, the CLI\'s tests)', () => {
  it('the same worker code runs in this process: the click is decided and the message updated before the handler returns', async () => {
    await postDigest(CONFIG, { EKSNET_WORKER_FUNCTION: undefined });
    const invoked = lambda.invoked.length;
    const updates = slack.posts('chat.update').length;
    const ack = await click('eksnet_drift_accept');
    expect(ack.statusCode).toBe(200);
    expect(lambda.invoked.length).toBe(invoked);
    expect((await history()).map((h) => h.version)).toEqual([2, 1]);
    expect(allText(since('chat.update', updates)[0])).toContain('Accepted into baseline v2 by <@U0ALICE>');
  });
});
