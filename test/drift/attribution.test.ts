import { CloudTrailClient } from '@aws-sdk/client-cloudtrail';
import nock from 'nock';
import { attributeChanges, attributionKey } from '../../src/drift/attribution';
import { diff } from '../../src/drift';
import { awsRequestHandler } from '../../src/util/aws-http';
import { cidrs, cluster, namespace, netpol, sg, snap, tcp } from './builders';

// CloudTrail speaks the AWS JSON 1.1 protocol: POST / with X-Amz-Target CloudTrail_20131101.<Operation>,
// EventTime as epoch seconds, CloudTrailEvent as a JSON string
// (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html).
const ENDPOINT = 'https://cloudtrail.eu-west-1.amazonaws.com';
const NOW = new Date('2026-12-06T09:00:00Z');
const SINCE = new Date('2026-12-01T00:00:00Z');

function client(maxAttempts = 1): CloudTrailClient {
  return new CloudTrailClient({
    region: 'eu-west-1',
    credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'secret' },
    maxAttempts,
    requestHandler: awsRequestHandler(2000),
  });
}

interface Seen {
  resource: string;
  body: Record<string, any>;
  at: number;
}

function trailEvent(name: string, seconds: number, arn: string, extra: Record<string, unknown> = {}) {
  return {
    EventId: `ev-${name}-${seconds}`,
    EventName: name,
    ReadOnly: /^Describe/.test(name) ? 'true' : 'false',
    EventTime: seconds,
    EventSource: 'ec2.amazonaws.com',
    Username: arn.split('/').pop(),
    CloudTrailEvent: JSON.stringify({ eventName: name, userIdentity: { type: 'AssumedRole', arn }, ...extra }),
  };
}

/** Answers LookupEvents per ResourceName from `events`, recording each request. */
function cloudtrail(events: Record<string, unknown[]>, seen: Seen[], status = 200) {
  return nock(ENDPOINT)
    .persist()
    .post('/')
    .matchHeader('x-amz-target', 'CloudTrail_20131101.LookupEvents')
    .reply(function (_uri, body) {
      const parsed = (typeof body === 'string' ? JSON.parse(body) : body) as Record<string, any>;
      const resource = parsed.LookupAttributes?.[0]?.AttributeValue as string;
      seen.push({ resource, body: parsed, at: Date.now() });
      if (status !== 200) return [status, JSON.stringify({ __type: 'AccessDeniedException', message: 'User is not authorized to perform: cloudtrail:LookupEvents' }), { 'content-type': 'application/x-amz-json-1.1' }];
      return [200, JSON.stringify({ Events: events[resource] ?? [] }), { 'content-type': 'application/x-amz-json-1.1' }];
    });
}

beforeAll(() => nock.disableNetConnect());
afterEach(() => nock.cleanAll());
afterAll(() => nock.enableNetConnect());

const ssh = tcp(22, 22, cidrs('0.0.0.0/0'));
const baseline = snap({ securityGroups: [sg('sg-0aaa'), sg('sg-0bbb')], objects: [namespace('shop')] });

