import type { NetworkPolicy } from '../../../src/model/k8s';
import { netpol, pod, snapshotOf, World, world } from './builder';

// Isolation and policyTypes:
// https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
// https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/ (policyTypes: "If this field is
// not specified, it will default based on the existence of ingress or egress rules; policies that contain an egress
// section are assumed to affect egress, and all policies (whether or not they contain an ingress section) are assumed
// to affect ingress.")

const pods = () => [pod('x/a', { app: 'a' }), pod('x/b', { app: 'b' })];
const onA = (spec: Omit<NetworkPolicy['spec'], 'podSelector'>) => netpol('x/p', { podSelector: { matchLabels: { app: 'a' } }, ...spec });

describe('policyTypes and per-direction isolation of pod x/a', () => {
  it.each<[string, Omit<NetworkPolicy['spec'], 'podSelector'>, 'allow' | 'deny', 'allow' | 'deny']>([
    // [name, spec, egress a→b, ingress b→a]
    ['no policyTypes, no sections: ingress isolated only', {}, 'allow', 'deny'],
    // SetDefaults_NetworkPolicy appends Egress only if len(spec.egress) != 0 (kubernetes pkg/apis/networking/v1/defaults.go)
    ['no policyTypes, empty egress: only ingress isolated', { egress: [] }, 'allow', 'deny'],
    ['no policyTypes, ingress: [] isolates ingress', { ingress: [] }, 'allow', 'deny'],
    ['policyTypes [Egress] only', { policyTypes: ['Egress'] }, 'deny', 'allow'],
    ['policyTypes [Egress] ignores ingress rules', { policyTypes: ['Egress'], ingress: [{}] }, 'deny', 'allow'],
    ['policyTypes [Ingress] ignores egress rules', { policyTypes: ['Ingress'], egress: [] }, 'allow', 'deny'],
    ['both types, allow-all ingress rule', { policyTypes: ['Ingress', 'Egress'], ingress: [{}] }, 'deny', 'allow'],
    ['allow-all egress rule {}', { egress: [{}] }, 'allow', 'deny'],
  ])('%s', (_name, spec, egress, ingress) => {
    const w = world(...pods(), onA(spec));
    expect(w.egress('x/a', 'x/b', 80).verdict).toBe(egress);
    expect(w.ingress('x/b', 'x/a', 80).verdict).toBe(ingress);
  });

  it('a policy in another namespace does not select the pod', () => {
    const w = world(...pods(), netpol('y/p', { podSelector: {}, ingress: [] }));
    expect(w.ingress('x/b', 'x/a', 80).verdict).toBe('allow');
  });
});

describe('union of the policies selecting a pod', () => {
  const w = world(
    ...pods(),
    pod('x/c', { app: 'c' }),
    netpol('x/deny-all', { podSelector: {}, ingress: [] }),
    netpol('x/from-b', { podSelector: { matchLabels: { app: 'a' } }, ingress: [{ from: [{ podSelector: { matchLabels: { app: 'b' } } }] }] }),
    netpol('x/any-80', { podSelector: {}, ingress: [{ ports: [{ port: 80 }] }] }),
  );
  it.each([
    ['x/b', 80, 'allow', ['NetworkPolicy/x/any-80', 'NetworkPolicy/x/from-b']],
    ['x/b', 443, 'allow', ['NetworkPolicy/x/from-b']],
    ['x/c', 80, 'allow', ['NetworkPolicy/x/any-80']],
    ['x/c', 443, 'deny', ['NetworkPolicy/x/any-80', 'NetworkPolicy/x/deny-all', 'NetworkPolicy/x/from-b']],
  ])('%s → x/a:%d is %s naming %j', (from, port, verdict, objects) => {
    const r = w.ingress(from, 'x/a', port);
    expect(r.verdict).toBe(verdict);
    expect(r.objects).toEqual(objects);
  });

  it('a deny names the isolating policies, the peer and the port', () => {
    const r = w.ingress('x/c', 'x/a', 443);
    expect(r.layer).toBe('networkpolicy-ingress');
    expect(r.reason).toBe(
      'NetworkPolicy/x/any-80, NetworkPolicy/x/deny-all, NetworkPolicy/x/from-b isolate pod x/a for ingress, and none admits x/c on TCP 443.',
    );
  });
});

describe('layers that do not apply', () => {
  const w = world(
    pod('x/a', { app: 'a' }),
    pod('x/host', { app: 'a' }, { hostNetwork: true }),
    netpol('x/deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  );
  it('an unselected pod is not isolated', () => {
    const ww = world(...pods());
    const [egress, ingress] = ww.check('x/a', 'x/b', 80);
    expect(egress).toMatchObject({ layer: 'networkpolicy-egress', verdict: 'allow', objects: [] });
    expect(egress.reason).toBe('No NetworkPolicy selects pod x/a for egress; not isolated.');
    expect(ingress).toMatchObject({ layer: 'networkpolicy-ingress', verdict: 'allow', objects: [] });
  });
  // https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
  it('a hostNetwork pod is not selected by NetworkPolicy', () => {
    const [egress] = w.check('x/host', '10.9.9.9', 80);
    expect(egress.verdict).toBe('allow');
    expect(egress.reason).toContain('hostNetwork');
    expect(egress.reason).toContain('does not apply');
    expect(w.ingress('10.9.9.9', 'x/host', 80).verdict).toBe('allow');
  });
  it.each([
    ['a bare IP source', '10.9.9.9', 'x/a', 0, '10.9.9.9 is not a pod; NetworkPolicy egress does not apply.'],
    ['the internet as destination', 'x/a', 'internet', 1, 'internet is not a pod; NetworkPolicy ingress does not apply.'],
  ])('%s: its side allows', (_name, from, to, side, reason) => {
    const r = w.check(from, to, 80)[side]!;
    expect(r.verdict).toBe('allow');
    expect(r.reason).toBe(reason);
  });
});

describe('NetworkPolicies the collection could not read', () => {
  it('are not-evaluated with the collection reason', () => {
    const snap = snapshotOf([...pods()]);
    snap.collection.missing.push({ resource: 'NetworkPolicy', reason: 'Forbidden: networkpolicies is forbidden' });
    const [egress, ingress] = new World(snap).check('x/a', 'x/b', 80);
    expect(egress.verdict).toBe('not-evaluated');
    expect(ingress.verdict).toBe('not-evaluated');
    expect(ingress.reason).toContain('Forbidden');
  });
});
