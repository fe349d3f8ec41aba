import type { LabelSelector, NetworkPolicy, NetworkPolicyPeer, Pod, Workload } from '../../model/k8s';
import { makeFix, type Fix } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import { NAMESPACE_NAME_LABEL } from '../../model/cluster-index';
import { INTERNET_ADDRESS } from '../../model/cidr';
import type { Endpoint, Flow } from '../../model/flow';
import type { Direction } from './compile';
import { CompiledSelector } from '../../model/selector';
import { toYaml } from './yaml-emit';

/** Labels that differ between pods of one workload, so a fix must not select on them. */
const GENERATED_LABELS = new Set(['pod-template-hash', 'controller-revision-hash', 'pod-template-generation']);

interface PodIdentity {
  /** Name used in the policy name: the workload's, else the pod's. */
  name: string;
  selector: LabelSelector;
}

/**
 * Finds, for a pod, the selector of the workload that owns it (Deployment via its ReplicaSet,
 * StatefulSet, DaemonSet), falling back to the pod's own labels without generated hashes.
 */
export class PodIdentities {
  private readonly cache = new WeakMap<Pod, PodIdentity>();
  private readonly workloads = new Map<string, Workload>();
  private readonly replicaSets = new Map<string, Workload>();

  constructor(snap: Snapshot) {
    for (const [kind, list] of [
      ['Deployment', snap.k8s.deployments],
      ['StatefulSet', snap.k8s.statefulSets],
      ['DaemonSet', snap.k8s.daemonSets],
    ] as const) {
      for (const w of list) this.workloads.set(`${kind}/${w.metadata.namespace ?? 'default'}/${w.metadata.name}`, w);
    }
    for (const rs of snap.k8s.replicaSets) this.replicaSets.set(`${rs.metadata.namespace ?? 'default'}/${rs.metadata.name}`, rs);
  }

  private readonly interned = new Map<string, PodIdentity>();

  /** The pod's identity; pods of one workload share one object (fixes are memoised on it). */
  of(pod: Pod): PodIdentity {
    let id = this.cache.get(pod);
    if (!id) {
      const computed = this.compute(pod);
      const key = `${pod.metadata.namespace ?? 'default'}|${computed.name}|${JSON.stringify(computed.selector)}`;
      id = this.interned.get(key);
      if (!id) this.interned.set(key, (id = computed));
      this.cache.set(pod, id);
    }
    return id;
  }

  private compute(pod: Pod): PodIdentity {
    const owner = this.owningWorkload(pod);
    const selector = owner?.spec?.selector;
    if (owner && selector && new CompiledSelector(selector).matches(pod.metadata.labels) && !isEmpty(selector)) {
      return { name: owner.metadata.name, selector: structuredClone(selector) };
    }
    const labels = Object.fromEntries(Object.entries(pod.metadata.labels ?? {}).filter(([k]) => !GENERATED_LABELS.has(k)));
    return { name: pod.metadata.name, selector: Object.keys(labels).length ? { matchLabels: labels } : {} };
  }

  private owningWorkload(pod: Pod): Workload | undefined {
    const ns = pod.metadata.namespace ?? 'default';
    const ref = pod.metadata.ownerReferences?.find((r) => r.controller) ?? pod.metadata.ownerReferences?.[0];
    if (!ref) return undefined;
    if (ref.kind === 'StatefulSet' || ref.kind === 'DaemonSet') return this.workloads.get(`${ref.kind}/${ns}/${ref.name}`);
    if (ref.kind !== 'ReplicaSet') return undefined;
    const rs = this.replicaSets.get(`${ns}/${ref.name}`);
    const rsOwner = rs?.metadata.ownerReferences?.find((r) => r.kind === 'Deployment');
    if (rsOwner) return this.workloads.get(`Deployment/${ns}/${rsOwner.name}`);
    // ReplicaSet not in the snapshot: a Deployment's ReplicaSets are named DEPLOYMENT-HASH.
    const deployName = ref.name.replace(/-[a-z0-9]+$/, '');
    return this.workloads.get(`Deployment/${ns}/${deployName}`) ?? rs;
  }
}

function isEmpty(s: LabelSelector): boolean {
  return Object.keys(s.matchLabels ?? {}).length === 0 && (s.matchExpressions ?? []).length === 0;
}

/**
 * The smallest NetworkPolicy that admits exactly this flow in `direction`: it selects the
 * isolated pod's workload, names the peer (pod by workload + namespace name, else the address)
 * and the one port.
 */
