import type { K8sObject, Pod, Service, Workload } from './k8s';
import type { Snapshot } from './snapshot';
import { canonicalIp } from './cidr';

/**
 * Lookup tables over the Kubernetes side of a snapshot, built once and shared by every query
 * (batch mode and the reach matrix run thousands of queries against one index).
 */
export interface K8sIndex {
  /** Pods that are running or pending and have an address (finished pods are not endpoints). */
  pods: Pod[];
  podsByNamespace: Map<string, Pod[]>;
  podByKey: Map<string, Pod>;
  /** Every pod IP in canonical form (status.podIP and podIPs; hostNetwork pods share their node's IP, so they are not here). */
  podByIp: Map<string, Pod>;
  /** The pod holding an IP, however the address literal is written. */
  podAt(ip: string): Pod | undefined;
  services: Service[];
  serviceByKey: Map<string, Service>;
  /** Labels of each namespace; a namespace seen only through its pods gets the automatic name label. */
  namespaceLabels: Map<string, Record<string, string>>;
  /** Namespaces for which the snapshot holds a Namespace object (their labels are known). */
  namespacesWithObject: Set<string>;
  workloads: { kind: string; object: Workload }[];
}

export const NAMESPACE_NAME_LABEL = 'kubernetes.io/metadata.name';

export function objectKey(o: { metadata: { namespace?: string; name: string } }): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
}

export function podIps(pod: Pod): string[] {
  const ips = new Set<string>();
  if (pod.status?.podIP) ips.add(pod.status.podIP);
  for (const p of pod.status?.podIPs ?? []) if (p?.ip) ips.add(p.ip);
  if (ips.size === 0 && pod.spec?.hostNetwork && pod.status?.hostIP) ips.add(pod.status.hostIP);
  return [...ips];
}

export function isFinished(pod: Pod): boolean {
  const phase = pod.status?.phase;
  return phase === 'Succeeded' || phase === 'Failed';
}

export function buildK8sIndex(snap: Snapshot): K8sIndex {
  const pods = snap.k8s.pods.filter((p) => !isFinished(p));
  const podsByNamespace = new Map<string, Pod[]>();
  const podByKey = new Map<string, Pod>();
  const podByIp = new Map<string, Pod>();
  for (const pod of pods) {
    const ns = pod.metadata.namespace ?? 'default';
    let list = podsByNamespace.get(ns);
    if (!list) podsByNamespace.set(ns, (list = []));
    list.push(pod);
    podByKey.set(objectKey(pod), pod);
    if (!pod.spec?.hostNetwork) for (const ip of podIps(pod)) podByIp.set(canonicalIp(ip), pod);
  }
  const serviceByKey = new Map<string, Service>();
  for (const svc of snap.k8s.services) serviceByKey.set(objectKey(svc), svc);

  const namespaceLabels = new Map<string, Record<string, string>>();
  const namespacesWithObject = new Set<string>();
  for (const ns of snap.k8s.namespaces as K8sObject[]) {
    namespacesWithObject.add(ns.metadata.name);
    namespaceLabels.set(ns.metadata.name, { [NAMESPACE_NAME_LABEL]: ns.metadata.name, ...(ns.metadata.labels ?? {}) });
  }
  const seen = [...podsByNamespace.keys(), ...snap.k8s.services.map((s) => s.metadata.namespace ?? 'default')];
  for (const ns of seen) if (!namespaceLabels.has(ns)) namespaceLabels.set(ns, { [NAMESPACE_NAME_LABEL]: ns });

  const workloads = [
    ...snap.k8s.deployments.map((o) => ({ kind: 'Deployment', object: o })),
    ...snap.k8s.statefulSets.map((o) => ({ kind: 'StatefulSet', object: o })),
    ...snap.k8s.daemonSets.map((o) => ({ kind: 'DaemonSet', object: o })),
  ];
  return {
    pods,
    podsByNamespace,
    podByKey,
    podByIp,
    podAt: (ip) => podByIp.get(canonicalIp(ip)),
    services: snap.k8s.services,
    serviceByKey,
    namespaceLabels,
    namespacesWithObject,
    workloads,
  };
}

export interface SliceEndpoint {
  address: string;
  /** The slice's ports: `name` matches the Service port's name, `port` is where traffic goes. */
  ports: { name?: string; port?: number; protocol?: string }[];
}

/** Service key → the endpoints its EndpointSlices list (what Services without a selector send to). */
export function buildSlices(snap: Snapshot): Map<string, SliceEndpoint[]> {
  const out = new Map<string, SliceEndpoint[]>();
  for (const slice of snap.k8s.endpointSlices) {
    const svc = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${slice.metadata.namespace ?? 'default'}/${svc}`;
    const list = out.get(key) ?? [];
    for (const ep of slice.endpoints ?? []) {
      // Endpoints not ready are not sent traffic (EndpointSlice conditions.ready; absent means ready).
      if ((ep as { conditions?: { ready?: boolean } }).conditions?.ready === false) continue;
      for (const address of ep.addresses ?? []) list.push({ address, ports: slice.ports ?? [] });
    }
    out.set(key, list);
  }
  return out;
}
