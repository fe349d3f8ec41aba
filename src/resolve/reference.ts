import type { Pod, Service, Workload } from '../model/k8s';
import { INTERNET_ADDRESS, isIpLiteral, parseAddress, type Address } from '../engine/cidr';
import { BadInputError } from '../util/errors';
import { objectKey, podIps, type K8sIndex } from './cluster-index';
import { compileSelector, matchesMap } from './selector';

export type RefKind = 'service' | 'workload' | 'pod' | 'ip' | 'internet';

/** An endpoint reference resolved against the cluster (CONTRACT §2 "References to endpoints"). */
export interface ResolvedRef {
  kind: RefKind;
  /** How the answer names it: "svc/shop/checkout", "deploy/shop/cart", "shop/cart-7d9-x", "10.0.1.5", "internet". */
  label: string;
  namespace?: string;
  name?: string;
  service?: Service;
  workload?: { kind: string; object: Workload };
  /** Pods behind it (a pod ref: that pod; an IP that is a pod's IP: that pod). */
  pods: Pod[];
  /** For ip/internet refs. */
  address?: Address;
}

const KIND_WORDS: Record<string, 'service' | 'Deployment' | 'StatefulSet' | 'DaemonSet' | 'pod'> = {
  svc: 'service',
  service: 'service',
  services: 'service',
  deploy: 'Deployment',
  deployment: 'Deployment',
  deployments: 'Deployment',
  sts: 'StatefulSet',
  statefulset: 'StatefulSet',
  statefulsets: 'StatefulSet',
  ds: 'DaemonSet',
  daemonset: 'DaemonSet',
  daemonsets: 'DaemonSet',
  po: 'pod',
  pod: 'pod',
  pods: 'pod',
};

const WORKLOAD_SHORT: Record<string, string> = { Deployment: 'deploy', StatefulSet: 'sts', DaemonSet: 'ds' };

/** Pods selected by a workload's spec.selector in its namespace. */
export function workloadPods(idx: K8sIndex, w: Workload): Pod[] {
  const ns = w.metadata.namespace ?? 'default';
  if (!w.spec?.selector) return [];
  const match = compileSelector(w.spec.selector);
  return (idx.podsByNamespace.get(ns) ?? []).filter((p) => match(p.metadata.labels));
}

/** Pods backing a Service: its selector, or (selector-less Services) its EndpointSlices' pods. */
export function servicePods(idx: K8sIndex, svc: Service, sliceIps?: Map<string, string[]>): Pod[] {
  const ns = svc.metadata.namespace ?? 'default';
  if (svc.spec?.selector && Object.keys(svc.spec.selector).length > 0) {
    return (idx.podsByNamespace.get(ns) ?? []).filter((p) => matchesMap(svc.spec.selector, p.metadata.labels));
  }
  const ips = sliceIps?.get(objectKey(svc)) ?? [];
  return ips.map((ip) => idx.podByIp.get(ip)).filter((p): p is Pod => !!p);
}

export function podLabel(pod: Pod): string {
  return objectKey(pod);
}

interface NameIndex {
  services: Map<string, Service[]>;
  workloads: Map<string, { kind: string; object: Workload }[]>;
  pods: Map<string, Pod[]>;
}

const nameIndexes = new WeakMap<K8sIndex, NameIndex>();

function group<T>(items: T[], name: (t: T) => string): Map<string, T[]> {
  const m = new Map<string, T[]>();
  for (const it of items) {
    const k = name(it);
    const list = m.get(k);
    if (list) list.push(it);
    else m.set(k, [it]);
  }
  return m;
}

/** Objects by name, so resolving a reference never scans every pod (batch mode resolves thousands). */
function byName(idx: K8sIndex): NameIndex {
  let n = nameIndexes.get(idx);
  if (!n) {
    n = {
      services: group(idx.services, (s) => s.metadata.name),
      workloads: group(idx.workloads, (w) => w.object.metadata.name),
      pods: group(idx.pods, (p) => p.metadata.name),
    };
    nameIndexes.set(idx, n);
  }
  return n;
}

interface Candidate {
  ref: ResolvedRef;
  display: string;
}

/**
 * Resolve `[NAMESPACE/][KIND/]NAME`, an IP literal, or `internet`. Without a KIND a Service wins, then
 * a workload, then a Pod; without a NAMESPACE every namespace is searched and more than one match is
 * a bad-input error listing the candidates.
 */
