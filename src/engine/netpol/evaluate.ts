import type { Pod } from '../../model/k8s';
import type { LayerName, LayerResult } from '../../model/result';
import { NAMESPACE_NAME_LABEL, type K8sIndex } from '../../model/cluster-index';
import { cidrMatches } from '../../model/cidr';
import type { Endpoint, Flow } from '../../model/flow';
import type { CompiledPeer, CompiledPolicy, CompiledPort, CompiledRule, Direction } from './compile';
import type { CompiledSelector, Tri } from '../../model/selector';

// Semantics: https://kubernetes.io/docs/concepts/services-networking/network-policies/

const LAYER: Record<Direction, LayerName> = { egress: 'networkpolicy-egress', ingress: 'networkpolicy-ingress' };
const ONLY_NAME_LABEL: ReadonlySet<string> = new Set([NAMESPACE_NAME_LABEL]);

/** Outcome of one direction before enforcement and fixes are applied. */
export interface DirectionOutcome {
  result: LayerResult;
  /** The subject pod is isolated and nothing admits the flow. */
  denied: boolean;
}

/**
 * Which peers the rules of some policies may admit in one direction, ports aside (a superset): the pods
 * of `namespaces` (every namespace holding pods when `allNamespaces`), and the addresses some ipBlock
 * holds. `anywhere`: a rule admits every peer. See NetpolEvaluator.peersAdmitted.
 */
export type PolicyPeers =
  | { anywhere: true }
  | { anywhere: false; allNamespaces: boolean; namespaces: ReadonlySet<string>; ipBlocks: Extract<CompiledPeer, { kind: 'ipBlock' }>[] };

/** Container ports of a pod by `NAME/PROTOCOL`, for named NetworkPolicy ports. */
type NamedPorts = Map<string, number[]>;

export class NetpolEvaluator {
  private readonly selecting = new WeakMap<Pod, Record<Direction, CompiledPolicy[]>>();
  private readonly namedPorts = new WeakMap<Pod, NamedPorts>();
  /** Per compiled namespace selector: namespace → match. */
  private readonly nsMatches = new WeakMap<object, Map<string, Tri>>();
  private readonly namespacesBySelector = new Map<string, string[] | 'all'>();

  constructor(
    private readonly policiesByNamespace: Map<string, CompiledPolicy[]>,
    private readonly k8s: K8sIndex,
  ) {}

  evaluate(flow: Flow, direction: Direction): DirectionOutcome {
    const layer = LAYER[direction];
    const subject = direction === 'egress' ? flow.src : flow.dst;
    const peer = direction === 'egress' ? flow.dst : flow.src;
    const word = direction;
    if (!subject.pod) {
      return allow(layer, `${subject.label} is not a pod; NetworkPolicy ${word} does not apply.`, []);
    }
    if (subject.hostNetwork || subject.pod.spec?.hostNetwork) {
      return allow(layer, `Pod ${subject.label} uses hostNetwork; NetworkPolicy does not apply to it (no policy selects hostNetwork pods).`, []);
    }
    const policies = this.policiesSelecting(subject.pod)[direction];
    if (policies.length === 0) {
      return allow(layer, `No NetworkPolicy selects pod ${subject.label} for ${word}; not isolated.`, []);
    }
    const subjectNs = namespaceOf(subject);
    const admitting: string[] = [];
    let unknownNamespace: string | undefined;
    let unknownPolicy: string | undefined;
    for (const policy of policies) {
      const m = this.rulesAdmit(policy.rules[direction], peer, subjectNs, flow);
      if (m === true) admitting.push(policy.id);
      else if (m !== false && unknownNamespace === undefined) {
        unknownNamespace = m;
        unknownPolicy = policy.id;
      }
    }
    const portText = `${flow.protocol} ${flow.port}`;
    if (admitting.length > 0) {
      admitting.sort();
      return allow(layer, `${admitting.join(', ')} ${admitting.length > 1 ? 'admit' : 'admits'} ${peer.label} ${direction === 'egress' ? 'as a destination of' : 'as a source for'} pod ${subject.label} on ${portText}.`, admitting);
    }
    const isolating = policies.map((p) => p.id).sort();
    if (unknownNamespace !== undefined) {
      return {
        denied: false,
        result: {
          layer,
          verdict: 'not-evaluated',
          reason: `Pod ${subject.label} is isolated for ${word} by ${isolating.join(', ')}; whether ${unknownPolicy} admits ${peer.label} on ${portText} depends on the labels of namespace ${unknownNamespace}, whose Namespace object is not in the snapshot.`,
          objects: isolating,
        },
      };
    }
    return {
      denied: true,
      result: {
        layer,
        verdict: 'deny',
        reason: `${isolating.join(', ')} ${isolating.length > 1 ? 'isolate' : 'isolates'} pod ${subject.label} for ${word}, and none admits ${peer.label} on ${portText}.`,
        objects: isolating,
      },
    };
  }

