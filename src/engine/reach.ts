import type { FlowResult, LayerResult, ReachResult, Verdict } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { buildK8sIndex, buildSlices, type K8sIndex, type SliceEndpoint } from '../model/cluster-index';
import { buildAwsEngine, type AwsEngine } from './aws/index';
import { buildNetpolEngine, type NetpolEngine } from './netpol/index';
import type { Flow } from '../model/flow';

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



/**
 * Layers in packet order: out of the source pod, across the VPC, into the destination pod, and back.
 * `fixes: false` leaves out the NetworkPolicy a denied flow would need (for callers that read only verdicts and objects).
 */
export function evaluateFlow(engine: ReachEngine, flow: Flow, options: { fixes?: boolean } = {}): FlowResult {
  const [npEgress, npIngress] = engine.netpol.evaluate(flow, options.fixes ?? true);
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
