// Address and port ranges, so that two spellings of the same rule compare equal: a CIDR written with
// host bits or leading zeros in IPv6, a port range split in two, NACL entries renumbered.
import ipaddr from 'ipaddr.js';
import { Cidr } from '../model/cidr';

/** An inclusive range of addresses of one family, as numbers (IPv4 fits a bigint as well). */
export interface AddressRange {
  family: 4 | 6;
  start: bigint;
  end: bigint;
}

function toBig(bytes: number[]): bigint {
  let v = 0n;
  for (const b of bytes) v = (v << 8n) | BigInt(b);
  return v;
}

/** The addresses a CIDR covers (host bits ignored, as AWS and Kubernetes match on the network), or undefined. */
export function cidrRange(text: string | undefined | null): AddressRange | undefined {
  const c = Cidr.tryParse(text);
  if (!c) return undefined;
  const [addr, bits] = ipaddr.parseCIDR(text!.trim());
  const width = c.family === 4 ? 32 : 128;
  const raw = c.family === 4 ? toBig((addr.kind() === 'ipv4' ? (addr as ipaddr.IPv4) : (addr as ipaddr.IPv6).toIPv4Address()).toByteArray()) : toBig(addr.toByteArray());
  const hostBits = BigInt(width - bits);
  const start = (raw >> hostBits) << hostBits;
  return { family: c.family, start, end: start + (1n << hostBits) - 1n };
}

/**
 * One spelling per CIDR: the network address (host bits cleared) in canonical form, IPv6 compressed
 * and lower-case (RFC 5952). `10.0.0.7/16` and `10.0.0.0/16` are the same block to every rule.
 */
export function canonicalCidr(text: string): string {
  let out = canonical.get(text);
  if (out === undefined) {
    // Rules repeat a few blocks (subnets, the VPC) tens of thousands of times.
    if (canonical.size > 100_000) canonical.clear();
    canonical.set(text, (out = canonicalCidrOf(text)));
  }
  return out;
}

const canonical = new Map<string, string>();

function canonicalCidrOf(text: string): string {
  const r = cidrRange(text);
  if (!r) return text.trim();
  const prefix = text.trim().split('/')[1]!.trim().replace(/^0+(?=\d)/, '');
  if (r.family === 4) {
    const n = Number(r.start);
    return `${n >>> 24}.${(n >>> 16) & 255}.${(n >>> 8) & 255}.${n & 255}/${prefix}`;
  }
  const bytes: number[] = [];
  for (let i = 15; i >= 0; i--) bytes.push(Number((r.start >> BigInt(i * 8)) & 255n));
  return `${ipaddr.fromByteArray(bytes).toString()}/${prefix}`;
}

/**
 * Split points of a set of inclusive ranges: every range of the set is a union of the elementary
 * intervals [points[i], points[i+1]-1]. Used to compare unions and first-match lists region by region.
 */
export function elementaryIntervals(ranges: { start: bigint; end: bigint }[], min: bigint, max: bigint): { start: bigint; end: bigint }[] {
  const cuts = new Set<bigint>([min, max + 1n]);
  for (const r of ranges) {
    if (r.start > min && r.start <= max) cuts.add(r.start);
    if (r.end + 1n > min && r.end + 1n <= max) cuts.add(r.end + 1n);
  }
  const sorted = [...cuts].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  const out: { start: bigint; end: bigint }[] = [];
  for (let i = 0; i + 1 < sorted.length; i++) out.push({ start: sorted[i]!, end: sorted[i + 1]! - 1n });
  return out;
}
