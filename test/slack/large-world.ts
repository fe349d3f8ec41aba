import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/**
 * A snapshot whose answers are far beyond one Slack message: `shop/big` has `pods` pods, each isolated by
 * its own NetworkPolicy (so every flow is a distinct answer with its own fix), and `many` holds
 * `services` open Services (a long reach map).
 */
export function writeLargeSnapshot(pods = 80, services = 400): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-slack-large-'));
  const items: unknown[] = [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } } },
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'many', labels: { 'kubernetes.io/metadata.name': 'many' } } },
    pod('shop', 'frontend-0', { app: 'frontend' }, '10.1.0.10'),
    service('shop', 'frontend', { app: 'frontend' }),
    service('shop', 'big', { app: 'big' }),
  ];
  for (let i = 0; i < pods; i++) {
    items.push(pod('shop', `big-${i}`, { app: 'big', idx: String(i) }, `10.2.${Math.floor(i / 200)}.${(i % 200) + 1}`));
    items.push({
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name: `isolate-big-${i}`, namespace: 'shop' },
      spec: { podSelector: { matchLabels: { idx: String(i) } }, policyTypes: ['Ingress'], ingress: [] },
    });
  }
  for (let i = 0; i < services; i++) {
    items.push(pod('many', `svc${i}-0`, { app: `svc${i}` }, `10.3.${Math.floor(i / 200)}.${(i % 200) + 1}`));
    items.push(service('many', `service-number-${i}`, { app: `svc${i}` }));
  }
  writeFileSync(path.join(dir, 'objects.json'), JSON.stringify({ apiVersion: 'v1', kind: 'List', items }));
  writeFileSync(path.join(dir, 'collection.json'), JSON.stringify({ EksnetCollection: { cluster: 'large-eks', region: 'eu-west-1', collectedAt: new Date().toISOString(), missing: [] } }));
  return dir;
}

function pod(namespace: string, name: string, labels: Record<string, string>, ip: string) {
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: { name, namespace, labels },
    spec: { containers: [{ name: 'main', ports: [{ containerPort: 8080, name: 'http' }] }] },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP: '10.9.0.1' },
  };
}

function service(namespace: string, name: string, selector: Record<string, string>) {
  return { apiVersion: 'v1', kind: 'Service', metadata: { name, namespace }, spec: { selector, ports: [{ name: 'http', port: 80, targetPort: 'http' }] } };
}
