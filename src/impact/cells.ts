import type { Protocol } from '../model/result';
import { compareText } from '../drift/canonical';
import { serviceRef, serviceTargets, vpcProbeAddresses, type ProbeEvaluator, type ProbeSource, type ProbeTarget } from './probes';
import { holdsFrom, holdsInto, inScope, type Scope } from './scope';
import { EgressReach } from './egress-reach';
import { Marks } from './marks';
import { cidrMatches, type Cidr } from '../model/cidr';

/** Receives the candidate cells, one at a time (nothing is materialised). */
export interface CellVisitor {
  /** A cell some change's scope holds: evaluate it on both sides. */
  cell(src: ProbeSource, from: string, dst: ProbeTarget, to: string): void;
  /** `n` more cells some scope holds, denied on both sides by the whole-namespace shortcut (see below). */
  decided(n: number): void;
}

type Ports = (dst: ProbeTarget) => { port: number; protocol: Protocol }[];

/**
 * Every candidate cell — Service → Service ports, Service → internet, internet and VPC → Service ports and
 * nodePorts — that some change's scope holds (every cell with `all`), each passed to `visit` once.
 * Sources and targets are built once and shared, so the evaluators' caches hold across cells.
 *
 * Service → Service cells are walked per target. A target some scope holds as a destination takes every source,
 * or — when each such scope names peer blocks (Scope.peerCidrs) — the sources with an address in them; the
 * others only the sources some scope holds. In 'classes' mode a row then visits only the sources whose egress
 * policies may reach the target on some side (EgressReach), less those in a namespace the target's ingress
 * policies close on both sides; every other held cell is denied on both sides and counted with `decided`.
 */
