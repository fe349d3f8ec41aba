import type { Service } from '../model/k8s';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { compareText, indexBy, splitKeys, stableStringify } from '../drift/canonical';

function key(s: Service): string {
  return `${s.metadata.namespace ?? 'default'}/${s.metadata.name}`;
}

/** What decides a Service's flows: its selector, type and ports (the API server defaults protocol to TCP, targetPort to port). */
function canonicalService(s: Service): Record<string, unknown> {
  const spec = s.spec ?? {};
  const ports = (spec.ports ?? [])
    .map((p) => ({ name: p.name ?? '', port: p.port, protocol: (p.protocol ?? 'TCP').toUpperCase(), targetPort: String(p.targetPort ?? p.port), nodePort: p.nodePort ?? null }))
    .sort((a, b) => a.port - b.port || compareText(a.protocol, b.protocol));
  return { type: spec.type ?? 'ClusterIP', selector: spec.selector ?? null, ports };
}

function portsText(s: Service): string {
  return (s.spec?.ports ?? []).map((p) => `${p.port}/${(p.protocol ?? 'TCP').toUpperCase()}`).join(', ') || 'no ports';
}

/**
 * Service changes of a proposal (`eksnet impact` only: drift compares traffic controls, not Services).
 * A Service's selector and ports decide which pods Service-to-Service flows reach.
 */
export function diffServices(before: Snapshot, after: Snapshot): Change[] {
  const b = indexBy(before.k8s.services, key);
  const a = indexBy(after.k8s.services, key);
  const { onlyA: removed, onlyB: added, both } = splitKeys(b, a);
  const out: Change[] = [];
  for (const id of removed) out.push({ kind: 'Service', id, change: 'removed', severity: 'medium', summary: `Service ${id} (${portsText(b.get(id)!)}) is deleted — clients that used its name lose it` });
  for (const id of added) out.push({ kind: 'Service', id, change: 'added', severity: 'medium', summary: `New Service ${id} (${a.get(id)!.spec?.type ?? 'ClusterIP'}, ${portsText(a.get(id)!)})` });
  for (const id of both) {
    const cb = canonicalService(b.get(id)!);
    const ca = canonicalService(a.get(id)!);
    if (stableStringify(cb) === stableStringify(ca)) continue;
    const parts: string[] = [];
    if (cb.type !== ca.type) parts.push(`type ${cb.type} → ${ca.type}`);
    if (stableStringify(cb.selector) !== stableStringify(ca.selector)) parts.push(`selector ${stableStringify(cb.selector)} → ${stableStringify(ca.selector)}`);
    if (stableStringify(cb.ports) !== stableStringify(ca.ports)) parts.push(`ports ${portsText(b.get(id)!)} → ${portsText(a.get(id)!)}`);
    out.push({ kind: 'Service', id, change: 'modified', severity: 'medium', summary: `Service ${id} changed (${parts.join('; ')})` });
  }
  return out;
}