export function buildNetpolFix(flow: Flow, direction: Direction, identities: PodIdentities): Fix | undefined {
  const subject = direction === 'egress' ? flow.src : flow.dst;
  const peer = direction === 'egress' ? flow.dst : flow.src;
  if (!subject.pod) return undefined;
  const subjectNs = subject.namespace ?? subject.pod.metadata.namespace ?? 'default';
  const subjectId = identities.of(subject.pod);
  // Pods of one workload get the same policy: build it (and its YAML) once per identity pair and port.
  const peerKey: object | string = peer.pod && !peer.hostNetwork ? identities.of(peer.pod) : peer.address.text;
  let byPeer = fixCache.get(subjectId);
  if (!byPeer) fixCache.set(subjectId, (byPeer = new Map()));
  const portKey = `${direction}|${flow.protocol}|${flow.port}|${subjectNs}|${peer.namespace ?? peer.pod?.metadata.namespace ?? ''}`;
  let byPort = byPeer.get(peerKey);
  if (!byPort) byPeer.set(peerKey, (byPort = new Map()));
  let shared = byPort.get(portKey);
  if (!shared) {
    const peerSpec = peerFor(peer, identities);
    const port = { protocol: flow.protocol, port: flow.port };
    const rule = direction === 'egress' ? { to: [peerSpec.peer], ports: [port] } : { from: [peerSpec.peer], ports: [port] };
    // The direction is in the name: both fixes of one same-namespace flow must coexist.
    const [from, to] = direction === 'egress' ? [subjectId.name, peerSpec.name] : [peerSpec.name, subjectId.name];
    const name = policyName(['allow', direction, from, 'to', to, flow.protocol, String(flow.port)]);
    const object: NetworkPolicy = {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'NetworkPolicy',
      metadata: { name, namespace: subjectNs },
      spec: {
        podSelector: subjectId.selector,
        policyTypes: [direction === 'egress' ? 'Egress' : 'Ingress'],
        ...(direction === 'egress' ? { egress: [rule] } : { ingress: [rule] }),
      },
    };
    byPort.set(portKey, (shared = { object, name, text: toYaml(object) }));
  }
  const { object, name } = shared;
  const what = direction === 'egress' ? `${subject.label} to reach ${peer.label}` : `${peer.label} to reach ${subject.label}`;
  const broad = isEmpty(subjectId.selector) ? ` (pod ${subject.label} has no labels, so the policy selects every pod in ${subjectNs})` : '';
  return makeFix({
    kind: 'networkpolicy',
    description: `Apply NetworkPolicy ${subjectNs}/${name} to allow ${what} on ${flow.protocol} ${flow.port}${broad}.`,
    text: shared.text,
    object,
  });
}

/** Fix policies by subject identity → peer identity (or address) → direction/port/namespaces. */
const fixCache = new WeakMap<PodIdentity, Map<object | string, Map<string, { object: NetworkPolicy; name: string; text: string }>>>();

function peerFor(peer: Endpoint, identities: PodIdentities): { peer: NetworkPolicyPeer; name: string } {
  if (peer.pod && !peer.hostNetwork) {
    const id = identities.of(peer.pod);
    const ns = peer.namespace ?? peer.pod.metadata.namespace ?? 'default';
    return {
      peer: { podSelector: id.selector, namespaceSelector: { matchLabels: { [NAMESPACE_NAME_LABEL]: ns } } },
      name: id.name,
    };
  }
  if (peer.address === INTERNET_ADDRESS) return { peer: { ipBlock: { cidr: '0.0.0.0/0' } }, name: 'internet' };
  const bits = peer.address.family === 4 ? 32 : 128;
  return { peer: { ipBlock: { cidr: `${peer.address.text}/${bits}` } }, name: peer.address.text };
}

/** A DNS-1123 label of at most 63 characters; a long name keeps a hash of the whole so names stay distinct. */
function policyName(parts: string[]): string {
  const name = parts
    .join('-')
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .replace(/-+/g, '-')
    .replace(/^-+|-+$/g, '');
  if (name.length <= 63) return name;
  return `${name.slice(0, 54).replace(/-+$/, '')}-${fnv1a(name)}`;
}

function fnv1a(text: string): string {
  let h = 0x811c9dc5;
  for (let i = 0; i < text.length; i++) h = Math.imul(h ^ text.charCodeAt(i), 0x01000193) >>> 0;
  return h.toString(16).padStart(8, '0');
}
