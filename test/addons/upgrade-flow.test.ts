// Add-on upgrades approved in Slack, end to end (issue 9): block_actions payloads into the `slack` Lambda handler, the
// worker events it hands off (recorded by a Lambda Invoke stand-in) into the `worker` handler, against loopback
// stand-ins for STS, EKS (REST-JSON), Kubernetes and the Slack Web API, with the state store on dynalite + s3rver.
//
// The key path (offer → click → worker → Successful → verification posted) runs through the esbuild bundles, each
// invocation in a fresh `node` process; the other cases run the same handlers in this process (bundling and a fresh
// process per case would multiply the run time by ~10 on the shared CI machine).
import { cpSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runScheduledJob } from '../../src/scheduled/run';
import { getOffer, type OfferRecord } from '../../src/addons/offers';
import { upgradeToken } from '../../src/addons/upgrade';
import type { SlackMessage } from '../../src/render/slack/types';
import { handler as slackHandler, resetSlackHandler } from '../../src/slack/lambda';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { clearGroupCache } from '../../src/slack/usergroups';
import { handler as workerHandler } from '../../src/slack/worker';
import { listAudit, type AuditEvent } from '../../src/state/audit';
import { openStateStore } from '../../src/state/index';
import type { StateStore } from '../../src/state/types';
import { BOT_TOKEN, captureLogs, clickEvent as signedClick, SIGNING_SECRET } from '../slack/helpers';
import { startLocalAws, type LocalAws } from '../state/local-servers';
import { writeKubeconfig } from '../wire/env';
import { buildBundles, invokeFresh, type Bundles } from './bundles';
import { startStandIns, UPGRADER_ACCESS_KEY, type StandIns } from './stand-ins';

// The first test that loads the Kubernetes client and the collector pays for their transform (~25 s on a busy machine).
jest.setTimeout(120_000);

const DEMO_SNAPSHOT = path.join(__dirname, '..', '..', 'demo', 'snapshot');
const UPGRADER_ROLE = 'arn:aws:iam::111122223333:role/eksnet-upgrader';
const MESSAGE_TS = '1700000000.000100';
const FROM = 'v1.19.0-eksbuild.1';
const TO = 'v1.19.2-eksbuild.5';

let aws: LocalAws;
let cloud: StandIns;
let store: StateStore;
let assertionsFile: string;
let logs: ReturnType<typeof captureLogs>;
const saved: Record<string, string | undefined> = {};
let env: Record<string, string>;

interface ClusterOptions {
  required?: 1 | 2;
  offerTtlDays?: number;
  approvers?: string[];
  upgradeRoleArn?: string | null;
}

function configJson(o: ClusterOptions = {}): string {
  return JSON.stringify({
    clusters: [
      {
        name: 'demo-eks',
        region: 'us-west-2',
        channel: 'C0PROD',
        approvers: o.approvers ?? ['U0ALICE', 'U0BOB', 'S0PLATFORM'],
        ...(o.upgradeRoleArn === null ? {} : { upgradeRoleArn: o.upgradeRoleArn ?? UPGRADER_ROLE }),
        assertions: assertionsFile,
        approvals: { required: o.required ?? 1, offerTtlDays: o.offerTtlDays ?? 7 },
      },
    ],
    authorization: { approvers: ['U0ALICE'] },
  });
}

