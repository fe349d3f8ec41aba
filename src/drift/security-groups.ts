import type { IpPermission, SecurityGroup } from '@aws-sdk/client-ec2';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { Cidr } from '../model/cidr';
import { compareText, indexBy, splitKeys } from './canonical';
import { groupSeverity, sensitivePortsIn, sgRuleSeverity, type RuleExposure } from './severity';

/**
 * One rule of a security group, reduced to a single peer. `IpPermissions` groups rules freely (one
 * permission may list many CIDRs and groups; the same rule may be split across permissions), so
 * drift compares these atomic rules: regrouping or reordering is never drift.
 * Semantics: https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
 *
 * Id: `GROUP/DIRECTION/PROTOCOL/PORTS/PEER`, e.g. `sg-0123/ingress/tcp/22/0.0.0.0/0`,
 * `sg-0123/ingress/all/all/sg-0456`, `sg-0123/egress/udp/1024-65535/pl-0abc`.
 */
export interface AtomicSgRule {
  groupId: string;
  direction: 'ingress' | 'egress';
  /** tcp, udp, icmp, icmpv6, all, or an IANA protocol number. */
  protocol: string;
  /** tcp/udp: ports; icmp/icmpv6: type and code (-1 = any). Absent when the rule covers every port. */
  from?: number;
  to?: number;
  peer: { type: 'cidr4' | 'cidr6' | 'prefix-list' | 'group'; value: string };
  id: string;
}