describe('attributeChanges: who made each drift change', () => {
  it('names the principal and time of the newest write event CloudTrail holds for an AWS resource, one call per resource', async () => {
    const current = snap({ securityGroups: [sg('sg-0aaa', [ssh, tcp(443, 443, cidrs('0.0.0.0/0'))]), sg('sg-0bbb', [tcp(80, 80, cidrs('10.0.0.0/8'))])], objects: [namespace('shop')] });
    const changes = diff(baseline, current);
    expect(changes.filter((c) => c.id.startsWith('sg-0aaa/'))).toHaveLength(2);
    const seen: Seen[] = [];
    cloudtrail(
      {
        'sg-0aaa': [
          trailEvent('DescribeSecurityGroups', 1764990000, 'arn:aws:sts::111122223333:assumed-role/ReadOnly/bot'),
          trailEvent('AuthorizeSecurityGroupIngress', 1764950000, 'arn:aws:sts::111122223333:assumed-role/Admin/alice'),
          trailEvent('AuthorizeSecurityGroupIngress', 1764900000, 'arn:aws:sts::111122223333:assumed-role/Admin/bob'),
        ],
      },
      seen,
    );
    const result = await attributeChanges(changes, current, { cloudtrail: client(), now: NOW, since: SINCE, minIntervalMs: 0 });

    // The Describe call is newer but reads only; the newest write is alice's.
    for (const c of changes.filter((x) => x.id.startsWith('sg-0aaa/'))) {
      expect(result.get(attributionKey(c))).toEqual({
        by: 'arn:aws:sts::111122223333:assumed-role/Admin/alice',
        at: new Date(1764950000 * 1000).toISOString(),
        source: 'cloudtrail',
        event: 'AuthorizeSecurityGroupIngress',
      });
    }
    const other = changes.find((c) => c.id.startsWith('sg-0bbb/'))!;
    expect(result.get(attributionKey(other))!.by).toMatch(/^unknown \(CloudTrail: no change event for sg-0bbb since 2026-12-01T00:00:00.000Z\)$/);
    // One LookupEvents per changed resource, one attribute each, MaxResults within the documented 50, from the baseline's time.
    expect(seen.map((s) => s.resource).sort()).toEqual(['sg-0aaa', 'sg-0bbb']);
    for (const s of seen) {
      expect(s.body.LookupAttributes).toEqual([{ AttributeKey: 'ResourceName', AttributeValue: s.resource }]);
      expect(s.body.MaxResults).toBeLessThanOrEqual(50);
      expect(s.body.StartTime).toBe(SINCE.getTime() / 1000);
      expect(s.body.EndTime).toBe(NOW.getTime() / 1000);
    }
  });

  it('a failing CloudTrail call is "unknown (CloudTrail: reason)", never a guess', async () => {
    const current = snap({ securityGroups: [sg('sg-0aaa', [ssh]), sg('sg-0bbb')], objects: [namespace('shop')] });
    const changes = diff(baseline, current);
    cloudtrail({}, [], 400);
    const result = await attributeChanges(changes, current, { cloudtrail: client(), now: NOW, minIntervalMs: 0 });
    expect(result.get(attributionKey(changes[0]!))).toEqual({ by: 'unknown (CloudTrail: AccessDeniedException: User is not authorized to perform: cloudtrail:LookupEvents)', source: 'unknown' });
  });

  it('bounds the calls and spaces them to the documented two per second', async () => {
    const groupsBefore = Array.from({ length: 5 }, (_, i) => sg(`sg-0${i}`));
    const groupsAfter = Array.from({ length: 5 }, (_, i) => sg(`sg-0${i}`, [tcp(1000 + i, 1000 + i, cidrs('10.0.0.0/8'))]));
    const before = snap({ securityGroups: groupsBefore });
    const current = snap({ securityGroups: groupsAfter });
    const changes = diff(before, current);
    const seen: Seen[] = [];
    cloudtrail({}, seen);
    const result = await attributeChanges(changes, current, { cloudtrail: client(), now: NOW, maxCalls: 3, minIntervalMs: 120 });
    expect(seen).toHaveLength(3);
    for (let i = 1; i < seen.length; i++) expect(seen[i]!.at - seen[i - 1]!.at).toBeGreaterThanOrEqual(120);
    const skipped = changes.filter((c) => result.get(attributionKey(c))!.by.includes('not looked up'));
    expect(skipped.map((c) => c.id.split('/')[0])).toEqual(['sg-03', 'sg-04']);
    expect(result.get(attributionKey(skipped[0]!))!.by).toBe('unknown (CloudTrail: not looked up, more than 3 changed resources)');
  });

  it('an add-on change takes the cluster\'s EKS events that name that add-on', async () => {
    const before = snap({ cluster: cluster(), addons: [{ addonName: 'vpc-cni', addonVersion: 'v1.18.0-eksbuild.1' }, { addonName: 'coredns', addonVersion: 'v1.11.1-eksbuild.1' }] });
    const current = snap({ cluster: cluster(), addons: [{ addonName: 'vpc-cni', addonVersion: 'v1.19.0-eksbuild.1' }, { addonName: 'coredns', addonVersion: 'v1.11.1-eksbuild.1' }] });
    const changes = diff(before, current);
    const addon = changes.find((c) => c.kind === 'Addon')!;
    const name = current.aws.cluster!.name!;
    const seen: Seen[] = [];
    cloudtrail(
      {
        [name]: [
          trailEvent('UpdateAddon', 1764960000, 'arn:aws:sts::111122223333:assumed-role/Platform/carol', { requestParameters: { name, addonName: 'coredns' } }),
          trailEvent('UpdateAddon', 1764950000, 'arn:aws:sts::111122223333:assumed-role/Platform/dave', { requestParameters: { name, addonName: 'vpc-cni' } }),
        ],
      },
      seen,
    );
    const result = await attributeChanges([addon], current, { cloudtrail: client(), now: NOW, minIntervalMs: 0 });
    expect(result.get(attributionKey(addon))).toMatchObject({ by: 'arn:aws:sts::111122223333:assumed-role/Platform/dave', event: 'UpdateAddon', source: 'cloudtrail' });
    expect(seen.map((s) => s.resource)).toEqual([name]);
  });

  it('Kubernetes objects: the latest field manager and its time from managedFields, status entries aside', async () => {
    const spec = { podSelector: {}, policyTypes: ['Ingress' as const] };
    const before = snap({ objects: [namespace('shop'), netpol('shop/deny-all', spec)] });
    const managedFields = [
      { manager: 'kubectl-client-side-apply', operation: 'Update', time: '2026-11-01T10:00:00Z' },
      { manager: 'argocd-controller', operation: 'Apply', time: '2026-12-05T08:30:00Z' },
      { manager: 'some-controller', operation: 'Update', time: '2026-12-05T09:00:00Z', subresource: 'status' },
    ];
    const current = snap({ objects: [namespace('shop'), netpol('shop/deny-all', { ...spec, policyTypes: ['Ingress' as const, 'Egress' as const] }, { managedFields }), netpol('shop/new', spec)] });
    const changes = diff(before, current);
    // No CloudTrail client and no call: Kubernetes objects need none.
    const result = await attributeChanges(changes, current, { now: NOW });
    const modified = changes.find((c) => c.id === 'shop/deny-all')!;
    expect(result.get(attributionKey(modified))).toEqual({ by: 'argocd-controller', at: '2026-12-05T08:30:00Z', source: 'managedFields', event: 'Apply' });
    // An object collected without managedFields: unknown, saying why.
    expect(result.get(attributionKey(changes.find((c) => c.id === 'shop/new')!))).toEqual({ by: 'unknown (no managedFields in the collected object)', source: 'unknown' });
  });

  it('without a CloudTrail client AWS objects are unknown, with the reason given', async () => {
    const current = snap({ securityGroups: [sg('sg-0aaa', [ssh]), sg('sg-0bbb')] });
    const changes = diff(snap({ securityGroups: [sg('sg-0aaa'), sg('sg-0bbb')] }), current);
    const result = await attributeChanges(changes, current, { now: NOW, noCloudTrailReason: 'not looked up in snapshot mode' });
    expect(result.get(attributionKey(changes[0]!))).toEqual({ by: 'unknown (CloudTrail: not looked up in snapshot mode)', source: 'unknown' });
    expect((await attributeChanges(changes, current, { now: NOW })).get(attributionKey(changes[0]!))).toEqual({ by: 'unknown', source: 'unknown' });
  });
});
