import type { Verdict } from '../model/result';
import { objectKey } from '../model/cluster-index';
import { servicePods } from '../resolve/reference';
import { planQuery } from '../resolve/flows';
import { flowClasses, type ClassedEndpoint } from './flow-classes';
import type { ReachEngine } from './reach';
import { podEndpoint } from '../model/flow';
import type { Endpoint, Flow } from '../model/flow';

export interface MatrixCell {
  from: string;
  to: string;
  verdict: Verdict;
}

const CODES: Verdict[] = ['denied', 'allowed', 'partial'];

/** An n×n matrix of verdicts between Services, one byte a cell (a million cells stay small). */
export class ServiceMatrix {
  constructor(
    readonly services: string[],
    private readonly codes: Uint8Array,
  ) {}

  verdict(from: number, to: number): Verdict {
    return CODES[this.codes[from * this.services.length + to]!]!;
  }

  get size(): number {
    return this.services.length * (this.services.length - 1);
  }

  *cells(): IterableIterator<MatrixCell> {
    const n = this.services.length;
    for (let i = 0; i < n; i++) for (let j = 0; j < n; j++) if (i !== j) yield { from: this.services[i]!, to: this.services[j]!, verdict: this.verdict(i, j) };
  }
}

/**
 * Every Service to every other Service, on every Service port: the reachability matrix drift uses
 * to show what a change opened or closed. Verdicts come from FlowClasses, so each class of flows is
 * evaluated once.
 */
export function serviceMatrix(engine: ReachEngine): ServiceMatrix {
  const services = [...engine.k8s.services].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
  const classes = flowClasses(engine);
  // Destinations of each Service: its pods on each target port (a placeholder source, replaced below).
  const targets = new Map<string, Flow[]>();
  const sources = new Map<string, Endpoint[]>();
  for (const svc of services) {
    const key = objectKey(svc);
    try {
      targets.set(key, planQuery(engine, '0.0.0.0', `${svc.metadata.namespace ?? 'default'}/svc/${svc.metadata.name}`).flows);
    } catch {
      targets.set(key, []);
    }
    sources.set(
      key,
      servicePods(engine.k8s, svc, engine.slices)
        .map((p) => podEndpoint(p))
        .filter((e): e is Endpoint => !!e),
    );
  }
  const classed = new Map<
    string,
    { src: ClassedEndpoint[]; dst: { c: ClassedEndpoint; flow: Flow; portId: number }[]; srcNs?: string; dstNs?: string }
  >();
  for (const svc of services) {
    const key = objectKey(svc);
    const src = sources.get(key)!.map((e) => classes.classify(e));
    const dst = targets.get(key)!.map((flow) => ({ c: classes.classify(flow.dst), flow, portId: classes.portId(flow.port, flow.protocol) }));
    classed.set(key, { src, dst, srcNs: oneNamespace(src.map((c) => c.ep)), dstNs: oneNamespace(dst.map((d) => d.c.ep)) });
  }
  const netpol = engine.netpol;
  const n = services.length;
  const codes = new Uint8Array(n * n);
  const keys = services.map(objectKey);
  for (let i = 0; i < n; i++) {
    const a = classed.get(keys[i]!)!;
    const srcs = a.src;
    for (let j = 0; j < n; j++) {
      if (i === j) continue;
      const b = classed.get(keys[j]!)!;
      const dsts = b.dst;
      // Whole-namespace shortcut: the sources' egress policies admit nothing in B's namespace, or B's
      // ingress policies nothing from A's — every flow is denied without looking at each pod.
      if (
        srcs.length > 0 &&
        dsts.length > 0 &&
        ((b.dstNs !== undefined && srcs.every((s) => netpol.closedTo(s.np, 'egress', b.dstNs!))) ||
          (a.srcNs !== undefined && dsts.every((d) => netpol.closedTo(d.c.np, 'ingress', a.srcNs!))))
      ) {
        codes[i * n + j] = 0;
        continue;
      }
      let allowed = 0;
      let denied = 0;
      for (const s of srcs) {
        for (const d of dsts) {
          const ok = classes.allowedClassed(s, d.c, d.flow, d.portId);
          if (ok) allowed++;
          else denied++;
        }
      }
      codes[i * n + j] = allowed === 0 ? 0 : denied === 0 ? 1 : 2;
    }
  }
  return new ServiceMatrix(keys, codes);
}

/** The one namespace all these endpoints are (non-hostNetwork) pods of, else undefined. */
export function oneNamespace(eps: Endpoint[]): string | undefined {
  let ns: string | undefined;
  for (const e of eps) {
    if (!e.pod || e.hostNetwork || !e.namespace) return undefined;
    if (ns === undefined) ns = e.namespace;
    else if (ns !== e.namespace) return undefined;
  }
  return ns;
}
