import { createHash, createHmac } from 'node:crypto';
import nock from 'nock';
import { clearCollectionCache, collectSnapshot } from '../../src/collect/index';
import { clearEksTokenCache, decodeEksToken, eksToken, makeEksToken } from '../../src/collect/eks-token';
import { callsOf, installFakeCloud } from './fake-cloud';
import { fakeAwsEnv } from './env';
import { API_SERVER, CLUSTER, shopCloud } from './shop-cluster';

const SECRET = 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY';

let restoreEnv: () => void;
beforeEach(() => {
  nock.disableNetConnect();
  restoreEnv = fakeAwsEnv();
  clearCollectionCache();
  clearEksTokenCache();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  restoreEnv();
});

// SigV4 by hand from the AWS documentation, to check the presigned URL independently of the SDK:
// https://docs.aws.amazon.com/IAM/latest/UserGuide/create-signed-request.html
// (query-string authentication; payload hash of the empty body).
function rfc3986(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}
function expectedSignature(url: URL, clusterName: string, secret: string): string {
  const params = [...url.searchParams.entries()].filter(([k]) => k !== 'X-Amz-Signature');
  const canonicalQuery = params
    .map(([k, v]) => [rfc3986(k), rfc3986(v)])
    .sort(([a], [b]) => (a! < b! ? -1 : a! > b! ? 1 : 0))
    .map(([k, v]) => `${k}=${v}`)
    .join('&');
  const canonicalRequest = ['GET', '/', canonicalQuery, `host:${url.host}`, `x-k8s-aws-id:${clusterName}`, '', 'host;x-k8s-aws-id', createHash('sha256').update('').digest('hex')].join('\n');
  const date = url.searchParams.get('X-Amz-Date')!;
  const scope = url.searchParams.get('X-Amz-Credential')!.split('/').slice(1).join('/');
  const stringToSign = ['AWS4-HMAC-SHA256', date, scope, createHash('sha256').update(canonicalRequest).digest('hex')].join('\n');
  const [day, region, service] = scope.split('/');
  let key: Buffer = createHmac('sha256', `AWS4${secret}`).update(day!).digest();
  for (const part of [region!, service!, 'aws4_request']) key = createHmac('sha256', key).update(part).digest();
  return createHmac('sha256', key).update(stringToSign).digest('hex');
}

describe('the EKS token, as `aws eks get-token` makes it', () => {
  // Format and checks: kubernetes-sigs/aws-iam-authenticator pkg/token/token.go (Verify, 15-minute
  // validity, x-k8s-aws-id signed, only Action/Version/X-Amz-* query parameters, host sts.<region>.amazonaws.com).
  it('is k8s-aws-v1. + base64url (no padding) of a presigned STS GetCallerIdentity URL that signs x-k8s-aws-id', async () => {
    const now = new Date('2026-11-27T12:00:00Z');
    const { token, expiresAt } = await makeEksToken({ clusterName: CLUSTER, region: 'us-east-1', now });
    expect(token).toMatch(/^k8s-aws-v1\.[A-Za-z0-9_-]+$/);
    const url = decodeEksToken(token);
    expect(url.protocol).toBe('https:');
    expect(url.host).toBe('sts.us-east-1.amazonaws.com');
    expect(url.pathname).toBe('/');
    const q = url.searchParams;
    expect(q.get('Action')).toBe('GetCallerIdentity');
    expect(q.get('Version')).toBe('2011-06-15');
    expect(q.get('X-Amz-Algorithm')).toBe('AWS4-HMAC-SHA256');
    expect(q.get('X-Amz-Credential')).toBe('AKIDEXAMPLE/20261127/us-east-1/sts/aws4_request');
    expect(q.get('X-Amz-Date')).toBe('20261127T120000Z');
    expect(q.get('X-Amz-Expires')).toBe('60');
    expect(q.get('X-Amz-SignedHeaders')).toBe('host;x-k8s-aws-id');
    expect([...q.keys()].sort()).toEqual(['Action', 'Version', 'X-Amz-Algorithm', 'X-Amz-Credential', 'X-Amz-Date', 'X-Amz-Expires', 'X-Amz-Signature', 'X-Amz-SignedHeaders']);
    expect(q.get('X-Amz-Signature')).toBe(expectedSignature(url, CLUSTER, SECRET));
    // The authenticator's own client renews after 14 minutes of the 15-minute validity.
    expect(expiresAt.toISOString()).toBe('2026-11-27T12:14:00.000Z');
  });

  it('carries the session token of temporary credentials', async () => {
    process.env.AWS_SESSION_TOKEN = 'FwoGZXIvYXdzEXAMPLE+/=';
    const url = decodeEksToken((await makeEksToken({ clusterName: CLUSTER, region: 'us-east-1' })).token);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('FwoGZXIvYXdzEXAMPLE+/=');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, CLUSTER, SECRET));
  });

  it('uses the STS endpoint the SDK resolves: regional by default, AWS_ENDPOINT_URL_STS when set', async () => {
    expect(decodeEksToken((await makeEksToken({ clusterName: CLUSTER, region: 'eu-west-1' })).token).host).toBe('sts.eu-west-1.amazonaws.com');
    process.env.AWS_ENDPOINT_URL_STS = 'https://sts.vpce.example.internal';
    expect(decodeEksToken((await makeEksToken({ clusterName: CLUSTER, region: 'eu-west-1' })).token).host).toBe('sts.vpce.example.internal');
  });

  it('is reused until 14 minutes after signing, then made anew', async () => {
    const t0 = new Date('2026-11-27T12:00:00Z');
    const input = { clusterName: CLUSTER, region: 'us-east-1', cacheKey: 'k' };
    const first = await eksToken({ ...input, now: t0 });
    expect(await eksToken({ ...input, now: new Date(t0.getTime() + 13 * 60_000) })).toBe(first);
    const later = await eksToken({ ...input, now: new Date(t0.getTime() + 14 * 60_000) });
    expect(later).not.toBe(first);
    expect(decodeEksToken(later).searchParams.get('X-Amz-Date')).toBe('20261127T121400Z');
  });

  it('without KUBECONFIG, authenticates to the endpoint from DescribeCluster with that token', async () => {
    const fake = shopCloud();
    installFakeCloud(fake, { kube: API_SERVER });
    const { snapshot } = await collectSnapshot({ name: CLUSTER, region: 'us-east-1' }, { fresh: true });
    expect(snapshot.collection.missing).toEqual([]);
    expect(snapshot.k8s.pods).toHaveLength(4);
    const auth = String(callsOf(fake, 'kube', '/api/v1/pods')[0]!.headers.authorization);
    expect(auth).toMatch(/^Bearer k8s-aws-v1\./);
    const url = decodeEksToken(auth.slice('Bearer '.length));
    expect(url.host).toBe('sts.us-east-1.amazonaws.com');
    expect(url.searchParams.get('X-Amz-Signature')).toBe(expectedSignature(url, CLUSTER, SECRET));
  });
});