/** The environment every process gets: the local state store, the stand-ins, Slack's secrets, short poll intervals. */
function baseEnv(o: ClusterOptions = {}): Record<string, string> {
  const home = mkdtempSync(path.join(tmpdir(), 'eksnet-home-'));
  return {
    ...aws.env,
    ...cloud.env,
    HOME: home,
    AWS_REGION: 'us-west-2',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(home, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(home, 'no-credentials'),
    AWS_MAX_ATTEMPTS: '3',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    EKSNET_WORKER_FUNCTION: 'eksnet-test-worker',
    EKSNET_CONFIG_JSON: configJson(o),
    EKSNET_UPGRADE_POLL_MS: '100',
    EKSNET_UPGRADE_RUN_MS: '5000',
    EKSNET_HTTP_TIMEOUT_MS: '2000',
  };
}

function useEnv(next: Record<string, string>): void {
  for (const k of Object.keys(env ?? {})) delete process.env[k];
  env = next;
  Object.assign(process.env, next);
  clearSecretsCache();
  clearGroupCache();
  resetSlackHandler();
}

/** The scheduled add-on check, run as its schedule runs it (a new time each call, so each run posts anew). */
async function runAddonCheck(jobEnv: Record<string, string>, posted: SlackMessage[]): Promise<void> {
  const post = async (_channel: string, m: SlackMessage) => {
    posted.push(m);
    return { ts: MESSAGE_TS };
  };
  await runScheduledJob({ job: 'addon-check', scheduledTime: new Date(Date.now() + ++runs * 86_400_000).toISOString() }, jobEnv, post, openStateStore(jobEnv));
}
let runs = 0;

/** The add-on check on the demo cluster as if `addon` were self-managed (no describe-addon, not in list-addons). */
async function postSelfManagedOffers(addon: string): Promise<SlackMessage> {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-sm-')), 'snapshot');
  cpSync(DEMO_SNAPSHOT, dir, { recursive: true });
  rmSync(path.join(dir, 'eks', `addon-${addon}.json`));
  writeFileSync(path.join(dir, 'eks', 'list-addons.json'), JSON.stringify({ addons: ['coredns', 'kube-proxy', 'vpc-cni'].filter((a) => a !== addon) }));
  const posted: SlackMessage[] = [];
  await runAddonCheck({ ...env, EKSNET_SNAPSHOT: dir }, posted);
  expect(posted).toHaveLength(1);
  return posted[0]!;
}

/** The weekly add-on check, as scheduled, on the demo cluster's state: the offer message it posts. */
async function postOffers(): Promise<SlackMessage> {
  const posted: SlackMessage[] = [];
  await runAddonCheck({ ...env, EKSNET_SNAPSHOT: DEMO_SNAPSHOT }, posted);
  expect(posted).toHaveLength(1);
  return posted[0]!;
}

function buttonOf(message: SlackMessage, addon: string): any {
  return (message.blocks as any[]).find((b) => b.accessory?.action_id === `eksnet_addon_upgrade:${addon}`)?.accessory;
}

/** The block_actions request Slack sends when `user` clicks the add-on's button on the offer message in `channel`. */
function clickEvent(message: SlackMessage, addon: string, user: string, opts: { channel?: string; value?: string } = {}) {
  const button = buttonOf(message, addon);
  return signedClick({
    actionId: button?.action_id ?? `eksnet_addon_upgrade:${addon}`,
    value: opts.value ?? button?.value,
    user,
    channel: opts.channel ?? 'C0PROD',
    blockId: `addon:${addon}`,
    buttonText: 'Upgrade',
    message: { text: message.text, blocks: message.blocks },
    messageTs: MESSAGE_TS,
    responseUrl: 'https://hooks.slack.com/actions/T0001/1/abc',
  });
}

/** Worker events the slack function handed off since `since` (Lambda Invoke, InvocationType Event). */
function handedOff(since: number): any[] {
  return cloud.calls('lambda', 'Invoke').slice(since).map((c) => c.body);
}

/** Click in this process: the ack, and the worker event it handed off. */
async function click(message: SlackMessage, addon: string, user: string, opts: { channel?: string; value?: string } = {}): Promise<any> {
  const before = cloud.calls('lambda', 'Invoke').length;
  const res = await slackHandler(clickEvent(message, addon, user, opts), {});
  expect(res.statusCode).toBe(200);
  const events = handedOff(before);
  expect(events).toHaveLength(1);
  return events[0];
}

/** Click and run the worker event (in this process). */
async function approve(message: SlackMessage, addon: string, user: string, opts: { channel?: string; value?: string } = {}): Promise<any> {
  const event = await click(message, addon, user, opts);
  await workerHandler(event);
  return event;
}

function slackCalls(method: string): any[] {
  return cloud.calls('slack', method).map((c) => c.body);
}

function ephemeralsTo(user: string): string[] {
  return slackCalls('chat.postEphemeral').filter((b) => b.user === user).map((b) => b.text);
}

/** The offer message's text after the last chat.update. */
function lastUpdate(): string {
  const u = slackCalls('chat.update').pop();
  return u ? JSON.stringify(u.blocks) : '';
}

async function auditFor(offerId: string): Promise<AuditEvent[]> {
  return (await listAudit(store, { cluster: 'demo-eks' })).filter((e) => e.subject === offerId).reverse();
}

async function offerRecord(id: string): Promise<OfferRecord> {
  return (await getOffer(store, id))!.data;
}

function writeAssertions(): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-assertions-'));
  const file = path.join(dir, 'connectivity.txt');
  writeFileSync(file, ['# what must keep working after an upgrade', 'shop/po/checkout-1 shop/po/payments-1 8080 expect allowed', 'shop/po/frontend-1 shop/po/payments-1 8080 expect denied', ''].join('\n'));
  return file;
}

