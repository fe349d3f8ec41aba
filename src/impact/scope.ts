import type { NetworkPolicy, Pod, SecurityGroupPolicy } from '../model/k8s';
import type { NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { Change, LayerName, Protocol } from '../model/result';
import { cidrRange } from '../drift/ranges';
import type { Snapshot } from '../model/snapshot';
import { effectivePolicyTypes } from '../drift/kubernetes';
import { Cidr, parseAddress } from '../model/cidr';
import type { ReachEngine } from '../engine/reach';
import { addressEndpoint, podEndpoint } from '../model/flow';
import { objectKey } from '../model/cluster-index';
import { servicePods } from '../resolve/reference';
import { compileSelector } from '../resolve/selector';
import type { Probe } from './probes';

/** Ports (of the destination pod, or of the internet / node destination) a change acts on; '*' = any protocol. */
export interface PortRange {
  protocol: Protocol | '*';
  from: number;
  to: number;
}

/** undefined: every port. */
export type PortFilter = PortRange[] | undefined;

/**
 * The cells a change can move: flows out of the Services in `src`, flows into the Services in `dst`,
 * flows to node addresses (`nodes`), each on the ports given, between pods and VPC addresses
 * (`internal`) and/or with the internet (`internet`) — or everything (`all`). Derived from what each
 * layer reads: a NetworkPolicy only changes verdicts for the pods it selects, a security-group rule
 * only for the network interfaces carrying its group on its ports, a NACL entry or route only for the
 * subnets it governs and the addresses and ports it matches.
 */
export interface Scope {
  all: boolean;
  src: Map<string, PortFilter>;
  dst: Map<string, PortFilter>;
  nodes: boolean;
  nodePorts?: PortRange[];
  internal: boolean;
  internet: boolean;
  /** The layers through which the change acts ('any': every layer), and the objects those layers name. */
  layers: Set<LayerName> | 'any';
  objects?: Set<string>;
  /**
   * Set when the change acts only on flows whose far end — the source of a flow into `dst`, the destination of a
   * flow out of `src` — has an address in one of these blocks (a NACL entry or security-group rule matches its
   * peer block: flows it does not match keep their verdict). undefined: any far end.
   */
  peerCidrs?: Cidr[];
}

const NP_LAYERS = new Set<LayerName>(['networkpolicy-egress', 'networkpolicy-ingress']);
const SG_LAYERS = new Set<LayerName>(['security-group-egress', 'security-group-ingress']);
const NACL_LAYERS = new Set<LayerName>(['nacl-outbound', 'nacl-inbound', 'nacl-return']);
const ROUTE_LAYERS = new Set<LayerName>(['route']);

/** The ports a cell's flows connect to, computed only when a port filter must be matched (resolving them is not free). */
export type CellPorts = () => { port: number; protocol: Protocol }[];

function passes(filter: PortFilter, ports: CellPorts): boolean {
  if (filter === undefined) return true;
  return ports().some((x) => filter.some((r) => (r.protocol === '*' || r.protocol === x.protocol) && x.port >= r.from && x.port <= r.to));
}

/** Does the change's scope hold this cell? `ports`: the ports the cell's flows connect to. */
export function inScope(s: Scope, p: Pick<Probe, 'src' | 'dst'>, ports: CellPorts): boolean {
  if (s.all) return true;
  const outside = p.src.kind === 'internet' || p.dst.kind === 'internet';
  if (outside ? !s.internet : !s.internal) return false;
  if (p.src.kind === 'service' && holdsFrom(s, p.src.key, ports)) return true;
  if ((p.dst.kind === 'service' || p.dst.kind === 'node') && holdsInto(s, p.dst.key, ports)) return true;
  if (p.dst.kind === 'node' && s.nodes && passes(s.nodePorts, ports)) return true;
  return false;
}

/** Does the scope hold flows out of this Service's pods on these ports (peers aside)? */
export function holdsFrom(s: Scope, service: string, ports: CellPorts): boolean {
  return s.src.has(service) && passes(s.src.get(service), ports);
}

/** Does the scope hold flows into this Service's pods (or its nodePort) on these ports (peers aside)? */
export function holdsInto(s: Scope, service: string, ports: CellPorts): boolean {
  return s.dst.has(service) && passes(s.dst.get(service), ports);
}

function merge(map: Map<string, PortFilter>, key: string, filter: PortFilter): void {
  if (!map.has(key)) map.set(key, filter);
  else {
    const old = map.get(key);
    map.set(key, old === undefined || filter === undefined ? undefined : [...old, ...filter]);
  }
}

/** What one state tells about its pods: the Services each backs, and the AWS ids its placement reads. */
class StateIndex {
  private servicesOfPod: Map<string, string[]> | undefined;
  private podsByToken: Map<string, Pod[]> | undefined;
  private nodeTokens: Set<string> | undefined;

  constructor(readonly engine: ReachEngine) {}

  get snapshot(): Snapshot {
    return this.engine.snapshot;
  }

  services(podKey: string): string[] {
    if (!this.servicesOfPod) {
      this.servicesOfPod = new Map();
      for (const svc of this.engine.k8s.services) {
        const key = objectKey(svc);
        for (const pod of servicePods(this.engine.k8s, svc, this.engine.slices)) {
          const pk = objectKey(pod);
          const list = this.servicesOfPod.get(pk) ?? [];
          list.push(key);
          this.servicesOfPod.set(pk, list);
        }
      }
    }
    return this.servicesOfPod.get(podKey) ?? [];
  }

  /** Pods whose network interface (or SNAT interface) carries one of these groups or sits in one of these subnets. */
  podsPlacedIn(ids: Set<string>): Pod[] {
    if (!this.podsByToken) {
      this.podsByToken = new Map();
      // Pods of one network interface share a key: split each key once.
      const tokensOf = new Map<string, Set<string>>();
      for (const pod of this.engine.k8s.pods) {
        const ep = podEndpoint(pod);
        if (!ep) continue;
        const key = this.engine.aws.placementKey(ep);
        let keyTokens = tokensOf.get(key);
        if (!keyTokens) tokensOf.set(key, (keyTokens = tokens(key)));
        for (const t of keyTokens) {
          const list = this.podsByToken.get(t);
          if (list) list.push(pod);
          else this.podsByToken.set(t, [pod]);
        }
      }
    }
    const out = new Set<Pod>();
    for (const id of ids) for (const pod of this.podsByToken.get(id) ?? []) out.add(pod);
    return [...out];
  }

  nodesPlacedIn(ids: Set<string>): boolean {
    if (!this.nodeTokens) {
      this.nodeTokens = new Set();
      for (const n of this.snapshot.k8s.nodes) {
        const ip = n.status?.addresses?.find((a) => a.type === 'InternalIP')?.address;
        const a = ip ? parseAddress(ip) : undefined;
        if (a) for (const t of tokens(this.engine.aws.placementKey(addressEndpoint(a)))) this.nodeTokens.add(t);
      }
    }
    return [...ids].some((id) => this.nodeTokens!.has(id));
  }

  podsOfNamespace(ns: string): Pod[] {
    return this.engine.k8s.podsByNamespace.get(ns) ?? [];
  }
}

function tokens(key: string): Set<string> {
  return new Set(key.split(/[^A-Za-z0-9-]+/).filter(Boolean));
}

/** Subnets a NACL governs: its associations, and for the VPC's default NACL every subnet no other NACL claims. */
function naclSubnets(snap: Snapshot, aclId: string): string[] {
  const acl = snap.aws.networkAcls.find((n) => n.NetworkAclId === aclId);
  if (!acl) return [];
  const out = new Set((acl.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s));
  if (acl.IsDefault) {
    const claimed = new Set(snap.aws.networkAcls.flatMap((n) => (n.Associations ?? []).map((a) => a.SubnetId)));
    for (const s of snap.aws.subnets) if (s.SubnetId && s.VpcId === acl.VpcId && !claimed.has(s.SubnetId)) out.add(s.SubnetId);
  }
  return [...out];
}

/** Subnets a route table serves: explicit associations, and for the main table every subnet without one. */
function routeTableSubnets(snap: Snapshot, tableId: string): string[] {
  const table = snap.aws.routeTables.find((t) => t.RouteTableId === tableId);
  if (!table) return [];
  const out = new Set((table.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s));
  if ((table.Associations ?? []).some((a) => a.Main)) {
    const explicit = new Set(snap.aws.routeTables.flatMap((t) => (t.Associations ?? []).map((a) => a.SubnetId)));
    for (const s of snap.aws.subnets) if (s.SubnetId && s.VpcId === table.VpcId && !explicit.has(s.SubnetId)) out.add(s.SubnetId);
  }
  return [...out];
}

/**
 * The subnets plus those whose traffic passes through a NAT gateway in one of them: the route table of a NAT
 * gateway's own subnet decides where the traffic of every subnet routed to it goes next.
 */
function natClients(subnets: Set<string>, ...snaps: Snapshot[]): Set<string> {
  const out = new Set(subnets);
  for (const snap of snaps) {
    const nats = new Set(snap.aws.natGateways.filter((n) => n.SubnetId && subnets.has(n.SubnetId)).map((n) => n.NatGatewayId));
    if (nats.size === 0) continue;
    for (const t of snap.aws.routeTables) {
      if (t.RouteTableId && (t.Routes ?? []).some((r) => r.NatGatewayId && nats.has(r.NatGatewayId))) for (const id of routeTableSubnets(snap, t.RouteTableId)) out.add(id);
    }
  }
  return out;
}

function selectedBy(np: NetworkPolicy, idx: StateIndex): Pod[] {
  const match = compileSelector(np.spec?.podSelector ?? {});
  return idx.podsOfNamespace(np.metadata.namespace ?? 'default').filter((p) => !p.spec?.hostNetwork && match(p.metadata.labels));
}

function selectedBySgp(sgp: SecurityGroupPolicy, idx: StateIndex): Pod[] {
  const spec = sgp.spec ?? {};
  const pods = idx.podsOfNamespace(sgp.metadata.namespace ?? 'default');
  // A serviceAccountSelector reads ServiceAccount labels: every pod of the namespace may be concerned.
  if (spec.serviceAccountSelector || !spec.podSelector) return pods;
  const match = compileSelector(spec.podSelector);
  return pods.filter((p) => match(p.metadata.labels));
}

function k8sObject<T extends { metadata: { name: string; namespace?: string } }>(list: T[], id: string): T | undefined {
  return list.find((o) => objectKey(o) === id);
}

/**
 * The scope of each change over both states (what the object selects or governs before or after).
 * Returns undefined for changes whose traffic effect lies outside the flows eksnet checks.
 */
export function changeScope(change: Change, before: ReachEngine, after: ReachEngine, cache: Map<ReachEngine, StateIndex>): Scope | undefined {
  const idx = [before, after].map((e) => {
    let i = cache.get(e);
    if (!i) cache.set(e, (i = new StateIndex(e)));
    return i;
  });
  const scope: Scope = { all: false, src: new Map(), dst: new Map(), nodes: false, internal: true, internet: true, layers: 'any' };
  const addPods = (i: StateIndex, pods: Pod[], src: PortFilter | false, dst: PortFilter | false) => {
    for (const p of pods) {
      for (const svc of i.services(objectKey(p))) {
        if (src !== false) merge(scope.src, svc, src);
        if (dst !== false) merge(scope.dst, svc, dst);
      }
    }
  };
  const placed = (ids: Set<string>, src: PortFilter | false, dst: PortFilter | false) => {
    for (const i of idx) {
      addPods(i, i.podsPlacedIn(ids), src, dst);
      if (dst !== false && i.nodesPlacedIn(ids)) {
        scope.nodePorts = !scope.nodes ? dst : scope.nodePorts === undefined || dst === undefined ? undefined : [...scope.nodePorts, ...dst];
        scope.nodes = true;
      }
    }
  };
  const vpcs = [...before.snapshot.aws.vpcs, ...after.snapshot.aws.vpcs].flatMap((v) => [v.CidrBlock, ...(v.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock)]);
  /** Which checked peers a CIDR can match: `internet` only through a block covering all of it (CONTRACT §2). */
  const peersOf = (cidr: string | undefined) => {
    const r = cidrRange(cidr);
    if (!r) return { internal: true, internet: true };
    return {
      internet: r.family === 4 && r.start === 0n && r.end === 0xffffffffn,
      internal: vpcs.length === 0 || vpcs.some((v) => {
        const vr = cidrRange(v);
        return !!vr && vr.family === r.family && vr.start <= r.end && vr.end >= r.start;
      }),
    };
  };
  const head = change.id.split('/')[0]!;
  switch (change.kind) {
    case 'NetworkPolicy': {
      scope.layers = NP_LAYERS;
      scope.objects = new Set([`NetworkPolicy/${change.id}`]);
      for (const i of idx) {
        const np = k8sObject(i.snapshot.k8s.networkPolicies, change.id);
        if (!np) continue;
        const types = effectivePolicyTypes(np.spec);
        addPods(i, selectedBy(np, i), types.includes('egress') ? undefined : false, types.includes('ingress') ? undefined : false);
      }
      return scope;
    }
    case 'Namespace':
      // Labels decide which namespaceSelectors match its pods, as sources and as destinations.
      scope.layers = NP_LAYERS;
      scope.internet = false;
      for (const i of idx) addPods(i, i.podsOfNamespace(change.id), undefined, undefined);
      return scope;
    case 'SecurityGroupPolicy': {
      scope.layers = SG_LAYERS;
      for (const i of idx) {
        const sgp = k8sObject(i.snapshot.k8s.securityGroupPolicies, change.id);
        if (sgp) addPods(i, selectedBySgp(sgp, i), undefined, undefined);
      }
      return scope;
    }
    case 'SecurityGroup':
      scope.layers = SG_LAYERS;
      scope.objects = new Set([head]);
      placed(new Set([head]), undefined, undefined);
      return scope;
    case 'SecurityGroupRule': {
      scope.layers = SG_LAYERS;
      scope.objects = new Set([head]);
      // GROUP/DIRECTION/PROTOCOL/PORTS/PEER. Security groups are stateful: an ingress rule acts on the
      // destination's ports, an egress rule on the source's flows to those ports.
      const [, direction, protocol, ports, ...peer] = change.id.split('/');
      const peerText = peer.join('/');
      Object.assign(scope, peerText.startsWith('sg-') ? { internal: true, internet: false } : peerText.startsWith('pl-') ? {} : peersOf(peerText));
      const filter = ruleFilter(protocol!, ports!);
      const block = Cidr.tryParse(peerText);
      if (block) scope.peerCidrs = [block];
      placed(new Set([head]), direction === 'egress' ? filter : false, direction === 'ingress' ? filter : false);
      return scope;
    }
    case 'NetworkAcl':
      scope.layers = NACL_LAYERS;
      scope.objects = new Set([head]);
      placed(new Set([...naclSubnets(before.snapshot, head), ...naclSubnets(after.snapshot, head)]), undefined, undefined);
      return scope;
    case 'NetworkAclEntry': {
      scope.layers = NACL_LAYERS;
      scope.objects = new Set([head]);
      const subnets = new Set([...naclSubnets(before.snapshot, head), ...naclSubnets(after.snapshot, head)]);
      const [, direction, rule] = change.id.split('/');
      const entries = [before, after].flatMap((e) => e.snapshot.aws.networkAcls.filter((a) => a.NetworkAclId === head).flatMap((a) => a.Entries ?? []))
        .filter((x) => (x.Egress ? 'egress' : 'ingress') === direction && String(x.RuleNumber) === rule);
      // Stateless: an inbound entry acts on flows into its subnets on its ports, and on the responses to
      // flows out of them (the client's ephemeral ports 32768-60999); an outbound entry the other way round.
      let own: PortFilter = [];
      let back = false;
      scope.internal = false;
      scope.internet = false;
      for (const e of entries) {
        const f = entryFilter(e);
        own = own === undefined || f === undefined ? undefined : [...own, ...f];
        if (f === undefined || f.some((r) => r.from <= 60999 && r.to >= 32768)) back = true;
        const peers = peersOf(e.CidrBlock ?? e.Ipv6CidrBlock);
        scope.internal ||= peers.internal;
        scope.internet ||= peers.internet;
      }
      // An inbound entry matches the source of a request into its subnets and of a response to a flow out of them:
      // in both cases the far end of the flow; an outbound entry likewise.
      const blocks = entries.map((e) => Cidr.tryParse(e.CidrBlock ?? e.Ipv6CidrBlock));
      if (blocks.length > 0 && blocks.every((b): b is Cidr => b !== undefined)) scope.peerCidrs = blocks;
      placed(subnets, direction === 'egress' ? own : back ? undefined : false, direction === 'ingress' ? own : back ? undefined : false);
      return scope;
    }
    case 'RouteTable': {
      scope.layers = ROUTE_LAYERS;
      scope.objects = new Set([head]);
      const dest = change.id.slice(head.length + 1);
      // A route acts on traffic to its destination. The VPC's local route is the most specific for every
      // address of the VPC (longest prefix wins), so a route broader than a VPC block (0.0.0.0/0, 10.0.0.0/8)
      // acts only on flows to and from the internet; only a route inside a VPC block reaches internal flows.
      if (dest.startsWith('pl-')) Object.assign(scope, { internal: false, internet: true });
      else if (dest) {
        const r = cidrRange(dest);
        scope.internet = peersOf(dest).internet;
        scope.internal = !r || vpcs.some((v) => {
          const vr = cidrRange(v);
          return !!vr && vr.family === r.family && r.start >= vr.start && r.end <= vr.end && r.end - r.start < vr.end - vr.start;
        });
      }
      placed(natClients(new Set([...routeTableSubnets(before.snapshot, head), ...routeTableSubnets(after.snapshot, head)]), before.snapshot, after.snapshot), undefined, undefined);
      return scope;
    }
    case 'Subnet':
      // A new or deleted subnet moves the flows of what sits in it; MapPublicIpOnLaunch acts on instances launched later.
      if (change.change === 'modified') return undefined;
      placed(new Set([change.id]), undefined, undefined);
      return scope;
    case 'Service':
      scope.src.set(change.id, undefined);
      scope.dst.set(change.id, undefined);
      return scope;
    case 'CniConfig':
      scope.all = true;
      return scope;
    case 'Addon':
      // Only the VPC CNI's configuration changes what the engine admits (network policy enforcement, SNAT).
      if (change.id === 'vpc-cni') scope.all = true;
      return scope;
    case 'ClusterConfig':
      return undefined;
  }
}

/** A security-group rule's protocol and ports (as its id spells them) as a port filter. */
function ruleFilter(protocol: string, ports: string): PortFilter {
  if (protocol === 'all' || ports === 'all') return protocol === 'tcp' || protocol === 'udp' ? [{ protocol: protocol.toUpperCase() as Protocol, from: 0, to: 65535 }] : undefined;
  if (protocol === 'tcp' || protocol === 'udp') {
    const [from, to] = ports.split('-').map(Number);
    return [{ protocol: protocol.toUpperCase() as Protocol, from: from!, to: to ?? from! }];
  }
  if (protocol === '132') return [{ protocol: 'SCTP', from: 0, to: 65535 }];
  return []; // ICMP and the like: no checked flow uses them
}

function entryFilter(e: NetworkAclEntry): PortFilter {
  const p = String(e.Protocol ?? '-1').toLowerCase();
  if (p === '-1' || p === 'all') return undefined;
  const protocol: Protocol | undefined = p === '6' || p === 'tcp' ? 'TCP' : p === '17' || p === 'udp' ? 'UDP' : p === '132' ? 'SCTP' : undefined;
  if (!protocol) return [];
  if (protocol === 'SCTP' || !e.PortRange) return [{ protocol, from: 0, to: 65535 }];
  return [{ protocol, from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535 }];
}

export type StateIndexCache = Map<ReachEngine, StateIndex>;
