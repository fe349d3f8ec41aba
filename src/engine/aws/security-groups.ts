import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { Snapshot } from '../../model/snapshot';
import { Cidr, cidrMatches, type Address } from '../../model/cidr';
import type { EniInfo } from './placement';
import { permissionTraffic } from '../../model/ip-permission';

// Security group semantics (notes §1):
// https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html — allow-only, the rules of every
// group on the ENI are aggregated; https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html —
// "-1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports".

export type Direction = 'ingress' | 'egress';

export interface CompiledRule {
  groupId: string;
  protocol: number | 'all';
  /** Only tcp/udp (and icmp type/code) rules restrict ports. */
  portsApply: boolean;
  fromPort: number;
  toPort: number;
  cidrs: Cidr[];
  prefixListIds: string[];
  groupRefs: string[];
  /** "tcp 8080 from sg-0b, 10.0.0.0/16": how the reason names the rule. */
  text: string;
}

/** The other end as a rule sees it. */
export interface Peer {
  address: Address;
  /** The peer ENI's groups, when the peer is an ENI reached by its private IP (group references match only then). */
  groups?: ReadonlySet<string>;
  /** Set when the peer is inside the VPC but no ENI is known for it: group references cannot be decided. */
  groupsUnknownReason?: string;
  /** Groups the peer certainly does not carry (this VPC's groups, for a peer outside the VPC). */
  notCarried?: ReadonlySet<string>;
}

export type SgOutcome =
  | { verdict: 'allow'; rule: CompiledRule }
  | { verdict: 'deny'; groups: string[] }
  | { verdict: 'not-evaluated'; reason: string; groups: string[] };

interface RuleSet {
  rules: CompiledRule[];
  /** Groups on the ENI that the snapshot does not hold. */
  unknownGroups: string[];
}

export class SecurityGroupIndex {
  private readonly groups = new Map<string, { ingress: CompiledRule[]; egress: CompiledRule[] }>();
  private readonly prefixLists = new Map<string, Cidr[]>();
  /** Group set → direction and protocol (ingress: the protocol number; egress: -1 - it) → rules. */
  private readonly ruleSets = new Map<string, Map<number, RuleSet>>();
  private readonly vpcOfGroup = new Map<string, string | undefined>();

  constructor(
    snap: Snapshot,
    private readonly prefixListsMissing: string | undefined,
  ) {
    for (const [id, cidrs] of Object.entries(snap.aws.prefixListEntries)) {
      this.prefixLists.set(
        id,
        cidrs.map((c) => Cidr.tryParse(c)).filter((c): c is Cidr => c !== undefined),
      );
    }
    for (const g of snap.aws.securityGroups) this.addGroup(g);
  }

  has(groupId: string): boolean {
    return this.groups.has(groupId);
  }

  /** The compiled rules of one group in one direction; undefined when the snapshot does not hold the group. */
  rulesOf(groupId: string, direction: Direction): readonly CompiledRule[] | undefined {
    return this.groups.get(groupId)?.[direction];
  }

  /** A managed prefix list's CIDR blocks; undefined when its entries are not in the snapshot. */
  prefixListCidrs(id: string): readonly Cidr[] | undefined {
    return this.prefixLists.get(id);
  }

  /** The groups the snapshot holds that belong to one of these VPCs. */
  groupIdsInVpcs(vpcIds: ReadonlySet<string>): string[] {
    return [...this.vpcOfGroup].filter(([, vpc]) => vpc !== undefined && vpcIds.has(vpc)).map(([id]) => id);
  }

  private addGroup(g: SecurityGroup): void {
    if (!g.GroupId) return;
    const id = g.GroupId;
    this.vpcOfGroup.set(id, g.VpcId);
    this.groups.set(id, {
      ingress: (g.IpPermissions ?? []).map((p) => compile(id, p, 'from')),
      egress: (g.IpPermissionsEgress ?? []).map((p) => compile(id, p, 'to')),
    });
  }

  /** The union of the rules of the ENI's groups that can match `protocol`, memoised by (group set, direction, protocol). */
  private ruleSet(eni: EniInfo, direction: Direction, protocol: number): RuleSet {
    let byTraffic = this.ruleSets.get(eni.groupKey);
    if (!byTraffic) this.ruleSets.set(eni.groupKey, (byTraffic = new Map()));
    const code = direction === 'egress' ? -1 - protocol : protocol;
    let set = byTraffic.get(code);
    if (!set) {
      const rules: CompiledRule[] = [];
      const unknownGroups: string[] = [];
      for (const id of eni.groupKey ? eni.groupKey.split(',') : []) {
        const g = this.groups.get(id);
        if (!g) {
          unknownGroups.push(id);
          continue;
        }
        for (const r of g[direction]) if (r.protocol === 'all' || r.protocol === protocol) rules.push(r);
      }
      set = { rules, unknownGroups };
      byTraffic.set(code, set);
    }
    return set;
  }