/** The Kubernetes objects the verification's collection reads (KUBECONFIG → the Kubernetes stand-in). */
function seedCluster(): void {
  const pod = (name: string, app: string, ip: string) => ({
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace: 'shop', labels: { app } },
    spec: { containers: [{ name: app, image: `shop/${app}:1`, ports: [{ containerPort: 8080 }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }] },
  });
  cloud.state.kubeLists['/api/v1/namespaces'] = [{ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop' } }];
  cloud.state.kubeLists['/api/v1/pods'] = [pod('frontend-1', 'frontend', '10.0.1.10'), pod('checkout-1', 'checkout', '10.0.1.11'), pod('payments-1', 'payments', '10.0.1.12')];
  cloud.state.kubeLists['/apis/networking.k8s.io/v1/networkpolicies'] = [
    {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'payments-from-checkout', namespace: 'shop' },
      spec: { podSelector: { matchLabels: { app: 'payments' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { app: 'checkout' } } }], ports: [{ port: 8080 }] }] },
    },
  ];
}

beforeAll(async () => {
  for (const k of Object.keys(process.env)) saved[k] = process.env[k];
  aws = await startLocalAws({ bucket: 'eksnet-upgrades-test', table: 'eksnet-upgrades-test' });
  cloud = await startStandIns(writeKubeconfig);
  assertionsFile = writeAssertions();
  useEnv(baseEnv());
  store = openStateStore(aws.env);
  await store.init();
}, 60_000);

afterAll(async () => {
  for (const k of Object.keys(process.env)) if (!(k in saved)) delete process.env[k];
  Object.assign(process.env, saved);
  await cloud.stop();
  await aws.stop();
});

beforeEach(() => {
  cloud.reset();
  seedCluster();
  useEnv(baseEnv());
  logs = captureLogs(setLogSink);
});
afterEach(() => logs.restore());

