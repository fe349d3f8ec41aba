import type { LayerName, LayerResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import type { K8sIndex } from '../../model/cluster-index';
import { cidrMatches, isPublicAddress, parseAddress } from '../../model/cidr';
import type { Endpoint, Flow } from '../../model/flow';
import { readCniConfig } from './cni-config';
import { isHostLocalService } from './host-services';
import { notEvaluated, result, type AwsContext, type EffectiveSource, type PlacedFlow } from './context';
import { missingResources } from './missing';
import { NaclIndex } from './nacl';
import { naclInbound, naclOutbound, naclReturn } from './nacl-layer';
import { PlacementIndex, type EndpointInfo } from './placement';
import { PROTOCOL_NUMBER } from '../../model/protocol';
import { nodeId } from '../../model/node-id';
import { RouteIndex } from './route';
import { routeLayer } from './route-layer';
import { SecurityGroupIndex } from './security-groups';
import { securityGroupEgress, securityGroupEgressDenies, securityGroupIngress, securityGroupIngressDenies } from './sg-layer';

export interface AwsEngine {
  /**
   * The AWS layers of one flow, in packet order:
   * security-group-egress, nacl-outbound, route, nacl-inbound, security-group-ingress, nacl-return.
   */
  evaluate(flow: Flow): LayerResult[];
  /**
   * What the AWS layers read about an endpoint, as a string: endpoints with equal keys (and equal CIDR
   * membership) get the same verdicts, except between pods of one node. Lets the reach map and the Service
   * matrix evaluate each class of endpoints once.
   */
  placementKey(ep: Endpoint): string;
  /**
   * Verdict only: true exactly when no layer of `evaluate(flow)` denies. The layers are computed in
   * packet order and the first deny answers, so a denied flow skips the layers after it.
   */
  admits(flow: Flow): boolean;
  /**
   * `admits` for one family of layers: `admits(flow)` is `admitsFamily(flow, 'groups') && admitsFamily(flow, 'subnets')`.
   * Each family reads only part of a placement (`familyKey`), so verdicts can be memoised on fewer classes.
   */
  admitsFamily(flow: Flow, family: LayerFamily): boolean;
  /** `placementKey` narrowed to what one family of layers reads (with equal CIDR membership, equal verdicts). */
  familyKey(ep: Endpoint, family: LayerFamily): string;
}

/** The security-group layers, and the subnet layers (NACLs and routes). */
export type LayerFamily = 'groups' | 'subnets';

export const AWS_LAYERS: LayerName[] = [
  'security-group-egress',
  'nacl-outbound',
  'route',
  'nacl-inbound',
  'security-group-ingress',
  'nacl-return',
];

export const SAME_NODE_REASON = 'Pods on the same node: traffic never leaves the node (no security group, NACL or route applies).';

/** Precompute everything the AWS layers read from the snapshot once; `evaluate` is then cheap per flow. */
export function buildAwsEngine(snap: Snapshot, k8s: K8sIndex): AwsEngine {
  const missing = missingResources(snap);
  const ctx: AwsContext = {
    placement: new PlacementIndex(snap, k8s),
    sgs: new SecurityGroupIndex(snap, missing.get('Entries')),
    nacls: new NaclIndex(snap),
    routes: new RouteIndex(snap),
    cni: readCniConfig(snap),
    missing,
    placed: new WeakMap(),
  };
  return {
    evaluate: (flow) => {
      const out = prepare(ctx, flow);
      return Array.isArray(out) ? out : LAYERS.map((layer) => layer(ctx, out));
    },
    admits: (flow) => admitsLayers(ctx, flow, LAYERS),
    admitsFamily: (flow, family) => admitsLayers(ctx, flow, family === 'groups' ? GROUP_LAYERS : SUBNET_LAYERS),
    placementKey: (ep) => placementKey(ctx, ep),
    familyKey: (ep, family) => placementKey(ctx, ep, family),
  };
}

/** The six layers of a placed flow, in packet order (the order of AWS_LAYERS). */
const LAYERS: ((ctx: AwsContext, f: PlacedFlow) => LayerResult)[] = [
  securityGroupEgress,
  naclOutbound,
  routeLayer,
  naclInbound,
  securityGroupIngress,
  naclReturn,
];

const GROUP_LAYERS = [securityGroupEgress, securityGroupIngress];
const SUBNET_LAYERS = [naclOutbound, routeLayer, naclInbound, naclReturn];
/** Each layer function's name, for the results `prepare` answers at once. */
const LAYER_NAMES = new Map<(typeof LAYERS)[number], LayerName>(LAYERS.map((l, i) => [l, AWS_LAYERS[i]!]));

type Layer = (typeof LAYERS)[number];

/** Verdict-only twins of layers the memoised engines ask most (no reasons built): true exactly when the layer denies. */
const DENIES = new Map<Layer, (ctx: AwsContext, f: PlacedFlow) => boolean>([
  [securityGroupEgress, securityGroupEgressDenies],
  [securityGroupIngress, securityGroupIngressDenies],
]);

/** True unless one of these layers denies the flow (in packet order; the first deny answers). */
function admitsLayers(ctx: AwsContext, flow: Flow, layers: Layer[]): boolean {
  const out = prepare(ctx, flow);
  if (Array.isArray(out)) return !layers.some((l) => out.find((r) => r.layer === LAYER_NAMES.get(l))?.verdict === 'deny');
  for (const layer of layers) {
    const denies = DENIES.get(layer);
    if (denies ? denies(ctx, out) : layer(ctx, out).verdict === 'deny') return false;
  }
  return true;
}

/** The flow placed for the layers, or — when one fact decides every layer — the six results. */
function prepare(ctx: AwsContext, flow: Flow): PlacedFlow | LayerResult[] {
  const src = place(ctx, flow.src);
  const dst = place(ctx, flow.dst);
  if (onSameNode(ctx, src, dst)) return AWS_LAYERS.map((l) => result(l, 'allow', SAME_NODE_REASON));

  const protocol = PROTOCOL_NUMBER[flow.protocol];
  // Security groups and NACLs cannot block DNS to the Route 53 Resolver (VPC+2) (notes §1, VPC-SGR / VPC-NACL).
  if (ctx.placement.isResolver(dst.side.address) && flow.port === 53 && protocol !== 132) {
    const reason = `DNS to the Route 53 Resolver at ${dst.side.address.text} cannot be blocked by security groups or NACLs.`;
    return AWS_LAYERS.map((l) => result(l, 'allow', reason));
  }
  if (src.side.kind === 'outside' && dst.side.kind === 'outside') {
    const reason = `Neither ${flow.src.label} nor ${flow.dst.label} is inside a VPC of the snapshot, so no AWS layer could be checked.`;
    return AWS_LAYERS.map((l) => notEvaluated(l, reason));
  }
  // Link-local service addresses (metadata, Time Sync, DNS, credential agents) are answered by the host itself.
  if (isHostLocalService(dst.side.address)) {
    const reason = `${dst.side.address.text} is a link-local AWS service address (instance metadata, Time Sync, DNS or a credential agent), answered on the host: security groups, NACLs and route tables do not filter this traffic.`;
    return AWS_LAYERS.map((l) => result(l, 'allow', reason));
  }
  return {
    flow,
    protocol,
    what: `${flow.protocol} ${flow.port}`,
    src,
    dst,
    eff: effectiveSource(ctx, src, dst),
    dstText: flow.dst.label,
  };
}

/**
 * What the layers read about an endpoint's placement, as text; for one family, only what its layers read: the
 * security-group layers its groups (and its SNAT path's), the subnet layers its subnet (and its SNAT path's).
 */
function placementKey(ctx: AwsContext, ep: Endpoint, family?: LayerFamily): string {
  const info = place(ctx, ep);
  const side = info.side;
  const a = side.address;
  // The destination address alone changes some verdicts: host-local services, the resolver, private addresses behind an IGW.
  const addressFlags = `${isHostLocalService(a) ? 'l' : ''}${ctx.placement.isResolver(a) ? 'r' : ''}${a.family === 4 && !isPublicAddress(a) ? 'n' : ''}`;
  const flags = `${info.hostNetwork ? 'h' : ''}${info.branch ? 'b' : ''}${addressFlags}`;
  if (side.kind === 'outside') return `outside|${flags}`;
  if (side.kind === 'unplaced') return `unplaced|${side.vpcId ?? ''}|${flags}`;
  const eni = side.eni;
  const publicIp = eni.publicIps.has(side.address.text) ? 'p' : '';
  // Off-VPC flows leave through the node's primary ENI (SNAT): its groups and subnet matter too.
  const primary = info.pod && !info.hostNetwork ? ctx.placement.nodePrimaryEni(info.nodeName, info.branch ? undefined : eni) : undefined;
  const snatPublic = primary?.primaryIp && primary.publicIps.has(primary.primaryIp) ? 'p' : '';
  // The SNAT address (the node's primary IP) is what a peer's rules see: its subnet stands for its CIDR membership.
  if (family === 'groups') return `eni|${eni.groupKey}|${eni.vpcId ?? ''}|${flags}${publicIp}|${primary ? `${primary.groupKey}@${primary.subnetId}` : '-'}`;
  if (family === 'subnets') return `eni|${eni.subnetId ?? ''}|${eni.vpcId ?? ''}|${flags}${publicIp}|${primary ? `${primary.subnetId}${snatPublic}` : '-'}`;
  const snat = primary ? `${primary.groupKey}@${primary.subnetId}${snatPublic}` : '-';
  return `eni|${eni.groupKey}|${eni.subnetId ?? ''}|${eni.vpcId ?? ''}|${flags}${publicIp}|${snat}`;
}

/** Placements by endpoint object (endpoints are never modified): a flow's ends are placed once per engine. */
function place(ctx: AwsContext, ep: Endpoint): EndpointInfo {
  let info = ctx.placed.get(ep);
  if (info) return info;
  info = ctx.placement.place(ep);
  const missing = ctx.missing.get('NetworkInterfaces');
  if (info.side.kind === 'unplaced' && missing) info.side = { ...info.side, reason: missing };
  info.nodeId = nodeId(info.nodeName);
  ctx.placed.set(ep, info);
  return info;
}

function strictBranch(ctx: AwsContext, e: EndpointInfo): boolean {
  return e.branch && ctx.cni.podSecurityGroupMode === 'strict';
}

/**
 * Same-node traffic is delivered through the host and never reaches an ENI — except for branch-ENI pods in strict
 * mode, whose traffic "will go over the VPC" (notes §4, §5).
 */
function onSameNode(ctx: AwsContext, src: EndpointInfo, dst: EndpointInfo): boolean {
  if (!src.nodeId || src.nodeId !== dst.nodeId) return false;
  if (src.side.kind === 'outside' || dst.side.kind === 'outside') return false;
  return !strictBranch(ctx, src) && !strictBranch(ctx, dst);
}

/** The source as itself (no SNAT): one object per placed endpoint, as the memoised engines ask per class pair. */
function unchanged(src: EndpointInfo): EffectiveSource {
  return (src.asItself ??= { side: src.side, text: src.side.label });
}

/**
 * The source as the VPC sees it. With the VPC CNI's default SNAT, a pod's IPv4 traffic to an address outside the
 * VPC's CIDRs leaves as the node's primary ENI IP, under eth0's groups, subnet, NACL and route table
 * (https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html). Not for hostNetwork pods, external SNAT,
 * AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS, strict-mode branch-ENI pods, or IPv6.
 */
function effectiveSource(ctx: AwsContext, src: EndpointInfo, dst: EndpointInfo): EffectiveSource {
  const s = src.side;
  const text = src.side.label;
  if (s.kind !== 'eni' || !src.pod || src.hostNetwork) return unchanged(src);
  const d = dst.side.address;
  if (d.family !== 4) return unchanged(src);
  // An IPv6 pod's IPv4 traffic uses a host-local 169.254.172.0/22 address, always SNATed to the node (notes §7).
  if (s.address.family === 4) {
    if (ctx.placement.inVpc(d, s.eni.vpcId ?? s.vpcId)) return unchanged(src);
    if (ctx.cni.externalSnat) return { side: s, text, keepsPodIp: 'the pod keeps its own IP: AWS_VPC_K8S_CNI_EXTERNALSNAT=true' };
    if (ctx.cni.excludeSnatCidrs.some((c) => cidrMatches(d, c))) {
      return { side: s, text, keepsPodIp: 'the pod keeps its own IP: the destination is in AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS' };
    }
    if (strictBranch(ctx, src)) {
      return { side: s, text, keepsPodIp: 'a pod with its own security groups in strict mode is not SNATed' };
    }
  }
  const primary = ctx.placement.nodePrimaryEni(src.nodeName, src.branch ? undefined : s.eni);
  const primaryAddress = primary?.primaryIp ? parseAddress(primary.primaryIp) : undefined;
  if (!primary || !primaryAddress) {
    return {
      side: {
        kind: 'unplaced',
        label: text,
        address: s.address,
        vpcId: s.vpcId,
        reason: `${text} is SNATed to its node's primary IP for ${dst.side.label}, but the primary network interface of node ${src.nodeName ?? '(unknown)'} is not in the snapshot, so this layer could not be checked.`,
      },
      text,
    };
  }
  return {
    side: { kind: 'eni', label: text, address: primaryAddress, eni: primary, vpcId: primary.vpcId },
    text: `${text} (as ${primary.primaryIp} after SNAT to the node's ${primary.id})`,
  };
}