export function forEachCell(
  evB: ProbeEvaluator,
  evA: ProbeEvaluator,
  scopes: Scope[],
  all: boolean,
  internetPorts: { port: number; protocol: 'TCP' | 'UDP' }[],
  ports: Ports,
  visit: CellVisitor,
): void {
  const keys = [...new Set([...evB.services.keys(), ...evA.services.keys()])].sort(compareText);
  const targets = new Map<string, ProbeTarget[]>();
  for (const k of keys) {
    const seen = new Map<string, ProbeTarget>();
    for (const ev of [evB, evA]) {
      const svc = ev.services.get(k);
      if (svc) for (const t of serviceTargets(svc)) if (!seen.has(`${t.kind}|${t.port}/${t.protocol}`)) seen.set(`${t.kind}|${t.port}/${t.protocol}`, t);
    }
    targets.set(k, [...seen.values()]);
  }
  const sources = new Map(keys.map((k) => [k, { src: { kind: 'service', key: k } as ProbeSource, from: serviceRef(k) }]));
  const keep = (src: ProbeSource, dst: ProbeTarget) => all || scopes.some((s) => inScope(s, { src, dst }, () => ports(dst)));

  // Service → Service.
  const internal = scopes.filter((s) => s.internal || s.all);
  const srcKeys = [...new Set(internal.flatMap((s) => [...s.src.keys()]))].filter((k) => sources.has(k)).sort(compareText);
  const serviceSources = keys.map((k) => sources.get(k)!.src as Extract<ProbeSource, { kind: 'service' }>);
  const groups = new NamespaceGroups(evB, evA, serviceSources);
  const shortcut = evB.shortcuts && evA.shortcuts;
  // Sources whose egress policies may reach a target, per side (the rest are denied there without evaluation).
  // Built on the first row that needs it: it classifies every source on both sides.
  let reach: [EgressReach, EgressReach] | undefined;
  const seen = new Marks(serviceSources.length);
  /** Both sides' candidate sources, each once; undefined when either side cannot narrow them. */
  const reachable = (dst: ProbeTarget): number[] | undefined => {
    if (!shortcut || (internal.length === 0 && !all)) return undefined;
    reach ??= [new EgressReach(evB, serviceSources), new EgressReach(evA, serviceSources)];
    seen.clear();
    const out: number[] = [];
    return reach[0].addCandidates(dst, out, seen) && reach[1].addCandidates(dst, out, seen) ? out : undefined;
  };
  const indexOf = new Map(keys.map((k, i) => [k, i]));
  const blocks = new PeerBlocks(evB, evA, serviceSources);
  const srcIndex = srcKeys.map((s) => indexOf.get(s)!);
  // The sources a scope holds as sources for the current row's target (one row at a time).
  const heldAsSources = new Marks(keys.length);
  /**
   * The sources whose cells with `dst` the scopes hold when every scope holding the target names peer blocks:
   * those with an address in one of the blocks, and those a scope holds as sources (for a target in its blocks).
   */
  const heldSources = (into: Scope[], dst: ProbeTarget, self: number): { has: (i: number) => boolean; count: number } => {
    const masks = into.map((x) => blocks.sourceMask(x.peerCidrs!));
    heldAsSources.clear();
    const extra: number[] = [];
    srcKeys.forEach((s, k) => {
      if (internal.some((x) => holdsFrom(x, s, () => ports(dst)) && (!x.peerCidrs || blocks.targetIn(dst, x.peerCidrs)))) {
        heldAsSources.add(srcIndex[k]!);
        extra.push(srcIndex[k]!);
      }
    });
    const inMasks = (i: number) => masks.some((m) => m[i] === 1);
    let count = blocks.unionCount(masks);
    for (const i of extra) if (!inMasks(i)) count++;
    const has = (i: number) => inMasks(i) || heldAsSources.has(i);
    if (has(self)) count--;
    return { has: (i) => i !== self && has(i), count };
  };
  for (const t of keys) {
    const to = serviceRef(t);
    const self = indexOf.get(t)!;
    for (const dst of targets.get(t)!) {
      if (dst.kind !== 'service') continue;
      const visitSource = (i: number) => visit.cell(serviceSources[i]!, sources.get(keys[i]!)!.from, dst, to);
      // The sources whose cells some scope holds: every one when a scope holds the target for any far end;
      // else those in the peer blocks of the scopes holding the target, and those held as sources.
      const into = all ? [] : internal.filter((s) => s.all || holdsInto(s, t, () => ports(dst)));
      const held = all || into.some((s) => s.all || !s.peerCidrs) ? undefined : heldSources(into, dst, self);
      if (held && held.count === 0) continue;
      if (!shortcut) {
        keys.forEach((_, i) => i !== self && (!held || held.has(i)) && visitSource(i));
        continue;
      }
      const g = groups.of(evB.targetFamily(dst), evA.targetFamily(dst));
      const candidates = reachable(dst);
      if (!held && !candidates) {
        for (const [ns, members] of g.byNamespace) {
          if (evB.closedFrom(dst, ns) && evA.closedFrom(dst, ns)) visit.decided(members.includes(t) ? members.length - 1 : members.length);
          else for (const s of members) if (s !== t) visitSource(indexOf.get(s)!);
        }
        for (const s of g.rest) if (s !== t) visitSource(indexOf.get(s)!);
        continue;
      }
      // Only sources whose egress may reach the target on some side, less those the target's ingress policies
      // close on both sides (a namespace at a time): every other held cell is denied on both sides.
      // Per namespace of g.namespaces: 0 not yet known, 1 closed on both sides, 2 not.
      const closed = new Uint8Array(g.namespaces.length);
      let visited = 0;
      const consider = (i: number) => {
        if (i === self || (held && !held.has(i))) return;
        const n = g.namespaceIndex[i]!;
        if (n >= 0) {
          let c = closed[n]!;
          if (c === 0) closed[n] = c = evB.closedFrom(dst, g.namespaces[n]!) && evA.closedFrom(dst, g.namespaces[n]!) ? 1 : 2;
          if (c === 1) return;
        }
        visitSource(i);
        visited++;
      };
      if (candidates) candidates.forEach(consider);
      else keys.forEach((_, i) => consider(i));
      visit.decided((held ? held.count : keys.length - 1) - visited);
    }
  }

  // Service → internet.
  const internetTargets = internetPorts.map((p): ProbeTarget => ({ kind: 'internet', port: p.port, protocol: p.protocol }));
  for (const s of keys) {
    const { src, from } = sources.get(s)!;
    for (const dst of internetTargets) if (keep(src, dst)) visit.cell(src, from, dst, 'internet');
  }
  // internet and VPC addresses → Service ports and nodePorts.
  const internet: ProbeSource = { kind: 'internet' };
  const vpcs = [...new Set([...vpcProbeAddresses(evB.engine), ...vpcProbeAddresses(evA.engine)])].sort().map((ip): ProbeSource => ({ kind: 'vpc', ip }));
  for (const t of keys) {
    const to = serviceRef(t);
    for (const dst of targets.get(t)!) {
      if (keep(internet, dst)) visit.cell(internet, 'internet', dst, to);
      for (const v of vpcs) if (keep(v, dst)) visit.cell(v, v.kind === 'vpc' ? v.ip : 'internet', dst, to);
    }
  }
}

