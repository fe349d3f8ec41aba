import { withFix, type Fix, type LayerName, type LayerResult } from '../../model/result';
import type { Endpoint, Flow } from '../../model/flow';
import type { CniConfig } from './cni-config';
import type { NeededResource } from './missing';
import type { NaclIndex } from './nacl';
import type { EndpointInfo, PlacementIndex, Side } from './placement';
import type { RouteIndex } from './route';
import type { SecurityGroupIndex } from './security-groups';

/** Everything precomputed from one snapshot. */
export interface AwsContext {
  placement: PlacementIndex;
  sgs: SecurityGroupIndex;
  nacls: NaclIndex;
  routes: RouteIndex;
  cni: CniConfig;
  missing: Map<NeededResource, string>;
  /** Placements by endpoint object (endpoints are never modified): a flow's ends are placed once. */
  placed: WeakMap<Endpoint, EndpointInfo>;
}

/** The source as the VPC sees it, after the VPC CNI's SNAT (notes §4). */
export interface EffectiveSource {
  side: Side;
  /** How reasons name it: "shop/web" or "shop/web (as 10.0.1.10 after SNAT to eni-0a)". */
  text: string;
  /** Set when the pod keeps its own IP for an off-VPC destination: why (external SNAT, strict branch ENI, ...). */
  keepsPodIp?: string;
}

/** One flow with both ends placed. */
export interface PlacedFlow {
  flow: Flow;
  protocol: number;
  /** "TCP 8080". */
  what: string;
  src: EndpointInfo;
  dst: EndpointInfo;
  eff: EffectiveSource;
  /** How reasons name the destination. */
  dstText: string;
}

export function result(layer: LayerName, verdict: LayerResult['verdict'], reason: string, objects: string[] = [], fix?: Fix): LayerResult {
  const r: LayerResult = { layer, verdict, reason, objects: [...new Set(objects)].sort() };
  withFix(r, fix);
  return r;
}

export function notEvaluated(layer: LayerName, reason: string, objects: string[] = []): LayerResult {
  return result(layer, 'not-evaluated', reason, objects);
}