  /** Does any rule of the ENI's groups let this flow through in `direction`? */
  evaluate(eni: EniInfo, direction: Direction, protocol: number, port: number, peer: Peer): SgOutcome {
    const set = this.ruleSet(eni, direction, protocol);
    const m = this.firstMatch(set, port, peer);
    if (typeof m === 'object') return { verdict: 'allow', rule: m };
    const groups = [...new Set(eni.groupIds)].sort();
    if (set.unknownGroups.length > 0) {
      return {
        verdict: 'not-evaluated',
        groups,
        reason: `Security group ${set.unknownGroups.join(', ')} on ${eni.id} is not in the snapshot and no other group's rule allows this flow, so the ${direction} check could not be completed.`,
      };
    }
    if (m) return { verdict: 'not-evaluated', groups, reason: m };
    return { verdict: 'deny', groups };
  }

  /** Verdict only: true exactly when `evaluate` answers deny (the memoised engines ask this per class pair). */
  denies(eni: EniInfo, direction: Direction, protocol: number, port: number, peer: Peer): boolean {
    const set = this.ruleSet(eni, direction, protocol);
    return set.unknownGroups.length === 0 && this.firstMatch(set, port, peer) === undefined;
  }

  /** The first rule letting the flow through; else why some rule cannot be decided; else undefined. */
  private firstMatch(set: RuleSet, port: number, peer: Peer): CompiledRule | string | undefined {
    let uncertain: string | undefined;
    for (const r of set.rules) {
      if (r.portsApply && (port < r.fromPort || port > r.toPort)) continue;
      const m = this.peerMatches(r, peer);
      if (m === true) return r;
      if (typeof m === 'string') uncertain ??= m;
    }
    return uncertain;
  }

  /** true, false, or a sentence saying why it cannot be decided. */
  private peerMatches(r: CompiledRule, peer: Peer): boolean | string {
    for (const c of r.cidrs) if (cidrMatches(peer.address, c)) return true;
    let uncertain: string | undefined;
    for (const id of r.prefixListIds) {
      const cidrs = this.prefixLists.get(id);
      if (!cidrs) {
        uncertain ??=
          this.prefixListsMissing ??
          `Rule "${r.text}" of ${r.groupId} uses prefix list ${id}, whose entries are not in the snapshot, so it could not be checked.`;
        continue;
      }
      for (const c of cidrs) if (cidrMatches(peer.address, c)) return true;
    }
    if (r.groupRefs.length > 0) {
      if (peer.groups) {
        for (const g of r.groupRefs) if (peer.groups.has(g)) return true;
      } else if (peer.groupsUnknownReason && r.groupRefs.some((g) => !peer.notCarried?.has(g))) {
        uncertain ??= `Rule "${r.text}" of ${r.groupId} references a security group, but ${peer.groupsUnknownReason}`;
      }
    }
    return uncertain ?? false;
  }
}

function compile(groupId: string, p: IpPermission, preposition: 'from' | 'to'): CompiledRule {
  const traffic = permissionTraffic(p);
  const protocol = traffic.protocol;
  const portsApply = traffic.ports !== undefined;
  const fromPort = traffic.ports?.from ?? 0;
  const toPort = traffic.ports?.to ?? 65535;
  const cidrs: Cidr[] = [];
  // IpRanges are IPv4 only and Ipv6Ranges IPv6 only; Cidr.contains never matches across families.
  for (const r of p.IpRanges ?? []) {
    const c = Cidr.tryParse(r.CidrIp);
    if (c && c.family === 4) cidrs.push(c);
  }
  for (const r of p.Ipv6Ranges ?? []) {
    const c = Cidr.tryParse(r.CidrIpv6);
    if (c && c.family === 6) cidrs.push(c);
  }
  const prefixListIds = (p.PrefixListIds ?? []).map((x) => x.PrefixListId).filter((x): x is string => !!x);
  const groupRefs = (p.UserIdGroupPairs ?? []).map((x) => x.GroupId).filter((x): x is string => !!x);
  const protoText = protocol === 'all' ? 'all traffic' : (p.IpProtocol ?? '').toLowerCase();
  const portText = !portsApply ? '' : fromPort === 0 && toPort === 65535 ? ' all ports' : fromPort === toPort ? ` ${fromPort}` : ` ${fromPort}-${toPort}`;
  const peers = [...groupRefs, ...prefixListIds, ...cidrs.map((c) => c.text)];
  return {
    groupId,
    protocol,
    portsApply,
    fromPort,
    toPort,
    cidrs,
    prefixListIds,
    groupRefs,
    text: `${protoText}${portText} ${preposition} ${peers.join(', ') || 'nothing'}`,
  };
}