describe('the key path through the bundled handlers, each invocation in a fresh process', () => {
  let bundles: Bundles;
  beforeAll(async () => {
    bundles = await buildBundles();
  }, 180_000);

  it('approve → worker → UpdateAddon as the upgrader → InProgress → Successful → assertions re-run and posted in the thread; the audit trail is complete', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    // EKS answers slowly (4 s) while the click is handled: the slack function calls no EKS API, it only hands off.
    cloud.state.slowMs.DescribeAddon = 4000;
    const ack = await invokeFresh(bundles.slack, clickEvent(offer, 'vpc-cni', 'U0ALICE'), env);
    expect(ack.result.statusCode).toBe(200);
    expect(cloud.calls('eks')).toHaveLength(0);
    const events = handedOff(0);
    expect(events).toEqual([{ eksnetUpgrade: expect.objectContaining({ kind: 'click', offerId: id, userId: 'U0ALICE', channelId: 'C0PROD', messageTs: MESSAGE_TS }) }]);
    cloud.state.slowMs = {};

    // DescribeUpdate: InProgress, then Successful.
    cloud.state.updateSteps = [{ status: 'InProgress' }, { status: 'InProgress' }, { status: 'Successful' }];
    const run = await invokeFresh(bundles.worker, events[0], env);
    expect(run.code).toBe(0);

    // The upgrader role, with the approver in the session name (CloudTrail: assumed-role/eksnet-upgrader/eksnet-U0ALICE).
    const assume = cloud.calls('sts', 'AssumeRole');
    expect(assume.map((c) => [c.body.RoleArn, c.body.RoleSessionName])).toEqual([[UPGRADER_ROLE, 'eksnet-U0ALICE']]);
    const update = cloud.calls('eks', 'UpdateAddon');
    expect(update).toHaveLength(1);
    expect(update[0]!.body).toEqual({ addonVersion: TO, resolveConflicts: 'PRESERVE', clientRequestToken: upgradeToken(id) });
    expect(String(update[0]!.headers.authorization)).toContain(`Credential=${UPGRADER_ACCESS_KEY}/`);

    // The offer message, updated in place: approved → InProgress (elapsed) → Successful.
    const updates = slackCalls('chat.update');
    expect(updates.every((u) => u.channel === 'C0PROD' && u.ts === MESSAGE_TS)).toBe(true);
    const texts = updates.map((u) => JSON.stringify(u.blocks));
    expect(texts.some((t) => t.includes('approved by <@U0ALICE>: *InProgress* ('))).toBe(true);
    expect(texts.at(-1)).toContain(':white_check_mark: *vpc-cni*  `v1.19.0-eksbuild.1` → `v1.19.2-eksbuild.5`\\napproved by <@U0ALICE>: *Successful* after');
    // The other offers keep their buttons.
    expect(updates.at(-1).blocks.filter((b: any) => b.accessory).map((b: any) => b.accessory.action_id)).toEqual(['eksnet_addon_upgrade:coredns', 'eksnet_addon_upgrade:kube-proxy']);

    // Verification: the cluster's assertions file, re-run against the cluster now, posted in the offer's thread.
    const thread = slackCalls('chat.postMessage').filter((m) => m.thread_ts === MESSAGE_TS);
    expect(thread).toHaveLength(1);
    expect(thread[0].text).toContain(':white_check_mark: Verified after the vpc-cni upgrade: all 2 connectivity assertions hold.');

    expect((await offerRecord(id)).state).toBe('successful');
    const trail = await auditFor(id);
    expect(trail.map((e) => [e.action, e.actor, e.outcome])).toEqual([
      ['upgrade-offer', 'eksnet', 'ok'],
      ['upgrade-click', 'U0ALICE', 'received'],
      ['upgrade-approve', 'U0ALICE', 'ok'],
      ['upgrade-start', 'U0ALICE', 'ok'],
      ['upgrade-result', 'eksnet', 'ok'],
      ['upgrade-verify', 'eksnet', 'ok'],
    ]);
    expect(trail[3]!.detail).toContain('session eksnet-U0ALICE');
  }, 120_000);

  it('a double click: two clicks, two worker processes at once — one UpdateAddon, one outcome', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.updateSteps = [{ status: 'InProgress' }, { status: 'Successful' }];
    const acks = await Promise.all([invokeFresh(bundles.slack, clickEvent(offer, 'vpc-cni', 'U0ALICE'), env), invokeFresh(bundles.slack, clickEvent(offer, 'vpc-cni', 'U0BOB'), env)]);
    expect(acks.map((a) => a.result.statusCode)).toEqual([200, 200]);
    const events = handedOff(0);
    expect(events).toHaveLength(2);
    await Promise.all(events.map((e) => invokeFresh(bundles.worker, e, env)));
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(1);
    expect(cloud.state.tokens.size).toBe(1);
    const trail = await auditFor(id);
    expect(trail.filter((e) => e.action === 'upgrade-start')).toHaveLength(1);
    expect(trail.filter((e) => e.action === 'upgrade-result')).toHaveLength(1);
    expect(trail.filter((e) => e.action === 'upgrade-refuse').map((e) => e.detail)[0]).toMatch(/offer (starting|in-progress|successful)|already started/);
    expect(slackCalls('chat.postMessage').filter((m) => m.thread_ts === MESSAGE_TS)).toHaveLength(1);
  }, 120_000);
});

