import { CollectionCache } from '../../src/collect/cache';
import { toCliJson } from '../../src/collect/cli-json';
import { awsFailureReason, kubeFailureReason } from '../../src/collect/failure';
import { createLimiter } from '../../src/collect/limiter';
import { allPages } from '../../src/collect/pages';
import { referencedGroupIds, referencedPrefixListIds } from '../../src/collect/aws-ec2';

describe('createLimiter', () => {
  it('never runs more than N tasks at once, and runs them all', async () => {
    const run = createLimiter(3);
    let active = 0;
    let peak = 0;
    const results = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        run(async () => {
          active++;
          peak = Math.max(peak, active);
          await new Promise((r) => setTimeout(r, 5));
          active--;
          return i;
        }),
      ),
    );
    expect(peak).toBe(3);
    expect(results).toEqual(Array.from({ length: 20 }, (_, i) => i));
  });

  it('frees the slot of a task that fails', async () => {
    const run = createLimiter(1);
    await expect(run(() => Promise.reject(new Error('boom')))).rejects.toThrow('boom');
    await expect(run(async () => 'next')).resolves.toBe('next');
  });
});

describe('allPages', () => {
  it('follows tokens to the end and stops on a token it has already seen', async () => {
    const run = createLimiter(2);
    const pages: Record<string, { items: number[]; next?: string }> = { '': { items: [1], next: 'a' }, a: { items: [2], next: 'b' }, b: { items: [3], next: 'a' } };
    expect(await allPages(run, async (t) => ({ items: pages[t ?? '']!.items, next: pages[t ?? '']!.next }))).toEqual([1, 2, 3]);
  });
});

describe('toCliJson', () => {
  it('prints Dates as ISO strings and drops $metadata and unset members', () => {
    expect(toCliJson({ $metadata: { httpStatusCode: 200 }, A: new Date('2026-01-02T03:04:05Z'), B: undefined, C: [{ D: 1 }] })).toEqual({
      A: '2026-01-02T03:04:05.000Z',
      C: [{ D: 1 }],
    });
  });
});

describe('failure reasons', () => {
  it('names the IAM permission for a 403, not for throttling', () => {
    const denied = Object.assign(new Error('You are not authorized to perform this operation.'), { name: 'UnauthorizedOperation', $metadata: { httpStatusCode: 403 } });
    expect(awsFailureReason(denied, 'ec2:DescribeNetworkAcls')).toBe('UnauthorizedOperation: You are not authorized to perform this operation. (needs ec2:DescribeNetworkAcls)');
    const throttled = Object.assign(new Error('Request limit exceeded.'), { name: 'RequestLimitExceeded', $metadata: { httpStatusCode: 503 } });
    expect(awsFailureReason(throttled, 'ec2:DescribeNetworkAcls')).toBe('RequestLimitExceeded: Request limit exceeded.');
  });

  it('names the RBAC rule for a Kubernetes 403 and reads the Status message', () => {
    const err = { code: 403, body: JSON.stringify({ kind: 'Status', message: 'pods is forbidden: User "x" cannot list resource "pods"' }) };
    expect(kubeFailureReason(err, 'list pods')).toBe('Forbidden: pods is forbidden: User "x" cannot list resource "pods" (needs RBAC list pods)');
    expect(kubeFailureReason({ code: 401 }, 'list pods')).toMatch(/^Unauthorized: /);
  });
});

describe('CollectionCache', () => {
  it('serves a value for ttl seconds, shares it between callers, and forgets failures', async () => {
    let now = 0;
    const cache = new CollectionCache<number>(() => now);
    let made = 0;
    const make = async () => ++made;
    expect(await cache.get('k', 60, false, make)).toBe(1);
    now = 59_000;
    expect(await cache.get('k', 60, false, make)).toBe(1);
    now = 60_000;
    expect(await cache.get('k', 60, false, make)).toBe(2);
    expect(await cache.get('k', 60, true, make)).toBe(3);
    await expect(cache.get('k', 60, true, () => Promise.reject(new Error('down')))).rejects.toThrow('down');
    expect(await cache.get('k', 60, false, make)).toBe(4);
  });
});

describe('references that the collection follows', () => {
  const groups = [
    { GroupId: 'sg-a', IpPermissions: [{ UserIdGroupPairs: [{ GroupId: 'sg-b' }, { GroupId: 'sg-x' }], PrefixListIds: [{ PrefixListId: 'pl-1' }] }], IpPermissionsEgress: [{ UserIdGroupPairs: [{ GroupId: 'sg-y' }] }] },
    { GroupId: 'sg-b', IpPermissions: [], IpPermissionsEgress: [] },
  ];
  it('finds groups named by rules outside the list, and prefix lists named by rules and routes', () => {
    expect(referencedGroupIds(groups)).toEqual(['sg-x', 'sg-y']);
    expect(referencedPrefixListIds(groups, [{ Routes: [{ DestinationPrefixListId: 'pl-2' }] }])).toEqual(['pl-1', 'pl-2']);
  });
});
