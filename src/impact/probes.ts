import type { Service } from '../model/k8s';
import type { Protocol, Verdict } from '../model/result';
import { INTERNET_ADDRESS, parseAddress } from '../engine/cidr';
import { flowClasses, type ClassedEndpoint, type FlowClasses } from '../engine/flow-classes';
import { addressEndpoint, evaluateFlow, normaliseProtocol, overallVerdict, podEndpoint, type ReachEngine } from '../engine/reach';
import type { Endpoint, Flow } from '../engine/types';
import { objectKey } from '../resolve/cluster-index';
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

interface ClassedTarget {
  c: ClassedEndpoint;
  flow: Flow;
  portId: number;
}

/**
 * The verdict of each probe in one state (before or after), from the engine. `mode: 'classes'`
 * answers from the engine's memoised flow classes (as the Service matrix does); `mode: 'full'`
 * evaluates every pod-to-pod flow layer by layer — the reference the shortcut is tested against.
 */
export class ProbeEvaluator {
  private readonly classes: FlowClasses;
  private readonly targets = new Map<string, ClassedTarget[]>();
  private readonly sources = new Map<string, ClassedEndpoint[]>();
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
    for (const t of this.targetsOf(p.dst)) for (const s of this.sourcesOf(p.src, t.c.ep.address.family)) out.push({ ...t.flow, src: s.ep });
    return out;
  }

  /** allowed / denied / partial, or undefined when the probe has no flow here (no such Service, no pods, no port). */
  verdict(p: Probe): Verdict | undefined {
    const targets = this.targetsOf(p.dst);
    if (targets.length === 0) return undefined;
    let allowed = 0;
    let denied = 0;
    let any = false;
    const byFamily = new Map<number, ClassedEndpoint[]>();
    for (const t of targets) {
      const fam = t.c.ep.address.family;
      let srcs = byFamily.get(fam);
      if (!srcs) byFamily.set(fam, (srcs = this.sourcesOf(p.src, fam)));
      for (const s of srcs) {
        any = true;
        const ok = this.mode === 'full' ? evaluateFlow(this.engine, { ...t.flow, src: s.ep }).verdict === 'allowed' : this.classes.allowedClassed(s, t.c, t.flow, t.portId);
        if (ok) allowed++;
        else denied++;
        if (allowed > 0 && denied > 0) return 'partial';
      }
    }
    if (!any) return undefined;
    return overallVerdict([...(allowed ? [{ verdict: 'allowed' as const }] : []), ...(denied ? [{ verdict: 'denied' as const }] : [])]);
  }

  /** Is the flow allowed (per pod flow), for attributing a moved probe to the layers that flipped. */
  allowed(f: Flow): boolean {
    return this.classes.allowed(f);
  }

  private sourcesOf(src: ProbeSource, family: 4 | 6): ClassedEndpoint[] {
    const key = `${src.kind === 'service' ? src.key : src.kind === 'vpc' ? src.ip : 'internet'}|${family}`;
    let out = this.sources.get(key);
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
    out = eps.map((e) => this.classes.classify(e));
    this.sources.set(key, out);
    return out;
  }

  private targetsOf(dst: ProbeTarget): ClassedTarget[] {
    const key = `${dst.kind}|${dst.kind === 'internet' ? '' : dst.key}|${dst.port}/${dst.protocol}`;
    let out = this.targets.get(key);
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
    out = flows.map((flow) => ({ c: this.classes.classify(flow.dst), flow, portId: this.classes.portId(flow.port, flow.protocol) }));
    this.targets.set(key, out);
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
