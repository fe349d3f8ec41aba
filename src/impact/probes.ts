import type { Service } from '../model/k8s';
import type { Protocol, Verdict } from '../model/result';
import { INTERNET_ADDRESS, parseAddress, type Address } from '../model/cidr';
import { flowClasses, type ClassedEndpoint, type FlowClasses } from '../engine/flow-classes';
import type { NetpolEndpointClass } from '../engine/netpol/classes';
import { evaluateFlow, type ReachEngine } from '../engine/reach';
import { oneNamespace } from '../engine/matrix';
import { addressEndpoint, podEndpoint } from '../model/flow';
import { normaliseProtocol } from '../model/protocol';
import type { Endpoint, Flow } from '../model/flow';
import { objectKey } from '../model/cluster-index';
import { planQuery } from '../resolve/flows';
import { servicePods } from '../resolve/reference';
import { cidrRange } from '../drift/ranges';

/** Where a checked flow starts: a Service's pods, the internet, or an address of the VPC's CIDR block. */
export type ProbeSource = { kind: 'service'; key: string } | { kind: 'internet' } | { kind: 'vpc'; ip: string };

/** Where it goes: a Service port (its pods' target port), a Service's nodePort on every node, or the internet. */
export type ProbeTarget =
  | { kind: 'service'; key: string; port: number; protocol: Protocol }
  | { kind: 'node'; key: string; port: number; protocol: Protocol }
  | { kind: 'internet'; port: number; protocol: Protocol };

/** One cell of the before/after comparison: a flow as `eksnet impact` prints it. */
export interface Probe {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  src: ProbeSource;
  dst: ProbeTarget;
}

export function serviceRef(key: string): string {
  const [ns, name] = key.split('/');
  return `${ns}/svc/${name}`;
}

export function probeId(p: Pick<Probe, 'from' | 'to' | 'port' | 'protocol'>): string {
  return `${p.from}|${p.to}|${p.port}/${p.protocol}`;
}

/**
 * An address standing for "something in the VPC that is not a pod": the last address of each IPv4
 * CIDR block of the VPC. AWS reserves the last address of every subnet, so no network interface holds
 * it: security groups and NACLs judge it by its address alone.
 */
export function vpcProbeAddresses(engine: ReachEngine): string[] {
  const out = new Set<string>();
  for (const vpc of engine.snapshot.aws.vpcs) {
    const blocks = [vpc.CidrBlock, ...(vpc.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock)];
    for (const b of blocks) {
      const r = cidrRange(b);
      if (!r || r.family !== 4) continue;
      const n = Number(r.end);
      out.add(`${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}`);
    }
  }
  return [...out].sort();
}

function nodeAddresses(engine: ReachEngine): string[] {
  const out: string[] = [];
  for (const n of engine.snapshot.k8s.nodes) {
    const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
    if (ip && parseAddress(ip)) out.push(ip);
  }
  return out.sort();
}

export interface ClassedTarget {
  c: ClassedEndpoint;
  flow: Flow;
  portId: number;
}

interface Classed<T> {
  list: T[];
  /** The one namespace all these endpoints are (non-hostNetwork) pods of, else undefined. */
  ns?: string;
  /** The one address family of all these endpoints, else undefined. */
  family?: 4 | 6;
  /** One member per distinct NetworkPolicy class in each role (see `policyClasses`), built on first use. */
  policy?: { own: T[]; peer: T[] };
}

/**
 * The verdict of each probe in one state (before or after), from the engine. `mode: 'classes'`
 * answers from the engine's memoised flow classes and the Service matrix's whole-namespace shortcut;
 * `mode: 'full'` evaluates every pod-to-pod flow layer by layer — the reference the shortcut is tested
 * against. Probe sources and targets are cached by object: build each once and share it.
 */
export class ProbeEvaluator {
  private readonly classes: FlowClasses;
  private readonly targets = new WeakMap<ProbeTarget, Classed<ClassedTarget>>();
  private readonly sources = new WeakMap<ProbeSource, Classed<ClassedEndpoint>[]>();
  readonly services: Map<string, Service>;
  private nodes: string[] | undefined;

  constructor(
    readonly engine: ReachEngine,
    private readonly mode: 'classes' | 'full' = 'classes',
  ) {
    this.classes = flowClasses(engine);
    this.services = new Map(engine.k8s.services.map((s) => [objectKey(s), s]));
  }

  /** Pod (or address) flows of a probe, with sources filled in. Empty when the probe has nothing to connect. */
  flows(p: Probe): Flow[] {
    const out: Flow[] = [];
    for (const t of this.targetsOf(p.dst).list) for (const s of this.sourcesOf(p.src, t.c.ep.address.family).list) out.push({ ...t.flow, src: s.ep });
    return out;
  }

