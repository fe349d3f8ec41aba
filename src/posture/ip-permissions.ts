import type { IpPermission } from '@aws-sdk/client-ec2';
import { permissionTraffic } from '../model/ip-permission';

/** A security group rule's protocol and ports, as EC2 means them. */
export interface RulePorts {
  /** 'all' for -1 and for protocol numbers other than tcp/udp/icmp/icmpv6 (they allow every port). */
  protocol: 'tcp' | 'udp' | 'icmp' | 'icmpv6' | 'all';
  from: number;
  to: number;
}

/** A permission's traffic (the model's one reading of IpPermission) in the terms posture ranks it by. */
export function rulePorts(p: IpPermission): RulePorts {
  const t = permissionTraffic(p);
  if (t.ports) return { protocol: t.protocol === 6 ? 'tcp' : 'udp', from: t.ports.from, to: t.ports.to };
  if (t.icmp) return { protocol: t.protocol === 1 ? 'icmp' : 'icmpv6', from: t.icmp.type, to: t.icmp.code };
  return { protocol: 'all', from: 0, to: 65535 };
}

export function describePorts(r: RulePorts): string {
  if (r.protocol === 'all') return 'all traffic';
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') return r.protocol.toUpperCase();
  return `${r.protocol.toUpperCase()} ${r.from === r.to ? r.from : `${r.from}-${r.to}`}`;
}
