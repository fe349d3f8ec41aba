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

/** A Kubernetes `protocol` field, upper-cased; absent means TCP (the API server's default). */
export function kubeProtocol(p: string | undefined): string {
  return (p ?? 'TCP').toUpperCase();
}

/**
 * The protocol of a port eksnet connects to (container, Service, EndpointSlice ports): TCP, UDP or SCTP, the only
 * values the API server accepts; anything else is taken as TCP.
 */
export function normaliseProtocol(p: string | undefined): Protocol {
  const u = kubeProtocol(p);
  return u === 'UDP' ? 'UDP' : u === 'SCTP' ? 'SCTP' : 'TCP';
}

const AWS_NAMES: Record<string, string> = { all: 'all', '6': 'tcp', '17': 'udp', '1': 'icmp', '58': 'icmpv6' };

/**
 * An AWS protocol field (security group IpProtocol, NACL Protocol) by name: tcp, udp, icmp, icmpv6, all, or the
 * protocol number as text ("132" is SCTP); text that is no protocol stays as written. Absent means all.
 */
export function awsProtocolName(text: string | undefined): string {
  const n = parseProtocol(text ?? '-1');
  if (n === undefined) return (text ?? '').trim().toLowerCase();
  return AWS_NAMES[String(n)] ?? String(n);
}

/** The `--protocol` argument of `aws ec2` commands for a protocol name: -1 for all, else the number. */
export function awsProtocolArg(name: string): string {
  const n = parseProtocol(name);
  return n === 'all' ? '-1' : n === undefined ? name : String(n);
}
