import type { NetworkPolicyPeer } from '../../../src/model/k8s';
import { namespace, netpol, pod, world } from './builder';

// Peer semantics: https://kubernetes.io/docs/concepts/services-networking/network-policies/#behavior-of-to-and-from-selectors
// "podSelector" alone selects pods in the policy's namespace; "namespaceSelector" alone every pod of the
// selected namespaces; both in one element are ANDed; several elements are ORed.

function peersWorld(from: NetworkPolicyPeer[]) {
  return world(
    namespace('x', { team: 'x' }),
    namespace('y', { team: 'y' }),
    pod('x/db', { app: 'db' }),
    pod('x/web', { app: 'web' }),
    pod('x/other', { app: 'other' }),
    pod('y/web', { app: 'web' }),
    pod('y/other', { app: 'other' }),
    netpol('x/db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ from }] }),
  );
}

const ns = (team: string) => ({ namespaceSelector: { matchLabels: { team } } });
const app = (name: string) => ({ podSelector: { matchLabels: { app: name } } });

describe('AND within one peer, OR across peers', () => {
  it.each<[string, NetworkPolicyPeer[], Record<string, 'allow' | 'deny'>]>([
    ['podSelector alone = the policy namespace', [app('web')], { 'x/web': 'allow', 'y/web': 'deny', 'x/other': 'deny' }],
    ['namespaceSelector alone = every pod there', [ns('y')], { 'x/web': 'deny', 'y/web': 'allow', 'y/other': 'allow' }],
    ['both in one element: AND', [{ ...ns('y'), ...app('web') }], { 'y/web': 'allow', 'y/other': 'deny', 'x/web': 'deny' }],
    ['two elements: OR', [ns('y'), app('web')], { 'y/web': 'allow', 'y/other': 'allow', 'x/web': 'allow', 'x/other': 'deny' }],
    ['empty namespaceSelector = all namespaces', [{ namespaceSelector: {}, ...app('web') }], { 'y/web': 'allow', 'x/web': 'allow', 'y/other': 'deny' }],
  ])('%s', (_name, from, expected) => {
    const w = peersWorld(from);
    for (const [src, verdict] of Object.entries(expected)) {
      expect([src, w.ingress(src, 'x/db', 5432).verdict]).toEqual([src, verdict]);
    }
  });

  it('a rule with no from admits every peer, bare addresses included', () => {
    const w = world(pod('x/db'), netpol('x/any', { podSelector: {}, ingress: [{ ports: [{ port: 5432 }] }] }));
    expect(w.ingress('203.0.113.9', 'x/db', 5432).verdict).toBe('allow');
    expect(w.ingress('internet', 'x/db', 5432).verdict).toBe('allow');
  });
});

describe('ipBlock', () => {
  // https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/ (IPBlock: cidr, except)
  const w = world(
    pod('x/db', {}, { ip: '10.1.0.5' }),
    pod('x/inside', { app: 'web' }, { ip: '10.2.3.4' }),
    pod('x/excepted', { app: 'web' }, { ip: '10.2.9.9' }),
    pod('x/node', {}, { hostNetwork: true, hostIP: '10.3.0.1' }),
    netpol('x/db', {
      podSelector: {},
      ingress: [
        { from: [{ ipBlock: { cidr: '10.2.0.0/16', except: ['10.2.9.0/24'] } }] },
        { from: [{ ipBlock: { cidr: '10.3.0.1/32' } }] },
        { from: [{ ipBlock: { cidr: '2001:db8::/64' } }] },
      ],
    }),
  );
  it.each([
    ['a bare IP inside the block', '10.2.200.1', 'allow'],
    ['a bare IP in an except', '10.2.9.1', 'deny'],
    ['a bare IP outside', '10.9.0.1', 'deny'],
    ['a pod IP inside the block', 'x/inside', 'allow'],
    ['a pod IP in an except', 'x/excepted', 'deny'],
    ['an IPv6 address inside an IPv6 block', '2001:db8::7', 'allow'],
    ['an IPv6 address outside', '2001:db9::7', 'deny'],
    // hostNetwork peers are their node's IP: https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
    ['a hostNetwork pod by its node IP', 'x/node', 'allow'],
  ])('%s (%s) → %s', (_name, from, verdict) => {
    expect(w.ingress(from, 'x/db', 80).verdict).toBe(verdict);
  });

  // CONTRACT §2: the word internet is matched only by blocks that cover all of 0.0.0.0/0.
  it.each([
    ['0.0.0.0/0', [], 'allow'],
    ['0.0.0.0/0', ['10.0.0.0/8', '172.16.0.0/12'], 'allow'],
    ['0.0.0.0/0', ['8.8.8.0/24'], 'deny'],
    ['0.0.0.0/1', [], 'deny'],
  ])('internet against %s except %j → %s', (cidr, except, verdict) => {
    const ww = world(pod('x/a'), netpol('x/egress', { podSelector: {}, egress: [{ to: [{ ipBlock: { cidr, except } }] }] }));
    expect(ww.egress('x/a', 'internet', 443).verdict).toBe(verdict);
  });
});

describe('pod selectors never match a non-pod endpoint', () => {
  const w = world(
    pod('x/db'),
    pod('x/node', { app: 'web' }, { hostNetwork: true, hostIP: '10.3.0.1' }),
    netpol('x/db', { podSelector: {}, ingress: [{ from: [{ namespaceSelector: {}, podSelector: {} }] }] }),
  );
  it.each([
    ['a bare address', '10.9.9.9'],
    ['the internet', 'internet'],
    ['a hostNetwork pod', 'x/node'],
  ])('%s is denied by an all-pods selector', (_name, from) => {
    expect(w.ingress(from, 'x/db', 80).verdict).toBe('deny');
  });
});
