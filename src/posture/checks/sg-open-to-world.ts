import type { IpPermission } from '@aws-sdk/client-ec2';
import { SEVERITY_ORDER } from '../../model/result';
import { severityOf, WORLD_OPEN_PORTS, type CheckFinding } from '../pack';
import { describePorts, rulePorts, type RulePorts } from '../ip-permissions';
import { Cidr, parseAddress } from '../../model/cidr';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Security group rules open to 0.0.0.0/0 or ::/0 admit the whole internet
// (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html); AWS Security Hub flags high-risk
// ports open to the world (EC2.19, https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-19);
// the kubelet (10250) and API server (443/6443) ports are the EKS-specific ones
// (https://docs.aws.amazon.com/eks/latest/userguide/sec-group-reqs.html).
// What may be open is judged as Security Hub EC2.18 does ("Security groups should only allow unrestricted incoming
// traffic for authorized ports", authorizedTcpPorts default 80 and 443,
// https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18), configurable as
// `posture.authorizedPorts` — except on a group attached to nodes or pods: a load balancer's group open on 80/443 is
// its purpose, a node's or pod's is not. IPv6 openings (::/0) are left out where the group's subnets (or, for a group
// on no interface, its VPC) have no IPv6 block: no IPv6 traffic can arrive there.

const rank = (variant: string) => SEVERITY_ORDER.indexOf(severityOf('sg-open-to-world', variant));

/** The pack variant of a world-open rule: all traffic, else the worst ranked TCP port it covers, else another port (ICMP apart). */
export function worldRuleVariant(r: RulePorts): { variant: string; names: string[] } {
  if (r.protocol === 'all') return { variant: 'every-port', names: ['every port'] };
  if (r.protocol === 'icmp' || r.protocol === 'icmpv6') return { variant: 'icmp', names: [] };
  const hits = r.protocol === 'tcp' ? WORLD_OPEN_PORTS.filter((p) => p.port >= r.from && p.port <= r.to) : [];
  if (hits.length === 0) return { variant: 'other-port', names: [] };
  const worst = hits.reduce((a, b) => (rank(b.variant) < rank(a.variant) ? b : a));
  return { variant: worst.variant, names: hits.map((h) => `${h.name} ${h.port}`) };
}

/** One rule's protocol, ports and CIDRs of one address family. */
interface FamilyRule {
  perm: IpPermission;
  ports: RulePorts;
  cidrs: Cidr[];
}

interface WorldOpening {
  ports: RulePorts;
  /** The fewest of the group's CIDRs that together cover the address family (nested blocks dropped). */
  sources: { perm: IpPermission; cidr: Cidr }[];
}

const FAMILY_BITS = { 4: 32n, 6: 128n } as const;

/** The first and last address of the block, as numbers of its family. */
function span(c: Cidr): [bigint, bigint] {
  const a = parseAddress(c.text.split('/')[0]!.trim())!;
  const size = 1n << (FAMILY_BITS[c.family] - BigInt(c.prefix));
  const start = (BigInt(a.value) / size) * size;
  return [start, start + size - 1n];
}

/** Do the blocks together hold every address of the family (0.0.0.0/1 + 128.0.0.0/1 does, as 0.0.0.0/0)? */
function coverWholeFamily(cidrs: Cidr[], family: 4 | 6): boolean {
  const spans = cidrs.map(span).sort((x, y) => (x[0] < y[0] ? -1 : x[0] > y[0] ? 1 : 0));
  let next = 0n;
  for (const [a, b] of spans) {
    if (a > next) return false;
    if (b + 1n > next) next = b + 1n;
  }
  return next === 1n << FAMILY_BITS[family];
}

function minimalSources(rules: FamilyRule[]): { perm: IpPermission; cidr: Cidr }[] {
  const all = rules.flatMap((r) => r.cidrs.map((cidr) => ({ perm: r.perm, cidr })));
  return all.filter((x, i) => !all.some((y, j) => j !== i && y.cidr.covers(x.cidr) && (y.cidr.prefix < x.cidr.prefix || j < i)));
}

/**
 * Where the group's inbound rules of one address family admit every address: per protocol and port range, the
 * union of the CIDRs of all rules that allow it (security group rules are additive,
 * https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html) covers the family.
 */
