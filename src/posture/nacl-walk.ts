import type { NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { evaluateNacl, type CompiledNacl, type Segment } from '../engine/aws/nacl';
import type { PortRange } from '../model/protocol';
import { Cidr, parseAddress } from '../model/cidr';
import { protocolNumber } from './ip-permissions';

/** A port range and how the NACL decides it; `ruleNumber` undefined = nothing matched (the `*` rule denies). */
export interface NaclSegment {
  from: number;
  to: number;
  allow: boolean;
  ruleNumber?: number;
}

/**
 * How a NACL's inbound (or outbound) rules decide traffic of one protocol on a port range from every
 * address of `source`. Rules are evaluated "starting with the lowest numbered rule", the first match wins,
 * and traffic no rule matches is denied (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html).
 * CIDRs nest or are disjoint: an entry whose block covers `source` decides for all of it; an entry strictly
 * inside `source` decides only for part of it, so it is skipped and named in `exceptions` (the answer is the
 * one for the rest of `source`). PortRange applies to TCP and UDP only.
 */
export function walkNacl(
  acl: NetworkAcl,
  egress: boolean,
  protocol: number,
  source: Cidr,
  from: number,
  to: number,
): { segments: NaclSegment[]; exceptions: string[] } {
  const entries = (acl.Entries ?? [])
    .filter((e) => (e.Egress ?? false) === egress && e.RuleNumber !== undefined)
    .sort((a, b) => a.RuleNumber! - b.RuleNumber!);
  let open: { from: number; to: number }[] = [{ from, to }];
  const decided: NaclSegment[] = [];
  const exceptions: string[] = [];
  for (const e of entries) {
    if (open.length === 0) break;
    const cidr = Cidr.tryParse(e.CidrBlock ?? e.Ipv6CidrBlock);
    if (!cidr || cidr.family !== source.family) continue;
    const proto = protocolNumber(e.Protocol);
    if (proto === undefined || (proto !== 'all' && proto !== protocol)) continue;
    if (!cidr.covers(source)) {
      if (source.covers(cidr)) exceptions.push(cidr.text);
      continue;
    }
    const [lo, hi] = entryPorts(e, protocol);
    const next: { from: number; to: number }[] = [];
    for (const seg of open) {
      const a = Math.max(seg.from, lo);
      const b = Math.min(seg.to, hi);
      if (a > b) {
        next.push(seg);
        continue;
      }
      decided.push({ from: a, to: b, allow: e.RuleAction === 'allow', ruleNumber: e.RuleNumber });
      if (seg.from < a) next.push({ from: seg.from, to: a - 1 });
      if (b < seg.to) next.push({ from: b + 1, to: seg.to });
    }
    open = next;
  }
  for (const seg of open) decided.push({ ...seg, allow: false });
  decided.sort((a, b) => a.from - b.from);
  return { segments: decided, exceptions: [...new Set(exceptions)] };
}

function entryPorts(e: NetworkAclEntry, protocol: number): [number, number] {
  if ((protocol === 6 || protocol === 17) && e.PortRange?.From !== undefined && e.PortRange?.To !== undefined) {
    return [e.PortRange.From, e.PortRange.To];
  }
  return [0, 65535];
}

export function describeSegment(s: NaclSegment): string {
  const ports = s.from === s.to ? `${s.from}` : `${s.from}-${s.to}`;
  return `${ports} (${s.ruleNumber === undefined || s.ruleNumber >= 32767 ? 'the default * rule' : `rule ${s.ruleNumber}`})`;
}

/** The largest inbound/outbound rule number below `below` that the NACL does not use yet. */
export function freeRuleNumber(acl: NetworkAcl, egress: boolean, below: number, reserved: number[] = []): number | undefined {
  const used = new Set<number | undefined>([...(acl.Entries ?? []).filter((e) => (e.Egress ?? false) === egress).map((e) => e.RuleNumber), ...reserved]);
  for (let n = Math.min(below - 1, 32766); n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}

/** The subnet's NACL: the one associated with it, else its VPC's default (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html). */
export function naclForSubnet(acls: NetworkAcl[], subnetId: string, vpcId: string | undefined): NetworkAcl | undefined {
  return (
    acls.find((a) => (a.Associations ?? []).some((x) => x.SubnetId === subnetId)) ??
    acls.find((a) => a.IsDefault === true && (!vpcId || a.VpcId === vpcId))
  );
}

/** One part of a peer block that the NACL treats alike: its CIDRs and the ports it denies there. */
export interface PeerBlockDecision {
  cidrs: string[];
  denied: Segment[];
}

/**
 * How the NACL decides a port range for every IPv4 address of `peer`, with the engine's first-match evaluator
 * (the same answer whoami-reach gives for one address). Entry blocks cut `peer` into pieces inside which every
 * entry matches all addresses or none, so one address per piece stands for the piece; a deny for part of
 * `peer` numbered before the allow (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html) shows up
 * as its own piece. Pieces with the same denied ports are reported together; fully allowed pieces are left out.
 */
export function evaluateNaclOverBlock(nacl: CompiledNacl, egress: boolean, protocol: number, peer: Cidr, range: PortRange): PeerBlockDecision[] {
  const [lo, hi] = v4Span(peer);
  const cuts = new Set([lo, hi + 1]);
  for (const e of egress ? nacl.egress : nacl.ingress) {
    if (e.cidr?.family !== 4 || (e.protocol !== 'all' && e.protocol !== protocol)) continue;
    const [a, b] = v4Span(e.cidr);
    if (b < lo || a > hi) continue;
    if (a > lo) cuts.add(a);
    if (b < hi) cuts.add(b + 1);
  }
  const points = [...cuts].sort((x, y) => x - y);
  const groups = new Map<string, { spans: [number, number][]; denied: Segment[] }>();
  for (let i = 0; i + 1 < points.length; i++) {
    const start = points[i]!;
    const end = points[i + 1]! - 1;
    const denied = evaluateNacl(nacl, egress, protocol, { family: 4, value: start, text: v4Text(start) }, range).filter((s) => !s.allow);
    if (denied.length === 0) continue;
    const key = JSON.stringify(denied);
    const group = groups.get(key) ?? { spans: [], denied };
    const last = group.spans[group.spans.length - 1];
    if (last && last[1] + 1 === start) last[1] = end;
    else group.spans.push([start, end]);
    groups.set(key, group);
  }
  return [...groups.values()].map((g) => ({ cidrs: g.spans.flatMap(([a, b]) => spanToCidrs(a, b)), denied: g.denied }));
}

const TWO_32 = 2 ** 32;

function v4Span(c: Cidr): [number, number] {
  const value = parseAddress(c.text.split('/')[0]!.trim())?.value as number;
  const size = 2 ** (32 - c.prefix);
  const start = Math.floor(value / size) * size;
  return [start, start + size - 1];
}

function v4Text(v: number): string {
  return [v >>> 24, (v >>> 16) & 255, (v >>> 8) & 255, v & 255].join('.');
}

/** The fewest CIDR blocks that exactly cover the addresses a..b. */
function spanToCidrs(a: number, b: number): string[] {
  const out: string[] = [];
  let start = a;
  while (start <= b) {
    let bits = 0;
    while (bits < 32 && start % 2 ** (bits + 1) === 0 && start + 2 ** (bits + 1) - 1 <= b) bits++;
    out.push(`${v4Text(start)}/${32 - bits}`);
    start += 2 ** bits;
    if (start >= TWO_32) break;
  }
  return out;
}
