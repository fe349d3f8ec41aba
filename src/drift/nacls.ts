import type { NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { Cidr } from '../model/cidr';
import { compareText, indexBy, splitKeys, stableStringify } from './canonical';
import { containerSeverity, naclEntrySeverity, sensitivePortsIn, type RuleExposure } from './severity';
import { canonicalCidr, cidrRange, elementaryIntervals } from './ranges';
import { awsProtocolArg, awsProtocolName } from '../model/protocol';

/**
 * NACL entries are keyed by direction and rule number: rules are evaluated by number, so the order of
 * `Entries` is irrelevant, and a number whose content changes is one modified entry.
 * https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkAclEntry.html
 */
interface CanonicalEntry {
  direction: 'ingress' | 'egress';
  rule: number;
  action: 'allow' | 'deny';
  protocol: string;
  cidr: string;
  ports?: { from: number; to: number };
  icmp?: { type: number; code: number };
}

function canonicalEntry(e: NetworkAclEntry): CanonicalEntry {
  const protocol = awsProtocolName(e.Protocol);
  const ported = protocol === 'tcp' || protocol === 'udp';
  const icmp = protocol === 'icmp' || protocol === 'icmpv6';
  return {
    direction: e.Egress ? 'egress' : 'ingress',
    rule: e.RuleNumber ?? 0,
    action: (e.RuleAction ?? 'deny').toLowerCase() === 'allow' ? 'allow' : 'deny',
    protocol,
    cidr: canonicalCidr((e.CidrBlock ?? e.Ipv6CidrBlock ?? '').trim().toLowerCase()),
    ports: ported && e.PortRange ? { from: e.PortRange.From ?? 0, to: e.PortRange.To ?? 65535 } : undefined,
    icmp: icmp && e.IcmpTypeCode ? { type: e.IcmpTypeCode.Type ?? -1, code: e.IcmpTypeCode.Code ?? -1 } : undefined,
  };
}

function entryKey(e: CanonicalEntry): string {
  return `${e.direction}/${e.rule}`;
}

function exposure(e: CanonicalEntry): RuleExposure {
  const world = Cidr.tryParse(e.cidr)?.isWholeInternet ?? false;
  const allPorts = e.ports === undefined || (e.ports.from <= 0 && e.ports.to >= 65535);
  const allTraffic = e.protocol === 'all';
  const ported = e.protocol === 'tcp' || e.protocol === 'udp';
  return { direction: e.direction, world, allTraffic, ports: ported ? (allPorts ? { from: 0, to: 65535 } : e.ports) : undefined };
}

function entryText(e: CanonicalEntry): string {
  let traffic: string;
  if (e.protocol === 'all') traffic = 'all traffic';
  else if ((e.protocol === 'tcp' || e.protocol === 'udp') && e.ports) {
    const p = e.ports.from === e.ports.to ? `${e.ports.from}` : `${e.ports.from}-${e.ports.to}`;
    const names = sensitivePortsIn(e.ports.from, e.ports.to).map((s) => s.name);
    traffic = `${e.protocol.toUpperCase()} ${p}${names.length && e.ports.from === e.ports.to ? ` (${names[0]})` : ''}`;
  } else if (e.protocol === 'icmp' || e.protocol === 'icmpv6') traffic = e.protocol.toUpperCase();
  else traffic = `protocol ${e.protocol}`;
  const way = e.direction === 'ingress' ? 'from' : 'to';
  return `${e.action} ${traffic} ${way} ${e.cidr}`;
}

function entryCommand(aclId: string, e: CanonicalEntry, verb: 'create' | 'replace'): string {
  const parts = [
    `aws ec2 ${verb}-network-acl-entry --network-acl-id ${aclId}`,
    e.direction === 'egress' ? '--egress' : '--ingress',
    `--rule-number ${e.rule} --protocol ${awsProtocolArg(e.protocol)}`,
    e.ports ? `--port-range From=${e.ports.from},To=${e.ports.to}` : '',
    e.icmp ? `--icmp-type-code Type=${e.icmp.type},Code=${e.icmp.code}` : '',
    e.cidr.includes(':') ? `--ipv6-cidr-block ${e.cidr}` : `--cidr-block ${e.cidr}`,
    `--rule-action ${e.action}`,
  ];
  return parts.filter(Boolean).join(' ');
}

function deleteCommand(aclId: string, e: CanonicalEntry): string {
  return `aws ec2 delete-network-acl-entry --network-acl-id ${aclId} ${e.direction === 'egress' ? '--egress' : '--ingress'} --rule-number ${e.rule}`;
}

function associatedSubnets(acl: NetworkAcl): string[] {
  return [...new Set((acl.Associations ?? []).map((a) => a.SubnetId).filter((s): s is string => !!s))].sort(compareText);
}

function entryChanges(aclId: string, before: NetworkAcl | undefined, after: NetworkAcl): Change[] {
  let beforeEntries = (before?.Entries ?? []).map((e) => canonicalEntry(e));
  let afterEntries = (after.Entries ?? []).map((e) => canonicalEntry(e));
  if (before) {
    // Renumbered or reordered entries with the same first-match outcome for every packet are one rule set
    // written two ways: not drift. Compared per direction and address family.
    const same = new Set<string>();
    for (const group of new Set([...beforeEntries, ...afterEntries].map(entryGroup))) {
      if (sameOutcome(beforeEntries.filter((e) => entryGroup(e) === group), afterEntries.filter((e) => entryGroup(e) === group))) same.add(group);
    }
    beforeEntries = beforeEntries.filter((e) => !same.has(entryGroup(e)));
    afterEntries = afterEntries.filter((e) => !same.has(entryGroup(e)));
  }
  const b = new Map(beforeEntries.map((e) => [entryKey(e), e]));
  const a = new Map(afterEntries.map((e) => [entryKey(e), e]));
  const out: Change[] = [];
  for (const [key, e] of a) {
    const id = `${aclId}/${key}`;
    const old = b.get(key);
    if (!old) {
      // The `*` rules (32767 IPv4, 32768 IPv6) come with every NACL and cannot be changed.
      if (!before && e.rule >= 32767) continue;
      out.push({
        kind: 'NetworkAclEntry',
        id,
        change: 'added',
        severity: naclEntrySeverity('added', e.action, exposure(e)),
        summary: `${aclId} rule ${e.rule} (${e.direction === 'ingress' ? 'inbound' : 'outbound'}) now ${entryText(e)} — if unintended, remove with ${deleteCommand(aclId, e)}`,
      });
    } else if (stableStringify(old) !== stableStringify(e)) {
      out.push({
        kind: 'NetworkAclEntry',
        id,
        change: 'modified',
        severity: naclEntrySeverity('modified', e.action, exposure(e)),
        summary: `${aclId} rule ${e.rule} (${e.direction === 'ingress' ? 'inbound' : 'outbound'}) changed from "${entryText(old)}" to "${entryText(e)}" — to restore: ${entryCommand(aclId, old, 'replace')}`,
      });
    }
  }
  for (const [key, e] of b) {
    if (a.has(key)) continue;
    out.push({
      kind: 'NetworkAclEntry',
      id: `${aclId}/${key}`,
      change: 'removed',
      severity: naclEntrySeverity('removed', e.action, exposure(e)),
      summary: `${aclId} rule ${e.rule} (${e.direction === 'ingress' ? 'inbound' : 'outbound'}) "${entryText(e)}" was deleted — traffic now falls to later rules; restore with ${entryCommand(aclId, e, 'create')}`,
    });
  }
  return out;
}

/** NetworkAcl (added/removed, subnet associations) and NetworkAclEntry drift. */
export function diffNetworkAcls(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.aws.networkAcls, (n) => n.NetworkAclId);
  const after = indexBy(current.aws.networkAcls, (n) => n.NetworkAclId);
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const changes: Change[] = [];
  for (const id of removed) {
    changes.push({
      kind: 'NetworkAcl',
      id,
      change: 'removed',
      severity: containerSeverity('removed'),
      summary: `Network ACL ${id} no longer exists — its subnets (${associatedSubnets(before.get(id)!).join(', ') || 'none'}) fell back to the VPC's default NACL; check aws ec2 describe-network-acls --filters Name=association.subnet-id,Values=SUBNET`,
    });
  }
  for (const id of added) {
    const subnets = associatedSubnets(after.get(id)!);
    changes.push({
      kind: 'NetworkAcl',
      id,
      change: 'added',
      severity: subnets.length ? 'medium' : containerSeverity('added'),
      summary: `New network ACL ${id}${subnets.length ? ` now governs ${subnets.join(', ')}` : ' (no subnets associated)'} — its entries are listed separately`,
    });
    changes.push(...entryChanges(id, undefined, after.get(id)!));
  }
  for (const id of both) {
    const b = before.get(id)!;
    const a = after.get(id)!;
    const was = associatedSubnets(b);
    const now = associatedSubnets(a);
    const gained = now.filter((s) => !was.includes(s));
    const lost = was.filter((s) => !now.includes(s));
    if (gained.length || lost.length) {
      const parts = [gained.length ? `now governs ${gained.join(', ')}` : '', lost.length ? `no longer governs ${lost.join(', ')}` : ''].filter(Boolean);
      changes.push({
        kind: 'NetworkAcl',
        id,
        change: 'modified',
        severity: containerSeverity('modified'),
        summary: `${id} ${parts.join('; ')} — subnets moved between NACLs take that NACL's rules; re-check with eksnet whoami-reach`,
      });
    }
    changes.push(...entryChanges(id, b, a));
  }
  return changes;
}

