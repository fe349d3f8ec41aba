import type { Pod, Service, Workload } from '../model/k8s';
import { INTERNET_ADDRESS, isIpLiteral, parseAddress, type Address } from '../model/cidr';
import { BadInputError } from '../util/errors';
import { objectKey, podIps, type K8sIndex } from '../model/cluster-index';
import { compileSelector, matchesMap } from './selector';
import type { SliceEndpoint } from '../model/cluster-index';
import { escapeControl } from '../util/escape';

export type RefKind = 'service' | 'workload' | 'pod' | 'ip' | 'internet';

/** An endpoint reference resolved against the cluster (CONTRACT §2 "References to endpoints"). */
export interface ResolvedRef {
  kind: RefKind;
  /**
   * How answers name it, in the reference grammar so it can be pasted back: "shop/svc/checkout",
   * "shop/deploy/cart", "shop/cart-7d9-x" (a pod), "10.0.1.5", "internet".
   */
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

const selectedPods = new WeakMap<K8sIndex, WeakMap<Service, Pod[]>>();

export function hasSelector(svc: Service): boolean {
  return !!svc.spec?.selector && Object.keys(svc.spec.selector).length > 0;
}

/** Pods backing a Service: its selector, or (selector-less Services) the pods its EndpointSlices list. */
export function servicePods(idx: K8sIndex, svc: Service, slices?: Map<string, SliceEndpoint[]>): Pod[] {
  const ns = svc.metadata.namespace ?? 'default';
  if (hasSelector(svc)) {
    // Memoised per index: batch mode and the matrix ask for the same Services again and again.
    let byService = selectedPods.get(idx);
    if (!byService) selectedPods.set(idx, (byService = new WeakMap()));
    let pods = byService.get(svc);
    const selector = svc.spec.selector!;
    if (!pods) byService.set(svc, (pods = podsWithLabel(idx, ns, selector).filter((p) => matchesMap(selector, p.metadata.labels))));
    return pods;
  }
  const pods = (slices?.get(objectKey(svc)) ?? []).map((e) => idx.podAt(e.address)).filter((p): p is Pod => !!p);
  return [...new Set(pods)];
}

/** Per index: pods by namespace and one label (`ns\0key=value`), so a selector is matched against its candidates only. */
const podsByLabel = new WeakMap<K8sIndex, Map<string, Pod[]>>();

/** The namespace's pods carrying the selector's first label (each must still match the whole selector). */
function podsWithLabel(idx: K8sIndex, ns: string, selector: Record<string, string>): Pod[] {
  let byLabel = podsByLabel.get(idx);
  if (!byLabel) {
    byLabel = new Map();
    for (const [podNs, pods] of idx.podsByNamespace) {
      for (const pod of pods) {
        for (const [k, v] of Object.entries(pod.metadata.labels ?? {})) {
          const key = `${podNs}\u0000${k}=${v}`;
          const list = byLabel.get(key);
          if (list) list.push(pod);
          else byLabel.set(key, [pod]);
        }
      }
    }
    podsByLabel.set(idx, byLabel);
  }
  const [k, v] = Object.entries(selector)[0]!;
  return byLabel.get(`${ns}\u0000${k}=${v}`) ?? [];
}

export function podLabel(pod: Pod): string {
  return objectKey(pod);
}

/**
 * Objects by name, so resolving a reference never scans every pod (batch mode resolves thousands).
 * Each kind is grouped on first use: a Service reference (the common case) never pays for grouping
 * 50,000 pods by name.
 */
class NameIndex {
  private servicesByName?: Map<string, Service[]>;
  private workloadsByName?: Map<string, { kind: string; object: Workload }[]>;
  private podsByName?: Map<string, Pod[]>;

  constructor(private readonly idx: K8sIndex) {}

  get services(): Map<string, Service[]> {
    return (this.servicesByName ??= group(this.idx.services, (s) => s.metadata.name));
  }

  get workloads(): Map<string, { kind: string; object: Workload }[]> {
    return (this.workloadsByName ??= group(this.idx.workloads, (w) => w.object.metadata.name));
  }

  get pods(): Map<string, Pod[]> {
    return (this.podsByName ??= group(this.idx.pods, (p) => p.metadata.name));
  }
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

function byName(idx: K8sIndex): NameIndex {
  let n = nameIndexes.get(idx);
  if (!n) nameIndexes.set(idx, (n = new NameIndex(idx)));
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
    if (!KIND_WORDS[kindWord]) throw new BadInputError(`unknown kind "${escapeControl(parts[1])}" in reference ${escapeControl(ref)} (use svc, deploy, sts, ds or po)`);
    name = parts[2]!;
  } else {
    throw new BadInputError(`bad reference ${escapeControl(ref)}: expected [NAMESPACE/][KIND/]NAME`);
  }
  if (!name || (namespace !== undefined && !namespace)) throw new BadInputError(`bad reference ${escapeControl(ref)}: expected [NAMESPACE/][KIND/]NAME`);
  const kind = kindWord ? KIND_WORDS[kindWord]! : undefined;
  const inNs = (ns: string | undefined) => namespace === undefined || (ns ?? 'default') === namespace;

