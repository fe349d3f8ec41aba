import nock from 'nock';
import { clearCollectionCache, collectSnapshot } from '../../src/collect/index';
import { callsOf, installFakeCloud } from './fake-cloud';
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

function docOf(documents: { file: string; doc: any }[], file: string): any {
  const d = documents.find((x) => x.file === file);
  if (!d) throw new Error(`no ${file} among ${documents.map((x) => x.file).join(', ')}`);
  return d.doc;
}

describe('collectSnapshot through the real SDK and Kubernetes clients', () => {
  it('collects every page of every list into CLI- and kubectl-shaped documents', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, KUBE);
    const { documents, snapshot, collectedAt } = await collectSnapshot({ name: CLUSTER, region: 'us-east-1' }, { fresh: true });
    console.log(documents.map((d) => d.file));
    console.log(JSON.stringify(docOf(documents, 'eksnet-collection.json')));
    expect(snapshot.collection.missing).toEqual([]);
    expect(collectedAt).toMatch(/^\d{4}-\d\d-\d\dT/);
  });
});
