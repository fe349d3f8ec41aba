// eksnet baseline save|show|history, drift against the stored baseline, audit and state init (CONTRACT §2, §5),
// through the CLI, against both state stores: the local directory and S3 + DynamoDB (real local servers).
import { cpSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir, userInfo } from 'node:os';
import * as path from 'node:path';
import { loadStoredBaseline } from '../../src/state/baselines';
import { openStateStore } from '../../src/state/index';
import { applyEnv, startLocalAws, type LocalAws } from '../state/local-servers';
import { DEMO, runCli } from './run-cli';

const ME = `local:${userInfo().username}`;
const DEMO_COLLECTED = '2025-03-14T10:42:17Z';
const BASELINE_KEYS = ['cluster', 'version', 'savedAt', 'savedBy', 'collectedAt', 'objects'];
const EVENT_KEYS = ['at', 'actor', 'action', 'cluster', 'subject', 'detail', 'outcome'];

const work = mkdtempSync(path.join(tmpdir(), 'eksnet-cli-state-'));

/** The demo snapshot plus one NetworkPolicy whose managedFields name who applied it. */
function demoWith(name: string, manager: string, time: string): string {
  const dir = path.join(work, name);
  cpSync(DEMO, dir, { recursive: true });
  writeFileSync(
    path.join(dir, 'k8s', 'extra-policy.json'),
    JSON.stringify({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-all-ingress', namespace: 'shop', managedFields: [{ manager, operation: 'Apply', apiVersion: 'networking.k8s.io/v1', time, fieldsType: 'FieldsV1', fieldsV1: {} }] },
      spec: { podSelector: {}, ingress: [{}], policyTypes: ['Ingress'] },
    }),
  );
  return dir;
}

const changed = demoWith('changed', 'argocd-controller', '2026-12-05T08:30:00Z');
const changedAgain = demoWith('changed-again', 'kubectl-client-side-apply', '2026-12-06T07:00:00Z');

interface StoreCase {
  name: string;
  env: () => NodeJS.ProcessEnv;
  setup: () => Promise<void>;
  teardown: () => Promise<void>;
}

let aws: LocalAws | undefined;
let restore: (() => void) | undefined;

const STORES: StoreCase[] = [
  {
    name: 'local directory (EKSNET_STATE_DIR)',
    env: () => ({ EKSNET_STATE_DIR: path.join(work, 'state') }),
    setup: async () => undefined,
    teardown: async () => undefined,
  },
  {
    name: 'S3 + DynamoDB (dynalite, s3rver)',
    env: () => ({ ...aws!.env }),
    setup: async () => {
      aws = await startLocalAws();
      restore = applyEnv(aws.env);
    },
    teardown: async () => {
      restore?.();
      await aws?.stop();
    },
  },
];

