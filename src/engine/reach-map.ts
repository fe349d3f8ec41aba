import type { Protocol, Verdict } from '../model/result';
import type { Service } from '../model/k8s';
import { objectKey } from '../model/cluster-index';
import { expandPods, resolveReference, servicePods, type ResolvedRef } from '../resolve/reference';
import { planQuery } from '../resolve/flows';
import { overallVerdict, type ReachEngine } from './reach';
import { podEndpoint } from '../model/flow';
import { flowClasses } from './flow-classes';
import type { Flow } from '../model/flow';

export interface MapPort {
  port: number;
  protocol: Protocol;
  verdict: Verdict;
}

export interface MapEntry {
  /** NAMESPACE/NAME of the Service. */
  service: string;
  verdict: Verdict;
  ports: MapPort[];
}

/** What FROM can reach (Service by Service) and what reaches it (--json of the one-reference form). */
export interface ReachMap {
  from: string;
  reaches: MapEntry[];
  reachedBy: MapEntry[];
  notices: string[];
}

function verdictOf(flows: Flow[], engine: ReachEngine): Verdict {
  const classes = flowClasses(engine);
  return overallVerdict(flows.map((f) => ({ verdict: classes.allowed(f) ? 'allowed' : 'denied' })));
}

function isOwnService(svc: Service, ref: ResolvedRef): boolean {
  return ref.kind === 'service' && ref.service === svc;
}

/** Group flows by (port, protocol) into map entries; Services with no checkable flow are left out. */
function entry(svc: Service, flows: Flow[], engine: ReachEngine, portOf: (f: Flow) => number): MapEntry | undefined {
  if (flows.length === 0) return undefined;
  const byPort = new Map<string, Flow[]>();
  for (const f of flows) {
    const key = `${portOf(f)}/${f.protocol}`;
    const list = byPort.get(key) ?? [];
    list.push(f);
    byPort.set(key, list);
  }
  const ports: MapPort[] = [...byPort.entries()].map(([key, fl]) => {
    const [port, protocol] = key.split('/');
    return { port: Number(port), protocol: protocol as Protocol, verdict: verdictOf(fl, engine) };
  });
  ports.sort((a, b) => a.port - b.port || a.protocol.localeCompare(b.protocol));
  const all = ports.map((p) => p.verdict);
  const verdict: Verdict = all.every((v) => v === 'allowed') ? 'allowed' : all.every((v) => v === 'denied') ? 'denied' : 'partial';
  return { service: objectKey(svc), verdict, ports };
}

/**
 * The reach map of one endpoint: for every Service, can FROM reach it (on each Service port), and can
 * the Service's pods reach FROM (on FROM's ports)?
 */
export function reachMap(engine: ReachEngine, fromText: string): ReachMap {
  const idx = engine.k8s;
  const from = expandPods(idx, resolveReference(idx, fromText), engine.slices);
  const notices: string[] = [];
  const reaches: MapEntry[] = [];
  const reachedBy: MapEntry[] = [];
  const services = [...idx.services].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));

  for (const svc of services) {
    if (isOwnService(svc, from) || !(svc.spec?.ports?.length)) continue;
    try {
      const plan = planQuery(engine, fromText, `${svc.metadata.namespace ?? 'default'}/svc/${svc.metadata.name}`);
      const e = entry(svc, plan.flows, engine, (f) => servicePortFor(svc, f));
      if (e) reaches.push(e);
    } catch {
      // A Service whose ports cannot be planned (e.g. no pods) has no entry.
    }
  }

  // Inbound: every other Service's pods → FROM on FROM's own ports.
  if (from.kind !== 'ip' && from.kind !== 'internet') {
    const targetText = from.kind === 'service' ? `${from.namespace}/svc/${from.name}` : fromText;
    let probe: Flow[] = [];
    try {
      // The destinations and ports of "anything → FROM", with a placeholder source replaced below.
      probe = planQuery(engine, '0.0.0.0', targetText).flows;
    } catch (err) {
      notices.push(`what reaches ${from.label} was not mapped: ${(err as Error).message}`);
    }
    if (probe.length > 0) {
      for (const svc of services) {
        if (isOwnService(svc, from)) continue;
        const srcPods = servicePods(idx, svc, engine.slices);
        const flows: Flow[] = [];
        for (const pod of srcPods) {
          for (const p of probe) {
            const src = podEndpoint(pod, p.dst.address.family);
            if (src) flows.push({ ...p, src });
          }
        }
        const e = entry(svc, flows, engine, (f) => f.port);
        if (e) reachedBy.push(e);
      }
    }
  }
  return { from: from.label, reaches, reachedBy, notices };
}

function servicePortFor(svc: Service, f: Flow): number {
  const ports = svc.spec?.ports ?? [];
  const match = ports.find((p) => {
    const tp = p.targetPort ?? p.port;
    return (typeof tp === 'number' ? tp === f.port : tp === f.portName || Number(tp) === f.port) && (p.protocol ?? 'TCP').toUpperCase() === f.protocol;
  });
  return match?.port ?? f.port;
}