  const tiers: (() => Candidate[])[] = [];
  if (!kind || kind === 'service') {
    tiers.push(() =>
      (byName(idx).services.get(name) ?? [])
        .filter((s) => inNs(s.metadata.namespace))
        .map((s) => ({
          display: `${s.metadata.namespace ?? 'default'}/svc/${name}`,
          ref: { kind: 'service', label: `${s.metadata.namespace ?? 'default'}/svc/${name}`, namespace: s.metadata.namespace ?? 'default', name, service: s, pods: [] },
        })),
    );
  }
  if (!kind || kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    tiers.push(() =>
      (byName(idx).workloads.get(name) ?? [])
        .filter((w) => (!kind || w.kind === kind) && inNs(w.object.metadata.namespace))
        .map((w) => {
          const label = `${w.object.metadata.namespace ?? 'default'}/${WORKLOAD_SHORT[w.kind]}/${name}`;
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
        .map((p) => ({ display: `${p.metadata.namespace ?? 'default'}/po/${name}`, ref: { kind: 'pod', label: objectKey(p), namespace: p.metadata.namespace ?? 'default', name, pods: [p] } })),
    );
  }
  for (const tier of tiers) {
    const found = tier();
    if (found.length === 1) return found[0]!.ref;
    if (found.length > 1) {
      throw new BadInputError(`reference ${escapeControl(ref)} is ambiguous: ${found.map((c) => c.display).sort().join(', ')} (add NAMESPACE/ or KIND/)`);
    }
  }
  const what = kind ? `${kindWord} ${name}` : name;
  const guess = didYouMean(idx, namespace, kindWord, name, kind);
  throw new BadInputError(
    `unknown endpoint ${escapeControl(ref)}: no ${kind ? what : 'service, workload or pod named ' + escapeControl(name)}${namespace ? ` in namespace ${escapeControl(namespace)}` : ''}${guess.length ? `; did you mean ${escapeControl(guess.join(' or '))}?` : ''}`,
  );
}

/** Levenshtein distance (insert, delete, substitute), stopping early past `max`. */
export function editDistance(a: string, b: string, max = Infinity): number {
  if (Math.abs(a.length - b.length) > max) return max + 1;
  let prev = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const cur = [i];
    let best = i;
    for (let j = 1; j <= b.length; j++) {
      cur[j] = Math.min(prev[j]! + 1, cur[j - 1]! + 1, prev[j - 1]! + (a[i - 1] === b[j - 1] ? 0 : 1));
      best = Math.min(best, cur[j]!);
    }
    if (best > max) return max + 1;
    prev = cur;
  }
  return prev[b.length]!;
}

/**
 * The names in the snapshot closest to a reference that did not resolve, written as the user wrote it (with the
 * namespace and kind when they gave them): at most three, within a third of the name's length (at least 2 edits).
 */
function didYouMean(idx: K8sIndex, namespace: string | undefined, kindWord: string | undefined, name: string, kind: string | undefined): string[] {
  const names = new Set<string>();
  const add = (ns: string | undefined, n: string) => names.add(namespace !== undefined ? `${ns ?? 'default'}/${n}` : n);
  if (!kind || kind === 'service') for (const s of idx.services) add(s.metadata.namespace, s.metadata.name);
  if (!kind || kind === 'Deployment' || kind === 'StatefulSet' || kind === 'DaemonSet') {
    for (const w of idx.workloads) if (!kind || w.kind === kind) add(w.object.metadata.namespace, w.object.metadata.name);
  }
  if (kind === 'pod') for (const p of idx.pods) add(p.metadata.namespace, p.metadata.name);
  const typed = namespace !== undefined ? `${namespace}/${name}` : name;
  const max = Math.max(2, Math.floor(typed.length / 3));
  const scored = [...names].map((n) => ({ n, d: editDistance(typed, n, max) })).filter((x) => x.d <= max && x.d > 0);
  if (scored.length === 0) return [];
  const best = Math.min(...scored.map((x) => x.d));
  const write = (n: string) => (kindWord ? (namespace !== undefined ? n.replace('/', `/${kindWord}/`) : `${kindWord}/${n}`) : n);
  return scored.filter((x) => x.d === best).map((x) => write(x.n)).sort().slice(0, 3);
}

function resolveIp(idx: K8sIndex, text: string): ResolvedRef {
  const address = parseAddress(text)!;
  const pod = idx.podAt(text);
  if (pod) return { kind: 'pod', label: objectKey(pod), namespace: pod.metadata.namespace ?? 'default', name: pod.metadata.name, pods: [pod], address };
  return { kind: 'ip', label: text, pods: [], address };
}

/** Fill `pods` for service and workload references. */
export function expandPods(idx: K8sIndex, ref: ResolvedRef, slices?: Map<string, SliceEndpoint[]>): ResolvedRef {
  if (ref.kind === 'service' && ref.service) return { ...ref, pods: servicePods(idx, ref.service, slices) };
  if (ref.kind === 'workload' && ref.workload) return { ...ref, pods: workloadPods(idx, ref.workload.object) };
  return ref;
}

export { podIps };
