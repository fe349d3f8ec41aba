import type { Snapshot } from '../model/snapshot';
import { Cidr, INTERNET_ADDRESS, type Address } from '../model/cidr';
import type { ReachEngine } from './reach';
import type { Endpoint, Flow } from '../model/flow';
import type { NetpolEndpointClass } from './netpol/classes';
import type { AwsInputChanges } from './aws/changed-inputs';
import type { LayerFamily } from './aws';
import { readCniConfig } from './aws/cni-config';
import { nodeId } from '../model/node-id';

/**
 * Every CIDR any layer compares addresses with (ipBlocks, security-group ranges, prefix lists, NACL
 * entries, VPC and subnet blocks). Two addresses inside exactly the same of these blocks are told
 * apart by no rule, so they can share a verdict.
 */
class CidrVectors {
  private readonly wide: { cidr: Cidr; i: number }[] = [];
  private readonly byFirstOctet = new Map<number, { cidr: Cidr; i: number }[]>();
  private readonly v6: { cidr: Cidr; i: number }[] = [];
  private readonly cache = new Map<string, string>();

  /** Over several snapshots: two engines on the vectors of both tell apart every address either one does. */
  static forAws(...snaps: Snapshot[]): CidrVectors {
    const texts = new Set<string>();
    const add = (t: string | undefined) => t && texts.add(t);
    for (const snap of snaps) CidrVectors.collect(snap, add);
    return new CidrVectors(texts);
  }

  private static collect(snap: Snapshot, add: (t: string | undefined) => void): void {
    for (const sg of snap.aws.securityGroups) {
      for (const p of [...(sg.IpPermissions ?? []), ...(sg.IpPermissionsEgress ?? [])]) {
        for (const r of p.IpRanges ?? []) add(r.CidrIp);
        for (const r of p.Ipv6Ranges ?? []) add(r.CidrIpv6);
      }
    }
    for (const cidrs of Object.values(snap.aws.prefixListEntries)) for (const c of cidrs) add(c);
    for (const acl of snap.aws.networkAcls) {
      for (const e of acl.Entries ?? []) {
        add(e.CidrBlock);
        add(e.Ipv6CidrBlock);
      }
    }
    for (const vpc of snap.aws.vpcs) {
      add(vpc.CidrBlock);
      for (const a of vpc.CidrBlockAssociationSet ?? []) add(a.CidrBlock);
      for (const a of vpc.Ipv6CidrBlockAssociationSet ?? []) add(a.Ipv6CidrBlock);
    }
    for (const s of snap.aws.subnets) {
      add(s.CidrBlock);
      for (const a of s.Ipv6CidrBlockAssociationSet ?? []) add(a.Ipv6CidrBlock);
    }
    for (const rt of snap.aws.routeTables) {
      for (const r of rt.Routes ?? []) {
        add(r.DestinationCidrBlock);
        add(r.DestinationIpv6CidrBlock);
      }
    }
    for (const nat of snap.aws.natGateways) for (const a of nat.NatGatewayAddresses ?? []) add(a.PrivateIp && `${a.PrivateIp}/32`);
    // Whether a pod's traffic is SNATed depends on the destination being in these.
    for (const c of readCniConfig(snap).excludeSnatCidrs) add(c.text);
  }

  private constructor(texts: Set<string>) {
    let i = 0;
    for (const t of texts) {
      const cidr = Cidr.tryParse(t);
      if (!cidr) continue;
      const entry = { cidr, i: i++ };
      if (cidr.family === 6) this.v6.push(entry);
      else if (cidr.prefix < 8) this.wide.push(entry);
      else {
        const octet = Number(t.split('.')[0]);
        const list = this.byFirstOctet.get(octet) ?? [];
        list.push(entry);
        this.byFirstOctet.set(octet, list);
      }
    }
  }