describe.each(STORES)('state commands on the $name store', (store) => {
  beforeAll(() => store.setup());
  afterAll(() => store.teardown());
  const cli = (...argv: string[]) => runCli(argv, { env: store.env() });

  it('state init creates what is missing and is safe to repeat', async () => {
    const first = await cli('state', 'init');
    expect(first.code).toBe(0);
    expect(first.stdout).toMatch(/^State store: /);
    const again = await cli('state', 'init');
    expect(again.code).toBe(0);
    // The second run finds everything in place (locally nothing to create; on AWS the table "exists").
    expect(again.stdout).toMatch(/everything was already in place|exists/);
    expect(again.stdout).not.toMatch(/created table/);
  });

  it('with no baseline saved: show and drift exit 1 saying how to save one; history is empty', async () => {
    const show = await cli('baseline', 'show', '--snapshot', DEMO);
    expect(show.code).toBe(1);
    expect(show.stderr).toBe('eksnet: error: no baseline is saved for cluster demo-eks: save one with `eksnet baseline save --cluster demo-eks` (or /eksnet baseline save)\n');
    const drift = await cli('drift', '--snapshot', DEMO, '--json');
    expect(drift.code).toBe(1);
    expect(drift.stdout).toBe('');
    expect(drift.stderr).toMatch(/no baseline is saved for cluster demo-eks: save one with `eksnet baseline save --cluster demo-eks`/);
    const history = await cli('baseline', 'history', '--cluster', 'demo-eks', '--json');
    expect(history.code).toBe(0);
    expect(history.json()).toEqual({ baselines: [] });
  });

  it('baseline save stores a version per save, naming who saved it and the data\'s age (the cluster from the snapshot)', async () => {
    const first = await cli('baseline', 'save', '--snapshot', DEMO, '--json');
    expect(first.code).toBe(0);
    const saved = first.json();
    expect(Object.keys(saved)).toEqual(BASELINE_KEYS);
    expect(saved).toMatchObject({ cluster: 'demo-eks', version: 1, savedBy: ME, collectedAt: DEMO_COLLECTED });
    expect(saved.objects).toBeGreaterThan(50);
    expect(Date.now() - Date.parse(saved.savedAt)).toBeLessThan(60_000);

    const second = await cli('baseline', 'save', '--snapshot', changed, '--cluster', 'demo-eks');
    expect(second.code).toBe(0);
    expect(second.stdout).toMatch(/^Saved baseline v2 of cluster demo-eks \(\d+ objects, data collected 2025-03-14T10:42:17Z\) as local:/);

    const history = (await cli('baseline', 'history', '--snapshot', DEMO, '--json')).json();
    expect(history.baselines.map((b: any) => b.version)).toEqual([2, 1]);
    for (const b of history.baselines) expect(Object.keys(b)).toEqual(BASELINE_KEYS);
    expect(history.baselines[0].objects).toBe(saved.objects + 1);
    expect(history.baselines[1]).toEqual(saved);

    const show = (await cli('baseline', 'show', '--cluster', 'demo-eks', '--json')).json();
    expect(show).toEqual(history.baselines[0]);
    expect((await cli('baseline', 'show', '--cluster', 'demo-eks', '--version', '1', '--json')).json()).toEqual(saved);
    const text = await cli('baseline', 'history', '--cluster', 'demo-eks');
    expect(text.stdout.split('\n')[0]).toBe('Baselines of cluster demo-eks, newest first (v2 is current):');
  });

  it('bad versions and verbs are bad input (exit 2, one line)', async () => {
    for (const argv of [
      ['baseline', 'show', '--cluster', 'demo-eks', '--version', '9'],
      ['baseline', 'show', '--cluster', 'demo-eks', '--version', 'latest'],
      ['baseline', 'drop', '--cluster', 'demo-eks'],
      ['drift', '--snapshot', DEMO, '--baseline', '9'],
    ]) {
      const r = await cli(...argv);
      expect([argv.join(' '), r.code]).toEqual([argv.join(' '), 2]);
      expect(r.stderr.trim().split('\n')).toHaveLength(1);
    }
    expect((await cli('baseline', 'show', '--cluster', 'demo-eks', '--version', '9')).stderr).toBe('eksnet: cluster demo-eks has no baseline version 9 (versions 1-2; see eksnet baseline history)\n');
  });

  it('drift without --baseline compares against the current stored baseline; a number picks a stored version', async () => {
    // Current = v2 (the changed snapshot): the demo lacks the extra policy, so it shows as removed.
    const current = await cli('drift', '--snapshot', DEMO, '--json');
    expect(current.code).toBe(0);
    expect(current.json().changes.map((c: any) => `${c.kind} ${c.id} ${c.change}`)).toEqual(['NetworkPolicy shop/allow-all-ingress removed']);
    // Against v1 (the demo itself): the changed snapshot adds it.
    const v1 = await cli('drift', '--snapshot', changed, '--baseline', '1', '--json');
    expect(v1.json().changes.map((c: any) => `${c.kind} ${c.id} ${c.change}`)).toEqual(['NetworkPolicy shop/allow-all-ingress added']);
    // CONTRACT §2: the change's fields, and `impact` (the flows it opened or closed) when the engine found some.
    expect(Object.keys(v1.json().changes[0])).toEqual(expect.arrayContaining(['kind', 'id', 'change', 'severity', 'summary']));
    expect(Object.keys(v1.json().changes[0]).every((k) => ['kind', 'id', 'change', 'severity', 'summary', 'impact'].includes(k))).toBe(true);
    // The text answer says who made it: the policy's latest field manager.
    const text = await cli('drift', '--snapshot', changed, '--baseline', '1');
    expect(text.stdout).toContain('against baseline v1 of demo-eks (stored)');
    expect(text.stdout).toContain('by argocd-controller at 2026-12-05T08:30:00Z (field manager, Apply)');
    // A path still names a snapshot.
    expect((await cli('drift', '--snapshot', changed, '--baseline', DEMO, '--json')).json()).toEqual(v1.json());
  });

  it('stored baselines keep managedFields, and drift still ignores them', async () => {
    const stored = await loadStoredBaseline(openStateStore(store.env()), 'demo-eks', 2);
    const policies = stored!.documents.find((d) => d.file === 'k8s/networkpolicys.json' || d.file === 'k8s/networkpolicies.json')!.doc as any;
    const extra = policies.items.find((p: any) => p.metadata.name === 'allow-all-ingress');
    expect(extra.metadata.managedFields[0]).toMatchObject({ manager: 'argocd-controller', time: '2026-12-05T08:30:00Z' });
    // Same policy, another manager and time: no drift.
    expect((await cli('drift', '--snapshot', changedAgain, '--json')).json()).toEqual({ changes: [] });
  });

  it('audit lists every save newest first, exactly the contract\'s fields, filtered by cluster and --since', async () => {
    const all = await cli('audit', '--json');
    expect(all.code).toBe(0);
    const { events } = all.json();
    expect(events.map((e: any) => `${e.action} ${e.subject} ${e.actor} ${e.outcome}`)).toEqual([`baseline-save baseline 2 ${ME} ok`, `baseline-save baseline 1 ${ME} ok`]);
    for (const e of events) expect(Object.keys(e)).toEqual(EVENT_KEYS);
    expect(events[0].at >= events[1].at).toBe(true);
    expect((await cli('audit', '--cluster', 'demo-eks', '--since', '1h', '--json')).json().events).toHaveLength(2);
    expect((await cli('audit', '--cluster', 'other', '--json')).json()).toEqual({ events: [] });
    const table = await cli('audit', '--cluster', 'demo-eks');
    expect(table.stdout.split('\n').slice(0, 2)).toEqual([
      '2 audit events for cluster demo-eks, newest first',
      expect.stringMatching(/^AT +ACTOR +ACTION +CLUSTER +SUBJECT +OUTCOME +DETAIL$/),
    ]);
    for (const bad of ['7', '3x', '0d', '-1h']) {
      const r = await cli('audit', '--since', bad);
      expect([bad, r.code]).toEqual([bad, 2]);
      expect(r.stderr).toMatch(/^eksnet: --since must be a duration such as 30m, 12h, 7d or 2w/);
    }
  });
});

it('a snapshot that names no cluster needs --cluster for its stored baseline (exit 2)', async () => {
  const dir = path.join(work, 'unnamed');
  cpSync(path.join(DEMO, 'k8s'), path.join(dir, 'k8s'), { recursive: true });
  const r = await runCli(['baseline', 'save', '--snapshot', dir], { env: { EKSNET_STATE_DIR: path.join(work, 'state-unnamed') } });
  expect(r.code).toBe(2);
  expect(r.stderr).toBe('eksnet: cannot tell which cluster this is (the snapshot names none): give --cluster NAME\n');
});