describe('refusals (real handlers in this process)', () => {
  it('someone who is not an approver is refused ephemerally, with an audit event; nothing reaches AWS', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    await approve(offer, 'vpc-cni', 'U0MALLORY');
    expect(ephemeralsTo('U0MALLORY')).toEqual([
      ':lock: You may not approve the vpc-cni upgrade on demo-eks: `addon-upgrade` is limited to the users and groups in authorization.approvers, and you are not one of them.',
    ]);
    expect(cloud.calls('eks')).toHaveLength(0);
    expect(cloud.calls('sts')).toHaveLength(0);
    const refusal = (await auditFor(id)).find((e) => e.action === 'upgrade-refuse')!;
    expect(refusal).toMatchObject({ actor: 'U0MALLORY', outcome: 'refused' });
    expect(refusal.detail).toMatch(/^not an approver/);
  });

  it('a member of an approver user group may approve (usergroups.users.list)', async () => {
    // A group no earlier test looked up: memberships are cached in the state store for five minutes.
    useEnv(baseEnv({ approvers: ['S0UPGRADERS'] }));
    cloud.state.groups.S0UPGRADERS = ['U0CAROL'];
    const offer = await postOffers();
    await approve(offer, 'vpc-cni', 'U0CAROL');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(1);
    expect(cloud.calls('sts', 'AssumeRole')[0]!.body.RoleSessionName).toBe('eksnet-U0CAROL');
  });

  it('tampered values are refused: not an offer id, an old-style JSON value, an id eksnet never issued', async () => {
    const offer = await postOffers();
    const id: string = buttonOf(offer, 'vpc-cni').value;
    const values = ['not-an-offer', JSON.stringify({ cluster: 'demo-eks', addon: 'vpc-cni', from: FROM, to: 'v1.20.0-eksbuild.1' }), `${'0'.repeat(16)}.vpc-cni`, id.replace('vpc-cni', 'aws-ebs-csi-driver')];
    for (const value of values) await approve(offer, 'vpc-cni', 'U0ALICE', { value });
    const told = ephemeralsTo('U0ALICE');
    expect(told).toHaveLength(4);
    expect(told[0]).toMatch(/^:warning: This button does not name an add-on offer eksnet knows \(the button carries no offer id\), so nothing was done/);
    expect(told[2]).toMatch(/^:warning: This button does not name an add-on offer eksnet knows \(unknown offer id\)/);
    expect(cloud.calls('eks')).toHaveLength(0);
    const refusals = (await listAudit(store, {})).filter((e) => e.action === 'upgrade-refuse' && e.actor === 'U0ALICE' && /offer id/.test(e.detail));
    expect(refusals.length).toBeGreaterThanOrEqual(4);
  });

  it('a click from another channel is refused', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    await approve(offer, 'vpc-cni', 'U0ALICE', { channel: 'C0OTHER' });
    expect(ephemeralsTo('U0ALICE')).toEqual([':lock: This offer belongs to another channel, so it cannot be approved here; nothing was done.']);
    expect(cloud.calls('eks')).toHaveLength(0);
    expect((await auditFor(id)).find((e) => e.action === 'upgrade-refuse')!.detail).toBe('clicked in channel C0OTHER, offered in C0PROD');
  });

  it('the one scope rule (src/slack/scope.ts) holds for clicks too: once the cluster\'s channel is another, a click where the offer was posted is refused', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    const moved = JSON.parse(configJson());
    moved.clusters[0].channel = 'C0NEWHOME';
    useEnv({ ...env, EKSNET_CONFIG_JSON: JSON.stringify(moved) });
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(ephemeralsTo('U0ALICE')).toEqual([':lock: demo-eks is decided only in <#C0NEWHOME> (the channels configured for it), not in this channel, so the vpc-cni upgrade on demo-eks cannot run here; nothing was done.']);
    expect(cloud.calls('eks')).toHaveLength(0);
    expect(cloud.calls('sts')).toHaveLength(0);
    expect((await auditFor(id)).find((e) => e.action === 'upgrade-refuse')!.detail).toMatch(/^scope: demo-eks is decided only in <#C0NEWHOME>/);
    expect((await offerRecord(id)).state).toBe('open');
  });

  it('an expired offer is refused (offerTtlDays)', async () => {
    useEnv(baseEnv({ offerTtlDays: 0.00001 })); // 0.864 s
    const offer = await postOffers();
    await new Promise((r) => setTimeout(r, 1000));
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(ephemeralsTo('U0ALICE')[0]).toMatch(/^:hourglass: This offer expired on \d{4}-\d\d-\d\d, so nothing was done; the next add-on check makes a new one\.$/);
    expect(cloud.calls('eks')).toHaveLength(0);
  });

  it('a stale offer (the add-on no longer runs `from`) does nothing, says what runs now, and the message shows it', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.addons['vpc-cni']!.version = 'v1.19.2-eksbuild.1';
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(0);
    expect(ephemeralsTo('U0ALICE')).toEqual([
      ':information_source: vpc-cni runs v1.19.2-eksbuild.1 now, not v1.19.0-eksbuild.1 as when the offer was made, so nothing was done; `eksnet addons --cluster demo-eks` shows what is current.',
    ]);
    expect((await offerRecord(id)).state).toBe('stale');
    expect(lastUpdate()).toContain('no longer offered: vpc-cni runs v1.19.2-eksbuild.1 now');
  });

  it('a downgrade is refused even when the record says so (the rules are checked again at the click)', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    const rec = (await getOffer(store, id))!;
    // A record that would move vpc-cni backwards (as if written by a faulty or older eksnet).
    await store.putRecord(`upgrade-offers#${rec.data.batch}`, `offer#${id}`, { ...rec.data, to: 'v1.18.6-eksbuild.1' }, { ifVersion: rec.version });
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(0);
    expect(ephemeralsTo('U0ALICE')[0]).toBe(':information_source: v1.18.6-eksbuild.1 is no longer offered: no newer version is listed, so nothing was done; `eksnet addons --cluster demo-eks` shows what is current.');
    expect((await auditFor(id)).find((e) => e.action === 'upgrade-refuse')!.detail).toMatch(/^not valid: /);
  });

  it('without an upgrade role nothing is changed (the reader role is never used for upgrades)', async () => {
    useEnv(baseEnv({ upgradeRoleArn: null }));
    const offer = await postOffers();
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(ephemeralsTo('U0ALICE')[0]).toBe(":lock: demo-eks has no upgrade role (upgradeRoleArn in the cluster's configuration, or EKSNET_UPGRADE_ROLE_ARN), so eksnet may not change it.");
    expect(cloud.calls('eks')).toHaveLength(0);
  });
});