/** Direction and address family: NACL entries of one family never match the other's packets. */
function entryGroup(e: CanonicalEntry): string {
  return `${e.direction}/${cidrRange(e.cidr)?.family ?? e.cidr}`;
}

const ALL = { start: 0n, end: 65535n };

/** TCP/UDP ports, or ICMP type*256+code (-1 = any); every port for other protocols. */
function entryPorts(e: CanonicalEntry): { start: bigint; end: bigint } {
  if (e.ports) return { start: BigInt(Math.max(0, e.ports.from)), end: BigInt(Math.min(65535, e.ports.to)) };
  if (e.icmp && e.icmp.type >= 0) {
    const base = BigInt(e.icmp.type) * 256n;
    return e.icmp.code >= 0 ? { start: base + BigInt(e.icmp.code), end: base + BigInt(e.icmp.code) } : { start: base, end: base + 255n };
  }
  return ALL;
}

/**
 * Do two entry lists (one direction, one family) decide every packet alike? NACLs evaluate entries
 * "starting with the lowest numbered rule" and stop at the first match
 * (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html), so the lists are compared packet
 * region by packet region: protocols named by either list (and any other), ports and addresses cut at
 * every boundary either list uses; in each region the first matching entry of each list must agree.
 * No match is a deny (the `*` rule).
 */
