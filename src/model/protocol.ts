import type { Protocol } from './result';

/** IANA protocol numbers of the flows eksnet checks. */
export const PROTOCOL_NUMBER: Record<Protocol, number> = { TCP: 6, UDP: 17, SCTP: 132 };

/** Linux's default net.ipv4.ip_local_port_range (notes §2, CONTRACT §2). */
export const EPHEMERAL_FROM = 32768;
export const EPHEMERAL_TO = 60999;

export interface PortRange {
  from: number;
  to: number;
}

export function rangeText(r: PortRange): string {
  return r.from === r.to ? `${r.from}` : `${r.from}-${r.to}`;
}

/** "tcp", "udp", "icmp", "icmpv6", "-1" or a number as text → protocol number, or 'all'. */
export function parseProtocol(text: string | undefined): number | 'all' | undefined {
  if (text === undefined) return undefined;
  const t = text.trim().toLowerCase();
  if (t === '-1' || t === 'all') return 'all';
  const named: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58, sctp: 132 };
  if (t in named) return named[t];
  const n = Number(t);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}

/** A Kubernetes protocol field (absent means TCP, as the API server defaults it). */
export function normaliseProtocol(p: string | undefined): Protocol {
  const u = (p ?? 'TCP').toUpperCase();
  return u === 'UDP' ? 'UDP' : u === 'SCTP' ? 'SCTP' : 'TCP';
}