  /**
   * Verdict only, no reasons or fixes (the reach map and the Service matrix ask millions of times):
   * false exactly when `evaluate` would deny.
   */
  admits(flow: Flow, direction: Direction): boolean {
    const subject = direction === 'egress' ? flow.src : flow.dst;
    if (!subject.pod || subject.hostNetwork || subject.pod.spec?.hostNetwork) return true;
    const policies = this.policiesSelecting(subject.pod)[direction];
    if (policies.length === 0) return true;
    return this.admitsBy(policies, flow, direction);
  }

  /**
   * `admits` for a subject pod known to be isolated in `direction` by exactly `policies` (non-empty: the policies
   * selecting it). The classes' memo knows them already, which spares reading the pod again.
   */
  admitsBy(policies: CompiledPolicy[], flow: Flow, direction: Direction): boolean {
    const peer = direction === 'egress' ? flow.dst : flow.src;
    const subjectNs = namespaceOf(direction === 'egress' ? flow.src : flow.dst);
    for (const policy of policies) if (this.rulesAdmit(policy.rules[direction], peer, subjectNs, flow) !== false) return true;
    return false;
  }

  /** What a namespace selector reads about a namespace, as text: whether its object is known, and its labels. */
  namespaceKey(ns: string): string {
    const labels = this.k8s.namespaceLabels.get(ns) ?? { [NAMESPACE_NAME_LABEL]: ns };
    return `${this.k8s.namespacesWithObject.has(ns) ? 'known' : 'unknown'}:${JSON.stringify(Object.entries(labels).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)))}`;
  }

  /** Every ipBlock peer of every policy, deduplicated by its text. */
  allIpBlocks(): Extract<CompiledPeer, { kind: 'ipBlock' }>[] {
    const seen = new Map<string, Extract<CompiledPeer, { kind: 'ipBlock' }>>();
    for (const list of this.policiesByNamespace.values()) {
      for (const p of list) {
        for (const r of [...p.rules.ingress, ...p.rules.egress]) {
          for (const peer of r.peers ?? []) {
            if (peer.kind === 'ipBlock') seen.set(`${peer.cidr?.text}|${peer.except.map((e) => e.text).join(',')}`, peer);
          }
        }
      }
    }
    return [...seen.values()];
  }

  policiesSelecting(pod: Pod): Record<Direction, CompiledPolicy[]> {
    let found = this.selecting.get(pod);
    if (found) return found;
    found = { ingress: [], egress: [] };
    const labels = pod.metadata.labels;
    for (const p of this.policiesByNamespace.get(pod.metadata.namespace ?? 'default') ?? []) {
      if (!p.podSelector.matches(labels)) continue;
      if (p.affects.ingress) found.ingress.push(p);
      if (p.affects.egress) found.egress.push(p);
    }
    this.selecting.set(pod, found);
    return found;
  }

  /** true, false, or the namespace whose unknown labels leave it open. */
  private rulesAdmit(rules: CompiledRule[], peer: Endpoint, policyNs: string, flow: Flow): boolean | string {
    let unknown: string | undefined;
    for (const rule of rules) {
      if (rule.ports && !rule.ports.some((p) => this.portMatches(p, flow))) continue;
      if (!rule.peers) return true;
      for (const peerRule of rule.peers) {
        const m = this.peerMatches(peerRule, peer, policyNs);
        if (m === true) return true;
        if (m === 'unknown' && unknown === undefined) unknown = namespaceOf(peer);
      }
    }
    return unknown ?? false;
  }

  /**
   * Could any rule of these policies (in `direction`) admit some pod of namespace `ns` on some port?
   * Conservative: ipBlocks, empty peer lists and namespaces of unknown labels count as "maybe".
   */
  mayAdmitNamespace(policies: CompiledPolicy[], direction: Direction, ns: string): boolean {
    for (const policy of policies) {
      for (const rule of policy.rules[direction]) {
        if (!rule.peers) return true;
        for (const peer of rule.peers) {
          if (peer.kind === 'ipBlock') return true;
          if (!peer.namespaceSelector) {
            if (ns === policy.namespace) return true;
          } else if (this.namespaceMatches(peer.namespaceSelector, ns) !== false) return true;
        }
      }
    }
    return false;
  }

  /** Does the namespace hold pods (the namespaces `peersAdmitted` matches selectors against)? */
  holdsPods(ns: string): boolean {
    return this.k8s.podsByNamespace.has(ns);
  }

