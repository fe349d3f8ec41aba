import ipaddr from 'ipaddr.js';

/** A parsed address: IPv4 as a 32-bit unsigned number, IPv6 as a 128-bit bigint. */
export type Address = { family: 4; value: number; text: string } | { family: 6; value: bigint; text: string };

/** A parsed CIDR block; `contains` is the hot path, so it works on numbers. */
export class Cidr {
  private constructor(
    readonly text: string,
    readonly family: 4 | 6,
    readonly prefix: number,
    private readonly base4: number,
    private readonly mask4: number,
    private readonly base6: bigint,
    private readonly mask6: bigint,
  ) {}

  static parse(text: string): Cidr {
    const v4 = V4_CIDR.exec(text.trim());
    if (v4) {
      const bits = Number(v4[5]);
      const octets = [Number(v4[1]), Number(v4[2]), Number(v4[3]), Number(v4[4])];
      if (bits <= 32 && octets.every((o) => o <= 255)) {
        const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
        return new Cidr(text, 4, bits, (toV4Number(octets) & mask) >>> 0, mask, 0n, 0n);
      }
    }
    const [addr, bits] = ipaddr.parseCIDR(text.trim());
    if (addr.kind() === 'ipv4') {
      const mask = bits === 0 ? 0 : (0xffffffff << (32 - bits)) >>> 0;
      const value = toV4Number((addr as ipaddr.IPv4).octets);
      return new Cidr(text, 4, bits, (value & mask) >>> 0, mask, 0n, 0n);
    }
    const value = toV6BigInt((addr as ipaddr.IPv6).parts);
    const mask = bits === 0 ? 0n : ((1n << 128n) - 1n) ^ ((1n << BigInt(128 - bits)) - 1n);
    return new Cidr(text, 6, bits, 0, 0, value & mask, mask);
  }

  /** Parse, or undefined for text that is not a CIDR (bad data must not crash evaluation). */
  static tryParse(text: string | undefined | null): Cidr | undefined {
    if (!text) return undefined;
    try {
      return Cidr.parse(text);
    } catch {
      return undefined;
    }
  }

  contains(a: Address): boolean {
    if (a.family !== this.family) return false;
    if (a.family === 4) return ((a.value & this.mask4) >>> 0) === this.base4;
    return (a.value & this.mask6) === this.base6;
  }

  /** True when every address of `other` is inside this block. */
  covers(other: Cidr): boolean {
    if (other.family !== this.family || other.prefix < this.prefix) return false;
    if (this.family === 4) return ((other.base4 & this.mask4) >>> 0) === this.base4;
    return (other.base6 & this.mask6) === this.base6;
  }

  /** Covers all of the public internet of its family (0.0.0.0/0 or ::/0). */
  get isWholeInternet(): boolean {
    return this.prefix === 0;
  }
}

/** Dotted-quad IPv4 (no leading zeros, which ipaddr.js would read as octal) with a prefix length. */
const V4_CIDR = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\/(\d{1,2})$/;
const V4_ADDRESS = /^(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})\.(0|[1-9]\d{0,2})$/;

function toV4Number(octets: number[]): number {
  return ((octets[0]! << 24) | (octets[1]! << 16) | (octets[2]! << 8) | octets[3]!) >>> 0;
}

function toV6BigInt(parts: number[]): bigint {
  let v = 0n;
  for (const p of parts) v = (v << 16n) | BigInt(p);
  return v;
}

const addressCache = new Map<string, Address | null>();

/** Parse an IPv4 or IPv6 address literal (memoised: the same pod IPs are parsed again and again). */
export function parseAddress(text: string): Address | undefined {
  const cached = addressCache.get(text);
  if (cached !== undefined) return cached ?? undefined;
  let result: Address | null = null;
  const v4 = V4_ADDRESS.exec(text);
  if (v4 && [v4[1], v4[2], v4[3], v4[4]].every((o) => Number(o) <= 255)) {
    result = { family: 4, value: toV4Number([Number(v4[1]), Number(v4[2]), Number(v4[3]), Number(v4[4])]), text };
  } else if (ipaddr.isValid(text)) {
    const a = ipaddr.parse(text);
    if (a.kind() === 'ipv4') result = { family: 4, value: toV4Number((a as ipaddr.IPv4).octets), text };
    else {
      const v6 = a as ipaddr.IPv6;
      result = v6.isIPv4MappedAddress()
        ? { family: 4, value: toV4Number(v6.toIPv4Address().octets), text }
        : { family: 6, value: toV6BigInt(v6.parts), text };
    }
  }
  if (addressCache.size > 100_000) addressCache.clear();
  addressCache.set(text, result);
  return result ?? undefined;
}

export function isIpLiteral(text: string): boolean {
  if (!/^[0-9a-fA-F:.]+$/.test(text) || !/[.:]/.test(text)) return false;
  return ipaddr.isValid(text) && (ipaddr.IPv4.isValidFourPartDecimal(text) || ipaddr.IPv6.isValid(text));
}

/** The representative of the word `internet`: an arbitrary public IPv4 address (CONTRACT §2). */
export const INTERNET_ADDRESS: Address = { family: 4, value: 0, text: 'internet' };

const PRIVATE_V4 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16', '100.64.0.0/10', '127.0.0.0/8', '169.254.0.0/16'].map((c) =>
  Cidr.parse(c),
);

/**
 * Does `cidr` (with optional `except` blocks) match the word `internet`? Only a block that covers all of
 * the public IPv4 internet does: 0.0.0.0/0, whose excepts carve out at most non-public ranges.
 */
export function cidrMatchesInternet(cidr: Cidr, except: Cidr[] = []): boolean {
  if (cidr.family !== 4 || !cidr.isWholeInternet) return false;
  return except.every((e) => e.family !== 4 || PRIVATE_V4.some((p) => p.covers(e)));
}

/** Does `cidr` minus `except` contain the address? `internet` follows cidrMatchesInternet. */
export function cidrMatches(addr: Address, cidr: Cidr, except: Cidr[] = []): boolean {
  if (addr === INTERNET_ADDRESS) return cidrMatchesInternet(cidr, except);
  return cidr.contains(addr) && !except.some((e) => e.contains(addr));
}

/** Is the address in a public range (not RFC 1918 / CGNAT / link-local / loopback)? IPv6: global unicast. */
export function isPublicAddress(addr: Address): boolean {
  if (addr === INTERNET_ADDRESS) return true;
  if (addr.family === 4) return !PRIVATE_V4.some((p) => p.contains(addr));
  return ipaddr.parse(addr.text).range() === 'unicast';
}

/**
 * The canonical text of an address literal (IPv6 in RFC 5952 form: lowercase, zeros compressed), so
 * that `2600:1F14:0aaa::0006` and `2600:1f14:aaa::6` find the same pod. Non-addresses come back as given.
 */
export function canonicalIp(text: string): string {
  if (!text.includes(':')) return text;
  try {
    return ipaddr.parse(text).toString();
  } catch {
    return text;
  }
}
