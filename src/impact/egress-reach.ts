import { cidrMatches } from '../model/cidr';
import type { Endpoint } from '../model/flow';
import type { PolicyPeers } from '../engine/netpol';
import type { ProbeEvaluator, ProbeSource, ProbeTarget } from './probes';
import type { Marks } from './marks';

type IpBlock = Extract<PolicyPeers, { anywhere: false }>['ipBlocks'][number];

/** Where one source Service's egress NetworkPolicies may admit flows, on one side (the union over its pods). */
interface SourceReach {
  anywhere: boolean;
  allNamespaces: boolean;
  namespaces: Set<string>;
  blocks: Set<string>;
}

/** What the egress policies of a source can match on a target: its pods' namespaces and its addresses. */
interface TargetFacts {
  /** The target has no flow on this side: no source has a flow to it. */
  none: boolean;
  /** Namespaces of the target's (non-hostNetwork) pods, which pod peers can select. */
  podNamespaces: string[];
  /** A target pod lies in a namespace the index does not know: answer "may reach" for every source. */
  unindexed: boolean;
  /** Keys of the ipBlocks holding one of the target's addresses. */
  blocks: Set<string>;
}

function blockKey(b: IpBlock): string {
  return `${b.cidr!.text}|${b.except.map((e) => e.text).join(',')}`;
}

/**
 * For one side (one ProbeEvaluator): which source Services' egress NetworkPolicies may admit a flow to a
 * target. A source all of whose pods are isolated for egress by policies admitting none of the target's pods
 * has every flow to it denied — or it has no pods, hence no flow — so its cell is `denied` on this side
 * without evaluating it. The index is a superset (pod selectors and ports are not read): a source it names
 * may still be denied; one it leaves out never is allowed. Sources are numbered by their place in `sources`.
 */
export class EgressReach {
  private readonly anywhere: number[] = [];
  private readonly allNamespaces: number[] = [];
  private readonly byNamespace = new Map<string, number[]>();
  private readonly blocks = new Map<string, { block: IpBlock; sources: number[] }>();
  private readonly facts = new WeakMap<ProbeTarget, TargetFacts>();

  constructor(
    private readonly ev: ProbeEvaluator,
    sources: ProbeSource[],
  ) {
    sources.forEach((src, i) => {
      const r: SourceReach = { anywhere: false, allNamespaces: false, namespaces: new Set(), blocks: new Set() };
      for (const { np } of [...ev.classedSources(src, 4), ...ev.classedSources(src, 6)]) {
        const peers = ev.engine.netpol.peersAdmitted(np, 'egress');
        if (peers.anywhere) {
          r.anywhere = true;
          break;
        }
        r.allNamespaces ||= peers.allNamespaces;
        for (const ns of peers.namespaces) r.namespaces.add(ns);
        for (const b of peers.ipBlocks) {
          const key = blockKey(b);
          if (!this.blocks.has(key)) this.blocks.set(key, { block: b, sources: [] });
          r.blocks.add(key);
        }
      }
      if (r.anywhere) {
        this.anywhere.push(i);
        return;
      }
      if (r.allNamespaces) this.allNamespaces.push(i);
      else for (const ns of r.namespaces) this.list(this.byNamespace, ns).push(i);
      for (const key of r.blocks) this.blocks.get(key)!.sources.push(i);
    });
  }

  /**
   * Appends to `out` the sources that may reach `dst` on this side and are not in `seen` yet (adding them), in no
   * particular order; false when that cannot be narrowed (a target pod in a namespace the index does not know).
   * One `seen` serves both sides, so their union is built without a set.
   */
  addCandidates(dst: ProbeTarget, out: number[], seen: Marks): boolean {
    const t = this.targetFacts(dst);
    if (t.none) return true;
    if (t.unindexed) return false;
    const add = (list: number[] | undefined) => {
      if (!list) return;
      for (const i of list) if (seen.add(i)) out.push(i);
    };
    add(this.anywhere);
    if (t.podNamespaces.length > 0) add(this.allNamespaces);
    for (const ns of t.podNamespaces) add(this.byNamespace.get(ns));
    for (const key of t.blocks) add(this.blocks.get(key)!.sources);
    return true;
  }

  private targetFacts(dst: ProbeTarget): TargetFacts {
    let t = this.facts.get(dst);
    if (t) return t;
    const eps = this.ev.targetEndpoints(dst);
    const namespaces = new Set<string>();
    for (const ep of eps) if (isPolicyPod(ep)) namespaces.add(ep.namespace ?? ep.pod!.metadata.namespace ?? 'default');
    const known = this.ev.engine.k8s.podsByNamespace;
    const blocks = new Set<string>();
    for (const [key, { block }] of this.blocks) if (eps.some((ep) => cidrMatches(ep.address, block.cidr!, block.except))) blocks.add(key);
    t = { none: eps.length === 0, podNamespaces: [...namespaces], unindexed: [...namespaces].some((ns) => !known.has(ns)), blocks };
    this.facts.set(dst, t);
    return t;
  }

  private list(map: Map<string, number[]>, key: string): number[] {
    let l = map.get(key);
    if (!l) map.set(key, (l = []));
    return l;
  }
}

/** An endpoint a NetworkPolicy pod peer can select: a pod not on the host network. */
function isPolicyPod(ep: Endpoint): boolean {
  return !!ep.pod && !ep.hostNetwork && !ep.pod.spec?.hostNetwork;
}
