import type { Pod } from '../../model/k8s';
import { cidrMatches, type Address } from '../../model/cidr';
import type { Endpoint, Flow } from '../../model/flow';
import type { CompiledPeer, CompiledPolicy, Direction } from './compile';
import type { NetpolEvaluator, PolicyPeers } from './evaluate';
import { VerdictTable } from '../verdict-table';

/** What NetworkPolicy reads about one endpoint, as small integers. */
export interface NetpolEndpointClass {
  /** Namespace, labels, host networking and declared container ports (0 = a bare address). */
  base: number;
  /** Id of the set of policies isolating it for egress / ingress (0 = not isolated). */
  egressSet: number;
  ingressSet: number;
  /** Which of all the policies' ipBlocks hold its address (few distinct patterns). */
  pattern: number;
  address: Address;
}

interface PolicySet {
  id: number;
  /** Id of the set's content (its policies as written, and the ports named ports resolve on): its memo. */
  memoId: number;
  direction: Direction;
  policies: CompiledPolicy[];
  /** By namespace id: whether any rule may admit a pod of it (see NetpolEvaluator.mayAdmitNamespace), 0 until asked. */
  namespaces: Uint8Array;
  /**
   * Global ipBlock pattern id → 1 + id of the pattern of this set's own ipBlocks (0: not yet known); one holder
   * for every set with the same ipBlocks in the same order (their bits are the same).
   */
  bits: { byPattern: Int32Array };
  /** ipBlock peers of the set's rules in its direction: only these tell addresses apart. */
  ipBlocks: Extract<CompiledPeer, { kind: 'ipBlock' }>[];
  namedPorts: boolean;
  /** What the set's rules may admit (NetpolEvaluator.peersAdmitted), built on first use. */
  peers?: PolicyPeers;
}

/** PolicySet.namespaces codes (0: not yet known). */
const MAY_ADMIT = 1;
const ADMITS_NONE = 2;

const ANYWHERE: PolicyPeers = { anywhere: true };

/** Keys stay small integers (V8 Smis): base and pattern ids below 2^15. */
const BITS = 2 ** 15;

/**
 * Interned classes and memoised verdicts, keyed by content — what a verdict reads: a policy set by its
 * policies as written, a peer by its namespace, labels, declared ports and its namespace's labels, an
 * ipBlock pattern by the bits over the set's own blocks. Two engines (the states before and after a
 * change) can therefore share one store: a verdict one computed holds for the other exactly when the
 * inputs it read are the same.
 */
class VerdictStore {
  readonly baseIds = new Map<string, number>([['', 0]]);
  readonly setIds = new Map<string, number>();
  readonly bitIds = new Map<string, number>([['', 0]]);
  /** Per direction: set memo id → port id → (peer base, peer ipBlock bits) → verdict. */
  readonly egressMemo: VerdictTable[][] = [];
  readonly ingressMemo: VerdictTable[][] = [];

  get pristine(): boolean {
    return this.baseIds.size === 1 && this.setIds.size === 0 && this.bitIds.size === 1;
  }
}

/**
 * Verdict-only NetworkPolicy evaluation memoised per direction on what that direction reads:
 * egress on (source's isolating policy set, destination's class, ipBlocks of that set holding the
 * destination), ingress likewise. Many Service pairs then share one evaluation (reach map, matrix).
 */
export class NetpolClasses {
  private store = new VerdictStore();
  private readonly setIds = new Map<string, PolicySet>();
  private readonly sets: PolicySet[] = [{ id: 0, memoId: -1, ipBlocks: [], namedPorts: false, bits: { byPattern: new Int32Array(0) }, direction: 'egress', policies: [], namespaces: new Uint8Array(0) }];
  private readonly podClasses = new WeakMap<Pod, NetpolEndpointClass>();
  private readonly patternIds = new Map<string, number>();
  /** By address text (each state parses its own Address objects). */
  private readonly patternByAddress = new Map<string, number>();
  /** ipBlocks of a set (as text, in order) → the bits cache of every set with them. */
  private readonly bitsByBlocks = new Map<string, PolicySet['bits']>();
  /** Base id → the [egress, ingress] isolating set ids of pods of that base. */
  private readonly setsByBase = new Map<number, [number, number]>();
  private readonly namespaceKeys = new Map<string, string>();
  private lastNamespace: string | undefined;
  private lastNamespaceId = 0;
  /** Namespace → index into every set's `namespaces`. */
  private readonly namespaceIds = new Map<string, number>();
  private allIpBlocks: PolicySet['ipBlocks'] | undefined;

  constructor(private readonly evaluator: NetpolEvaluator) {}

  /**
   * Use `other`'s store of classes and verdicts (see VerdictStore) — only before this instance has
   * classified anything, so every id it hands out comes from the shared store. False when too late.
   */
  adoptStore(other: NetpolClasses): boolean {
    if (other === this || other.store === this.store) return true;
    if (!this.store.pristine || this.sets.length > 1) return false;
    this.store = other.store;
    return true;
  }

