import { emptySnapshot, type Snapshot } from '../../src/model/snapshot';
import type { Pod, Service, Workload } from '../../src/model/k8s';
import { buildK8sIndex } from '../../src/model/cluster-index';
import { resolveReference, expandPods } from '../../src/resolve/reference';
import { parsePortSpec } from '../../src/resolve/flows';
import { BadInputError } from '../../src/util/errors';

function pod(ns: string, name: string, labels: Record<string, string>, ip: string): Pod {
  return { apiVersion: 'v1', kind: 'Pod', metadata: { name, namespace: ns, labels }, spec: { containers: [] }, status: { podIP: ip, phase: 'Running' } };
}
function svc(ns: string, name: string, selector: Record<string, string>): Service {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace: ns }, spec: { selector, ports: [{ port: 80 }] } };
}
function deploy(ns: string, name: string, labels: Record<string, string>): Workload {
  return { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name, namespace: ns }, spec: { selector: { matchLabels: labels } } };
}

function snapshot(): Snapshot {
  const s = emptySnapshot('test');
  s.k8s.pods.push(pod('shop', 'web-1', { app: 'web' }, '10.0.1.1'), pod('shop', 'api-1', { app: 'api' }, '10.0.1.2'), pod('blog', 'web-1', { app: 'web' }, '10.0.2.1'));
  s.k8s.pods.push(pod('v6', 'web-6', { app: 'web6' }, '2600:1f14:aaa:1202:2::6'));
  s.k8s.pods.push({ ...pod('shop', 'job-1', { app: 'job' }, '10.0.1.9'), status: { phase: 'Succeeded', podIP: '10.0.1.9' } });
  s.k8s.services.push(svc('shop', 'web', { app: 'web' }), svc('blog', 'web', { app: 'web' }));
  s.k8s.deployments.push(deploy('shop', 'api', { app: 'api' }), deploy('shop', 'web', { app: 'web' }));
  return s;
}

// CONTRACT §2 "References to endpoints".
describe('resolveReference', () => {
  const idx = buildK8sIndex(snapshot());
  it.each([
    ['shop/web', 'service', 'shop/svc/web'], // without KIND a Service wins over the Deployment of the same name
    ['shop/deploy/web', 'workload', 'shop/deploy/web'],
    ['deploy/api', 'workload', 'shop/deploy/api'], // a/b is KIND/NAME when a is a kind word
    ['api', 'workload', 'shop/deploy/api'], // no Service named api: the workload wins over the pod
    ['shop/api-1', 'pod', 'shop/api-1'],
    ['po/api-1', 'pod', 'shop/api-1'],
    ['10.0.1.2', 'pod', 'shop/api-1'], // a pod's IP stands for that pod
    ['192.0.2.7', 'ip', '192.0.2.7'],
    ['2001:db8::1', 'ip', '2001:db8::1'],
    ['internet', 'internet', 'internet'],
  ])('%s resolves to a %s (%s)', (text, kind, label) => {
    const r = resolveReference(idx, text);
    expect(r.kind).toBe(kind);
    expect(r.label).toBe(label);
  });

  it('an ambiguous name across namespaces is bad input listing the candidates', () => {
    expect(() => resolveReference(idx, 'web')).toThrow(BadInputError);
    expect(() => resolveReference(idx, 'web')).toThrow('blog/svc/web, shop/svc/web');
  });

  it.each(['nosuch', 'shop/nosuch', 'svc/api', 'shop/widget/x', 'a/b/c/d'])('%s is bad input', (text) => {
    expect(() => resolveReference(idx, text)).toThrow(BadInputError);
  });

  it.each(['2600:1f14:aaa:1202:2::6', '2600:1F14:0AAA:1202:0002:0:0:6', '2600:1f14:aaa:1202:2:0:0:6'])(
    'an IPv6 pod address written as %s stands for that pod',
    (text) => {
      const r = resolveReference(idx, text);
      expect(r.kind).toBe('pod');
      expect(r.label).toBe('v6/web-6');
    },
  );

  it('finished pods are not endpoints', () => {
    expect(() => resolveReference(idx, 'shop/job-1')).toThrow(/unknown endpoint/);
  });

  it('a Service expands to the pods its selector matches in its namespace', () => {
    const r = expandPods(idx, resolveReference(idx, 'shop/web'));
    expect(r.pods.map((p) => `${p.metadata.namespace}/${p.metadata.name}`)).toEqual(['shop/web-1']);
  });
});

describe('parsePortSpec', () => {
  it.each([
    ['8080', { port: 8080, protocol: undefined }],
    ['53/udp', { port: 53, protocol: 'UDP' }],
    ['http', { port: 'http', protocol: undefined }],
    ['sctp-port/SCTP', { port: 'sctp-port', protocol: 'SCTP' }],
  ])('%s', (text, expected) => expect(parsePortSpec(text)).toEqual(expected));
  it.each(['0', '65536', '80/icmp', '-1', 'Http_Port', '80/tcp/x', 'a-very-long-port-name'])('%s is bad input', (text) => {
    expect(() => parsePortSpec(text)).toThrow(BadInputError);
  });
});