  /** The indices of the blocks containing the address, as a string key. */
  key(a: Address): string {
    if (a === INTERNET_ADDRESS) return 'internet';
    let k = this.cache.get(a.text);
    if (k !== undefined) return k;
    const hits: number[] = [];
    const lists = a.family === 6 ? [this.v6] : [this.wide, this.byFirstOctet.get(a.value >>> 24) ?? []];
    for (const list of lists) for (const { cidr, i } of list) if (cidr.contains(a)) hits.push(i);
    k = `${a.family}:${hits.sort((x, y) => x - y).join(',')}`;
    this.cache.set(a.text, k);
    return k;
  }
}

/**
 * AWS class ids (interned placement keys over one set of CIDR vectors), and — between the engines of two
 * snapshots that adopted one store — the verdicts they share: those between two classes whose keys name
 * no object that differs between the snapshots (see AwsInputChanges).
 */
class AwsClassStore {
  readonly ids = new Map<string, number>();
  /** Per class id: its verdicts may be shared; the VPC of an ENI-placed class. */
  private readonly info: { clean: boolean; vpc?: string }[] = [];
  /** The verdicts both engines read (see `shares`). */
  readonly shared: VerdictMemo = [];

  /** The changed objects this family's layers read (see AwsInputChanges). */
  private readonly changed: ReadonlySet<string>;

  constructor(
    readonly vectors: CidrVectors,
    private readonly changes?: AwsInputChanges,
    /** The security-group family (which reads no NACL or route table), or the subnet family. */
    private readonly family: LayerFamily = 'subnets',
  ) {
    this.changed = family === 'groups' ? (changes?.changedForGroups ?? new Set()) : (changes?.changed ?? new Set());
  }

  intern(key: string): number {
    let id = this.ids.get(key);
    if (id === undefined) {
      this.ids.set(key, (id = this.ids.size));
      const parts = key.split('|');
      this.info[id] = {
        clean: this.changes !== undefined && !key.split(/[|,@]/).some((t) => this.changed.has(t)),
        vpc: parts[0] === 'eni' && parts[3] ? parts[3] : undefined,
      };
    }
    return id;
  }

  /**
   * May the verdict from class `a` to class `b` come from the shared memo? Both keys name only unchanged
   * objects; and if a route table changed, the flow stays in one VPC (an ENI address lies in its VPC, and
   * the route layer answers such a flow from the local route without reading a table).
   */
  shares(a: number, b: number): boolean {
    if (!this.changes) return false;
    const x = this.info[a]!;
    const y = this.info[b]!;
    return x.clean && y.clean && (this.family === 'groups' || !this.changes.routes || (x.vpc !== undefined && x.vpc === y.vpc));
  }
}

/** A verdict memo: port id → source class → destination class (0: not yet known, 1: allowed, 2: denied). */
type VerdictMemo = Uint8Array[][];

/** The memo's entry for one class pair, growing its row as classes are added. */
function memoRow(memo: VerdictMemo, portId: number, src: number, dst: number, classes: number): Uint8Array {
  const byPort = (memo[portId] ??= []);
  let row = byPort[src];
  if (!row || row.length <= dst) {
    const grown = new Uint8Array(Math.max(dst + 1, classes, 2 * (row?.length ?? 0)));
    if (row) grown.set(row);
    byPort[src] = row = grown;
  }
  return row;
}

/** An endpoint with its class ids (see FlowClasses). */
export interface ClassedEndpoint {
  ep: Endpoint;
  /** Class as NetworkPolicy sees it. */
  np: NetpolEndpointClass;
  /** Class as the security-group layers see it. */
  aws: number;
  /** Class as the subnet layers (NACLs, routes) see it. */
  awsNet: number;
  /** The node the pod runs on, as a small id (0: none); compared for every pair, so not as text. */
  node: number;
}

