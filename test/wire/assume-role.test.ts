import nock from 'nock';
import { clearCollectionCache, collectSnapshot } from '../../src/collect/index';
import { clearEksTokenCache, decodeEksToken } from '../../src/collect/eks-token';
import { callsOf, installFakeCloud } from './fake-cloud';
import { fakeAwsEnv } from './env';
import { API_SERVER, CLUSTER, shopCloud } from './shop-cluster';

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

// STS AssumeRole reply (Query protocol XML): https://docs.aws.amazon.com/STS/latest/APIReference/API_AssumeRole.html
const ASSUME_ROLE_XML = `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/">
  <AssumeRoleResult>
    <AssumedRoleUser><Arn>arn:aws:sts::222233334444:assumed-role/eksnet-reader/eksnet</Arn><AssumedRoleId>AROAEXAMPLE:eksnet</AssumedRoleId></AssumedRoleUser>
    <Credentials>
      <AccessKeyId>ASIAEXAMPLEASSUMED</AccessKeyId>
      <SecretAccessKey>assumedSecretKeyEXAMPLE</SecretAccessKey>
      <SessionToken>assumedSessionTokenEXAMPLE</SessionToken>
      <Expiration>2099-01-01T00:00:00Z</Expiration>
    </Credentials>
  </AssumeRoleResult>
  <ResponseMetadata><RequestId>c6104cbe-af31-11e0-8154-cbc7ccf896c7</RequestId></ResponseMetadata>
</AssumeRoleResponse>`;

describe('a cluster in another account, through an assumed role', () => {
  it('assumes the configured role and uses its credentials for AWS calls and the EKS token', async () => {
    let assumeBody = '';
    let assumeCalls = 0;
    nock('https://sts.us-east-1.amazonaws.com')
      .post('/', (body) => {
        assumeBody = typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString();
        assumeCalls++;
        return true;
      })
      .times(10)
      .reply(200, ASSUME_ROLE_XML, { 'content-type': 'text/xml' });
    const fake = shopCloud();
    installFakeCloud(fake, { kube: API_SERVER });
    const roleArn = 'arn:aws:iam::222233334444:role/eksnet-reader';
    const { snapshot } = await collectSnapshot({ name: CLUSTER, region: 'us-east-1', roleArn }, { fresh: true });
    expect(snapshot.collection.missing).toEqual([]);
    // One AssumeRole per collection, shared by the EKS and EC2 clients and the token.
    expect(assumeCalls).toBe(1);
    const assume = new URLSearchParams(assumeBody);
    expect(assume.get('Action')).toBe('AssumeRole');
    expect(assume.get('RoleArn')).toBe(roleArn);
    // Every AWS call is signed with the assumed role's key, not the caller's.
    const ec2Auth = String(callsOf(fake, 'ec2', 'DescribeSecurityGroups')[0]!.headers.authorization);
    expect(ec2Auth).toContain('Credential=ASIAEXAMPLEASSUMED/');
    expect(String(fake.calls.find((c) => c.service === 'eks')!.headers.authorization)).toContain('Credential=ASIAEXAMPLEASSUMED/');
    const token = String(callsOf(fake, 'kube', '/api/v1/pods')[0]!.headers.authorization).slice('Bearer '.length);
    const url = decodeEksToken(token);
    expect(url.searchParams.get('X-Amz-Credential')).toMatch(/^ASIAEXAMPLEASSUMED\//);
    expect(url.searchParams.get('X-Amz-Security-Token')).toBe('assumedSessionTokenEXAMPLE');
  });
});