  /**
   * Every peer the rules of these policies (in `direction`) may admit on some port: a rule without peers
   * admits anything; a pod peer, the pods of its own namespace or of each namespace its namespaceSelector
   * may match (unknown labels count as a match); an ipBlock, the addresses it holds. Pod selectors and ports
   * are not read, so this is a superset of what `admits` lets through.
   */
  peersAdmitted(policies: CompiledPolicy[], direction: Direction): PolicyPeers {
    const namespaces = new Set<string>();
    const ipBlocks: Extract<CompiledPeer, { kind: 'ipBlock' }>[] = [];
    let allNamespaces = false;
    for (const policy of policies) {
      for (const rule of policy.rules[direction]) {
        if (!rule.peers) return { anywhere: true };
        for (const peer of rule.peers) {
          if (peer.kind === 'ipBlock') {
            if (peer.cidr) ipBlocks.push(peer);
          } else if (!peer.namespaceSelector) namespaces.add(policy.namespace);
          else if (!allNamespaces) {
            const matched = this.namespacesMatching(peer.namespaceSelector);
            if (matched === 'all') allNamespaces = true;
            else for (const ns of matched) namespaces.add(ns);
          }
        }
      }
    }
    return { anywhere: false, allNamespaces, namespaces: allNamespaces ? new Set() : namespaces, ipBlocks };
  }

  /** The namespaces holding pods that a namespace selector may match ('all': every one), by selector text. */
  private namespacesMatching(selector: CompiledSelector): string[] | 'all' {
    let out = this.namespacesBySelector.get(selector.text);
    if (out) return out;
    const matched: string[] = [];
    for (const ns of this.k8s.podsByNamespace.keys()) if (this.namespaceMatches(selector, ns) !== false) matched.push(ns);
    out = matched.length === this.k8s.podsByNamespace.size ? 'all' : matched;
    this.namespacesBySelector.set(selector.text, out);
    return out;
  }

  private namespaceMatches(selector: NonNullable<Extract<CompiledPeer, { kind: 'pods' }>['namespaceSelector']>, ns: string): Tri {
    let memo = this.nsMatches.get(selector);
    if (!memo) this.nsMatches.set(selector, (memo = new Map()));
    let m = memo.get(ns);
    if (m === undefined) {
      const labels = this.k8s.namespaceLabels.get(ns) ?? { [NAMESPACE_NAME_LABEL]: ns };
      m = this.k8s.namespacesWithObject.has(ns) ? selector.matches(labels) : selector.matchesPartially(labels, ONLY_NAME_LABEL);
      memo.set(ns, m);
    }
    return m;
  }

  private peerMatches(rule: CompiledPeer, peer: Endpoint, policyNs: string): Tri {
    if (rule.kind === 'ipBlock') return rule.cidr !== undefined && cidrMatches(peer.address, rule.cidr, rule.except);
    // Pod selectors never match a bare address, and hostNetwork pods are treated as their node's IP:
    // https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-and-hostnetwork-pods
    if (!peer.pod || peer.hostNetwork || peer.pod.spec?.hostNetwork) return false;
    if (rule.podSelector && !rule.podSelector.matches(peer.pod.metadata.labels)) return false;
    const ns = namespaceOf(peer);
    if (!rule.namespaceSelector) return ns === policyNs;
    return this.namespaceMatches(rule.namespaceSelector, ns);
  }

  private portMatches(p: CompiledPort, flow: Flow): boolean {
    if (p.protocol !== flow.protocol) return false;
    if (p.name !== undefined) {
      // A named port is looked up on the destination pod, for ingress and egress alike.
      const dst = flow.dst;
      if (!dst.pod || dst.hostNetwork || dst.pod.spec?.hostNetwork) return false;
      // p.protocol === flow.protocol here: the key names the flow's protocol.
      return this.namedPortsOf(dst.pod).get(p.namedKey ?? `${p.name}/${flow.protocol}`)?.includes(flow.port) ?? false;
    }
    if (p.port === undefined) return true;
    if (p.endPort !== undefined) return flow.port >= p.port && flow.port <= p.endPort;
    return flow.port === p.port;
  }

  private namedPortsOf(pod: Pod): NamedPorts {
    let ports = this.namedPorts.get(pod);
    if (ports) return ports;
    ports = new Map();
    for (const c of [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])]) {
      for (const cp of c.ports ?? []) {
        if (!cp.name) continue;
        const key = `${cp.name}/${(cp.protocol ?? 'TCP').toUpperCase()}`;
        const list = ports.get(key);
        if (list) list.push(cp.containerPort);
        else ports.set(key, [cp.containerPort]);
      }
    }
    this.namedPorts.set(pod, ports);
    return ports;
  }
}

function namespaceOf(e: Endpoint): string {
  return e.namespace ?? e.pod?.metadata.namespace ?? 'default';
}

function allow(layer: LayerName, reason: string, objects: string[]): DirectionOutcome {
  return { denied: false, result: { layer, verdict: 'allow', reason, objects } };
}