/**
 * Memoised "is this flow allowed?" for many flows at once (reach map, Service matrix). Endpoints are
 * grouped into classes that a layer treats alike, and each layer family is memoised on its own classes:
 * NetworkPolicy reads a pod's namespace, labels, declared ports, host networking and which ipBlocks
 * hold its IP; the AWS layers read its placement (groups, subnet, branch ENI, SNAT path) and which
 * rule CIDRs hold its IP. A verdict computed for one member of a class pair holds for all — except
 * between pods of one node (traffic stays on the node), which are always evaluated directly.
 */
export class FlowClasses {
  /** The AWS layers' classes and verdicts, per family: security groups, and subnets (NACLs and routes). */
  private awsClasses: AwsClassStore;
  private netClasses: AwsClassStore;
  private readonly podClass = new WeakMap<object, ClassedEndpoint>();
  private readonly ipClass = new Map<string, ClassedEndpoint>();
  /** This engine's own verdicts (pairs whose inputs differ from the engine it shares with), per family. */
  private readonly awsMemo: VerdictMemo = [];
  private readonly netMemo: VerdictMemo = [];
  private readonly sameNodeMemo = new Map<string, boolean>();

  constructor(private readonly engine: ReachEngine) {
    const vectors = CidrVectors.forAws(engine.snapshot);
    this.awsClasses = new AwsClassStore(vectors, undefined, 'groups');
    this.netClasses = new AwsClassStore(vectors, undefined, 'subnets');
  }

  /**
   * Share AWS verdicts with `other` (the engine of another snapshot) wherever the inputs they read are the
   * same in both (`changes`: what differs between the two snapshots). Possible only before either has
   * classified anything and when nothing every verdict reads has changed; returns whether they share.
   */
  shareAwsVerdicts(other: FlowClasses, changes: AwsInputChanges): boolean {
    if (other === this || changes.global || this.awsClasses.ids.size > 0 || other.awsClasses.ids.size > 0) return false;
    const vectors = CidrVectors.forAws(this.engine.snapshot, other.engine.snapshot);
    // Security groups do not read route tables; the subnet layers do.
    this.awsClasses = other.awsClasses = new AwsClassStore(vectors, changes, 'groups');
    this.netClasses = other.netClasses = new AwsClassStore(vectors, changes, 'subnets');
    return true;
  }

  classify(ep: Endpoint): ClassedEndpoint {
    const cached = ep.pod ? this.podClass.get(ep.pod) : this.ipClass.get(ep.address.text);
    if (cached && cached.ep.address === ep.address) return cached;
    const pod = ep.pod;
    const vector = this.awsClasses.vectors.key(ep.address);
    const c: ClassedEndpoint = {
      ep,
      np: this.engine.netpol.classify(ep),
      aws: this.awsClasses.intern(`${this.engine.aws.familyKey(ep, 'groups')}|${vector}`),
      awsNet: this.netClasses.intern(`${this.engine.aws.familyKey(ep, 'subnets')}|${vector}`),
      node: nodeId(ep.nodeName),
    };
    if (pod) this.podClass.set(pod, c);
    else this.ipClass.set(ep.address.text, c);
    return c;
  }

  portId(port: number, protocol: string): number {
    return intern(PORT_IDS, `${port}/${protocol}`);
  }

  /**
   * Is the flow from `src` to `dst` allowed? `template` carries the port and protocol (id `portId`);
   * its own source is replaced by `src`, and only when a class pair is evaluated for the first time.
   */
  allowedClassed(src: ClassedEndpoint, dst: ClassedEndpoint, template: Flow, portId: number): boolean {
    const s = src.ep;
    const d = dst.ep;
    this.pTemplate = template;
    this.pSrc = s;
    this.pDst = d;
    this.pBuilt = undefined;
    if (FlowClasses.sameNode(src, dst)) {
      const key = `${s.label}>${d.label}:${portId}`;
      let v = this.sameNodeMemo.get(key);
      if (v === undefined) {
        const flow = this.flowOf();
        v = this.engine.netpol.admits(flow) && this.engine.aws.admits(flow);
        this.sameNodeMemo.set(key, v);
      }
      return v;
    }
    // NetworkPolicy, then the AWS verdict as the conjunction of its two families, each memoised on its own classes.
    return this.part('policy', src, dst, portId) && this.part('groups', src, dst, portId) && this.part('subnets', src, dst, portId);
  }

