import type { NetworkPolicy, Pod, SecurityGroupPolicy } from '../model/k8s';
import type { Change, LayerName } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { effectivePolicyTypes } from '../drift/kubernetes';
import { parseAddress } from '../engine/cidr';
import { addressEndpoint, podEndpoint, type ReachEngine } from '../engine/reach';
import { objectKey } from '../resolve/cluster-index';
import { servicePods } from '../resolve/reference';
import { compileSelector } from '../resolve/selector';
import type { Probe } from './probes';

/**
 * The cells a change can move: flows out of the Services in `src`, flows into the Services in `dst`,
 * flows to node addresses (`nodes`), or everything (`all`). Derived from what each layer reads: a
 * NetworkPolicy only changes verdicts for the pods it selects, a security group only for the network
 * interfaces that carry it, a NACL or route table only for the subnets it governs.
 */
export interface Scope {
  all: boolean;
  src: Set<string>;
  dst: Set<string>;
  nodes: boolean;
  /** The layers through which the change acts ('any': every layer), and the objects those layers name. */
  layers: Set<LayerName> | 'any';
  objects?: Set<string>;
}

const NP_LAYERS = new Set<LayerName>(['networkpolicy-egress', 'networkpolicy-ingress']);
const SG_LAYERS = new Set<LayerName>(['security-group-egress', 'security-group-ingress']);
const NACL_LAYERS = new Set<LayerName>(['nacl-outbound', 'nacl-inbound', 'nacl-return']);
const ROUTE_LAYERS = new Set<LayerName>(['route']);

export function inScope(s: Scope, p: Probe): boolean {
  if (s.all) return true;
  if (p.src.kind === 'service' && s.src.has(p.src.key)) return true;
  if (p.dst.kind === 'service' && s.dst.has(p.dst.key)) return true;
  if (p.dst.kind === 'node' && (s.nodes || s.dst.has(p.dst.key))) return true;
  return false;
}

/** What one state tells about its pods: the Services each backs, and the AWS ids its placement reads. */
class StateIndex {
  private servicesOfPod: Map<string, string[]> | undefined;
  private tokensOfPod: Map<string, Set<string>> | undefined;
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
    if (!this.tokensOfPod) {
      this.tokensOfPod = new Map();
      for (const pod of this.engine.k8s.pods) {
        const ep = podEndpoint(pod);
        if (ep) this.tokensOfPod.set(objectKey(pod), tokens(this.engine.aws.placementKey(ep)));
      }
    }
    const map = this.tokensOfPod;
    return this.engine.k8s.pods.filter((p) => [...(map.get(objectKey(p)) ?? [])].some((t) => ids.has(t)));
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
  const scope: Scope = { all: false, src: new Set(), dst: new Set(), nodes: false, layers: 'any' };
  const addPods = (i: StateIndex, pods: Pod[], src: boolean, dst: boolean) => {
    for (const p of pods) {
      for (const svc of i.services(objectKey(p))) {
        if (src) scope.src.add(svc);
        if (dst) scope.dst.add(svc);
      }
    }
  };
  const placed = (ids: Set<string>, src: boolean, dst: boolean) => {
    for (const i of idx) {
      addPods(i, i.podsPlacedIn(ids), src, dst);
      if (dst && i.nodesPlacedIn(ids)) scope.nodes = true;
    }
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
        addPods(i, selectedBy(np, i), types.includes('egress'), types.includes('ingress'));
      }
      return scope;
    }
    case 'Namespace':
      // Labels decide which namespaceSelectors match its pods, as sources and as destinations.
      scope.layers = NP_LAYERS;
      for (const i of idx) addPods(i, i.podsOfNamespace(change.id), true, true);
      return scope;
    case 'SecurityGroupPolicy': {
      scope.layers = SG_LAYERS;
      for (const i of idx) {
        const sgp = k8sObject(i.snapshot.k8s.securityGroupPolicies, change.id);
        if (sgp) addPods(i, selectedBySgp(sgp, i), true, true);
      }
      return scope;
    }
    case 'SecurityGroup':
    case 'SecurityGroupRule': {
      scope.layers = SG_LAYERS;
      scope.objects = new Set([head]);
      // Security groups are stateful: an ingress rule acts on the destination, an egress rule on the source.
      const direction = change.kind === 'SecurityGroupRule' ? change.id.split('/')[1] : undefined;
      placed(new Set([head]), direction !== 'ingress', direction !== 'egress');
      return scope;
    }
    case 'NetworkAcl':
    case 'NetworkAclEntry': {
      scope.layers = NACL_LAYERS;
      scope.objects = new Set([head]);
      // Stateless, and checked on the way back too: both ends of a flow in its subnets.
      placed(new Set([...naclSubnets(before.snapshot, head), ...naclSubnets(after.snapshot, head)]), true, true);
      return scope;
    }
    case 'RouteTable': {
      scope.layers = ROUTE_LAYERS;
      scope.objects = new Set([head]);
      placed(new Set([...routeTableSubnets(before.snapshot, head), ...routeTableSubnets(after.snapshot, head)]), true, true);
      return scope;
    }
    case 'Subnet':
      // A new or deleted subnet moves the flows of what sits in it; MapPublicIpOnLaunch acts on instances launched later.
      if (change.change === 'modified') return undefined;
      placed(new Set([change.id]), true, true);
      return scope;
    case 'Service':
      scope.src.add(change.id);
      scope.dst.add(change.id);
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

export type StateIndexCache = Map<ReachEngine, StateIndex>;