  /** allowed / denied / partial, or undefined when the probe has no flow here (no such Service, no pods, no port). */
  verdict(p: Probe): Verdict | undefined {
    const targets = this.targetsOf(p.dst);
    if (targets.list.length === 0) return undefined;
    if (this.policiesDenyAll(p.src, p.dst)) return 'denied';
    let allowed = 0;
    let denied = 0;
    let v4: Classed<ClassedEndpoint> | undefined;
    let v6: Classed<ClassedEndpoint> | undefined;
    for (const t of targets.list) {
      const srcs = t.c.ep.address.family === 4 ? (v4 ??= this.sourcesOf(p.src, 4)) : (v6 ??= this.sourcesOf(p.src, 6));
      for (const s of srcs.list) {
        const ok = this.mode === 'full' ? evaluateFlow(this.engine, { ...t.flow, src: s.ep }).verdict === 'allowed' : this.classes.allowedClassed(s, t.c, t.flow, t.portId);
        if (ok) allowed++;
        else denied++;
        if (allowed > 0 && denied > 0) return 'partial';
      }
    }
    if (allowed === 0 && denied === 0) return undefined;
    return allowed > 0 ? 'allowed' : 'denied';
  }

  /**
   * ('classes' mode) Does NetworkPolicy deny every pod flow of the probe, decided without looking at each? The
   * whole-namespace shortcut (as the Service matrix): the sources' egress policies admit nothing in the targets'
   * namespace, or the targets' ingress policies nothing from the sources' — closedTo reads only the isolating
   * policy sets, so one member per distinct set decides; else the class shortcut (policiesDenyEvery).
   */
  policiesDenyAll(src: ProbeSource, dst: ProbeTarget): boolean {
    if (this.mode !== 'classes') return false;
    // The flip check and then `verdict` ask for the same cell in a row: remember the last answer.
    if (src === this.lastDenyAll.src && dst === this.lastDenyAll.dst) return this.lastDenyAll.denied;
    const denied = this.decidePoliciesDenyAll(src, dst);
    this.lastDenyAll = { src, dst, denied };
    return denied;
  }

  private lastDenyAll: { src?: ProbeSource; dst?: ProbeTarget; denied: boolean } = { denied: false };

  private decidePoliciesDenyAll(src: ProbeSource, dst: ProbeTarget): boolean {
    const targets = this.targetsOf(dst);
    if (targets.list.length === 0) return false;
    if (targets.ns !== undefined) {
      const srcs = this.sourcesOf(src, targets.list[0]!.c.ep.address.family);
      const netpol = this.engine.netpol;
      if (
        srcs.list.length > 0 &&
        (sourcePolicyClasses(srcs).own.every((s) => netpol.closedTo(s.np, 'egress', targets.ns!)) ||
          (srcs.ns !== undefined && targetPolicyClasses(targets).own.every((t) => netpol.closedTo(t.c.np, 'ingress', srcs.ns!))))
      ) {
        return true;
      }
    }
    if (targets.family !== undefined) {
      const srcs = this.sourcesOf(src, targets.family);
      if (srcs.list.length > 0 && this.policiesDenyEvery(srcs, targets)) return true;
    }
    return false;
  }

  /**
   * Class shortcut: NetworkPolicy denies every pod flow from `srcs` to `targets` — the sources' egress
   * policies admit none of the targets, or the targets' ingress policies none of the sources. Each
   * direction is decided on one member per distinct class it reads (the same memo every pod flow would
   * read), so a pair of Services costs a few lookups instead of one per pod pair.
   */
  private policiesDenyEvery(srcs: Classed<ClassedEndpoint>, targets: Classed<ClassedTarget>): boolean {
    const netpol = this.engine.netpol;
    const s = sourcePolicyClasses(srcs);
    const t = targetPolicyClasses(targets);
    const flow = this.flowOf;
    let open = false;
    for (const a of s.own) {
      for (const b of t.peer) {
        this.pSrc = a.ep;
        this.pTarget = b.flow;
        if ((open = netpol.admitsOneWay('egress', a.np, b.c.np, b.portId, flow))) break;
      }
      if (open) break;
    }
    if (!open) return true;
    for (const b of t.own) {
      for (const a of s.peer) {
        this.pSrc = a.ep;
        this.pTarget = b.flow;
        if (netpol.admitsOneWay('ingress', b.c.np, a.np, b.portId, flow)) return false;
      }
    }
    return true;
  }

  /** The flow a memo miss of `policiesDenyEvery` evaluates (built only then). */
  private pSrc!: Endpoint;
  private pTarget!: Flow;
  private readonly flowOf = (): Flow => ({ ...this.pTarget, src: this.pSrc });

