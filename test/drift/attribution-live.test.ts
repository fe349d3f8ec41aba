// `eksnet drift` on a live cluster (fake EC2/EKS/Kubernetes at the wire) against its stored baseline: the text
// answer names who made the change from CloudTrail, asked in the cluster's Region; --json makes no CloudTrail call.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { clearCollectionCache } from '../../src/collect/index';
import { runCli } from '../cli/run-cli';
import { ec2Pages, installFakeCloud } from '../wire/fake-cloud';
import { fakeAwsEnv, writeKubeconfig } from '../wire/env';
import { REFERENCED_GROUP, SECURITY_GROUPS, shopCloud } from '../wire/shop-cluster';

const KUBE = 'https://kube.test';
const CLOUDTRAIL = 'https://cloudtrail.us-east-1.amazonaws.com';

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

it('live drift against the stored baseline says who opened SSH on sg-0db (CloudTrail), and --json asks CloudTrail nothing', async () => {
  const fake = shopCloud();
  installFakeCloud(fake, { kube: KUBE });
  const env = { ...process.env, EKSNET_STATE_DIR: mkdtempSync(path.join(tmpdir(), 'eksnet-live-drift-')) };
  const live = ['--cluster', 'shop', '--region', 'us-east-1', '--fresh'];
  const saved = await runCli(['baseline', 'save', ...live, '--json'], { env });
  expect(saved.code).toBe(0);
  const baselineCollectedAt = saved.json().collectedAt;

  // Someone opens SSH to the world on sg-0db.
  const db = SECURITY_GROUPS[2]!;
  const opened = { ...db, ipPermissions: [...db.ipPermissions, { ipProtocol: 'tcp', fromPort: 22, toPort: 22, groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [] }] };
  fake.ec2.DescribeSecurityGroups = (p) =>
    p.get('Filter.1.Name') === 'group-id'
      ? ec2Pages('DescribeSecurityGroups', 'securityGroupInfo', [[REFERENCED_GROUP]])(p)
      : ec2Pages('DescribeSecurityGroups', 'securityGroupInfo', [[...SECURITY_GROUPS.slice(0, 2), opened]])(p);

  const lookups: { body: any; authorization: string }[] = [];
  const eventTime = Math.floor(Date.now() / 1000) - 60;
  nock(CLOUDTRAIL)
    .persist()
    .post('/')
    .matchHeader('x-amz-target', 'CloudTrail_20131101.LookupEvents')
    .reply(function (_uri, body) {
      lookups.push({ body: typeof body === 'string' ? JSON.parse(body) : body, authorization: String(this.req.headers.authorization) });
      const event = {
        EventId: 'ev-1',
        EventName: 'AuthorizeSecurityGroupIngress',
        ReadOnly: 'false',
        EventTime: eventTime,
        EventSource: 'ec2.amazonaws.com',
        Username: 'alice',
        CloudTrailEvent: JSON.stringify({ userIdentity: { type: 'AssumedRole', arn: 'arn:aws:sts::111122223333:assumed-role/Admin/alice' }, requestParameters: { groupId: 'sg-0db' } }),
      };
      return [200, JSON.stringify({ Events: [event] }), { 'content-type': 'application/x-amz-json-1.1' }];
    });

  const json = await runCli(['drift', ...live, '--json'], { env });
  expect(json.code).toBe(0);
  // SSH is no Service port: eksnet's flow checks cannot show what it exposes on the interfaces that carry the
  // group, so the impact is "not computed" and the rule table's severity stands (critical: SSH from the internet).
  expect(json.json().changes.map((c: any) => `${c.kind} ${c.id} ${c.change} ${c.severity}`)).toEqual(['SecurityGroupRule sg-0db/ingress/tcp/22/0.0.0.0/0 added critical']);
  expect(json.json().changes[0].summary).toContain('traffic impact not computed');
  expect(lookups).toEqual([]);

  const text = await runCli(['drift', ...live], { env });
  expect(text.code).toBe(0);
  expect(text.stdout).toContain('against baseline v1 of shop (stored)');
  expect(text.stdout).toContain(`by arn:aws:sts::111122223333:assumed-role/Admin/alice at ${new Date(eventTime * 1000).toISOString()} (CloudTrail AuthorizeSecurityGroupIngress)`);
  // One lookup, by the group's id, from the baseline's collection time, signed for CloudTrail in the cluster's Region.
  expect(lookups).toHaveLength(1);
  expect(lookups[0]!.body.LookupAttributes).toEqual([{ AttributeKey: 'ResourceName', AttributeValue: 'sg-0db' }]);
  expect(lookups[0]!.body.StartTime).toBe(Date.parse(baselineCollectedAt) / 1000);
  expect(lookups[0]!.authorization).toContain('/us-east-1/cloudtrail/aws4_request');
});
