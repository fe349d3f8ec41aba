import type { Pod } from '../model/k8s';
import type { FlowResult, LayerResult, Protocol, ReachResult, Verdict } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { buildK8sIndex, objectKey, podIps, type K8sIndex } from '../resolve/cluster-index';
import { buildAwsEngine, type AwsEngine } from './aws/index';
import { parseAddress, type Address } from './cidr';
import { buildNetpolEngine, type NetpolEngine } from './netpol/index';
import type { Endpoint, Flow } from './types';

/** Everything the engine precomputes for one snapshot; built once, shared by every query. */
export interface ReachEngine {
  snapshot: Snapshot;
  k8s: K8sIndex;
  netpol: NetpolEngine;
  aws: AwsEngine;
  /** Service key → the endpoints its EndpointSlices list (what Services without a selector send to). */
  slices: Map<string, SliceEndpoint[]>;
}

const engines = new WeakMap<Snapshot, ReachEngine>();

export function reachEngine(snapshot: Snapshot): ReachEngine {
  let e = engines.get(snapshot);
  if (!e) {
    const k8s = buildK8sIndex(snapshot);
    e = {
      snapshot,
      k8s,
      netpol: buildNetpolEngine(snapshot, k8s),
      aws: buildAwsEngine(snapshot, k8s),
      slices: buildSlices(snapshot),
    };
    engines.set(snapshot, e);
  }
  return e;
}

export interface SliceEndpoint {
  address: string;
  /** The slice's ports: `name` matches the Service port's name, `port` is where traffic goes. */
  ports: { name?: string; port?: number; protocol?: string }[];
}

function buildSlices(snap: Snapshot): Map<string, SliceEndpoint[]> {
  const out = new Map<string, SliceEndpoint[]>();
  for (const slice of snap.k8s.endpointSlices) {
    const svc = slice.metadata.labels?.['kubernetes.io/service-name'];
    if (!svc) continue;
    const key = `${slice.metadata.namespace ?? 'default'}/${svc}`;
    const list = out.get(key) ?? [];
    for (const ep of slice.endpoints ?? []) {
      // Endpoints not ready are not sent traffic (EndpointSlice conditions.ready; absent means ready).
      if ((ep as { conditions?: { ready?: boolean } }).conditions?.ready === false) continue;
      for (const address of ep.addresses ?? []) list.push({ address, ports: slice.ports ?? [] });
    }
    out.set(key, list);
  }
  return out;
}

/** The flow endpoint for a pod: its first IP of the wanted family (else its primary IP). */
export function podEndpoint(pod: Pod, family?: 4 | 6): Endpoint | undefined {
  const ips = podIps(pod).map((ip) => parseAddress(ip)).filter((a): a is Address => !!a);
  const hostNetwork = pod.spec?.hostNetwork === true;
  if (hostNetwork && ips.length === 0 && pod.status?.hostIP) {
    const a = parseAddress(pod.status.hostIP);
    if (a) ips.push(a);
  }
  const address = (family ? ips.find((a) => a.family === family) : undefined) ?? ips[0];
  if (!address) return undefined;
  return {
    label: objectKey(pod),
    address,
    pod,
    namespace: pod.metadata.namespace ?? 'default',
    nodeName: pod.spec?.nodeName,
    hostNetwork,
  };
}

export function addressEndpoint(address: Address): Endpoint {
  return { label: address.text, address };
}

/** Layers in packet order: out of the source pod, across the VPC, into the destination pod, and back. */
export function evaluateFlow(engine: ReachEngine, flow: Flow): FlowResult {
  const [npEgress, npIngress] = engine.netpol.evaluate(flow);
  const aws = engine.aws.evaluate(flow);
  const byName = new Map(aws.map((l) => [l.layer, l] as const));
  const order: (LayerResult | undefined)[] = [
    npEgress,
    byName.get('security-group-egress'),
    byName.get('nacl-outbound'),
    byName.get('route'),
    byName.get('nacl-inbound'),
    byName.get('security-group-ingress'),
    npIngress,
    byName.get('nacl-return'),
  ];
  const layers = order.filter((l): l is LayerResult => !!l);
  return {
    from: flow.src.label,
    to: flow.dst.label,
    port: flow.port,
    protocol: flow.protocol,
    verdict: layers.some((l) => l.verdict === 'deny') ? 'denied' : 'allowed',
    layers,
  };
}

export function overallVerdict(flows: { verdict: 'allowed' | 'denied' }[]): Verdict {
  if (flows.length === 0) return 'denied';
  const allowed = flows.filter((f) => f.verdict === 'allowed').length;
  if (allowed === flows.length) return 'allowed';
  return allowed === 0 ? 'denied' : 'partial';
}

export function reachResult(flows: FlowResult[]): ReachResult {
  return { verdict: overallVerdict(flows), flows };
}

export function normaliseProtocol(p: string | undefined): Protocol {
  const u = (p ?? 'TCP').toUpperCase();
  return u === 'UDP' ? 'UDP' : u === 'SCTP' ? 'SCTP' : 'TCP';
}
