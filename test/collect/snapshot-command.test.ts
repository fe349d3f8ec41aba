import { mkdtempSync, readdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { snapshotCommand } from '../../commands/snapshot';
import type { CommandArgs, CommandContext } from '../../commands/types';
import { clearCollectionCache } from '../../src/collect/index';
import { loadSnapshot } from '../../src/snapshot/load';
import { BadInputError, EksnetError } from '../../src/util/errors';
import { ec2Fail, installFakeCloud } from '../wire/fake-cloud';
import { fakeAwsEnv, writeKubeconfig } from '../wire/env';
import { CLUSTER, shopCloud } from '../wire/shop-cluster';

const KUBE = 'https://kube.test';

function ctx(env: NodeJS.ProcessEnv): CommandContext {
  return {
    env,
    loadState: () => Promise.reject(new Error('snapshot collects live; it does not load state')),
    readInput: () => Promise.reject(new Error('unused')),
  };
}
const args = (flags: CommandArgs['flags'], words: string[] = []): CommandArgs => ({ words, flags });

let restoreEnv: () => void;
beforeEach(() => {
  nock.disableNetConnect();
  restoreEnv = fakeAwsEnv({ KUBECONFIG: writeKubeconfig(KUBE) });
  delete process.env.EKSNET_CLUSTER;
  delete process.env.EKSNET_CONFIG;
  delete process.env.EKSNET_CONFIG_JSON;
  clearCollectionCache();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  restoreEnv();
});

describe('eksnet snapshot --out DIR (CONTRACT §2)', () => {
  it('writes the live state, names the failed calls on stderr, and exits 0', async () => {
    const fake = shopCloud();
    fake.ec2.DescribeRouteTables = () => ec2Fail(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation.');
    installFakeCloud(fake, { kube: KUBE });
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-cmd-')), 'snap');
    const result = await snapshotCommand.run(args({ out, cluster: CLUSTER, region: 'us-east-1' }), ctx(process.env));
    expect(result.exitCode).toBe(0);
    expect(result.data.out).toBe(out);
    expect(result.data.files).toContain('eksnet-collection.json');
    expect(result.data.files).toContain('k8s/pods.json');
    expect(readdirSync(out).sort()).toEqual(expect.arrayContaining(['aws', 'k8s', 'eksnet-collection.json']));
    expect(result.data.missing).toEqual([{ resource: 'RouteTables', reason: expect.stringMatching(/^UnauthorizedOperation: .*\(needs ec2:DescribeRouteTables\)$/) }]);
    expect(result.notices[0]).toMatch(/^could not read RouteTables: UnauthorizedOperation/);
    expect(result.state).toMatchObject({ mode: 'live', cluster: CLUSTER, region: 'us-east-1' });
    const loaded = await loadSnapshot(out);
    expect(loaded.collection.missing.map((m) => m.resource)).toEqual(['RouteTables']);
    expect(loaded.k8s.pods).toHaveLength(4);
  });

  it('takes the cluster from the configuration when --cluster is not given', async () => {
    installFakeCloud(shopCloud(), { kube: KUBE });
    const out = mkdtempSync(path.join(tmpdir(), 'eksnet-cmd-'));
    const env = { ...process.env, EKSNET_CLUSTER: CLUSTER };
    const result = await snapshotCommand.run(args({ out }), ctx(env));
    expect(result.data.missing).toEqual([]);
    expect(result.notices).toEqual([]);
  });

  it('is bad input (exit 2) without --out', async () => {
    await expect(snapshotCommand.run(args({ cluster: CLUSTER }), ctx(process.env))).rejects.toBeInstanceOf(BadInputError);
  });

  it('fails (exit 1) with a clear message when no cluster is configured', async () => {
    const run = snapshotCommand.run(args({ out: mkdtempSync(path.join(tmpdir(), 'eksnet-cmd-')) }), ctx(process.env));
    await expect(run).rejects.toBeInstanceOf(EksnetError);
    await expect(run).rejects.toThrow(/no cluster to collect/);
  });

  it('fails (exit 1) when there are no AWS credentials at all', async () => {
    installFakeCloud(shopCloud(), { kube: KUBE });
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    const run = snapshotCommand.run(args({ out: mkdtempSync(path.join(tmpdir(), 'eksnet-cmd-')), cluster: CLUSTER }), ctx(process.env));
    await expect(run).rejects.toBeInstanceOf(EksnetError);
    await expect(run).rejects.toThrow(/credential/i);
  });
});
