import { mkdtempSync, readFileSync, writeFileSync, existsSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { clearCollectionCache, collectSnapshot } from '../../src/collect/index';
import { writeSnapshot } from '../../src/collect/write';
import { loadSnapshot } from '../../src/snapshot/load';
import type { Snapshot } from '../../src/model/snapshot';
import { evaluateFlow, reachEngine, reachResult } from '../../src/engine/reach';
import { planQuery } from '../../src/resolve/flows';
import { ec2Fail, installFakeCloud } from './fake-cloud';
import { fakeAwsEnv, writeKubeconfig } from './env';
import { CLUSTER, shopCloud } from './shop-cluster';

const KUBE = 'https://kube.test';

let restoreEnv: () => void;
beforeEach(() => {
  nock.disableNetConnect();
  restoreEnv = fakeAwsEnv({ KUBECONFIG: writeKubeconfig(KUBE) });
  clearCollectionCache();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  restoreEnv();
});

/** What an analysis reads from a snapshot (everything but where it came from). */
function content(s: Snapshot) {
  return { k8s: s.k8s, aws: s.aws, present: [...s.present].sort(), collection: s.collection, warnings: s.warnings };
}

/** Collect the fake "shop" cluster (NACLs denied, so the snapshot is partial) and write it out. */
async function collectAndWrite() {
  const fake = shopCloud();
  fake.ec2.DescribeNetworkAcls = () => ec2Fail(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
  installFakeCloud(fake, { kube: KUBE });
  const live = await collectSnapshot({ name: CLUSTER, region: 'us-east-1' }, { fresh: true });
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-rt-')), 'snap');
  await writeSnapshot(dir, live.documents);
  return { live, dir };
}

describe('round trip: live collection → eksnet snapshot --out → --snapshot', () => {
  it('loading the written directory gives the same snapshot as the live collection', async () => {
    const { live, dir } = await collectAndWrite();
    const loaded = await loadSnapshot(dir);
    expect(loaded.warnings).toEqual([]);
    expect(content(loaded)).toEqual(content(live.snapshot));
    expect(loaded.collection).toMatchObject({ cluster: CLUSTER, region: 'us-east-1', collectedAt: live.collectedAt });
    expect(loaded.collection.missing.map((m) => m.resource)).toEqual(['NetworkAcls']);
    // The files are what the AWS CLI and kubectl print.
    const sgs = JSON.parse(readFileSync(path.join(dir, 'aws/ec2-describe-security-groups.json'), 'utf8'));
    expect(Object.keys(sgs)).toEqual(['SecurityGroups']);
    const pods = JSON.parse(readFileSync(path.join(dir, 'k8s/pods.json'), 'utf8'));
    expect(pods.kind).toBe('PodList');
  });
});

/** Every pod → every Service on every Service port, as whoami-reach --json answers it. */
function answers(snapshot: Snapshot): string[] {
  const engine = reachEngine(snapshot);
  const out: string[] = [];
  for (const pod of engine.k8s.pods) {
    for (const svc of engine.k8s.services) {
      const from = `${pod.metadata.namespace}/po/${pod.metadata.name}`;
      const to = `${svc.metadata.namespace}/svc/${svc.metadata.name}`;
      const plan = planQuery(engine, from, to);
      out.push(`${from} ${to} ${JSON.stringify(reachResult(plan.flows.map((f) => evaluateFlow(engine, f))))}`);
    }
  }
  return out;
}

describe('round trip: the written snapshot gives the same answers as the live run', () => {
  it('whoami-reach answers are identical, including the layers a failed call left not-evaluated', async () => {
    const { live, dir } = await collectAndWrite();
    const liveAnswers = answers(live.snapshot);
    expect(liveAnswers.length).toBeGreaterThan(0);
    expect(liveAnswers.join('\n')).toContain('not-evaluated'); // the NACL layers, from the failed call
    expect(answers(await loadSnapshot(dir))).toEqual(liveAnswers);
  });
});

describe('writeSnapshot', () => {
  it('creates DIR, replaces the files it wrote before, and leaves other files alone', async () => {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-w-')), 'a', 'b');
    const first = await writeSnapshot(dir, [
      { file: 'aws/ec2-get-managed-prefix-list-entries-pl-1.json', doc: { PrefixListId: 'pl-1', Entries: [] } },
      { file: 'k8s/pods.json', doc: { apiVersion: 'v1', kind: 'PodList', items: [] } },
    ]);
    expect(first).toEqual(['aws/ec2-get-managed-prefix-list-entries-pl-1.json', 'k8s/pods.json']);
    writeFileSync(path.join(dir, 'notes.yaml'), 'kind: Note\n');
    await writeSnapshot(dir, [{ file: 'k8s/pods.json', doc: { apiVersion: 'v1', kind: 'PodList', items: [{ metadata: { name: 'p' } }] } }]);
    expect(existsSync(path.join(dir, 'aws/ec2-get-managed-prefix-list-entries-pl-1.json'))).toBe(false);
    expect(JSON.parse(readFileSync(path.join(dir, 'k8s/pods.json'), 'utf8')).items).toHaveLength(1);
    expect(readFileSync(path.join(dir, 'notes.yaml'), 'utf8')).toBe('kind: Note\n');
  });

  it('refuses a file name that leaves DIR', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-w-'));
    await expect(writeSnapshot(dir, [{ file: '../escape.json', doc: {} }])).rejects.toThrow(/outside/);
  });
});