interface SourceGroups {
  byNamespace: Map<string, string[]>;
  /** The namespaces of byNamespace, numbered. */
  namespaces: string[];
  /** Per source (by its place in the sources), the number of its namespace in `namespaces`; -1 when in `rest`. */
  namespaceIndex: Int32Array;
  rest: string[];
}

/**
 * Which sources have an address in a scope's peer blocks (on either side), and whether a target does: the
 * cells a scope with `peerCidrs` holds. Sources are numbered by their place in `sources`.
 */
class PeerBlocks {
  private readonly masks = new Map<Cidr[], Uint8Array>();
  private readonly maskIds = new Map<Uint8Array, number>();
  private readonly counts = new Map<string, number>();
  private readonly targets = new WeakMap<ProbeTarget, Map<Cidr[], boolean>>();

  constructor(
    private readonly evB: ProbeEvaluator,
    private readonly evA: ProbeEvaluator,
    private readonly sources: ProbeSource[],
  ) {}

  /** 1 for each source with an address in one of the blocks (on either side), else 0. */
  sourceMask(cidrs: Cidr[]): Uint8Array {
    let out = this.masks.get(cidrs);
    if (!out) {
      out = new Uint8Array(this.sources.length);
      for (let i = 0; i < this.sources.length; i++) {
        const src = this.sources[i]!;
        if ([this.evB, this.evA].some((ev) => ev.sourceAddresses(src).some((a) => cidrs.some((c) => cidrMatches(a, c))))) out[i] = 1;
      }
      this.masks.set(cidrs, out);
    }
    return out;
  }

  /** How many sources are in at least one of the masks (cached per list of masks). */
  unionCount(masks: Uint8Array[]): number {
    const ids = masks.map((m) => {
      let id = this.maskIds.get(m);
      if (id === undefined) this.maskIds.set(m, (id = this.maskIds.size));
      return id;
    });
    const key = ids.join(',');
    let n = this.counts.get(key);
    if (n === undefined) {
      n = 0;
      for (let i = 0; i < this.sources.length; i++) if (masks.some((m) => m[i] === 1)) n++;
      this.counts.set(key, n);
    }
    return n;
  }

  targetIn(dst: ProbeTarget, cidrs: Cidr[]): boolean {
    let byBlocks = this.targets.get(dst);
    if (!byBlocks) this.targets.set(dst, (byBlocks = new Map()));
    let v = byBlocks.get(cidrs);
    if (v === undefined) {
      v = [this.evB, this.evA].some((ev) => ev.targetEndpoints(dst).some((e) => cidrs.some((c) => cidrMatches(e.address, c))));
      byBlocks.set(cidrs, v);
    }
    return v;
  }
}

/**
 * Services as sources, grouped by the one namespace their pods are (non-hostNetwork) pods of on both
 * sides — a side where a Service has no pods at all has no flow from it, which `verdict` answers as no
 * flow, so it joins the other side's group. `rest`: Services that fit no group.
 */
class NamespaceGroups {
  private readonly cache = new Map<string, SourceGroups>();

  constructor(
    private readonly evB: ProbeEvaluator,
    private readonly evA: ProbeEvaluator,
    private readonly sources: Extract<ProbeSource, { kind: 'service' }>[],
  ) {}

  /** For targets whose first flow is of address family `famB` before and `famA` after (verdict pairs sources of that family). */
  of(famB: 4 | 6, famA: 4 | 6): SourceGroups {
    const id = `${famB}|${famA}`;
    let g = this.cache.get(id);
    if (g) return g;
    g = { byNamespace: new Map(), namespaces: [], namespaceIndex: new Int32Array(this.sources.length).fill(-1), rest: [] };
    const numbers = new Map<string, number>();
    this.sources.forEach((src, i) => {
      const k = src.key;
      const b = this.evB.sourceNamespace(src, famB);
      const a = this.evA.sourceNamespace(src, famA);
      const ns = b === null ? a : a === null ? b : b === a ? b : undefined;
      if (ns === undefined || ns === null) g.rest.push(k);
      else {
        const list = g.byNamespace.get(ns) ?? [];
        list.push(k);
        g.byNamespace.set(ns, list);
        let n = numbers.get(ns);
        if (n === undefined) numbers.set(ns, (n = g.namespaces.push(ns) - 1));
        g.namespaceIndex[i] = n;
      }
    });
    this.cache.set(id, g);
    return g;
  }
}