export function resolveReference(idx: K8sIndex, text: string): ResolvedRef {
  const ref = text.trim();
  if (ref === '') throw new BadInputError('empty endpoint reference');
  if (ref === 'internet') return { kind: 'internet', label: 'internet', pods: [], address: INTERNET_ADDRESS };
  if (isIpLiteral(ref)) return resolveIp(idx, ref);

  const parts = ref.split('/');
  let namespace: string | undefined;
  let kindWord: string | undefined;
  let name: string;
  if (parts.length === 1) name = parts[0]!;
  else if (parts.length === 2) {
    if (KIND_WORDS[parts[0]!.toLowerCase()]) kindWord = parts[0]!.toLowerCase();
    else namespace = parts[0]!;
    name = parts[1]!;
  } else if (parts.length === 3) {
    namespace = parts[0]!;
    kindWord = parts[1]!.toLowerCase();
    if (!KIND_WORDS[kindWord]) throw new BadInputError(`unknown kind "${parts[1]}" in reference ${ref} (use svc, deploy, sts, ds or po)`);
    name = parts[2]!;
  } else {
    throw new BadInputError(`bad reference ${ref}: expected [NAMESPACE/][KIND/]NAME`);
  }
  if (!name || (namespace !== undefined && !namespace)) throw new BadInputError(`bad reference ${ref}: expected [NAMESPACE/][KIND/]NAME`);
  const kind = kindWord ? KIND_WORDS[kindWord]! : undefined;
  const inNs = (ns: string | undefined) => namespace === undefined || (ns ?? 'default') === namespace;

  const tiers: (() => Candidate[])[] = [];
  if (!kind || kind === 'service') {
    tiers.push(() =>
      (byName(idx).services.get(name) ?? [])
        .filter((s) => inNs(s.metadata.namespace))
        .map((s) => ({
          display: `svc/${objectKey(s)}`,
          ref: { kind: 'service', label: `svc/${objectKey(s)}`, namespace: s.metadata.namespace ?? 'default', name, service: s, pods: [] },
        })),
    );
  }
  if (!kind || kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    tiers.push(() =>
      (byName(idx).workloads.get(name) ?? [])
        .filter((w) => (!kind || w.kind === kind) && inNs(w.object.metadata.namespace))
        .map((w) => {
          const label = `${WORKLOAD_SHORT[w.kind]}/${objectKey(w.object)}`;
          return {
            display: label,
            ref: { kind: 'workload', label, namespace: w.object.metadata.namespace ?? 'default', name, workload: w, pods: [] },
          };
        }),
    );
  }
  if (!kind || kind === 'pod') {
    tiers.push(() =>
      (byName(idx).pods.get(name) ?? [])
        .filter((p) => inNs(p.metadata.namespace))
        .map((p) => ({ display: `po/${objectKey(p)}`, ref: { kind: 'pod', label: objectKey(p), namespace: p.metadata.namespace ?? 'default', name, pods: [p] } })),
    );
  }
  for (const tier of tiers) {
    const found = tier();
    if (found.length === 1) return found[0]!.ref;
    if (found.length > 1) {
      throw new BadInputError(`reference ${ref} is ambiguous: ${found.map((c) => c.display).sort().join(', ')} (add NAMESPACE/ or KIND/)`);
    }
  }
  const what = kind ? `${kindWord} ${name}` : name;
  throw new BadInputError(`unknown endpoint ${ref}: no ${kind ? what : 'service, workload or pod named ' + name}${namespace ? ` in namespace ${namespace}` : ''}`);
}

function resolveIp(idx: K8sIndex, text: string): ResolvedRef {
  const address = parseAddress(text)!;
  const pod = idx.podByIp.get(address.text) ?? idx.podByIp.get(text);
  if (pod) return { kind: 'pod', label: objectKey(pod), namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, pods: [pod], address };
  return { kind: 'ip', label: text, pods: [], address };
}

/** Fill `pods` for service and workload references. */
export function expandPods(idx: K8sIndex, ref: ResolvedRef, sliceIps?: Map<string, string[]>): ResolvedRef {
  if (ref.kind === 'service' && ref.service) return { ...ref, pods: servicePods(idx, ref.service, sliceIps) };
  if (ref.kind === 'workload' && ref.workload) return { ...ref, pods: workloadPods(idx, ref.workload.object) };
  return ref;
}

export { podIps };