function sameOutcome(before: CanonicalEntry[], after: CanonicalEntry[]): boolean {
  const lists = [before, after].map((l) => [...l].sort((x, y) => x.rule - y.rule).map((e) => ({ e, ports: entryPorts(e), addr: cidrRange(e.cidr) })));
  const all = [...lists[0]!, ...lists[1]!];
  if (all.some((x) => !x.addr)) return false; // unparseable CIDRs: compare entry by entry
  const family = all[0]?.addr?.family ?? 4;
  const maxAddr = family === 4 ? (1n << 32n) - 1n : (1n << 128n) - 1n;
  const protocols = [...new Set(all.map((x) => x.e.protocol).filter((p) => p !== 'all')), '(other)'];
  const addrCells = elementaryIntervals(all.map((x) => x.addr!), 0n, maxAddr);
  const decide = (list: typeof all, protocol: string, port: bigint, addr: bigint): string => {
    for (const x of list) {
      if (x.e.protocol !== 'all' && x.e.protocol !== protocol) continue;
      if (x.e.protocol !== 'all' && (port < x.ports.start || port > x.ports.end)) continue;
      if (addr < x.addr!.start || addr > x.addr!.end) continue;
      return x.e.action;
    }
    return 'deny';
  };
  for (const protocol of protocols) {
    const portCells = elementaryIntervals(all.filter((x) => x.e.protocol === protocol).map((x) => x.ports), 0n, 65535n);
    for (const p of portCells) {
      for (const a of addrCells) if (decide(lists[0]!, protocol, p.start, a.start) !== decide(lists[1]!, protocol, p.start, a.start)) return false;
    }
  }
  return true;
}
