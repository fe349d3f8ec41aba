import { diff } from '../../src/drift';
import type { NetworkPolicy } from '../../src/model/k8s';
import { namespace, netpol, pod, snap, type SnapParts } from './builders';

type Expected = [kind: string, id: string, change: string, severity: string];
const brief = (before: SnapParts, after: SnapParts): Expected[] => diff(snap(before), snap(after)).map((c) => [c.kind, c.id, c.change, c.severity]);

const denyAll = netpol('shop/default-deny', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
const allowWeb: NetworkPolicy['spec'] = {
  podSelector: { matchLabels: { app: 'web', tier: 'front' } },
  policyTypes: ['Ingress'],
  ingress: [
    {
      from: [
        { namespaceSelector: { matchLabels: { team: 'edge' } } },
        { podSelector: { matchExpressions: [{ key: 'role', operator: 'In', values: ['lb', 'proxy'] }] } },
        { ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.9.0/24', '10.0.8.0/24'] } },
      ],
      ports: [{ port: 8080 }, { protocol: 'UDP', port: 53 }],
    },
    { from: [{ podSelector: { matchLabels: { app: 'monitor' } } }], ports: [{ protocol: 'TCP', port: 9090 }] },
  ],
};
const shop = [namespace('shop', { team: 'shop' }), namespace('edge', { team: 'edge' })];
const base: SnapParts = { objects: [...shop, denyAll, netpol('shop/allow-web', allowWeb)] };

// NetworkPolicy semantics: rules, peers and ports are ORed sets; a missing policyTypes defaults to Ingress
// plus Egress when there are egress rules (https://kubernetes.io/docs/concepts/services-networking/network-policies/,
// defaulting: kubernetes pkg/apis/networking/v1/defaults.go SetDefaults_NetworkPolicy, len(Egress) != 0).
describe('NetworkPolicy drift', () => {
  it.each<[string, SnapParts, Expected[]]>([
    ['the default deny removed leaves the namespace open: critical', { objects: [...shop, netpol('shop/allow-web', allowWeb)] }, [['NetworkPolicy', 'shop/default-deny', 'removed', 'critical']]],
    ['the default deny narrowed to some pods: critical', { objects: [...shop, netpol('shop/default-deny', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress', 'Egress'] }), netpol('shop/allow-web', allowWeb)] }, [['NetworkPolicy', 'shop/default-deny', 'modified', 'critical']]],
    ['the default deny dropping Egress: critical', { objects: [...shop, netpol('shop/default-deny', { podSelector: {}, policyTypes: ['Ingress'] }), netpol('shop/allow-web', allowWeb)] }, [['NetworkPolicy', 'shop/default-deny', 'modified', 'critical']]],
    ['an allow policy removed: medium', { objects: [...shop, denyAll] }, [['NetworkPolicy', 'shop/allow-web', 'removed', 'medium']]],
    ['a rule admitting every source: high', { objects: [...shop, denyAll, netpol('shop/allow-web', { ...allowWeb, ingress: [...allowWeb.ingress!, {}] })] }, [['NetworkPolicy', 'shop/allow-web', 'modified', 'high']]],
    ['a port changed: medium', { objects: [...shop, denyAll, netpol('shop/allow-web', { ...allowWeb, ingress: [{ ...allowWeb.ingress![0]!, ports: [{ port: 8081 }] }, allowWeb.ingress![1]!] })] }, [['NetworkPolicy', 'shop/allow-web', 'modified', 'medium']]],
    ['a deny-only policy added: low', { objects: [...base.objects!, netpol('shop/deny-db', { podSelector: { matchLabels: { app: 'db' } }, policyTypes: ['Ingress'] })] }, [['NetworkPolicy', 'shop/deny-db', 'added', 'low']]],
    ['an allow-from-anywhere policy added: high', { objects: [...base.objects!, netpol('shop/open', { podSelector: {}, ingress: [{ from: [{ ipBlock: { cidr: '0.0.0.0/0' } }] }] })] }, [['NetworkPolicy', 'shop/open', 'added', 'high']]],
    ['another default deny keeps the namespace isolated: medium', { objects: [...shop, netpol('shop/deny-2', { podSelector: {}, policyTypes: ['Egress', 'Ingress'] }), netpol('shop/allow-web', allowWeb)] }, [
      ['NetworkPolicy', 'shop/default-deny', 'removed', 'medium'],
      ['NetworkPolicy', 'shop/deny-2', 'added', 'low'],
    ]],
  ])('%s', (_name, after, expected) => {
    expect(brief(base, after)).toEqual(expected);
  });

  it('a policy removed with its namespace is not an isolation loss', () => {
    expect(brief(base, { objects: [namespace('edge', { team: 'edge' })] })).toEqual([
      ['Namespace', 'shop', 'removed', 'medium'],
      ['NetworkPolicy', 'shop/allow-web', 'removed', 'medium'],
      ['NetworkPolicy', 'shop/default-deny', 'removed', 'medium'],
    ]);
  });

  it('the critical summary names the namespace and what is now open', () => {
    const [c] = diff(snap(base), snap({ objects: [...shop, netpol('shop/allow-web', allowWeb)] }));
    expect(c!.summary).toMatch(/namespace shop no longer has a default deny for egress and ingress/);
  });

  const reordered: NetworkPolicy['spec'] = {
    policyTypes: ['Ingress'],
    ingress: [
      { ports: [{ protocol: 'TCP', port: 9090 }], from: [{ podSelector: { matchLabels: { app: 'monitor' } } }] },
      {
        ports: [{ port: 53, protocol: 'UDP' }, { port: 8080, protocol: 'TCP' }],
        from: [
          { ipBlock: { except: ['10.0.8.0/24', '10.0.9.0/24'], cidr: '10.0.0.0/16' } },
          { podSelector: { matchExpressions: [{ values: ['proxy', 'lb'], operator: 'In', key: 'role' }] } },
          { namespaceSelector: { matchLabels: { team: 'edge' } }, podSelector: {} },
        ],
      },
    ],
    podSelector: { matchLabels: { tier: 'front', app: 'web' } },
  };

  it.each<[string, NetworkPolicy[]]>([
    ['rules, peers, ports, selector keys and values reordered; TCP written out; empty podSelector beside namespaceSelector', [denyAll, netpol('shop/allow-web', reordered)]],
    ['metadata churn: resourceVersion, uid, generation, managedFields, annotations, status', [
      denyAll,
      netpol('shop/allow-web', allowWeb, { resourceVersion: '99', uid: 'u-2', generation: 7, creationTimestamp: '2026-01-01T00:00:00Z', managedFields: [{ manager: 'kubectl' }], annotations: { 'kubectl.kubernetes.io/last-applied-configuration': '{}' } }),
    ]],
  ])('no drift: %s', (_name, policies) => {
    expect(brief(base, { objects: [...shop, ...policies] })).toEqual([]);
  });

  it('no drift: policyTypes written out as the API server defaults them', () => {
    const implicit = netpol('x/p', { podSelector: {}, ingress: [{}], egress: [{ to: [{ podSelector: {} }] }] });
    const explicit = netpol('x/p', { podSelector: {}, policyTypes: ['Egress', 'Ingress'], ingress: [{ from: [] }], egress: [{ to: [{ podSelector: {} }] }] });
    expect(brief({ objects: [implicit] }, { objects: [explicit] })).toEqual([]);
  });

  it('an empty egress list does not default policyTypes to Egress (len(Egress) != 0)', () => {
    const implicit = netpol('x/p', { podSelector: {}, egress: [] });
    expect(brief({ objects: [implicit] }, { objects: [netpol('x/p', { podSelector: {}, policyTypes: ['Ingress'] })] })).toEqual([]);
    expect(brief({ objects: [implicit] }, { objects: [netpol('x/p', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] })] })).toEqual([['NetworkPolicy', 'x/p', 'modified', 'medium']]);
  });
});

describe('Namespace drift', () => {
  it.each<[string, SnapParts, Expected[]]>([
    ['a label changed', { objects: [namespace('shop', { team: 'payments' }), namespace('edge', { team: 'edge' })] }, [['Namespace', 'shop', 'modified', 'medium']]],
    ['a namespace added', { objects: [...shop, namespace('new')] }, [['Namespace', 'new', 'added', 'low']]],
    ['a namespace removed', { objects: [namespace('shop', { team: 'shop' })] }, [['Namespace', 'edge', 'removed', 'medium']]],
    ['no drift: labels reordered, status and resourceVersion changed', { objects: [
      { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', resourceVersion: '5', labels: { team: 'shop', 'kubernetes.io/metadata.name': 'shop' } }, status: { phase: 'Terminating' } },
      namespace('edge', { team: 'edge' }),
    ] }, []],
  ])('%s', (_name, after, expected) => {
    expect(brief({ objects: shop }, after)).toEqual(expected);
  });

  it('names the label that changed', () => {
    const [c] = diff(snap({ objects: shop }), snap({ objects: [namespace('shop', { team: 'payments', env: 'prod' }), shop[1]!] }));
    expect(c!.summary).toContain('+env=prod, team: shop → payments');
  });
});

describe('pods are never drift', () => {
  it('pod churn (new names, IPs, statuses) is not reported', () => {
    const before = { objects: [...shop, pod('shop/web-5d9f-abcde', '10.0.1.5')] };
    const after = { objects: [...shop, pod('shop/web-7c4b-xyz12', '10.0.1.9', { resourceVersion: '77' }), pod('shop/web-7c4b-qqq11', '10.0.1.10')] };
    expect(brief(before, after)).toEqual([]);
  });
});

describe('SecurityGroupPolicy drift', () => {
  const sgp = (groupIds: string[], podSelector?: Record<string, string>) => ({
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    kind: 'SecurityGroupPolicy',
    metadata: { name: 'db-access', namespace: 'shop' },
    spec: { podSelector: podSelector ? { matchLabels: podSelector } : undefined, securityGroups: { groupIds } },
  });
  it.each<[string, SnapParts, SnapParts, Expected[]]>([
    ['groups changed', { objects: [sgp(['sg-1'], { app: 'api' })] }, { objects: [sgp(['sg-1', 'sg-2'], { app: 'api' })] }, [['SecurityGroupPolicy', 'shop/db-access', 'modified', 'medium']]],
    ['added', { objects: [] }, { objects: [sgp(['sg-1'], { app: 'api' })] }, [['SecurityGroupPolicy', 'shop/db-access', 'added', 'medium']]],
    ['removed', { objects: [sgp(['sg-1'], { app: 'api' })] }, { objects: [] }, [['SecurityGroupPolicy', 'shop/db-access', 'removed', 'medium']]],
    ['no drift: groupIds reordered', { objects: [sgp(['sg-2', 'sg-1'], { app: 'api' })] }, { objects: [sgp(['sg-1', 'sg-2'], { app: 'api' })] }, []],
  ])('%s', (_name, before, after, expected) => {
    expect(brief(before, after)).toEqual(expected);
  });
});
