import type { Pod, Service, ServicePort } from '../model/k8s';
import { parseAddress } from '../model/cidr';
import { objectKey } from '../model/cluster-index';
import type { Protocol } from '../model/result';
import { normaliseProtocol } from '../model/protocol';
import { addressEndpoint, podEndpoint, type Endpoint, type Flow } from '../model/flow';
import type { K8sIndex, SliceEndpoint } from '../model/cluster-index';

/** What planning a query needs: the cluster index and the Services' EndpointSlice endpoints (a ReachEngine has both). */
export interface ResolveContext {
  k8s: K8sIndex;
  slices: Map<string, SliceEndpoint[]>;
}
import { BadInputError } from '../util/errors';
import { expandPods, hasSelector, resolveReference, type ResolvedRef } from './reference';

/** `PORT[/PROTOCOL]` as typed: a number or an IANA service name, and an optional protocol. */
export interface PortSpec {
  port: number | string;
  protocol?: Protocol;
}

const PORT_NAME = /^(?=.*[a-z])[a-z0-9]([a-z0-9-]*[a-z0-9])?$/;

export function parsePortSpec(text: string): PortSpec {
  const [portText, protoText, extra] = text.split('/');
  if (extra !== undefined || !portText) throw new BadInputError(`bad port "${text}": expected PORT[/tcp|udp|sctp]`);
  let protocol: Protocol | undefined;
  if (protoText !== undefined) {
    const p = protoText.toLowerCase();
    if (p !== 'tcp' && p !== 'udp' && p !== 'sctp') throw new BadInputError(`bad protocol "${protoText}" in port ${text}: use tcp, udp or sctp`);
    protocol = normaliseProtocol(p);
  }
  if (/^\d+$/.test(portText)) {
    const n = Number(portText);
    if (n < 1 || n > 65535) throw new BadInputError(`bad port "${portText}": a port number is 1-65535`);
    return { port: n, protocol };
  }
  if (portText.length > 15 || !PORT_NAME.test(portText)) {
    throw new BadInputError(`bad port "${portText}": expected a number 1-65535 or a port name`);
  }
  return { port: portText, protocol };
}

interface Target {
  /** The pod connected to, or (a selector-less Service's endpoint that is no pod) its address. */
  pod?: Pod;
  address?: string;
  port: number;
  protocol: Protocol;
  portName?: string;
}

export interface PlannedQuery {
  from: ResolvedRef;
  to: ResolvedRef;
  flows: Flow[];
  notices: string[];
}

function containerPorts(pod: Pod) {
  return (pod.spec?.containers ?? []).flatMap((c) => c.ports ?? []);
}

function namedContainerPort(pod: Pod, name: string, protocol?: Protocol): { port: number; protocol: Protocol } | undefined {
  const p = containerPorts(pod).find((cp) => cp.name === name && (!protocol || normaliseProtocol(cp.protocol) === protocol));
  return p ? { port: p.containerPort, protocol: normaliseProtocol(p.protocol) } : undefined;
}

function serviceTargets(engine: ResolveContext, to: ResolvedRef, spec: PortSpec | undefined, notices: string[]): Target[] {
  const svc = to.service!;
  const ports: ServicePort[] = svc.spec?.ports ?? [];
  let chosen: ServicePort[];
  if (!spec) chosen = ports;
  else if (typeof spec.port === 'number') {
    const proto = spec.protocol ?? 'TCP';
    chosen = ports.filter((p) => p.port === spec.port && normaliseProtocol(p.protocol) === proto);
  } else {
    chosen = ports.filter((p) => p.name === spec.port && (!spec.protocol || normaliseProtocol(p.protocol) === spec.protocol));
  }
  if (chosen.length === 0) {
    const have = ports.map((p) => `${p.name ? p.name + '=' : ''}${p.port}/${normaliseProtocol(p.protocol).toLowerCase()}`).join(', ');
    if (!spec) throw new BadInputError(`service ${objectKey(svc)} declares no ports`);
    throw new BadInputError(`service ${objectKey(svc)} has no port ${spec.port}${spec.protocol ? '/' + spec.protocol.toLowerCase() : ''} (ports: ${have || 'none'})`);
  }
  const targets: Target[] = [];
  if (!hasSelector(svc)) return sliceTargets(engine, svc, chosen, notices);
  for (const sp of chosen) {
    const protocol = normaliseProtocol(sp.protocol);
    const tp = sp.targetPort ?? sp.port;
    for (const pod of to.pods) {
      if (typeof tp === 'number' || /^\d+$/.test(String(tp))) {
        targets.push({ pod, port: Number(tp), protocol });
        continue;
      }
      const resolved = namedContainerPort(pod, String(tp), protocol);
      if (resolved) targets.push({ pod, port: resolved.port, protocol, portName: String(tp) });
      else notices.push(`pod ${pod.metadata.namespace}/${pod.metadata.name} declares no port named ${tp}: the Service sends it no traffic on port ${sp.port}`);
    }
  }
  return targets;
}

/**
 * A Service without a selector sends to the endpoints its EndpointSlices list, on the slice port whose
 * name is the Service port's name (https://kubernetes.io/docs/concepts/services-networking/service/#services-without-selectors).
 */
function sliceTargets(engine: ResolveContext, svc: Service, chosen: ServicePort[], notices: string[]): Target[] {
  const endpoints = engine.slices.get(objectKey(svc)) ?? [];
  const targets: Target[] = [];
  for (const sp of chosen) {
    const protocol = normaliseProtocol(sp.protocol);
    for (const ep of endpoints) {
      const slicePort = ep.ports.find((p) => (p.name ?? '') === (sp.name ?? '') && normaliseProtocol(p.protocol) === protocol);
      if (!slicePort?.port) continue;
      const pod = engine.k8s.podAt(ep.address);
      targets.push(pod ? { pod, port: slicePort.port, protocol } : { address: ep.address, port: slicePort.port, protocol });
    }
  }
  if (endpoints.length === 0) notices.push(`service ${objectKey(svc)} has no selector and no EndpointSlice endpoints`);
  return targets;
}