  classify(ep: Endpoint): NetpolEndpointClass {
    const pod = ep.pod;
    if (!pod || ep.hostNetwork || pod.spec?.hostNetwork) {
      return {
        base: pod ? this.intern(this.store.baseIds, `h|${ep.namespace}|${this.namespaceKey(ep.namespace)}`) : 0,
        egressSet: 0,
        ingressSet: 0,
        pattern: this.globalPattern(ep.address),
        address: ep.address,
      };
    }
    const cached = this.podClasses.get(pod);
    if (cached && cached.address === ep.address) return cached;
    const ports = [...(pod.spec?.containers ?? []), ...(pod.spec?.initContainers ?? [])].map((c) => c.ports ?? []);
    const ns = ep.namespace ?? pod.metadata.namespace;
    const base = this.intern(this.store.baseIds, `${ns}|${JSON.stringify(pod.metadata.labels ?? {})}|${JSON.stringify(ports)}|${this.namespaceKey(ns)}`);
    // Pods of one base (namespace, labels, ports) are selected by the same policies: their sets are decided once.
    let sets = this.setsByBase.get(base);
    if (!sets) {
      const selecting = this.evaluator.policiesSelecting(pod);
      // A named port resolves on the destination pod: for ingress that is the isolated pod itself.
      sets = [this.setOf(selecting.egress, 'egress', ''), this.setOf(selecting.ingress, 'ingress', JSON.stringify(ports))];
      this.setsByBase.set(base, sets);
    }
    const c: NetpolEndpointClass = {
      base,
      egressSet: sets[0],
      ingressSet: sets[1],
      pattern: this.globalPattern(ep.address),
      address: ep.address,
    };
    this.podClasses.set(pod, c);
    return c;
  }

  /** False exactly when a NetworkPolicy layer would deny `flow()` (the flow between these classes on `portId`). */
  admits(src: NetpolEndpointClass, dst: NetpolEndpointClass, portId: number, flow: () => Flow): boolean {
    return this.admitsOneWay('egress', src, dst, portId, flow) && this.admitsOneWay('ingress', dst, src, portId, flow);
  }

  /**
   * One direction of `admits`: false exactly when `self`'s isolating policies in `direction` deny the flow
   * to (egress) or from (ingress) `peer` — the same memo `admits` reads.
   */
  admitsOneWay(direction: Direction, self: NetpolEndpointClass, peer: NetpolEndpointClass, portId: number, flow: () => Flow): boolean {
    const setId = direction === 'egress' ? self.egressSet : self.ingressSet;
    return setId === 0 || this.direction(direction === 'egress' ? this.store.egressMemo : this.store.ingressMemo, direction, setId, peer, portId, flow);
  }

  /**
   * True when the endpoint's isolating policy set in `direction` admits no pod of namespace `ns` on any
   * port: every flow between it and that namespace's pods is denied, without looking at each pod.
   */
  closedTo(c: NetpolEndpointClass, direction: Direction, ns: string): boolean {
    const setId = direction === 'egress' ? c.egressSet : c.ingressSet;
    if (setId === 0) return false;
    const set = this.sets[setId]!;
    // Callers ask about one namespace many times in a row (every pod of a Service, every cell of a row).
    let id = ns === this.lastNamespace ? this.lastNamespaceId : this.namespaceIds.get(ns);
    if (id === undefined) this.namespaceIds.set(ns, (id = this.namespaceIds.size));
    this.lastNamespace = ns;
    this.lastNamespaceId = id;
    if (set.namespaces.length <= id) {
      const grown = new Uint8Array(Math.max(id + 1, 2 * set.namespaces.length, 8));
      grown.set(set.namespaces);
      set.namespaces = grown;
    }
    let code = set.namespaces[id]!;
    if (code === 0) set.namespaces[id] = code = this.mayAdmitNamespace(set, ns) ? MAY_ADMIT : ADMITS_NONE;
    return code === ADMITS_NONE;
  }

  /**
   * NetpolEvaluator.mayAdmitNamespace, read off the set's admitted peers (computed once per set) for a namespace
   * holding pods — those are the namespaces the peers were matched against.
   */
  private mayAdmitNamespace(set: PolicySet, ns: string): boolean {
    if (!this.evaluator.holdsPods(ns)) return this.evaluator.mayAdmitNamespace(set.policies, set.direction, ns);
    const peers = this.peersOf(set);
    return peers.anywhere || peers.allNamespaces || peers.ipBlocks.length > 0 || peers.namespaces.has(ns);
  }

  /**
   * Does every NetworkPolicy verdict read the same about `mine` (classified here) as about `theirs` (classified
   * by `other`)? True when both share one verdict store and the two agree on everything the memo is keyed by:
   * the peer class (namespace, labels, ports, namespace labels), the address (ipBlock bits), and the content of
   * the isolating policy sets in both directions.
   */
  sameInputs(other: NetpolClasses, mine: NetpolEndpointClass, theirs: NetpolEndpointClass): boolean {
    return (
      this.store === other.store &&
      mine.base === theirs.base &&
      mine.address.text === theirs.address.text &&
      this.sets[mine.egressSet]!.memoId === other.sets[theirs.egressSet]!.memoId &&
      this.sets[mine.ingressSet]!.memoId === other.sets[theirs.ingressSet]!.memoId
    );
  }

