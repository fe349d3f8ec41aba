import nock from 'nock';
import { clearCollectionCache, collectSnapshot, type SnapshotDocument } from '../../src/collect/index';
import { clearEksTokenCache } from '../../src/collect/eks-token';
import { EC2_HOST, EKS_HOST, callsOf, ec2Fail, installFakeCloud, kubeStatus, type Reply } from './fake-cloud';
import { fakeAwsEnv, writeKubeconfig } from './env';
import { CLUSTER, VPC, shopCloud } from './shop-cluster';

const KUBE = 'https://kube.test';
const TARGET = { name: CLUSTER, region: 'us-east-1' };

let restoreEnv: () => void;
beforeEach(() => {
  nock.disableNetConnect();
  restoreEnv = fakeAwsEnv({ KUBECONFIG: writeKubeconfig(KUBE) });
  clearCollectionCache();
  clearEksTokenCache();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  restoreEnv();
});

function docOf(documents: SnapshotDocument[], file: string): any {
  const d = documents.find((x) => x.file === file);
  if (!d) throw new Error(`no ${file} among ${documents.map((x) => x.file).join(', ')}`);
  return d.doc;
}

const ids = <T>(list: T[], key: keyof T) => list.map((x) => x[key]).sort();

/** Fails `times` times with `fail`, then answers as `ok` does. */
function failingFirst(times: number, fail: Reply, ok: (p: URLSearchParams) => Reply): (p: URLSearchParams) => Reply {
  let n = 0;
  return (p) => (n++ < times ? fail : ok(p));
}

function isAction(action: string) {
  return (body: unknown) => new URLSearchParams(typeof body === 'string' ? body : (body as Record<string, string>)).get('Action') === action;
}

