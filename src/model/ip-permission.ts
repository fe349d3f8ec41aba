import type { IpPermission } from '@aws-sdk/client-ec2';
import { parseProtocol, type PortRange } from './protocol';

/**
 * What a security group permission admits, as EC2 means it
 * (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html): "-1 or a protocol number other
 * than tcp, udp, icmp, or icmpv6 allows traffic on all ports, regardless of any port range you specify"; a TCP/UDP
 * range of -1 (or none) is every port; ICMP's FromPort/ToPort are the type and code (-1 = any).
 */
export interface PermissionTraffic {
  /** Protocol number, or 'all' for -1 (and for text that is no protocol). */
  protocol: number | 'all';
  /** TCP/UDP only: the ports it admits. */
  ports?: PortRange;
  /** ICMP/ICMPv6 only: type and code (-1 = any). */
  icmp?: { type: number; code: number };
}

export function permissionTraffic(p: IpPermission): PermissionTraffic {
  const protocol = parseProtocol(p.IpProtocol ?? '-1') ?? 'all';
  if (protocol === 6 || protocol === 17) {
    const every = p.FromPort === undefined || p.FromPort === -1 || p.ToPort === undefined || p.ToPort === -1;
    return { protocol, ports: every ? { from: 0, to: 65535 } : { from: p.FromPort!, to: p.ToPort! } };
  }
  if (protocol === 1 || protocol === 58) return { protocol, icmp: { type: p.FromPort ?? -1, code: p.ToPort ?? -1 } };
  return { protocol };
}
