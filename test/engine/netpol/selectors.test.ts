import type { LabelSelector } from '../../../src/model/k8s';
import { namespace, netpol, pod, world } from './builder';

// Pod and namespace selectors follow apimachinery's label selectors:
// https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#label-selectors
// (matchLabels and matchExpressions are ANDed; `notin` and `!key` also select objects without the key;
// an empty selector selects everything: https://kubernetes.io/docs/reference/kubernetes-api/common-definitions/label-selector/)

const ingressFrom = (podSelector: LabelSelector) =>
  world(
    pod('x/db', { app: 'db' }),
    pod('x/src', { app: 'web', tier: 'front' }),
    pod('x/bare', {}),
    netpol('x/allow', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from: [{ podSelector }] }] }),
  );

describe('label selector operators on pod peers', () => {
  it.each<[string, LabelSelector, string, 'allow' | 'deny']>([
    ['matchLabels equal', { matchLabels: { app: 'web' } }, 'x/src', 'allow'],
    ['matchLabels different value', { matchLabels: { app: 'api' } }, 'x/src', 'deny'],
    ['matchLabels AND: one key differs', { matchLabels: { app: 'web', tier: 'back' } }, 'x/src', 'deny'],
    ['In matches a listed value', { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }, 'x/src', 'allow'],
    ['In needs the key', { matchExpressions: [{ key: 'app', operator: 'In', values: ['web'] }] }, 'x/bare', 'deny'],
    ['NotIn excludes a listed value', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, 'x/src', 'deny'],
    ['NotIn matches another value', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['api'] }] }, 'x/src', 'allow'],
    ['NotIn matches when the key is absent', { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, 'x/bare', 'allow'],
    ['Exists with the key', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, 'x/src', 'allow'],
    ['Exists without the key', { matchExpressions: [{ key: 'tier', operator: 'Exists' }] }, 'x/bare', 'deny'],
    ['DoesNotExist without the key', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, 'x/bare', 'allow'],
    ['DoesNotExist with the key', { matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, 'x/src', 'deny'],
    ['matchLabels AND matchExpressions', { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'DoesNotExist' }] }, 'x/src', 'deny'],
    ['empty selector matches every pod', {}, 'x/bare', 'allow'],
  ])('%s', (_name, selector, from, verdict) => {
    expect(ingressFrom(selector).ingress(from, 'x/db', 5432).verdict).toBe(verdict);
  });
});

describe('the policy podSelector picks the isolated pods', () => {
  // https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
  const w = world(
    pod('x/db', { app: 'db' }),
    pod('x/web', { app: 'web' }),
    pod('x/src', {}),
    netpol('x/deny-not-web', { podSelector: { matchExpressions: [{ key: 'app', operator: 'NotIn', values: ['web'] }] }, ingress: [] }),
  );
  it.each([
    ['x/db', 'deny'],
    ['x/web', 'allow'],
  ])('%s is %s', (dst, verdict) => {
    expect(w.ingress('x/src', dst, 80).verdict).toBe(verdict);
  });
});

describe('namespaceSelector against namespace labels', () => {
  // https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
  // and the automatic label: https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name
  const w = world(
    namespace('x'),
    namespace('prod', { env: 'prod' }),
    namespace('dev', { env: 'dev' }),
    pod('x/db', { app: 'db' }),
    pod('prod/a', { app: 'a' }),
    pod('dev/a', { app: 'a' }),
    netpol('x/allow', {
      podSelector: { matchLabels: { app: 'db' } },
      ingress: [
        { from: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }] },
        { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'dev' } } }], ports: [{ port: 9999 }] },
      ],
    }),
  );
  it.each([
    ['prod/a', 5432, 'allow'],
    ['dev/a', 5432, 'deny'],
    ['dev/a', 9999, 'allow'],
  ])('%s on %d is %s', (from, port, verdict) => {
    expect(w.ingress(from, 'x/db', port).verdict).toBe(verdict);
  });
});

describe('namespace labels the snapshot does not hold', () => {
  // A namespace without a Namespace object has only its automatic name label known.
  const policy = netpol('x/allow', {
    podSelector: {},
    ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'pay' } } }] }],
  });
  it('is not-evaluated, naming the namespace whose labels are missing', () => {
    const r = world(namespace('x'), pod('x/db'), pod('ghost/a'), policy).ingress('ghost/a', 'x/db', 80);
    expect(r.verdict).toBe('not-evaluated');
    expect(r.reason).toContain('namespace ghost');
    expect(r.objects).toEqual(['NetworkPolicy/x/allow']);
  });
  it('is decided when the Namespace object is present', () => {
    expect(world(namespace('x'), namespace('ghost', { team: 'pay' }), pod('x/db'), pod('ghost/a'), policy).ingress('ghost/a', 'x/db', 80).verdict).toBe('allow');
    expect(world(namespace('x'), namespace('ghost'), pod('x/db'), pod('ghost/a'), policy).ingress('ghost/a', 'x/db', 80).verdict).toBe('deny');
  });
  it('is decided by the name label alone when a requirement on it fails', () => {
    const byName = netpol('x/allow', {
      podSelector: {},
      ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'pay', 'kubernetes.io/metadata.name': 'other' } } }] }],
    });
    expect(world(pod('x/db'), pod('ghost/a'), byName).ingress('ghost/a', 'x/db', 80).verdict).toBe('deny');
  });
  it('does not matter when another rule definitely admits the peer', () => {
    const also = netpol('x/also', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '10.0.0.0/8' } }] }] });
    const r = world(pod('x/db'), pod('ghost/a'), policy, also).ingress('ghost/a', 'x/db', 80);
    expect(r.verdict).toBe('allow');
    expect(r.objects).toEqual(['NetworkPolicy/x/also']);
  });
});