  /** Are the two endpoints pods of one node? (Their flows are decided as a whole, see allowedClassed.) */
  static sameNode(src: ClassedEndpoint, dst: ClassedEndpoint): boolean {
    return src.node !== 0 && src.node === dst.node;
  }

  /**
   * One of the three parts whose conjunction `allowedClassed` answers for endpoints on different nodes: the
   * NetworkPolicy verdict, or one family of AWS layers (the same memos).
   */
  partAllowed(part: 'policy' | 'groups' | 'subnets', src: ClassedEndpoint, dst: ClassedEndpoint, template: Flow, portId: number): boolean {
    this.pTemplate = template;
    this.pSrc = src.ep;
    this.pDst = dst.ep;
    this.pBuilt = undefined;
    return this.part(part, src, dst, portId);
  }

  /**
   * Whether `other` answers `part` for this pair from the memo shared with this engine (the same answer in both):
   * for AWS families only (a NetworkPolicy verdict is shared when both ends read the same inputs, see NetpolEngine).
   */
  sharesPart(other: FlowClasses, part: 'groups' | 'subnets', src: ClassedEndpoint, dst: ClassedEndpoint): boolean {
    return part === 'groups'
      ? this.awsClasses === other.awsClasses && this.awsClasses.shares(src.aws, dst.aws)
      : this.netClasses === other.netClasses && this.netClasses.shares(src.awsNet, dst.awsNet);
  }

  private part(part: 'policy' | 'groups' | 'subnets', src: ClassedEndpoint, dst: ClassedEndpoint, portId: number): boolean {
    if (part === 'policy') return this.engine.netpol.admitsClassed(src.np, dst.np, portId, this.flowOf);
    const groups = part === 'groups';
    const classes = groups ? this.awsClasses : this.netClasses;
    const a = groups ? src.aws : src.awsNet;
    const b = groups ? dst.aws : dst.awsNet;
    const row = memoRow(classes.shares(a, b) ? classes.shared : groups ? this.awsMemo : this.netMemo, portId, a, b, classes.ids.size);
    let v = row[b]!;
    if (v === 0) row[b] = v = this.engine.aws.admitsFamily(this.flowOf(), part) ? 1 : 2;
    return v === 1;
  }

  /** The flow being decided, built only when a memo misses (most calls never need the object). */
  private pTemplate!: Flow;
  private pSrc!: Endpoint;
  private pDst!: Endpoint;
  private pBuilt: Flow | undefined;
  private readonly flowOf = (): Flow =>
    (this.pBuilt ??=
      this.pTemplate.src === this.pSrc && this.pTemplate.dst === this.pDst ? this.pTemplate : { ...this.pTemplate, src: this.pSrc, dst: this.pDst });

  allowed(flow: Flow): boolean {
    return this.allowedClassed(this.classify(flow.src), this.classify(flow.dst), flow, this.portId(flow.port, flow.protocol));
  }
}

/**
 * Port ids, the same in every engine (a NetworkPolicy verdict memo shared between two engines is keyed by
 * them); at most one per port and protocol.
 */
const PORT_IDS = new Map<string, number>();

function intern(ids: Map<string, number>, key: string): number {
  let id = ids.get(key);
  if (id === undefined) ids.set(key, (id = ids.size));
  return id;
}

const classesByEngine = new WeakMap<ReachEngine, FlowClasses>();

/** The shared FlowClasses of an engine (its memo serves every map and matrix on that snapshot). */
export function flowClasses(engine: ReachEngine): FlowClasses {
  let c = classesByEngine.get(engine);
  if (!c) classesByEngine.set(engine, (c = new FlowClasses(engine)));
  return c;
}