  /** The peers the endpoint's isolating policies in `direction` may admit; anywhere when it is not isolated. */
  peersAdmitted(c: NetpolEndpointClass, direction: Direction): PolicyPeers {
    const setId = direction === 'egress' ? c.egressSet : c.ingressSet;
    return setId === 0 ? ANYWHERE : this.peersOf(this.sets[setId]!);
  }

  private peersOf(set: PolicySet): PolicyPeers {
    return (set.peers ??= this.evaluator.peersAdmitted(set.policies, set.direction));
  }

  private direction(
    memoOf: VerdictTable[][],
    direction: Direction,
    setId: number,
    peer: NetpolEndpointClass,
    portId: number,
    flow: () => Flow,
  ): boolean {
    const set = this.sets[setId]!;
    const bits = set.ipBlocks.length === 0 ? 0 : this.bitsOf(set, peer);
    if (peer.base >= BITS || bits >= BITS) return this.evaluator.admitsBy(set.policies, flow(), direction);
    const key = peer.base * BITS + bits;
    const bySet = (memoOf[set.memoId] ??= []);
    const memo = (bySet[portId] ??= new VerdictTable());
    let v = memo.get(key);
    if (v === undefined) memo.set(key, (v = this.evaluator.admitsBy(set.policies, flow(), direction)));
    return v;
  }

  /** Which of the set's own ipBlocks hold the peer's address, as a small id (via its global pattern). */
  private bitsOf(set: PolicySet, peer: NetpolEndpointClass): number {
    const cache = set.bits;
    const known = peer.pattern < cache.byPattern.length ? cache.byPattern[peer.pattern]! : 0;
    if (known !== 0) return known - 1;
    const a = peer.address;
    const bits = set.ipBlocks.map((b) => (b.cidr && cidrMatches(a, b.cidr, b.except) ? '1' : '0')).join('');
    const id = this.intern(this.store.bitIds, bits);
    if (peer.pattern >= cache.byPattern.length) {
      const grown = new Int32Array(Math.max(peer.pattern + 1, 2 * cache.byPattern.length, 8));
      grown.set(cache.byPattern);
      cache.byPattern = grown;
    }
    cache.byPattern[peer.pattern] = id + 1;
    return id;
  }

  /** The address's pattern over every ipBlock of every policy, as a small id. */
  private globalPattern(a: Address): number {
    let id = this.patternByAddress.get(a.text);
    if (id === undefined) {
      const blocks = (this.allIpBlocks ??= this.evaluator.allIpBlocks());
      const bits = blocks.map((b) => (b.cidr && cidrMatches(a, b.cidr, b.except) ? '1' : '0')).join('');
      id = this.intern(this.patternIds, bits);
      this.patternByAddress.set(a.text, id);
    }
    return id;
  }

  private setOf(policies: CompiledPolicy[], direction: Direction, portsKey: string): number {
    if (policies.length === 0) return 0;
    const rules = policies.flatMap((p) => p.rules[direction]);
    const namedPorts = rules.some((r) => r.ports?.some((p) => p.name !== undefined));
    const key = `${direction}|${policies.map((p) => p.id).join(',')}${namedPorts ? '|' + portsKey : ''}`;
    let set = this.setIds.get(key);
    if (!set) {
      const ipBlocks = rules.flatMap((r) => (r.peers ?? []).filter((p): p is PolicySet['ipBlocks'][number] => p.kind === 'ipBlock'));
      const content = `${direction}|${policies.map((p) => `${p.id}:${JSON.stringify(p.source.spec ?? {})}`).join('|')}${namedPorts ? '||' + portsKey : ''}`;
      set = {
        id: this.sets.length,
        memoId: this.intern(this.store.setIds, content),
        direction,
        policies,
        namespaces: new Uint8Array(0),
        bits: this.bitsFor(ipBlocks),
        ipBlocks,
        namedPorts,
      };
      this.sets.push(set);
      this.setIds.set(key, set);
    }
    return set.id;
  }

  /** The bits cache shared by every set with these ipBlocks in this order. */
  private bitsFor(ipBlocks: PolicySet['ipBlocks']): PolicySet['bits'] {
    if (ipBlocks.length === 0) return { byPattern: new Int32Array(0) };
    const key = ipBlocks.map((b) => `${b.cidr?.text ?? ''}-${b.except.map((e) => e.text).join(',')}`).join(';');
    let cache = this.bitsByBlocks.get(key);
    if (!cache) this.bitsByBlocks.set(key, (cache = { byPattern: new Int32Array(0) }));
    return cache;
  }

  /** What namespace selectors read about a namespace: whether its object is known, and its labels. */
  private namespaceKey(ns: string | undefined): string {
    const name = ns ?? 'default';
    let k = this.namespaceKeys.get(name);
    if (k === undefined) this.namespaceKeys.set(name, (k = this.evaluator.namespaceKey(name)));
    return k;
  }

  private intern(ids: Map<string, number>, key: string): number {
    let id = ids.get(key);
    if (id === undefined) ids.set(key, (id = ids.size));
    return id;
  }
}
