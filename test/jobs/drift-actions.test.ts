// The digest's buttons, decided from the state store: approvers only (CONTRACT §4), in the cluster's own
// channel, on a change that is still open; each accept and snooze once, and an audit event (CONTRACT §2 audit).
import { readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import nock from 'nock';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { snapshotDocuments } from '../../src/baseline/documents';
import { listAudit } from '../../src/state/audit';
import { baselineHistory, loadStoredBaseline, saveStoredBaseline } from '../../src/state/baselines';
import { LocalStateStore } from '../../src/state/local';
import { diff } from '../../src/drift/diff';
import { parseButtonValue, type Click } from '../../src/slack/drift-click';
import { decideClick, updatedDigest } from '../../src/slack/drift-worker';
import { loadSnapshot, snapshotFromDocuments } from '../../src/snapshot/load';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { allText, BOT_TOKEN, captureLogs, SIGNING_SECRET, SLACK_API, isolateEnv } from '../slack/helpers';
import { DEMO_SNAPSHOT, demoCopy, freshStateDir, manyInternalRules, NODE_SG, openSshToWorld, slackPosts } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'SLACK_SECRETS_SSM_PREFIX', 'EKSNET_STATE_DIR', 'EKSNET_STATE_BUCKET', 'EKSNET_STATE_TABLE'];
const clearEnv = isolateEnv(ENV_KEYS);
let logs: ReturnType<typeof captureLogs>;
let store: LocalStateStore;
const NOW = new Date('2026-11-27T09:30:00Z');
const noGroups = async () => [];

async function digestWith(edit: (groups: any[]) => void, editDir?: (dir: string) => void): Promise<any> {
  const snap = await loadSnapshot(DEMO_SNAPSHOT);
  await saveStoredBaseline(store, { cluster: 'demo-eks', documents: snapshotDocuments(snap, '2026-11-26T06:00:00Z'), savedBy: 'U0ALICE', collectedAt: '2026-11-26T06:00:00Z' });
  process.env.EKSNET_SNAPSHOT = demoCopy(edit);
  editDir?.(process.env.EKSNET_SNAPSHOT);
  const posted = slackPosts(SLACK_API);
  await handler({ job: 'drift-digest', scheduledTime: '2026-11-27T07:00:00Z' });
  nock.cleanAll();
  return posted.find((p) => p.text.startsWith('Drift digest'));
}

const buttonsOf = (message: any) => message.blocks.filter((b: any) => b.type === 'actions' && b.block_id.startsWith('drift:'));
const click = (action: Click['action'], value: string, userId = 'U0ALICE', channelId = 'C0PROD'): Click => ({ action, target: parseButtonValue(value)!, userId, channelId });
const decide = (c: Click) => decideClick(c, { env: process.env, members: noGroups, store, now: NOW });

