// IPv4 arithmetic, subnet address pools and AWS-style ids for the cluster generator.

export function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}
export function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Addresses of one subnet: single IPs from the bottom half, aligned /28 prefixes from the top half. */
export class SubnetPool {
  private nextIp: number;
  private nextPrefix: number;
  constructor(readonly base: number, readonly size: number) {
    this.nextIp = base + 4; // AWS reserves the first four addresses
    this.nextPrefix = base + size / 2;
  }
  ip(): string {
    if (this.nextIp >= this.base + this.size / 2) throw new Error('subnet pool exhausted');
    return intToIp(this.nextIp++);
  }
  prefix28(): string {
    if (this.nextPrefix + 16 > this.base + this.size - 1) throw new Error('subnet prefix pool exhausted');
    const p = this.nextPrefix;
    this.nextPrefix += 16;
    return `${intToIp(p)}/28`;
  }
}

/** AWS-style resource ids, unique and in order per prefix. */
export class Ids {
  private counters = new Map<string, number>();
  /** `prefix-0` + 16 hex digits, unique per prefix. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-0${n.toString(16).padStart(16, '0')}`;
  }
}

/** One rule per peer, as describe-security-group-rules counts them. */
export function peerCount(p: Record<string, unknown>): number {
  return ((p.IpRanges as unknown[]) ?? []).length + ((p.Ipv6Ranges as unknown[]) ?? []).length + ((p.PrefixListIds as unknown[]) ?? []).length + ((p.UserIdGroupPairs as unknown[]) ?? []).length;
}
