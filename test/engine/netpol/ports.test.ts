import type { NetworkPolicyPort } from '../../../src/model/k8s';
import type { Protocol } from '../../../src/model/result';
import { netpol, pod, world } from './builder';

// NetworkPolicyPort: https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/
// (protocol defaults to TCP; port is a number or a named port on a pod; no port = every port;
// endPort makes an inclusive range: https://kubernetes.io/docs/concepts/services-networking/network-policies/#targeting-a-range-of-ports)

const target = () =>
  pod('x/db', { app: 'db' }, {
    ports: [
      { name: 'pg', containerPort: 5432 },
      { name: 'metrics', containerPort: 9187, protocol: 'TCP' },
      { name: 'dns', containerPort: 53, protocol: 'UDP' },
    ],
  });

function portsWorld(ports: NetworkPolicyPort[]) {
  return world(target(), pod('x/src', { app: 'src' }), netpol('x/db', { podSelector: { matchLabels: { app: 'db' } }, ingress: [{ ports }] }));
}

describe('ingress ports', () => {
  it.each<[string, NetworkPolicyPort[], number, Protocol, 'allow' | 'deny']>([
    ['number, protocol defaults to TCP', [{ port: 5432 }], 5432, 'TCP', 'allow'],
    ['number does not admit UDP by default', [{ port: 5432 }], 5432, 'UDP', 'deny'],
    ['other number', [{ port: 5433 }], 5432, 'TCP', 'deny'],
    ['UDP rule', [{ protocol: 'UDP', port: 53 }], 53, 'UDP', 'allow'],
    ['SCTP rule', [{ protocol: 'SCTP', port: 7777 }], 7777, 'SCTP', 'allow'],
    ['SCTP rule vs TCP flow', [{ protocol: 'SCTP', port: 7777 }], 7777, 'TCP', 'deny'],
    ['protocol without port = every port of it', [{ protocol: 'UDP' }], 40000, 'UDP', 'allow'],
    ['protocol without port, other protocol', [{ protocol: 'UDP' }], 40000, 'TCP', 'deny'],
    ['endPort: lower bound', [{ port: 32000, endPort: 32768 }], 32000, 'TCP', 'allow'],
    ['endPort: upper bound inclusive', [{ port: 32000, endPort: 32768 }], 32768, 'TCP', 'allow'],
    ['endPort: above', [{ port: 32000, endPort: 32768 }], 32769, 'TCP', 'deny'],
    ['endPort: below', [{ port: 32000, endPort: 32768 }], 31999, 'TCP', 'deny'],
    ['named port on the destination', [{ port: 'pg' }], 5432, 'TCP', 'allow'],
    ['named port, other number', [{ port: 'pg' }], 5433, 'TCP', 'deny'],
    ['named port needs the same protocol', [{ port: 'dns', protocol: 'TCP' }], 53, 'TCP', 'deny'],
    ['named UDP port', [{ port: 'dns', protocol: 'UDP' }], 53, 'UDP', 'allow'],
    ['name the pod does not declare', [{ port: 'http' }], 80, 'TCP', 'deny'],
    ['several ports: any one', [{ port: 1 }, { port: 'metrics' }], 9187, 'TCP', 'allow'],
  ])('%s', (_name, ports, port, protocol, verdict) => {
    expect(portsWorld(ports).ingress('x/src', 'x/db', port, protocol).verdict).toBe(verdict);
  });

  it('an empty ports list admits every port', () => {
    expect(portsWorld([]).ingress('x/src', 'x/db', 12345, 'UDP').verdict).toBe('allow');
  });
});

describe('egress named ports resolve on the destination pod', () => {
  const w = world(
    target(),
    pod('x/client', { app: 'client' }, { ports: [{ name: 'pg', containerPort: 6000 }] }),
    netpol('x/client', { podSelector: { matchLabels: { app: 'client' } }, egress: [{ ports: [{ port: 'pg' }] }] }),
  );
  it.each([
    ['the destination pod names 5432 pg', 'x/db', 5432, 'allow'],
    ['the source pod\'s own pg port does not count', 'x/db', 6000, 'deny'],
    ['a non-pod destination never matches a name', '10.9.9.9', 5432, 'deny'],
  ])('%s', (_name, to, port, verdict) => {
    expect(w.egress('x/client', to, port).verdict).toBe(verdict);
  });
});