describe('live collection through the real SDK and Kubernetes clients (nock at the wire)', () => {
  it('follows every EC2 NextToken and writes the objects as `aws ec2 describe-*` prints them', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, { kube: KUBE });
    const { documents, snapshot } = await collectSnapshot(TARGET, { fresh: true });

    expect(snapshot.collection.missing).toEqual([]);
    // Security groups: two pages of the VPC's groups, then the group a rule references from another VPC, by id.
    expect(ids(snapshot.aws.securityGroups, 'GroupId')).toEqual(['sg-0bastion', 'sg-0cluster', 'sg-0db', 'sg-0node']);
    const sgCalls = callsOf(fake, 'ec2', 'DescribeSecurityGroups');
    expect(sgCalls.map((c) => c.token ?? null)).toEqual([null, 'page-1', null]);
    expect(ids(snapshot.aws.networkInterfaces, 'NetworkInterfaceId')).toEqual(['eni-0a1', 'eni-0b1', 'eni-0b2']);
    expect(callsOf(fake, 'ec2', 'DescribeNetworkInterfaces')).toHaveLength(3);
    // describe-egress-only-internet-gateways cannot filter by VPC; only this VPC's gateway is kept.
    expect(ids(snapshot.aws.egressOnlyInternetGateways, 'EgressOnlyInternetGatewayId')).toEqual(['eigw-0mine']);
    // Prefix lists that SG rules (pl-0corp) and routes (pl-63a5400a) reference, with every page of entries.
    expect(ids(snapshot.aws.prefixLists, 'PrefixListId')).toEqual(['pl-0corp', 'pl-63a5400a']);
    expect(snapshot.aws.prefixListEntries).toEqual({ 'pl-0corp': ['198.51.100.0/24', '192.0.2.0/24'], 'pl-63a5400a': ['3.5.0.0/19', '52.216.0.0/15'] });
    expect(docOf(documents, 'aws/ec2-get-managed-prefix-list-entries-pl-0corp.json').PrefixListId).toBe('pl-0corp');

    // CLI shape: PascalCase keys, timestamps as ISO strings, no SDK $metadata.
    const eni = docOf(documents, 'aws/ec2-describe-network-interfaces.json').NetworkInterfaces.find((e: any) => e.NetworkInterfaceId === 'eni-0b2');
    expect(eni.Attachment.AttachTime).toBe('2026-11-01T10:00:00.000Z');
    expect(eni.Ipv4Prefixes).toEqual([{ Ipv4Prefix: '10.0.2.48/28' }]);
    expect(eni.Groups).toEqual([{ GroupId: 'sg-0db', GroupName: 'sg-0db' }]);
    const acl = snapshot.aws.networkAcls.find((a) => a.NetworkAclId === 'acl-0data')!;
    expect(acl.Entries![0]).toEqual({ RuleNumber: 90, Protocol: '6', RuleAction: 'deny', Egress: false, CidrBlock: '10.0.9.0/24', PortRange: { From: 5432, To: 5432 } });
    expect(JSON.stringify(documents)).not.toContain('$metadata');

    // Every query is filtered to the cluster's VPC (EC2 Query API list encoding: Filter.1.Value.1).
    for (const op of ['DescribeVpcs', 'DescribeSubnets', 'DescribeNetworkAcls', 'DescribeRouteTables', 'DescribeNetworkInterfaces', 'DescribeInstances']) {
      expect(fake.calls.find((c) => c.op === op)).toBeDefined();
    }
  });

  it('sends the vpc-id filter on the wire (attachment.vpc-id for internet gateways)', async () => {
    const fake = shopCloud();
    const seen: Record<string, URLSearchParams> = {};
    for (const action of ['DescribeSecurityGroups', 'DescribeNatGateways', 'DescribeInternetGateways']) {
      const inner = fake.ec2[action]!;
      fake.ec2[action] = (p) => {
        seen[action] ??= p;
        return inner(p);
      };
    }
    installFakeCloud(fake, { kube: KUBE });
    await collectSnapshot(TARGET, { fresh: true });
    expect(seen.DescribeSecurityGroups!.get('Filter.1.Name')).toBe('vpc-id');
    expect(seen.DescribeSecurityGroups!.get('Filter.1.Value.1')).toBe(VPC);
    expect(seen.DescribeNatGateways!.get('Filter.1.Name')).toBe('vpc-id');
    expect(seen.DescribeInternetGateways!.get('Filter.1.Name')).toBe('attachment.vpc-id');
  });

  it('collects the cluster, its add-ons and the versions available for its Kubernetes version', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, { kube: KUBE });
    const { documents, snapshot } = await collectSnapshot(TARGET, { fresh: true });
    expect(snapshot.aws.cluster?.resourcesVpcConfig?.vpcId).toBe(VPC);
    // REST-JSON epoch seconds become the ISO string the CLI prints.
    expect(docOf(documents, 'aws/eks-describe-cluster.json').cluster.createdAt).toBe(new Date(1.761984e12).toISOString());
    expect(snapshot.aws.addonNames.sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
    expect(snapshot.aws.addons.map((a) => `${a.addonName}@${a.addonVersion}`).sort()).toEqual([
      'coredns@v1.11.3-eksbuild.1',
      'kube-proxy@v1.31.2-eksbuild.3',
      'vpc-cni@v1.19.0-eksbuild.1',
    ]);
    expect(snapshot.aws.addonVersions.map((a) => a.addonName).sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
    const versionCalls = fake.calls.filter((c) => c.op === 'GET /addons/supported-versions');
    expect(versionCalls).toHaveLength(6); // three add-ons, two pages each
    expect(callsOf(fake, 'eks', `GET /clusters/${CLUSTER}/addons`).map((c) => c.token ?? null)).toEqual([null, 'addons-2']);
  });

  it('lists Kubernetes objects through their continue tokens, as kubectl prints them', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, { kube: KUBE });
    const { documents, snapshot } = await collectSnapshot(TARGET, { fresh: true });
    // Pods that have finished (Succeeded, Failed) are left out (CONTRACT §1 `eksnet snapshot`).
    expect(snapshot.k8s.pods.map((p) => p.metadata.name).sort()).toEqual(['checkout-5c4b-a', 'db-0', 'frontend-7d9f-a', 'frontend-7d9f-b']);
    expect(callsOf(fake, 'kube', '/api/v1/pods').map((c) => c.token ?? null)).toEqual([null, 'c-2', 'c-4']);
    expect(callsOf(fake, 'kube', '/api/v1/nodes')).toHaveLength(2);
    expect(snapshot.k8s.nodes).toHaveLength(2);
    const pods = docOf(documents, 'k8s/pods.json');
    expect(pods.kind).toBe('PodList');
    expect(pods.items[0]).toMatchObject({ apiVersion: 'v1', kind: 'Pod' });
    // managedFields are bulky and unread on pods; on the kinds drift reports they name who changed the object.
    expect(JSON.stringify(pods)).not.toContain('managedFields');
    expect(docOf(documents, 'k8s/networkpolicies.json').items[0].metadata.managedFields).toEqual([
      { manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-11-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} },
    ]);
    // NetworkPolicy `from` survives the typed client (its model calls it `_from`).
    expect(snapshot.k8s.networkPolicies[0]!.spec.ingress![0]!.from).toEqual([{ podSelector: { matchLabels: { app: 'frontend' } } }]);
    expect(snapshot.k8s.securityGroupPolicies.map((p) => p.metadata.name)).toEqual(['db-sg']);
    expect(snapshot.k8s.daemonSets[0]!.apiVersion).toBe('apps/v1');
    expect(snapshot.k8s.configMaps.map((c) => `${c.metadata.namespace}/${c.metadata.name}`)).toEqual(['kube-system/amazon-vpc-cni']);
    expect(snapshot.k8s.namespaces).toHaveLength(3);
    // The kubeconfig's user is what authenticates (CONTRACT §3: KUBECONFIG when set).
    expect(callsOf(fake, 'kube', '/api/v1/pods')[0]!.headers.authorization).toBe('Bearer kubeconfig-token');
    expect(callsOf(fake, 'kube', '/api/v1/pods')[0]!.headers['x-k8s-aws-id']).toBeUndefined();
  });

  it('retries EC2 throttling (RequestLimitExceeded) and a Kubernetes 429 until they succeed', async () => {
    const fake = shopCloud();
    fake.ec2.DescribeNetworkInterfaces = failingFirst(
      1,
      ec2Fail(503, 'RequestLimitExceeded', 'Request limit exceeded.'),
      fake.ec2.DescribeNetworkInterfaces!,
    );
    const podList = fake.kube['/api/v1/pods']!;
    let podCalls = 0;
    fake.kube['/api/v1/pods'] = (q) => (podCalls++ === 0 ? { ...kubeStatus(429, 'TooManyRequests', 'Too many requests'), headers: { 'content-type': 'application/json', 'retry-after': '0' } } : podList(q));
    installFakeCloud(fake, { kube: KUBE });
    const { snapshot } = await collectSnapshot(TARGET, { fresh: true });
    expect(snapshot.collection.missing).toEqual([]);
    expect(snapshot.aws.networkInterfaces).toHaveLength(3);
    expect(callsOf(fake, 'ec2', 'DescribeNetworkInterfaces')).toHaveLength(4); // throttled + 3 pages
    expect(snapshot.k8s.pods).toHaveLength(4);
  });

  it('records a call denied after retries as missing, naming the permission, and still collects the rest', async () => {
    const fake = shopCloud();
    fake.ec2.DescribeNetworkAcls = () =>
      ec2Fail(403, 'UnauthorizedOperation', 'You are not authorized to perform this operation. User: arn:aws:sts::111122223333:assumed-role/eksnet/bot is not authorized to perform: ec2:DescribeNetworkAcls');
    fake.eks['GET /addons/supported-versions'] = () => ({
      status: 403,
      body: { message: 'User is not authorized to perform: eks:DescribeAddonVersions' },
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    });
    fake.kube['/apis/networking.k8s.io/v1/networkpolicies'] = () =>
      kubeStatus(403, 'Forbidden', 'networkpolicies.networking.k8s.io is forbidden: User "eksnet" cannot list resource "networkpolicies" in API group "networking.k8s.io" at the cluster scope');
    installFakeCloud(fake, { kube: KUBE });
    const { documents, snapshot } = await collectSnapshot(TARGET, { fresh: true });

    const byResource = Object.fromEntries(snapshot.collection.missing.map((m) => [m.resource, m.reason]));
    expect(byResource.NetworkAcls).toMatch(/^UnauthorizedOperation: You are not authorized.*\(needs ec2:DescribeNetworkAcls\)$/);
    expect(byResource.addons).toMatch(/AccessDeniedException: .*\(needs eks:DescribeAddonVersions\)$/);
    expect(byResource.NetworkPolicy).toMatch(/^Forbidden: networkpolicies.* \(needs RBAC list networkpolicies.networking.k8s.io\)$/);
    // A 403 is not retried, and nothing pretends the denied lists are empty.
    expect(callsOf(fake, 'ec2', 'DescribeNetworkAcls')).toHaveLength(1);
    expect(snapshot.present.has('NetworkAcls')).toBe(false);
    expect(snapshot.present.has('NetworkPolicy')).toBe(false);
    expect(documents.some((d) => d.file.includes('network-acls') || d.file.includes('networkpolicies') || d.file.includes('addon-versions'))).toBe(false);
    // The rest is there, and the collection document says what is missing.
    expect(snapshot.aws.securityGroups).toHaveLength(4);
    expect(snapshot.k8s.pods).toHaveLength(4);
    expect(docOf(documents, 'eksnet-collection.json').EksnetCollection.missing.map((m: any) => m.resource)).toEqual(['NetworkAcls', 'NetworkPolicy', 'addons', 'addons', 'addons'].sort((a, b) => a.localeCompare(b)));
  });

  it('gives up on a call that times out on every attempt and records it as missing', async () => {
    const fake = shopCloud();
    // Registered before the fake, so these answer first — every attempt, retries included: each too late for the 1.5 s timeout. (The timeout is
    // generous so that no other call hits it on a loaded machine: since the SDK's timeouts fire — issue 10 —
    // a slow stand-in answer would be missing too, and an abandoned Kubernetes request can crash an in-band run.)
    nock(EC2_HOST).post('/', isAction('DescribeNatGateways')).times(10).delay(6000).reply(200, '<DescribeNatGatewaysResponse/>');
    nock(KUBE).get('/api/v1/serviceaccounts').query(true).times(10).delay(6000).reply(200, { kind: 'ServiceAccountList', items: [] });
    installFakeCloud(fake, { kube: KUBE });
    const started = Date.now();
    const { snapshot } = await collectSnapshot(TARGET, { fresh: true, timeoutMs: 1500 });
    const byResource = Object.fromEntries(snapshot.collection.missing.map((m) => [m.resource, m.reason]));
    expect(Object.keys(byResource).sort()).toEqual(['NatGateways', 'ServiceAccount']);
    expect(byResource.NatGateways).toMatch(/TimeoutError/);
    expect(byResource.ServiceAccount).toMatch(/^TimeoutError/);
    expect(snapshot.present.has('NatGateways')).toBe(false);
    expect(snapshot.aws.routeTables).toHaveLength(1);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('treats an absent SecurityGroupPolicy CRD (404) as no policies, not as a failure', async () => {
    const fake = shopCloud();
    fake.kube['/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies'] = () => kubeStatus(404, 'NotFound', 'the server could not find the requested resource');
    fake.kube['/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni'] = () => kubeStatus(404, 'NotFound', 'configmaps "amazon-vpc-cni" not found');
    installFakeCloud(fake, { kube: KUBE });
    const { snapshot } = await collectSnapshot(TARGET, { fresh: true });
    expect(snapshot.collection.missing).toEqual([]);
    expect(snapshot.k8s.securityGroupPolicies).toEqual([]);
    expect(snapshot.present.has('SecurityGroupPolicy')).toBe(true);
    expect(snapshot.k8s.configMaps).toEqual([]);
  });

  it('honours AWS_ENDPOINT_URL_EC2 and AWS_ENDPOINT_URL_EKS', async () => {
    process.env.AWS_ENDPOINT_URL_EC2 = 'https://ec2.internal.test';
    process.env.AWS_ENDPOINT_URL_EKS = 'https://eks.internal.test';
    const fake = shopCloud();
    installFakeCloud(fake, { kube: KUBE, ec2: 'https://ec2.internal.test', eks: 'https://eks.internal.test' });
    const { snapshot } = await collectSnapshot(TARGET, { fresh: true });
    expect(snapshot.collection.missing).toEqual([]);
    expect(snapshot.aws.securityGroups).toHaveLength(4);
    expect(nock.pendingMocks().some((m) => m.includes(EKS_HOST))).toBe(false);
  });

  it('reuses a collection for cacheSeconds, and --fresh collects anew', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, { kube: KUBE });
    const first = await collectSnapshot(TARGET, { cacheSeconds: 60 });
    const calls = fake.calls.length;
    const again = await collectSnapshot(TARGET, { cacheSeconds: 60 });
    expect(again).toBe(first);
    expect(fake.calls.length).toBe(calls);
    const fresh = await collectSnapshot(TARGET, { cacheSeconds: 60, fresh: true });
    expect(fresh).not.toBe(first);
    expect(fake.calls.length).toBe(2 * calls);
    await collectSnapshot(TARGET, { cacheSeconds: 0 });
    expect(fake.calls.length).toBe(3 * calls);
  });

  it('fails with a clear message when the cluster does not exist or there are no credentials', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, { kube: KUBE });
    fake.eks['GET /clusters/nope'] = () => ({
      status: 404,
      body: { message: 'No cluster found for name: nope.' },
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' },
    });
    await expect(collectSnapshot({ name: 'nope', region: 'us-east-1' }, { fresh: true })).rejects.toThrow(/cluster nope not found in us-east-1/);
    delete process.env.AWS_ACCESS_KEY_ID;
    delete process.env.AWS_SECRET_ACCESS_KEY;
    await expect(collectSnapshot(TARGET, { fresh: true })).rejects.toThrow(/cannot collect cluster shop: .*credential/i);
  });

  it('without KUBECONFIG, a denied DescribeCluster is a failure that names the permission', async () => {
    delete process.env.KUBECONFIG;
    const fake = shopCloud();
    fake.eks[`GET /clusters/${CLUSTER}`] = () => ({
      status: 403,
      body: { message: 'not authorized to perform: eks:DescribeCluster' },
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    });
    installFakeCloud(fake, { kube: KUBE });
    await expect(collectSnapshot(TARGET, { fresh: true })).rejects.toThrow(/needs eks:DescribeCluster/);
  });

  // CONTRACT §2 (snapshot): "no credentials or cluster at all is exit 1" — not an empty snapshot.
  it('with KUBECONFIG, when neither EKS nor the Kubernetes API answers, there is no cluster at all', async () => {
    const fake = shopCloud();
    const forbidden = () => ({ status: 403, body: { kind: 'Status', code: 403, reason: 'Forbidden', message: 'forbidden' }, headers: { 'content-type': 'application/json' } });
    fake.eks[`GET /clusters/${CLUSTER}`] = () => ({
      status: 403,
      body: { message: 'not authorized to perform: eks:DescribeCluster' },
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    });
    for (const path of Object.keys(fake.kube)) fake.kube[path] = forbidden;
    installFakeCloud(fake, { kube: KUBE });
    await expect(collectSnapshot(TARGET, { fresh: true })).rejects.toThrow(/neither EKS .* nor the Kubernetes API .* answered/);
  });

  it('with KUBECONFIG, a denied DescribeCluster leaves the AWS side missing and still reads Kubernetes', async () => {
    const fake = shopCloud();
    fake.eks[`GET /clusters/${CLUSTER}`] = () => ({
      status: 403,
      body: { message: 'not authorized to perform: eks:DescribeCluster' },
      headers: { 'content-type': 'application/json', 'x-amzn-errortype': 'AccessDeniedException' },
    });
    installFakeCloud(fake, { kube: KUBE });
    const { snapshot } = await collectSnapshot(TARGET, { fresh: true });
    const resources = new Set(snapshot.collection.missing.map((m) => m.resource));
    for (const r of ['cluster', 'SecurityGroups', 'NetworkAcls', 'RouteTables', 'NetworkInterfaces', 'addons']) expect(resources).toContain(r);
    expect(snapshot.collection.missing.find((m) => m.resource === 'NetworkAcls')!.reason).toMatch(/DescribeCluster, which failed: AccessDeniedException/);
    expect(snapshot.k8s.pods).toHaveLength(4);
    expect(fake.calls.filter((c) => c.service === 'ec2')).toEqual([]);
  });
});