  /** Whether `verdict` may answer from memoised classes and the whole-namespace shortcut ('classes' mode). */
  get shortcuts(): boolean {
    return this.mode === 'classes';
  }

  /** The address family of the target's first flow: `verdict` pairs it with the sources of that family. */
  targetFamily(dst: ProbeTarget): 4 | 6 {
    return this.targetsOf(dst).list[0]?.c.ep.address.family ?? 4;
  }

  /**
   * The namespace whose (non-hostNetwork) pods are all of the source's endpoints of `family`, as
   * `verdict`'s whole-namespace shortcut reads it; null when the source has no endpoint of any family
   * (no flow from it); undefined otherwise.
   */
  sourceNamespace(src: ProbeSource, family: 4 | 6): string | null | undefined {
    const own = this.sourcesOf(src, family);
    if (own.list.length > 0) return own.ns;
    return this.sourcesOf(src, family === 4 ? 6 : 4).list.length === 0 ? null : undefined;
  }

  /**
   * True when `verdict` answers `denied` (or finds no flow) for every source whose `sourceNamespace`
   * (for `targetFamily(dst)`) is `ns` or null: the target has no flow here, or ('classes' mode) its pods
   * are pods of one namespace whose ingress policies admit no pod of `ns` on any port.
   */
  closedFrom(dst: ProbeTarget, ns: string): boolean {
    const targets = this.targetsOf(dst);
    if (targets.list.length === 0) return true;
    if (this.mode !== 'classes' || targets.ns === undefined) return false;
    const netpol = this.engine.netpol;
    return targets.list.every((t) => netpol.closedTo(t.c.np, 'ingress', ns));
  }

  /** The source's classified endpoints of one address family (the pod flows of `verdict` start from these). */
  classedSources(src: ProbeSource, family: 4 | 6): readonly ClassedEndpoint[] {
    return this.sourcesOf(src, family).list;
  }

  /** The target's classified destinations, each with its flow and port id (the pod flows of `verdict` end there). */
  classedTargets(dst: ProbeTarget): readonly ClassedTarget[] {
    return this.targetsOf(dst).list;
  }

  /** The verdict of one pod flow, as `verdict` reads it. */
  pairAllowed(s: ClassedEndpoint, t: ClassedTarget): boolean {
    return this.mode === 'full' ? evaluateFlow(this.engine, { ...t.flow, src: s.ep }).verdict === 'allowed' : this.classes.allowedClassed(s, t.c, t.flow, t.portId);
  }

  /** One part of `pairAllowed` for a pair on different nodes ('classes' mode; see FlowClasses.partAllowed). */
  partAllowed(part: 'policy' | 'groups' | 'subnets', s: ClassedEndpoint, t: ClassedTarget): boolean {
    return this.classes.partAllowed(part, s, t.c, t.flow, t.portId);
  }

  /** The flow classes this evaluator reads (shared by every evaluator of its engine). */
  get flowClasses(): FlowClasses {
    return this.classes;
  }

  /**
   * The addresses the source's flows may leave from: its endpoints' own, and for pods their node's (a pod's
   * traffic to an address outside the VPC leaves as the node after SNAT).
   */
  sourceAddresses(src: ProbeSource): Address[] {
    const out: Address[] = [];
    for (const family of [4, 6] as const) {
      for (const s of this.sourcesOf(src, family).list) {
        out.push(s.ep.address);
        const host = s.ep.pod?.status?.hostIP ? parseAddress(s.ep.pod.status.hostIP) : undefined;
        if (host) out.push(host);
      }
    }
    return out;
  }

  /** The endpoints the target's flows connect to (none: the target has no flow here). */
  targetEndpoints(dst: ProbeTarget): Endpoint[] {
    return this.targetsOf(dst).list.map((t) => t.flow.dst);
  }

  /** The ports the probe's flows connect to (pods' target ports, or the probe's port). */
  targetPorts(dst: ProbeTarget): { port: number; protocol: Protocol }[] {
    if (dst.kind !== 'service') return [{ port: dst.port, protocol: dst.protocol }];
    const seen = new Map<string, { port: number; protocol: Protocol }>();
    for (const t of this.targetsOf(dst).list) seen.set(`${t.flow.port}/${t.flow.protocol}`, { port: t.flow.port, protocol: t.flow.protocol });
    return [...seen.values()];
  }

  /** Is the flow allowed (per pod flow), for attributing a moved probe to the layers that flipped. */
  allowed(f: Flow): boolean {
    return this.classes.allowed(f);
  }