beforeEach(() => {
  clearEnv();
  Object.assign(process.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/`, EKSNET_STATE_DIR: freshStateDir() });
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'demo-eks', channel: 'C0PROD' }], authorization: { approvers: ['U0ALICE'] } });
  store = new LocalStateStore(process.env.EKSNET_STATE_DIR!);
  clearSecretsCache();
  resetJobsHandler();
  logs = captureLogs(setLogSink);
});
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

describe('digest buttons', () => {
  it('Accept: an approver\'s click saves a new baseline version with exactly that change, once; the message shows who', async () => {
    const message = await digestWith((g) => {
      openSshToWorld(g);
      manyInternalRules(1)(g);
    });
    const [first, second] = buttonsOf(message);
    const sshValue = first.elements[0].value; // critical first

    const answer = await decide(click('accept', sshValue));

    expect(answer).toEqual({ kind: 'update', blockIds: [first.block_id], line: ':white_check_mark: Accepted into baseline v2 by <@U0ALICE> at 09:30 UTC' });
    const history = await baselineHistory(store, 'demo-eks');
    expect(history.map((h) => [h.version, h.parent, h.savedBy, h.reason])).toEqual([
      [2, 1, 'U0ALICE', `accept ${NODE_SG}/ingress/tcp/22/0.0.0.0/0`],
      [1, undefined, 'U0ALICE', undefined],
    ]);
    const v1 = await loadStoredBaseline(store, 'demo-eks', 1);
    const v2 = await loadStoredBaseline(store, 'demo-eks');
    const load = (d: any) => snapshotFromDocuments('x', d.documents.map((x: any) => ({ doc: x.doc, origin: x.file })));
    expect(diff(load(v1), load(v2)).map((c) => c.id)).toEqual([`${NODE_SG}/ingress/tcp/22/0.0.0.0/0`]);
    const [event] = await listAudit(store);
    expect(event).toMatchObject({ actor: 'U0ALICE', action: 'drift-accept', cluster: 'demo-eks', subject: `${NODE_SG}/ingress/tcp/22/0.0.0.0/0`, outcome: 'ok' });

    // A second click (or Slack retrying the first) changes nothing.
    const again = await decide(click('accept', sshValue));
    expect(again).toEqual({ kind: 'ephemeral', text: ':information_source: Nothing done: already accepted into baseline v2 by <@U0ALICE> at 2026-11-27 09:30 UTC.' });
    expect(await baselineHistory(store, 'demo-eks')).toHaveLength(2);

    // The message is updated in place: the accepted change's buttons give way to who accepted it; the other keeps its buttons.
    const updated = updatedDigest(message, answer.kind === 'update' ? answer.blockIds : [], answer.kind === 'update' ? answer.line : '');
    expect(buttonsOf(updated).map((b: any) => b.block_id)).toEqual([second.block_id]);
    expect(allText(updated)).toContain('Accepted into baseline v2 by <@U0ALICE>');

    // The next digest: the accepted change is gone, the other still open.
    const posted = slackPosts(SLACK_API);
    await handler({ job: 'drift-digest', scheduledTime: '2026-11-28T07:00:00Z' });
    expect(posted[0]!.text).toBe('Drift digest for demo-eks: 0 new, 1 still open, 0 resolved');
  });

  it('a non-approver is refused (ephemeral), nothing changes, and the refusal is an audit event', async () => {
    const message = await digestWith(openSshToWorld);
    const answer = await decide(click('accept', buttonsOf(message)[0].elements[0].value, 'U0MALLORY'));
    expect(answer.kind).toBe('ephemeral');
    expect((answer as { text: string }).text).toContain(':no_entry: eksnet did not accept this: `drift-accept` is limited to the users and groups in authorization.approvers');
    expect(await baselineHistory(store, 'demo-eks')).toHaveLength(1);
    expect(await listAudit(store)).toEqual([expect.objectContaining({ actor: 'U0MALLORY', action: 'drift-accept', outcome: 'refused' })]);
  });

  it('a click from another channel is refused', async () => {
    const message = await digestWith(openSshToWorld);
    const answer = await decide(click('snooze', buttonsOf(message)[0].elements[1].value, 'U0ALICE', 'C0OTHER'));
    expect((answer as { text: string }).text).toBe(':no_entry: eksnet did not snooze this: demo-eks is decided only in <#C0PROD> (the channels configured for it), not in this channel.');
  });

  it('Snooze 7 days: hidden from the next digests (counted as snoozed), once', async () => {
    const message = await digestWith((g) => {
      openSshToWorld(g);
      manyInternalRules(1)(g);
    });
    const [ssh] = buttonsOf(message);
    expect(await decide(click('snooze', ssh.elements[1].value))).toEqual({ kind: 'update', blockIds: [ssh.block_id], line: ':zzz: Snoozed until 2026-12-04 by <@U0ALICE> at 09:30 UTC' });
    expect((await decide(click('snooze', ssh.elements[1].value))) as any).toEqual({ kind: 'ephemeral', text: ':information_source: Nothing done: already snoozed by <@U0ALICE> until 2026-12-04 09:30 UTC.' });
    expect((await listAudit(store)).map((e) => [e.action, e.outcome])).toEqual([['drift-snooze', 'ok']]);

    const posted = slackPosts(SLACK_API);
    await handler({ job: 'drift-digest', scheduledTime: '2026-11-28T07:00:00Z' });
    expect(posted[0]!.text).toBe('Drift digest for demo-eks: 0 new, 1 still open, 0 resolved');
    expect(allText(posted[0])).toContain('1 snoozed');
    expect(allText(posted[0])).not.toContain('tcp/22/0.0.0.0/0');
  });

  it('Accept all: one new baseline version with every listed change', async () => {
    const message = await digestWith((g) => {
      openSshToWorld(g);
      manyInternalRules(2)(g);
    });
    const all = message.blocks.find((b: any) => b.block_id === 'drift-all');
    expect(all.elements[0].text.text).toBe('Accept all 3 into baseline');
    const answer = await decide(click('accept-all', all.elements[0].value));
    expect(answer).toMatchObject({ kind: 'update', line: ':white_check_mark: 3 changes accepted into baseline v2 by <@U0ALICE> at 09:30 UTC' });
    expect((answer as { blockIds: string[] }).blockIds).toHaveLength(4);
    expect((await listAudit(store)).filter((e) => e.action === 'drift-accept')).toHaveLength(3);
    const posted = slackPosts(SLACK_API);
    await handler({ job: 'drift-digest', scheduledTime: '2026-11-28T07:00:00Z' });
    expect(posted[0]!.text).toMatch(/^:white_check_mark: demo-eks: no drift from baseline v2/);
  });

  it('a button for a change that has changed further since its digest does nothing: nobody accepts what they have not seen', async () => {
    const nacl = (port: number) => (dir: string) => {
      const file = path.join(dir, 'aws', 'network-acls.json');
      const doc = JSON.parse(readFileSync(file, 'utf8'));
      const acl = doc.NetworkAcls.find((a: any) => a.NetworkAclId === 'acl-0c0570000000000c2');
      acl.Entries.find((e: any) => !e.Egress && e.RuleNumber === 120).PortRange = { From: port, To: port };
      writeFileSync(file, JSON.stringify(doc));
    };
    const message = await digestWith(() => undefined, nacl(9091));
    const value = buttonsOf(message)[0].elements[0].value;
    // The next day the same entry changed again (a new snapshot: the same path would be served from the cache).
    process.env.EKSNET_SNAPSHOT = demoCopy();
    nacl(9092)(process.env.EKSNET_SNAPSHOT);
    slackPosts(SLACK_API);
    await handler({ job: 'drift-digest', scheduledTime: '2026-11-28T07:00:00Z' });
    expect(await decide(click('accept', value))).toEqual({ kind: 'ephemeral', text: ':information_source: Nothing done: the change has changed since this message was posted; the next digest shows it as it is now.' });
    expect(await baselineHistory(store, 'demo-eks')).toHaveLength(1);
  });

  it('no approvers configured: refused to everyone', async () => {
    const message = await digestWith(openSshToWorld);
    process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'demo-eks', channel: 'C0PROD' }] });
    const answer = await decide(click('accept', buttonsOf(message)[0].elements[0].value));
    expect((answer as { text: string }).text).toContain('no approvers are configured');
  });
});
