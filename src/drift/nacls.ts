import type { NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { Cidr } from '../model/cidr';
import { compareText, indexBy, splitKeys, stableStringify } from './canonical';
import { containerSeverity, naclEntrySeverity, sensitivePortsIn, type RuleExposure } from './severity';
import { normaliseProtocol } from './security-groups';

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
  const protocol = normaliseProtocol(e.Protocol);
  const ported = protocol === 'tcp' || protocol === 'udp';
  const icmp = protocol === 'icmp' || protocol === 'icmpv6';
  return {
    direction: e.Egress ? 'egress' : 'ingress',
    rule: e.RuleNumber ?? 0,
    action: (e.RuleAction ?? 'deny').toLowerCase() === 'allow' ? 'allow' : 'deny',
    protocol,
    cidr: (e.CidrBlock ?? e.Ipv6CidrBlock ?? '').trim().toLowerCase(),
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

function protocolNumber(p: string): string {
  return { all: '-1', tcp: '6', udp: '17', icmp: '1', icmpv6: '58' }[p] ?? p;
}

function entryCommand(aclId: string, e: CanonicalEntry, verb: 'create' | 'replace'): string {
  const parts = [
    `aws ec2 ${verb}-network-acl-entry --network-acl-id ${aclId}`,
    e.direction === 'egress' ? '--egress' : '--ingress',
    `--rule-number ${e.rule} --protocol ${protocolNumber(e.protocol)}`,
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
  const b = new Map((before?.Entries ?? []).map((e) => canonicalEntry(e)).map((e) => [entryKey(e), e]));
  const a = new Map((after.Entries ?? []).map((e) => canonicalEntry(e)).map((e) => [entryKey(e), e]));
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