function worldOpenings(rules: FamilyRule[], family: 4 | 6): WorldOpening[] {
  const out: WorldOpening[] = [];
  const allRules = rules.filter((r) => r.ports.protocol === 'all');
  const allOpen = coverWholeFamily(allRules.flatMap((r) => r.cidrs), family);
  if (allOpen) out.push({ ports: { protocol: 'all', from: 0, to: 65535 }, sources: minimalSources(allRules) });
  for (const protocol of ['tcp', 'udp'] as const) {
    const own = rules.filter((r) => r.ports.protocol === protocol);
    if (allOpen || own.length === 0) continue;
    const cuts = [...new Set([0, 65536, ...own.flatMap((r) => [r.ports.from, r.ports.to + 1])])].sort((a, b) => a - b);
    let open: WorldOpening | undefined;
    for (let i = 0; i + 1 < cuts.length; i++) {
      const from = cuts[i]!;
      const to = cuts[i + 1]! - 1;
      const applying = [...allRules, ...own.filter((r) => r.ports.from <= from && r.ports.to >= to)];
      if (!own.some((r) => r.ports.from <= from && r.ports.to >= to) || !coverWholeFamily(applying.flatMap((r) => r.cidrs), family)) {
        open = undefined;
        continue;
      }
      const sources = minimalSources(applying);
      const sameSources = open && open.sources.length === sources.length && open.sources.every((s, k) => s.cidr === sources[k]!.cidr);
      if (open && open.ports.to + 1 === from && sameSources) open.ports.to = to;
      else out.push((open = { ports: { protocol, from, to }, sources }));
    }
  }
  for (const protocol of ['icmp', 'icmpv6'] as const) {
    const own = rules.filter((r) => r.ports.protocol === protocol);
    if (allOpen || own.length === 0) continue;
    const applying = [...allRules, ...own];
    if (coverWholeFamily(applying.flatMap((r) => r.cidrs), family)) {
      out.push({ ports: own[0]!.ports, sources: minimalSources(applying) });
    }
  }
  return out;
}

export const sgOpenToWorld: PostureCheck = {
  id: 'sg-open-to-world',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['SecurityGroups']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const findings: CheckFinding[] = [];
    const attachments = groupAttachments(ctx);
    const authorized = new Set(ctx.options.authorizedPorts);
    for (const sg of ctx.snap.aws.securityGroups) {
      if (!sg.GroupId) continue;
      const perms = sg.IpPermissions ?? [];
      const openings = new Map<string, WorldOpening>();
      const attached = attachments.get(sg.GroupId);
      const onWorkload = attached?.nodeOrPod ?? false;
      const ipv6 = attached ? [...attached.subnets].some((id) => ctx.hasIpv6(id)) : vpcHasIpv6(ctx, sg.VpcId);
      for (const family of [4, 6] as const) {
        if (family === 6 && !ipv6) continue;
        const rules: FamilyRule[] = perms.map((perm) => ({
          perm,
          ports: rulePorts(perm),
          cidrs: (family === 4 ? (perm.IpRanges ?? []).map((r) => r.CidrIp) : (perm.Ipv6Ranges ?? []).map((r) => r.CidrIpv6))
            .map((t) => Cidr.tryParse(t))
            .filter((c): c is Cidr => c?.family === family),
        }));
        for (const o of worldOpenings(rules, family)) {
          if (!onWorkload && isAuthorized(o.ports, authorized)) continue;
          const key = describePorts(o.ports) + `/${o.ports.from}-${o.ports.to}`;
          const seen = openings.get(key);
          if (seen) seen.sources.push(...o.sources);
          else openings.set(key, o);
        }
      }
      if (openings.size === 0) continue;
      let variant: string | undefined;
      const parts: string[] = [];
      const revokeByPerm = new Map<IpPermission, { v4: Set<string>; v6: Set<string> }>();
      for (const o of openings.values()) {
        const ranked = worldRuleVariant(o.ports);
        if (variant === undefined || rank(ranked.variant) < rank(variant)) variant = ranked.variant;
        const texts = [...new Set(o.sources.map((x) => x.cidr.text))];
        const together = [4, 6].some((f) => o.sources.filter((x) => x.cidr.family === f).length > 1) ? ' (together the whole internet)' : '';
        parts.push(`${describePorts(o.ports)}${ranked.names.length && o.ports.protocol !== 'all' ? ` (${ranked.names.join(', ')})` : ''} from ${texts.join(' and ')}${together}`);
        for (const x of o.sources) {
          const r = revokeByPerm.get(x.perm) ?? { v4: new Set<string>(), v6: new Set<string>() };
          (x.cidr.family === 4 ? r.v4 : r.v6).add(x.cidr.text);
          revokeByPerm.set(x.perm, r);
        }
      }
      const revoke: IpPermission[] = perms
        .filter((p) => revokeByPerm.has(p))
        .map((p) => {
          const r = revokeByPerm.get(p)!;
          return {
            IpProtocol: p.IpProtocol,
            ...(p.FromPort !== undefined ? { FromPort: p.FromPort } : {}),
            ...(p.ToPort !== undefined ? { ToPort: p.ToPort } : {}),
            ...(r.v4.size ? { IpRanges: [...r.v4].map((CidrIp) => ({ CidrIp })) } : {}),
            ...(r.v6.size ? { Ipv6Ranges: [...r.v6].map((CidrIpv6) => ({ CidrIpv6 })) } : {}),
          };
        });
      findings.push({
        id: this.id,
        variant,
        object: sg.GroupId,
        summary: `${sg.GroupId}${sg.GroupName ? ` (${sg.GroupName})` : ''} admits ${parts.join('; ')}, so anyone on the internet can reach these ports on every interface that carries the group (Amazon VPC User Guide: security group rules; AWS Security Hub EC2.19).`,
        fix: `aws ec2 revoke-security-group-ingress --group-id ${sg.GroupId} --ip-permissions '${JSON.stringify(revoke)}' and re-add the rules for the CIDR blocks or security groups that need them`,
      });
    }
    return findings;
  },
};