const PROTOCOL_NAMES: Record<string, string> = { '-1': 'all', all: 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/** "tcp" / "6" → tcp; "-1" → all; other numbers stay numbers ("132" is SCTP). */
export function normaliseProtocol(p: string | undefined): string {
  const t = (p ?? '-1').trim().toLowerCase();
  return PROTOCOL_NAMES[t] ?? t;
}

/** "specifying -1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports" (API_IpPermission). */
function hasPorts(protocol: string): boolean {
  return protocol === 'tcp' || protocol === 'udp' || protocol === 'icmp' || protocol === 'icmpv6';
}

export function portText(r: Pick<AtomicSgRule, 'protocol' | 'from' | 'to'>): string {
  if (r.from === undefined || r.to === undefined) return 'all';
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') {
    if (r.from === -1) return 'all';
    return r.to === -1 ? `${r.from}` : `${r.from}:${r.to}`;
  }
  if (r.from <= 0 && r.to >= 65535) return 'all';
  return r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`;
}

function cidrText(text: string): string {
  const c = Cidr.tryParse(text);
  return c ? text.trim().toLowerCase() : text.trim();
}

export function atomicRules(group: SecurityGroup): AtomicSgRule[] {
  const groupId = group.GroupId ?? '';
  const out = new Map<string, AtomicSgRule>();
  const add = (direction: AtomicSgRule['direction'], perms: IpPermission[] | undefined) => {
    for (const perm of perms ?? []) {
      const protocol = normaliseProtocol(perm.IpProtocol);
      const ported = hasPorts(protocol) && perm.FromPort !== undefined && perm.ToPort !== undefined;
      let from = ported ? perm.FromPort : undefined;
      let to = ported ? perm.ToPort : undefined;
      if ((protocol === 'tcp' || protocol === 'udp') && from !== undefined && to !== undefined && from <= 0 && to >= 65535) {
        from = 0;
        to = 65535;
      }
      const peers: AtomicSgRule['peer'][] = [
        ...(perm.IpRanges ?? []).filter((r) => r.CidrIp).map((r) => ({ type: 'cidr4' as const, value: cidrText(r.CidrIp!) })),
        ...(perm.Ipv6Ranges ?? []).filter((r) => r.CidrIpv6).map((r) => ({ type: 'cidr6' as const, value: cidrText(r.CidrIpv6!) })),
        ...(perm.PrefixListIds ?? []).filter((r) => r.PrefixListId).map((r) => ({ type: 'prefix-list' as const, value: r.PrefixListId! })),
        ...(perm.UserIdGroupPairs ?? []).filter((r) => r.GroupId).map((r) => ({ type: 'group' as const, value: r.GroupId! })),
      ];
      for (const peer of peers) {
        const rule: AtomicSgRule = { groupId, direction, protocol, from, to, peer, id: '' };
        rule.id = `${groupId}/${direction}/${protocol}/${portText(rule)}/${peer.value}`;
        out.set(rule.id, rule);
      }
    }
  };
  add('ingress', group.IpPermissions);
  add('egress', group.IpPermissionsEgress);
  return [...out.values()];
}

function isWorld(peer: AtomicSgRule['peer']): boolean {
  if (peer.type !== 'cidr4' && peer.type !== 'cidr6') return false;
  return Cidr.tryParse(peer.value)?.isWholeInternet ?? false;
}

export function exposure(r: AtomicSgRule): RuleExposure {
  const portLimited = (r.protocol === 'tcp' || r.protocol === 'udp') && r.from !== undefined && r.to !== undefined;
  const allTraffic = r.protocol === 'all' || (portLimited && r.from! <= 0 && r.to! >= 65535);
  return { direction: r.direction, world: isWorld(r.peer), allTraffic, ports: portLimited && !allTraffic ? { from: r.from!, to: r.to! } : undefined };
}

/** "TCP 22 (SSH)", "all traffic", "UDP 1024-65535", "ICMP type 8". */
export function trafficText(r: AtomicSgRule): string {
  if (r.protocol === 'all') return 'all traffic';
  const ports = portText(r);
  if (r.protocol === 'tcp' || r.protocol === 'udp') {
    if (ports === 'all') return `all ${r.protocol.toUpperCase()} ports`;
    const names = sensitivePortsIn(r.from!, r.to!).map((p) => `${p.port} ${p.name}`);
    const label = `${r.protocol.toUpperCase()} ${ports}`;
    if (names.length === 0) return label;
    return r.from === r.to ? `${label} (${names[0]!.replace(/^\d+ /, '')})` : `${label} (includes ${names.join(', ')})`;
  }
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') return ports === 'all' ? `all ${r.protocol.toUpperCase()}` : `${r.protocol.toUpperCase()} type ${ports}`;
  return `protocol ${r.protocol} (all ports)`;
}

function peerText(peer: AtomicSgRule['peer']): string {
  return peer.type === 'prefix-list' ? `prefix list ${peer.value}` : peer.type === 'group' ? `members of ${peer.value}` : peer.value;
}

/** The IpPermission JSON that names exactly this one rule (for revoke/authorize commands). */
function permissionJson(r: AtomicSgRule): string {
  const perm: Record<string, unknown> = { IpProtocol: r.protocol === 'all' ? '-1' : r.protocol };
  if (r.from !== undefined && r.to !== undefined) {
    perm.FromPort = r.from;
    perm.ToPort = r.to;
  }
  if (r.peer.type === 'cidr4') perm.IpRanges = [{ CidrIp: r.peer.value }];
  if (r.peer.type === 'cidr6') perm.Ipv6Ranges = [{ CidrIpv6: r.peer.value }];
  if (r.peer.type === 'prefix-list') perm.PrefixListIds = [{ PrefixListId: r.peer.value }];
  if (r.peer.type === 'group') perm.UserIdGroupPairs = [{ GroupId: r.peer.value }];
  return JSON.stringify([perm]);
}

function ruleCommand(verb: 'revoke' | 'authorize', r: AtomicSgRule): string {
  return `aws ec2 ${verb}-security-group-${r.direction} --group-id ${r.groupId} --ip-permissions '${permissionJson(r)}'`;
}

function ruleSummary(change: 'added' | 'removed', r: AtomicSgRule): string {
  const admits = r.direction === 'ingress' ? `admits ${peerText(r.peer)}` : `lets traffic out to ${peerText(r.peer)}`;
  if (change === 'added') {
    return `${r.groupId} now ${admits} on ${trafficText(r)} — if unintended, revoke with ${ruleCommand('revoke', r)}`;
  }
  const was = r.direction === 'ingress' ? `admits ${peerText(r.peer)}` : `lets traffic out to ${peerText(r.peer)}`;
  return `${r.groupId} no longer ${was} on ${trafficText(r)} — traffic that relied on it is now blocked; restore with ${ruleCommand('authorize', r)}`;
}

function groupLabel(g: SecurityGroup): string {
  return g.GroupName ? `${g.GroupId} (${g.GroupName})` : (g.GroupId ?? '');
}

/** SecurityGroup and SecurityGroupRule drift. Rules of a removed group are not listed one by one. */
export function diffSecurityGroups(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.aws.securityGroups, (g) => g.GroupId);
  const after = indexBy(current.aws.securityGroups, (g) => g.GroupId);
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const changes: Change[] = [];
  for (const id of removed) {
    const g = before.get(id)!;
    changes.push({
      kind: 'SecurityGroup',
      id,
      change: 'removed',
      severity: groupSeverity('removed'),
      summary: `Security group ${groupLabel(g)} no longer exists — anything whose rules referenced it lost that access; check with aws ec2 describe-security-groups --group-ids ${id}`,
    });
  }
  for (const id of added) {
    const g = after.get(id)!;
    const rules = atomicRules(g).length;
    changes.push({
      kind: 'SecurityGroup',
      id,
      change: 'added',
      severity: groupSeverity('added'),
      summary: `New security group ${groupLabel(g)} with ${rules} rule${rules === 1 ? '' : 's'} — confirm it is expected; its rules are listed separately`,
    });
  }
  for (const id of [...both, ...added]) {
    const beforeRules = new Map((before.has(id) ? atomicRules(before.get(id)!) : []).map((r) => [r.id, r]));
    const afterRules = new Map(atomicRules(after.get(id)!).map((r) => [r.id, r]));
    for (const [rid, r] of afterRules) {
      if (beforeRules.has(rid)) continue;
      changes.push({ kind: 'SecurityGroupRule', id: rid, change: 'added', severity: sgRuleSeverity('added', exposure(r)), summary: ruleSummary('added', r) });
    }
    for (const [rid, r] of beforeRules) {
      if (afterRules.has(rid)) continue;
      changes.push({ kind: 'SecurityGroupRule', id: rid, change: 'removed', severity: sgRuleSeverity('removed', exposure(r)), summary: ruleSummary('removed', r) });
    }
  }
  return changes.sort((a, b) => compareText(a.id, b.id));
}
