import { parseYaml } from '../../../src/util/yaml';

const parse = (text: string): any => parseYaml(text);
import type { K8sObject, NetworkPolicy } from '../../../src/model/k8s';
import { namespace, netpol, pod, snapshotOf, World, workload } from './builder';

// A deny carries the smallest NetworkPolicy that admits exactly the flow. Policies are additive
// ("they do not conflict; they are additive"), so adding it must turn the layer to allow:
// https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation
// The namespace is selected by its automatic name label:
// https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-namespace-by-its-name

const objects = (): K8sObject[] => [
  namespace('shop'),
  namespace('pay'),
  workload('Deployment', 'shop/frontend', { selector: { matchLabels: { app: 'frontend' } } }),
  workload('ReplicaSet', 'shop/frontend-6d4b9', { selector: { matchLabels: { app: 'frontend' } } }, {
    ownerReferences: [{ kind: 'Deployment', name: 'frontend', controller: true }],
  }),
  workload('StatefulSet', 'pay/ledger', { selector: { matchLabels: { app: 'ledger', tier: 'db' } } }),
  pod('shop/frontend-6d4b9-xyz', { app: 'frontend', 'pod-template-hash': '6d4b9', version: 'v2' }, { owner: { kind: 'ReplicaSet', name: 'frontend-6d4b9' } }),
  pod('shop/frontend-6d4b9-abc', { app: 'frontend', 'pod-template-hash': '6d4b9', version: 'v2' }, { owner: { kind: 'ReplicaSet', name: 'frontend-6d4b9' } }),
  pod('pay/ledger-0', { app: 'ledger', tier: 'db', 'controller-revision-hash': 'ledger-5f', 'statefulset.kubernetes.io/pod-name': 'ledger-0' }, {
    owner: { kind: 'StatefulSet', name: 'ledger' },
  }),
  pod('pay/loose', { app: 'loose', 'pod-template-hash': 'abc' }),
  pod('shop/node-agent', { app: 'agent' }, { hostNetwork: true, hostIP: '10.0.7.7' }),
  netpol('shop/lockdown', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
  netpol('pay/lockdown', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
];

const FRONTEND = 'shop/frontend-6d4b9-xyz';

describe('fix round trip: applying the fix turns the denying layer to allow', () => {
  it.each<[string, string, string, number, 'TCP' | 'UDP' | 'SCTP', 0 | 1]>([
    ['egress pod → pod in another namespace', FRONTEND, 'pay/ledger-0', 5432, 'TCP', 0],
    ['ingress pod → pod in another namespace', FRONTEND, 'pay/ledger-0', 5432, 'TCP', 1],
    ['egress to a bare IPv4 address', FRONTEND, '172.20.0.10', 53, 'UDP', 0],
    ['egress to the internet', 'pay/loose', 'internet', 443, 'TCP', 0],
    ['ingress from an IPv6 address', '2001:db8::5', 'pay/loose', 8080, 'TCP', 1],
    ['ingress from a hostNetwork pod (its node IP)', 'shop/node-agent', FRONTEND, 9000, 'SCTP', 1],
  ])('%s', (_name, from, to, port, protocol, side) => {
    const before = new World(snapshotOf(objects()));
    const denied = before.check(from, to, port, protocol)[side];
    expect(denied.verdict).toBe('deny');
    const fix = denied.fix!;
    expect(fix.kind).toBe('networkpolicy');
    expect(parse(fix.text)).toEqual(fix.object);
    // --json prints exactly the contract's layer fields; the fix is for the text and Slack answers.
    expect(Object.keys(JSON.parse(JSON.stringify(denied)))).toEqual(['layer', 'verdict', 'reason', 'objects']);

    const after = new World(snapshotOf([...objects(), fix.object as NetworkPolicy]));
    const allowed = after.check(from, to, port, protocol)[side];
    expect(allowed.verdict).toBe('allow');
    const np = fix.object as NetworkPolicy;
    expect(allowed.objects).toEqual([`NetworkPolicy/${np.metadata.namespace}/${np.metadata.name}`]);
    // Exactly this flow: another port stays denied.
    expect(after.check(from, to, port + 1, protocol)[side].verdict).toBe('deny');
  });
});

describe('the fix policy', () => {
  const w = new World(snapshotOf(objects()));

  it('selects workloads by their owners\' selectors and the peer namespace by name', () => {
    const np = w.ingress(FRONTEND, 'pay/ledger-0', 5432).fix!.object as NetworkPolicy;
    expect(np).toEqual({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: 'allow-ingress-frontend-to-ledger-tcp-5432', namespace: 'pay' },
      spec: {
        podSelector: { matchLabels: { app: 'ledger', tier: 'db' } },
        policyTypes: ['Ingress'],
        ingress: [
          {
            from: [{ podSelector: { matchLabels: { app: 'frontend' } }, namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'shop' } } }],
            ports: [{ protocol: 'TCP', port: 5432 }],
          },
        ],
      },
    });
  });

  it('admits every pod of the workload but not other pods', () => {
    const fixObject = w.ingress(FRONTEND, 'pay/ledger-0', 5432).fix!.object as NetworkPolicy;
    const after = new World(snapshotOf([...objects(), fixObject]));
    expect(after.ingress('shop/frontend-6d4b9-abc', 'pay/ledger-0', 5432).verdict).toBe('allow');
    expect(after.ingress('pay/loose', 'pay/ledger-0', 5432).verdict).toBe('deny');
  });

  it('falls back to the pod labels without pod-template-hash', () => {
    const np = w.egress('pay/loose', 'internet', 443).fix!.object as NetworkPolicy;
    expect(np.spec.podSelector).toEqual({ matchLabels: { app: 'loose' } });
    expect(np.spec.egress).toEqual([{ to: [{ ipBlock: { cidr: '0.0.0.0/0' } }], ports: [{ protocol: 'TCP', port: 443 }] }]);
  });

  it('uses /32 and /128 blocks for addresses', () => {
    const v4 = w.egress(FRONTEND, '172.20.0.10', 53, 'UDP').fix!.object as NetworkPolicy;
    expect(v4.spec.egress![0]!.to).toEqual([{ ipBlock: { cidr: '172.20.0.10/32' } }]);
    const v6 = w.ingress('2001:db8::5', 'pay/loose', 8080).fix!.object as NetworkPolicy;
    expect(v6.spec.ingress![0]!.from).toEqual([{ ipBlock: { cidr: '2001:db8::5/128' } }]);
  });

  it('gives the egress and ingress fixes of one namespace different names, so both apply', () => {
    const [egress, ingress] = w.check(FRONTEND, 'shop/frontend-6d4b9-abc', 8080);
    const fixes = [egress.fix!.object as NetworkPolicy, ingress.fix!.object as NetworkPolicy];
    expect(fixes.map((f) => f.metadata.name)).toEqual(['allow-egress-frontend-to-frontend-tcp-8080', 'allow-ingress-frontend-to-frontend-tcp-8080']);
    const after = new World(snapshotOf([...objects(), ...fixes]));
    expect(after.check(FRONTEND, 'shop/frontend-6d4b9-abc', 8080).map((r) => r.verdict)).toEqual(['allow', 'allow']);
  });

  it('keeps long names within 63 characters and distinct', () => {
    const long = 'a'.repeat(40);
    const ww = new World(snapshotOf([...objects(), pod(`pay/${long}-1`, { app: long }), pod(`pay/${long}-2`, { app: `${long}x` })]));
    const names = [`pay/${long}-1`, `pay/${long}-2`].map((p) => (ww.egress('pay/loose', p, 80).fix!.object as NetworkPolicy).metadata.name);
    for (const n of names) expect(n).toMatch(/^[a-z0-9]([-a-z0-9]{0,61}[a-z0-9])?$/);
    expect(new Set(names).size).toBe(2);
  });

  it('is only offered on a deny', () => {
    expect(w.egress('shop/node-agent', FRONTEND, 80).fix).toBeUndefined();
  });
});