/** TCP ports all in the authorised list (EC2.18 authorizedTcpPorts): fine on a group that carries no node or pod. */
function isAuthorized(r: RulePorts, authorized: ReadonlySet<number>): boolean {
  if (r.protocol !== 'tcp' || r.to - r.from > 1024) return false;
  for (let p = r.from; p <= r.to; p++) if (!authorized.has(p)) return false;
  return true;
}

/** Per group: the subnets of the interfaces that carry it, and whether one of them is a node's or a pod's. */
function groupAttachments(ctx: PostureContext): Map<string, { subnets: Set<string>; nodeOrPod: boolean }> {
  const nodeInstances = new Set(ctx.nodes.map((n) => n.instanceId).filter((i): i is string => !!i));
  const out = new Map<string, { subnets: Set<string>; nodeOrPod: boolean }>();
  for (const e of ctx.snap.aws.networkInterfaces) {
    const workload = e.InterfaceType === 'branch' || e.InterfaceType === 'trunk' || (e.Attachment?.InstanceId !== undefined && nodeInstances.has(e.Attachment.InstanceId));
    for (const g of e.Groups ?? []) {
      if (!g.GroupId) continue;
      const entry = out.get(g.GroupId) ?? { subnets: new Set<string>(), nodeOrPod: false };
      if (e.SubnetId) entry.subnets.add(e.SubnetId);
      if (workload && !isLoadBalancer(e)) entry.nodeOrPod = true;
      out.set(g.GroupId, entry);
    }
  }
  return out;
}

/** An Elastic Load Balancing interface (ALB/CLB: "ELB app/…", "ELB name"; NLB/GWLB: their interface types). */
function isLoadBalancer(e: { InterfaceType?: string; Description?: string; RequesterId?: string }): boolean {
  return e.InterfaceType === 'network_load_balancer' || e.InterfaceType === 'gateway_load_balancer' || e.RequesterId === 'amazon-elb' || /^ELB /.test(e.Description ?? '');
}

function vpcHasIpv6(ctx: PostureContext, vpcId: string | undefined): boolean {
  const cidrs = vpcId ? ctx.placement.vpcCidrs.get(vpcId) : undefined;
  return cidrs === undefined || cidrs.some((c) => c.family === 6);
}