  private sourcesOf(src: ProbeSource, family: 4 | 6): Classed<ClassedEndpoint> {
    let byFamily = this.sources.get(src);
    if (!byFamily) this.sources.set(src, (byFamily = []));
    let out = byFamily[family];
    if (out) return out;
    let eps: Endpoint[] = [];
    if (src.kind === 'service') {
      const svc = this.services.get(src.key);
      if (svc) eps = servicePods(this.engine.k8s, svc, this.engine.slices).map((pod) => podEndpoint(pod, family)).filter((e): e is Endpoint => !!e && e.address.family === family);
    } else if (src.kind === 'internet') {
      // `internet` is an arbitrary public IPv4 address (CONTRACT §2).
      if (family === 4) eps = [addressEndpoint(INTERNET_ADDRESS)];
    } else {
      const a = parseAddress(src.ip);
      if (a && a.family === family) eps = [addressEndpoint(a)];
    }
    out = { list: eps.map((e) => this.classes.classify(e)), ns: oneNamespace(eps), family };
    byFamily[family] = out;
    return out;
  }

  private targetsOf(dst: ProbeTarget): Classed<ClassedTarget> {
    let out = this.targets.get(dst);
    if (out) return out;
    let flows: Flow[] = [];
    const placeholder = addressEndpoint(parseAddress('0.0.0.0')!);
    if (dst.kind === 'service') {
      const svc = this.services.get(dst.key);
      if (svc && (svc.spec?.ports ?? []).some((p) => p.port === dst.port && normaliseProtocol(p.protocol) === dst.protocol)) {
        try {
          flows = planQuery(this.engine, '0.0.0.0', serviceRef(dst.key), `${dst.port}/${dst.protocol.toLowerCase()}`).flows;
        } catch {
          flows = []; // no running pods, or no pod declares the named target port: nothing to connect
        }
      }
    } else if (dst.kind === 'node') {
      const svc = this.services.get(dst.key);
      if (svc && (svc.spec?.ports ?? []).some((p) => p.nodePort === dst.port && normaliseProtocol(p.protocol) === dst.protocol)) {
        this.nodes ??= nodeAddresses(this.engine);
        flows = this.nodes.map((ip) => ({ src: placeholder, dst: addressEndpoint(parseAddress(ip)!), port: dst.port, protocol: dst.protocol }));
      }
    } else {
      flows = [{ src: placeholder, dst: addressEndpoint(INTERNET_ADDRESS), port: dst.port, protocol: dst.protocol }];
    }
    const list = flows.map((flow) => ({ c: this.classes.classify(flow.dst), flow, portId: this.classes.portId(flow.port, flow.protocol) }));
    const families = new Set(flows.map((f) => f.dst.address.family));
    out = { list, ns: oneNamespace(flows.map((f) => f.dst)), family: families.size === 1 ? [...families][0] : undefined };
    this.targets.set(dst, out);
    return out;
  }
}

/** The Service ports (and nodePorts) of a Service, as probe targets. */
export function serviceTargets(svc: Service): ProbeTarget[] {
  const key = objectKey(svc);
  const out: ProbeTarget[] = [];
  const type = svc.spec?.type ?? 'ClusterIP';
  for (const p of svc.spec?.ports ?? []) {
    const protocol = normaliseProtocol(p.protocol);
    out.push({ kind: 'service', key, port: p.port, protocol });
    // NodePort and LoadBalancer Services are also exposed on every node's address at the nodePort.
    if ((type === 'NodePort' || type === 'LoadBalancer') && p.nodePort) out.push({ kind: 'node', key, port: p.nodePort, protocol });
  }
  return out;
}

/**
 * One member of the list per distinct NetworkPolicy class in each role, as the per-direction memo keys them:
 * `own` by its isolating policy sets (a source's egress set, a target's ingress set, decide its own direction)
 * and `peer` by what the other side's policies read about it (namespace, labels, declared ports, ipBlock
 * pattern) — each with the port for targets.
 */
function policyClasses<T>(c: Classed<T>, np: (x: T) => NetpolEndpointClass, port: (x: T) => number): { own: T[]; peer: T[] } {
  if (c.policy) return c.policy;
  const own = new Map<string, T>();
  const peer = new Map<string, T>();
  for (const x of c.list) {
    const n = np(x);
    const ownKey = `${port(x)}|${n.egressSet}/${n.ingressSet}`;
    if (!own.has(ownKey)) own.set(ownKey, x);
    const peerKey = `${port(x)}|${n.base}/${n.pattern}`;
    if (!peer.has(peerKey)) peer.set(peerKey, x);
  }
  return (c.policy = { own: [...own.values()], peer: [...peer.values()] });
}

const sourcePolicyClasses = (c: Classed<ClassedEndpoint>) => policyClasses(c, (x) => x.np, () => 0);
const targetPolicyClasses = (c: Classed<ClassedTarget>) => policyClasses(c, (x) => x.c.np, (x) => x.portId);
