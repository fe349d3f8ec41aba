import type { IpPermission } from '@aws-sdk/client-ec2';
import type { Finding, Severity } from '../../model/result';
import { SEVERITY_ORDER } from '../../model/result';
import { describePorts, rulePorts, type RulePorts } from '../ip-permissions';
import { Cidr } from '../../engine/cidr';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Security group rules open to 0.0.0.0/0 or ::/0 admit the whole internet
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html); AWS Security Hub flags high-risk
// ports open to the world (EC2.19, https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19);
// the kubelet (10250) and API server (443/6443) ports are the EKS-specific ones
// (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html).

interface RankedPort {
  port: number;
  name: string;
  severity: Severity;
}

export const RANKED_PORTS: RankedPort[] = [
  { port: 22, name: 'SSH', severity: 'critical' },
  { port: 3389, name: 'RDP', severity: 'critical' },
  { port: 3306, name: 'MySQL', severity: 'critical' },
  { port: 5432, name: 'PostgreSQL', severity: 'critical' },
  { port: 1433, name: 'SQL Server', severity: 'critical' },
  { port: 6379, name: 'Redis', severity: 'critical' },
  { port: 27017, name: 'MongoDB', severity: 'critical' },
  { port: 9200, name: 'Elasticsearch', severity: 'critical' },
  { port: 10250, name: 'kubelet', severity: 'high' },
  { port: 443, name: 'HTTPS/Kubernetes API', severity: 'high' },
  { port: 6443, name: 'Kubernetes API', severity: 'high' },
];

const rank = (s: Severity) => SEVERITY_ORDER.indexOf(s);

/** Severity of a world-open rule: all traffic is critical; else the worst ranked TCP port it covers; else medium (ICMP low). */
export function worldRuleSeverity(r: RulePorts): { severity: Severity; names: string[] } {
  if (r.protocol === 'all') return { severity: 'critical', names: ['every port'] };
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') return { severity: 'low', names: [] };
  const hits = r.protocol === 'tcp' ? RANKED_PORTS.filter((p) => p.port >= r.from && p.port <= r.to) : [];
  if (hits.length === 0) return { severity: 'medium', names: [] };
  const worst = hits.reduce((a, b) => (rank(b.severity) < rank(a.severity) ? b : a));
  return { severity: worst.severity, names: hits.map((h) => `${h.name} ${h.port}`) };
}

export const sgOpenToWorld: PostureCheck = {
  id: 'sg-open-to-world',
  run(ctx: PostureContext): Finding[] {
    const lacking = ctx.lacking(['SecurityGroups']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const findings: Finding[] = [];
    for (const sg of ctx.snap.aws.securityGroups) {
      if (!sg.GroupId) continue;
      let severity: Severity = 'info';
      const parts: string[] = [];
      const revoke: IpPermission[] = [];
      for (const p of sg.IpPermissions ?? []) {
        const v4 = (p.IpRanges ?? []).filter((r) => Cidr.tryParse(r.CidrIp)?.isWholeInternet);
        const v6 = (p.Ipv6Ranges ?? []).filter((r) => Cidr.tryParse(r.CidrIpv6)?.isWholeInternet);
        if (v4.length === 0 && v6.length === 0) continue;
        const ports = rulePorts(p);
        const ranked = worldRuleSeverity(ports);
        if (rank(ranked.severity) < rank(severity)) severity = ranked.severity;
        const sources = [...v4.map((r) => r.CidrIp!), ...v6.map((r) => r.CidrIpv6!)].join(' and ');
        parts.push(`${describePorts(ports)}${ranked.names.length && ports.protocol !== 'all' ? ` (${ranked.names.join(', ')})` : ''} from ${sources}`);
        revoke.push({
          IpProtocol: p.IpProtocol,
          ...(p.FromPort !== undefined ? { FromPort: p.FromPort } : {}),
          ...(p.ToPort !== undefined ? { ToPort: p.ToPort } : {}),
          ...(v4.length ? { IpRanges: v4.map((r) => ({ CidrIp: r.CidrIp })) } : {}),
          ...(v6.length ? { Ipv6Ranges: v6.map((r) => ({ CidrIpv6: r.CidrIpv6 })) } : {}),
        });
      }
      if (parts.length === 0) continue;
      findings.push({
        id: this.id,
        severity,
        object: sg.GroupId,
        summary: `${sg.GroupId}${sg.GroupName ? ` (${sg.GroupName})` : ''} admits ${parts.join('; ')}, so anyone on the internet can reach these ports on every interface that carries the group (Amazon VPC User Guide: security group rules; AWS Security Hub EC2.19).`,
        fix: `aws ec2 revoke-security-group-ingress --group-id ${sg.GroupId} --ip-permissions '${JSON.stringify(revoke)}' and re-add the rules for the CIDR blocks or security groups that need them`,
      });
    }
    return findings;
  },
};