function podTargets(to: ResolvedRef, spec: PortSpec | undefined, notices: string[]): Target[] {
  const targets: Target[] = [];
  if (spec && typeof spec.port === 'number') {
    // A numeric port that no container declares is still checked: declarations are informational.
    for (const pod of to.pods) targets.push({ pod, port: spec.port, protocol: spec.protocol ?? 'TCP' });
    return targets;
  }
  if (spec) {
    const name = spec.port as string;
    const missing: string[] = [];
    for (const pod of to.pods) {
      const r = namedContainerPort(pod, name, spec.protocol);
      if (r) targets.push({ pod, port: r.port, protocol: r.protocol, portName: name });
      else missing.push(`${pod.metadata.namespace}/${pod.metadata.name}`);
    }
    if (targets.length === 0) throw new BadInputError(`port name ${name} is not declared by ${to.label}`);
    if (missing.length) notices.push(`port ${name} is not declared by ${missing.join(', ')}; those pods were not checked`);
    return targets;
  }
  for (const pod of to.pods) {
    const declared = containerPorts(pod);
    if (declared.length === 0) throw new BadInputError(`PORT is required: ${pod.metadata.namespace}/${pod.metadata.name} declares no container ports`);
    const seen = new Set<string>();
    for (const cp of declared) {
      const protocol = normaliseProtocol(cp.protocol);
      const key = `${cp.containerPort}/${protocol}`;
      if (seen.has(key)) continue;
      seen.add(key);
      targets.push({ pod, port: cp.containerPort, protocol, portName: cp.name });
    }
  }
  return targets;
}

function sourceEndpoints(from: ResolvedRef, family: 4 | 6 | undefined, notices: string[]): Endpoint[] {
  if (from.kind === 'ip' || from.kind === 'internet') return [addressEndpoint(from.address!)];
  const out: Endpoint[] = [];
  for (const pod of from.pods) {
    const ep = podEndpoint(pod, family);
    if (ep) out.push(ep);
    else notices.push(`pod ${pod.metadata.namespace}/${pod.metadata.name} has no IP address yet; not checked`);
  }
  return out;
}

/** Turn `FROM TO [PORT]` into flows: Service → pods, port → target port per pod (CONTRACT §2). */
export function planQuery(engine: ResolveContext, fromText: string, toText: string, portText?: string): PlannedQuery {
  const idx = engine.k8s;
  const spec = portText !== undefined ? parsePortSpec(portText) : undefined;
  const from = expandPods(idx, resolveReference(idx, fromText), engine.slices);
  const to = expandPods(idx, resolveReference(idx, toText), engine.slices);
  const notices: string[] = [];
  if ((from.kind === 'service' || from.kind === 'workload') && from.pods.length === 0) notices.push(`${from.label} has no running pods`);
  if (to.kind === 'workload' && to.pods.length === 0) notices.push(`${to.label} has no running pods`);
  if (to.kind === 'service' && to.service && hasSelector(to.service) && to.pods.length === 0) notices.push(`${to.label} has no running pods`);

  const flows: Flow[] = [];
  if (to.kind === 'ip' || to.kind === 'internet') {
    if (!spec) throw new BadInputError(`PORT is required when the destination is ${to.label}`);
    if (typeof spec.port !== 'number') throw new BadInputError(`bad port "${spec.port}": a port name needs a pod or Service destination`);
    const dst = addressEndpoint(to.address!);
    for (const src of sourceEndpoints(from, to.address!.family, notices)) {
      flows.push({ src, dst, port: spec.port, protocol: spec.protocol ?? 'TCP' });
    }
    return finish({ from, to, flows, notices });
  }

  const targets = to.kind === 'service' ? serviceTargets(engine, to, spec, notices) : podTargets(to, spec, notices);
  const srcByFamily = new Map<string, Endpoint[]>();
  for (const t of targets) {
    const address = t.address !== undefined ? parseAddress(t.address) : undefined;
    const dst = t.pod ? podEndpoint(t.pod) : address ? addressEndpoint(address) : undefined;
    if (!dst) {
      if (t.pod) notices.push(`pod ${t.pod.metadata.namespace}/${t.pod.metadata.name} has no IP address yet; not checked`);
      continue;
    }
    const fam = String(dst.address.family);
    let srcs = srcByFamily.get(fam);
    if (!srcs) srcByFamily.set(fam, (srcs = sourceEndpoints(from, dst.address.family, notices)));
    for (const src of srcs) flows.push({ src, dst, port: t.port, protocol: t.protocol, portName: t.portName });
  }
  return finish({ from, to, flows, notices: [...new Set(notices)] });
}

/**
 * A query with no flow to check (no running pod with an address on one side, no matching port on
 * any pod) has no answer: it is bad input, never a silent "denied".
 */
function finish(q: PlannedQuery): PlannedQuery {
  if (q.flows.length > 0) return q;
  const empty = [q.to, q.from].find((r) => (r.kind === 'service' || r.kind === 'workload' || r.kind === 'pod') && r.pods.length === 0 && !(r.kind === 'service' && r.service && !hasSelector(r.service)));
  const why = empty ? `${empty.label} has no running pods` : q.notices[0] ?? 'no pod has an address to connect';
  throw new BadInputError(`nothing to check from ${q.from.label} to ${q.to.label}: ${why}`);
}
