import type { IpPermission } from '@aws-sdk/client-ec2';
import { Cidr } from '../model/cidr';

/** A security group rule's protocol and ports, as EC2 means them. */
export interface RulePorts {
  /** 'all' for -1 and for protocol numbers other than tcp/udp/icmp/icmpv6 (they allow every port). */
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all';
  from: number;
  to: number;
}

/**
 * "specifying -1 or a protocol number other than tcp, udp, icmp, or icmpv6 allows traffic on all ports,
 * regardless of any port range you specify" — https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html
 */
export function rulePorts(p: IpPermission): RulePorts {
  const proto = (p.IpProtocol ?? '-1').toLowerCase();
  const named = proto === '6' ? 'tcp' : proto === '17' ? 'udp' : proto === '1' ? 'icmp' : proto === '58' ? 'icmpv6' : proto;
  if (named === 'tcp' || named === 'udp') {
    const from = p.FromPort ?? 0;
    const to = p.ToPort ?? 65535;
    return { protocol: named, from: from < 0 ? 0 : from, to: to < 0 ? 65535 : to };
  }
  if (named === 'icmp' || named === 'icmpv6') return { protocol: named, from: p.FromPort ?? -1, to: p.ToPort ?? -1 };
  return { protocol: 'all', from: 0, to: 65535 };
}

export function describePorts(r: RulePorts): string {
  if (r.protocol === 'all') return 'all traffic';
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') return r.protocol.toUpperCase();
  return `${r.protocol.toUpperCase()} ${r.from === r.to ? r.from : `${r.from}-${r.to}`}`;
}

/** The rule's IPv4 and IPv6 CIDR blocks, parsed (text that is not a CIDR is skipped). */
export function ruleCidrs(p: IpPermission): Cidr[] {
  const texts = [...(p.IpRanges ?? []).map((r) => r.CidrIp), ...(p.Ipv6Ranges ?? []).map((r) => r.CidrIpv6)];
  return texts.map((t) => Cidr.tryParse(t)).filter((c): c is Cidr => c !== undefined);
}

/** NACL and SG protocol fields name TCP as "6"/"tcp", UDP "17"/"udp", all "-1". */
export function protocolNumber(text: string | undefined): number | 'all' | undefined {
  if (text === undefined) return undefined;
  const t = text.toLowerCase();
  if (t === '-1' || t === 'all') return 'all';
  if (t === 'tcp') return 6;
  if (t === 'udp') return 17;
  if (t === 'icmp') return 1;
  if (t === 'icmpv6') return 58;
  const n = Number(t);
  return Number.isInteger(n) && n >= 0 && n <= 255 ? n : undefined;
}
