import { Cidr, parseAddress } from '../../model/cidr';
import { rangeText, type PortRange } from '../../model/protocol';
import { evaluateNacl, ruleName, type CompiledNacl, type Segment } from './nacl';

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

/** "22 (rule 50)", "32768-49151 (the final * rule)": how findings name a decided part of a port range. */
export function describeSegment(s: Segment): string {
  return `${rangeText(s)} (${ruleName(s.ruleNumber)})`;
}

/** The blocks of IPv4 `peer` outside every one of `parts` (each inside `peer`), as the fewest CIDRs. */
export function cidrsExcept(peer: Cidr, parts: string[]): string[] {
  const [lo, hi] = v4Span(peer);
  const taken = parts
    .map((t) => Cidr.tryParse(t))
    .filter((c): c is Cidr => c?.family === 4)
    .map(v4Span)
    .sort((a, b) => a[0] - b[0]);
  const out: string[] = [];
  let next = lo;
  for (const [a, b] of taken) {
    if (a > next) out.push(...spanToCidrs(next, Math.min(a - 1, hi)));
    next = Math.max(next, b + 1);
  }
  if (next <= hi) out.push(...spanToCidrs(next, hi));
  return out;
}