describe('approval and progress (real handlers in this process)', () => {
  it('two-person approval: the first click records, the same approver again is refused, a different approver executes', async () => {
    useEnv(baseEnv({ required: 2 }));
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    expect(buttonOf(offer, 'vpc-cni').confirm.text.text).toContain('A second approver must confirm too.');
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(0);
    expect(lastUpdate()).toContain(':ballot_box_with_check: approved by <@U0ALICE> (1 of 2); a different approver must approve too');
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(ephemeralsTo('U0ALICE').at(-1)).toBe(':raised_hand: You approved the vpc-cni upgrade on demo-eks already; a different approver must approve it too.');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(0);
    await approve(offer, 'vpc-cni', 'U0BOB');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(1);
    expect(cloud.calls('sts', 'AssumeRole').map((c) => c.body.RoleSessionName)).toEqual(['eksnet-U0BOB']);
    expect(lastUpdate()).toContain('approved by <@U0ALICE> and <@U0BOB>: *Successful*');
    const trail = await auditFor(id);
    expect(trail.filter((e) => e.action === 'upgrade-approve').map((e) => [e.actor, e.outcome])).toEqual([
      ['U0ALICE', 'pending'],
      ['U0BOB', 'ok'],
    ]);
  });

  it('a redelivered worker event is handled once', async () => {
    const offer = await postOffers();
    const event = await click(offer, 'vpc-cni', 'U0ALICE');
    await workerHandler(event);
    await workerHandler(event);
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(1);
    expect(ephemeralsTo('U0ALICE')).toEqual([]);
  });

  it('throttling: UpdateAddon answered ThrottlingException is retried with the same token; one update starts', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.updateAddonFaults = [{ status: 429, type: 'ThrottlingException', message: 'Rate exceeded' }];
    await approve(offer, 'vpc-cni', 'U0ALICE');
    const calls = cloud.calls('eks', 'UpdateAddon');
    expect(calls).toHaveLength(2);
    expect(calls[0]!.body.clientRequestToken).toBe(calls[1]!.body.clientRequestToken);
    expect(cloud.state.tokens.size).toBe(1);
    expect((await offerRecord(id)).state).toBe('successful');
  });

  it('EKS slower than the timeout: the check times out (the timeout fires), nothing is changed, the approver is told', async () => {
    useEnv({ ...baseEnv(), EKSNET_HTTP_TIMEOUT_MS: '500', AWS_MAX_ATTEMPTS: '1' });
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.slowMs.DescribeAddon = 3500;
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(0);
    expect(ephemeralsTo('U0ALICE')[0]).toMatch(/^:warning: eksnet could not check that the vpc-cni upgrade on demo-eks is still current \(TimeoutError: .*\), so nothing was changed; reference [0-9a-f]{8}\.$/);
    expect((await offerRecord(id)).state).toBe('open');
  });

  it('ResourceInUse: the offer shows Failed with the AWS error', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.updateAddonFaults = [{ status: 409, type: 'ResourceInUseException', message: 'Addon vpc-cni cannot be updated as it is currently in UPDATING state' }];
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect((await offerRecord(id)).state).toBe('failed');
    expect(lastUpdate()).toContain('approved by <@U0ALICE>: *Failed*');
    expect(lastUpdate()).toContain('ResourceInUseException: Addon vpc-cni cannot be updated as it is currently in UPDATING state');
    const trail = await auditFor(id);
    expect(trail.find((e) => e.action === 'upgrade-start')!.outcome).toBe('failed');
    expect(trail.find((e) => e.action === 'upgrade-result')!.detail).toContain('ResourceInUseException');
  });

  it('a failed update (DescribeUpdate Failed) ends Failed with its error details; no verification runs', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.updateSteps = [{ status: 'InProgress' }, { status: 'Failed', errors: [{ errorCode: 'ConfigurationConflict', errorMessage: 'Conflicts found when trying to apply. Will not continue due to resolve conflicts mode.' }] }];
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect((await offerRecord(id)).state).toBe('failed');
    expect(lastUpdate()).toContain('ConfigurationConflict: Conflicts found when trying to apply.');
    expect(slackCalls('chat.postMessage').filter((m) => m.thread_ts)).toHaveLength(0);
    expect((await auditFor(id)).map((e) => e.action)).toEqual(['upgrade-offer', 'upgrade-click', 'upgrade-approve', 'upgrade-start', 'upgrade-result']);
  });

  it('an update longer than one worker run is followed up by a later run (the worker hands the offer id to itself)', async () => {
    useEnv({ ...baseEnv(), EKSNET_UPGRADE_RUN_MS: '300' });
    const offer = await postOffers();
    const id = buttonOf(offer, 'vpc-cni').value;
    cloud.state.updateSteps = [{ status: 'InProgress' }, { status: 'InProgress' }, { status: 'InProgress' }, { status: 'InProgress' }, { status: 'InProgress' }, { status: 'InProgress' }, { status: 'Successful' }];
    const before = cloud.calls('lambda', 'Invoke').length;
    await approve(offer, 'vpc-cni', 'U0ALICE');
    expect((await offerRecord(id)).state).toBe('in-progress');
    let follow = handedOff(before + 1);
    expect(follow).toEqual([{ eksnetUpgrade: expect.objectContaining({ kind: 'follow', offerId: id, run: 2 }) }]);
    // Later runs until the end (each hands on while the update is still InProgress).
    for (let i = 0; i < 5 && follow.length; i++) {
      const n = cloud.calls('lambda', 'Invoke').length;
      await workerHandler(follow[0]);
      follow = handedOff(n);
    }
    expect((await offerRecord(id)).state).toBe('successful');
    expect(lastUpdate()).toContain('*Successful*');
    expect((await auditFor(id)).filter((e) => e.action === 'upgrade-result')).toHaveLength(1);
  });

  it('a self-managed kube-proxy: the approved action sets the region\'s image on the DaemonSet (PUT, as eksctl does), followed to Successful', async () => {
    delete cloud.state.addons['kube-proxy'];
    const dsPath = '/apis/apps/v1/namespaces/kube-system/daemonsets/kube-proxy';
    cloud.state.kubeObjects[dsPath] = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'kube-proxy', namespace: 'kube-system', generation: 4, resourceVersion: '100' },
      spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: { containers: [{ name: 'kube-proxy', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.2-minimal-eksbuild.3' }] } } },
      status: { observedGeneration: 4, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
    };
    // The offer comes from a state where kube-proxy is self-managed.
    const offer = await postSelfManagedOffers('kube-proxy');
    const id = buttonOf(offer, 'kube-proxy').value;
    expect(JSON.stringify(offer.blocks)).toContain('self-managed: set the image of DaemonSet kube-system/kube-proxy');

    await approve(offer, 'kube-proxy', 'U0ALICE');
    const puts = cloud.calls('kube').filter((c) => c.op === `PUT ${dsPath}`);
    expect(puts).toHaveLength(1);
    expect(puts[0]!.body.spec.template.spec.containers[0].image).toBe('602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2');
    expect(puts[0]!.body.metadata.resourceVersion).toBe('100');
    expect(cloud.calls('eks', 'UpdateAddon')).toHaveLength(0);
    expect((await offerRecord(id)).state).toBe('successful');
    expect(lastUpdate()).toContain(':white_check_mark: *kube-proxy*');
    expect(slackCalls('chat.postMessage').filter((m) => m.thread_ts === MESSAGE_TS)[0].text).toContain('Verified after the kube-proxy upgrade');
  });

  it('a self-managed VPC CNI: the approved action migrates it to the managed add-on (CreateAddon, resolveConflicts OVERWRITE), followed to ACTIVE', async () => {
    delete cloud.state.addons['vpc-cni'];
    cloud.state.kubeObjects['/apis/apps/v1/namespaces/kube-system/daemonsets/aws-node'] = {
      apiVersion: 'apps/v1',
      kind: 'DaemonSet',
      metadata: { name: 'aws-node', namespace: 'kube-system', generation: 2, resourceVersion: '7' },
      spec: { template: { spec: { containers: [{ name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.0-eksbuild.1' }] } } },
      status: { observedGeneration: 2, desiredNumberScheduled: 3, updatedNumberScheduled: 3, numberAvailable: 3 },
    };
    const offer = await postSelfManagedOffers('vpc-cni');
    const id = buttonOf(offer, 'vpc-cni').value;
    expect(buttonOf(offer, 'vpc-cni').confirm.text.text).toBe('vpc-cni v1.19.0-eksbuild.1 → v1.19.2-eksbuild.5: the add-on becomes an EKS managed add-on (OVERWRITE).');
    await approve(offer, 'vpc-cni', 'U0ALICE');
    const created = cloud.calls('eks', 'CreateAddon');
    expect(created.map((c) => c.body)).toEqual([{ addonName: 'vpc-cni', addonVersion: TO, resolveConflicts: 'OVERWRITE', clientRequestToken: upgradeToken(id) }]);
    expect(cloud.calls('kube').filter((c) => c.op.startsWith('PUT'))).toHaveLength(0);
    expect((await offerRecord(id)).state).toBe('successful');
    expect(lastUpdate()).toContain(':white_check_mark: *vpc-cni*');
  });

  it('verification that fails (an assertion no longer holds) is posted in the thread as failing, and audited as failed', async () => {
    const offer = await postOffers();
    const id = buttonOf(offer, 'coredns').value;
    // The NetworkPolicy that kept frontend away from payments is gone: "expect denied" no longer holds.
    delete cloud.state.kubeLists['/apis/networking.k8s.io/v1/networkpolicies'];
    await approve(offer, 'coredns', 'U0ALICE');
    expect((await offerRecord(id)).state).toBe('successful');
    const thread = slackCalls('chat.postMessage').filter((m) => m.thread_ts === MESSAGE_TS);
    expect(thread).toHaveLength(1);
    expect(thread[0].text).toContain(':rotating_light: After the coredns upgrade, 1 of 2 connectivity assertions fail.');
    expect(JSON.stringify(thread[0].blocks)).toContain('shop/po/frontend-1 shop/po/payments-1 8080 expect denied');
    const verify = (await auditFor(id)).find((e) => e.action === 'upgrade-verify')!;
    expect(verify).toMatchObject({ outcome: 'failed', detail: `1 of 2 assertions hold (${assertionsFile})` });
  });
});
