// A synthetic cluster at the scale the brief sets: 5,000 pods and 2,000 policies in 50 namespaces.
import type { K8sObject, NetworkPolicy } from '../../../src/model/k8s';
import type { Protocol } from '../../../src/model/result';
import { namespace, netpol, pod } from './builder';

export const NAMESPACES = 50;
export const PODS_PER_NAMESPACE = 100;
export const POLICIES_PER_NAMESPACE = 40;
const APPS = 20;

export function largeClusterObjects(): K8sObject[] {
  const objects: K8sObject[] = [];
  for (let n = 0; n < NAMESPACES; n++) {
    const ns = `ns${n}`;
    objects.push(namespace(ns, { team: `t${n % 7}`, env: n % 2 ? 'prod' : 'dev' }));
    for (let p = 0; p < PODS_PER_NAMESPACE; p++) {
      objects.push(
        pod(`${ns}/app${p % APPS}-${p}`, { app: `app${p % APPS}`, tier: p % 3 ? 'back' : 'front', 'pod-template-hash': 'h' }, {
          ip: `10.${n}.${Math.floor(p / 200)}.${(p % 200) + 1}`,
          ports: [{ name: 'http', containerPort: 8080 }, { name: 'metrics', containerPort: 9090 }],
        }),
      );
    }
    for (let k = 0; k < POLICIES_PER_NAMESPACE; k++) objects.push(policy(ns, n, k));
  }
  return objects;
}

function policy(ns: string, n: number, k: number): NetworkPolicy {
  const app = `app${k % APPS}`;
  if (k === 0) return netpol(`${ns}/default-deny`, { podSelector: {}, policyTypes: ['Ingress', 'Egress'] });
  if (k === 1) return netpol(`${ns}/dns`, { podSelector: {}, egress: [{ ports: [{ port: 53, protocol: 'UDP' }, { port: 53 }] }] });
  return netpol(`${ns}/p${k}`, {
    podSelector: k % 2 ? { matchLabels: { app } } : { matchExpressions: [{ key: 'app', operator: 'In', values: [app, `app${(k + 1) % APPS}`] }] },
    ingress: [
      {
        from: [
          { podSelector: { matchLabels: { app: `app${(k + 3) % APPS}` } } },
          { namespaceSelector: { matchLabels: { team: `t${(n + k) % 7}` } }, podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['front'] }] } },
          { ipBlock: { cidr: `10.${(n + k) % NAMESPACES}.0.0/16`, except: [`10.${(n + k) % NAMESPACES}.0.0/24`] } },
        ],
        ports: [{ port: 'http' }, { port: 9000, endPort: 9100 }],
      },
    ],
    egress: [{ to: [{ namespaceSelector: { matchLabels: { env: 'prod' } } }], ports: [{ port: 8080 }] }],
  });
}

/** Deterministic pseudo-random flows between pods of the large cluster. */
export function largeClusterFlows(count: number): [string, string, number, Protocol][] {
  let seed = 42;
  const rand = (m: number) => ((seed = (seed * 1103515245 + 12345) & 0x7fffffff), seed % m);
  const ports = [8080, 9090, 53, 9050, 443];
  const flows: [string, string, number, Protocol][] = [];
  for (let i = 0; i < count; i++) {
    const a = rand(PODS_PER_NAMESPACE);
    const b = rand(PODS_PER_NAMESPACE);
    flows.push([`ns${rand(NAMESPACES)}/app${a % APPS}-${a}`, `ns${rand(NAMESPACES)}/app${b % APPS}-${b}`, ports[rand(ports.length)]!, rand(5) === 0 ? 'UDP' : 'TCP']);
  }
  return flows;
}
