import type { NetworkAcl } from '@aws-sdk/client-ec2';
import type { CheckFinding } from '../pack';
import { evaluateNacl } from '../../engine/aws/nacl';
import { describeSegment, evaluateNaclOverBlock, type PeerBlockDecision } from '../../engine/aws/nacl-block';
import { Cidr, INTERNET_ADDRESS } from '../../model/cidr';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { naclRuleNumber } from '../../engine/aws/fixes';
import type { PostureCheck } from '../types';

// NACLs are stateless: a response goes to the client's ephemeral port, which for Linux is 32768-60999, and must be
// allowed by the NACL on its way (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html;
// CONTRACT §2 nacl-return). Rules are first-match by rule number, so a deny for part of the peers that precedes
// the allow blocks the responses of those peers; every part of the peer block is evaluated with the engine's
// evaluator and named. Checked on every node subnet's NACL:
// - TCP inbound from / outbound to the VPC's CIDR blocks: responses to connections between subnets;
// - UDP the same, where a pod serves UDP (DNS from CoreDNS, for one): outbound when such a pod is in one of the
//   NACL's subnets (its replies leave), inbound when one is in another subnet (its replies come in);
// - TCP inbound from the internet, for subnets with a default route (IGW, NAT or any other target; also when the
//   route table is unknown): responses to connections nodes and pods open to the internet;
// - TCP outbound to the internet, for public subnets (IGW route): replies to internet clients of what runs there.
// "The internet" is matched as CONTRACT §2 `internet`: only an entry for 0.0.0.0/0 matches it. UDP to or from the
// internet is not checked: the Amazon DNS server and time service are not filtered by NACLs, and AWS's own
// example NACLs admit only TCP responses from the internet.
export const EPHEMERAL = { from: 32768, to: 60999 };

interface Path {
  protocol: 6 | 17;
  egress: boolean;
  /** undefined = the internet. */
  peer?: Cidr;
  purpose: string;
}

export const naclBlocksEphemeralReturn: PostureCheck = {
  id: 'nacl-blocks-ephemeral-return',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['NetworkAcls', 'Subnets']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    let subnets = [...new Set(ctx.nodes.map((n) => n.subnetId).filter((s): s is string => !!s))];
    if (subnets.length === 0) subnets = ctx.snap.aws.cluster?.resourcesVpcConfig?.subnetIds ?? [];
    if (subnets.length === 0) return [notEvaluated(ctx, this.id, 'no node subnet or cluster subnet is known')];
    const index = ctx.nacls;
    const byAcl = new Map<string, { acl: NetworkAcl; subnets: string[] }>();
    const noAcl: string[] = [];
    for (const subnetId of subnets) {
      const compiled = index.naclFor(subnetId, ctx.subnetsById.get(subnetId)?.VpcId ?? ctx.vpcId);
      const acl = typeof compiled === 'string' ? undefined : ctx.snap.aws.networkAcls.find((a) => a.NetworkAclId === compiled.id);
      if (!acl?.NetworkAclId) noAcl.push(subnetId);
      else byAcl.set(acl.NetworkAclId, { acl, subnets: [...(byAcl.get(acl.NetworkAclId)?.subnets ?? []), subnetId] });
    }
    const udpServers = udpServerSubnets(ctx);
    const findings: CheckFinding[] = [];
    for (const [aclId, { acl, subnets: aclSubnets }] of byAcl) {
      const compiled = index.naclFor(aclSubnets[0], ctx.subnetsById.get(aclSubnets[0]!)?.VpcId ?? ctx.vpcId);
      if (typeof compiled === 'string') continue;
      const vpcBlocks = vpcCidrs(ctx, acl.VpcId);
      const paths: Path[] = [];
      if (aclSubnets.some((s) => hasDefaultRoute(ctx, s) !== false)) {
        paths.push({ protocol: 6, egress: false, purpose: 'responses to connections the nodes and pods open' });
      }
      if (aclSubnets.some((s) => ctx.isPublicSubnet(s) === true)) {
        paths.push({ protocol: 6, egress: true, purpose: 'replies to internet clients of the nodes and load balancers there' });
      }
      for (const peer of vpcBlocks) {
        paths.push({ protocol: 6, egress: false, peer, purpose: 'responses to connections to other subnets' });
        if ([...udpServers].some((s) => aclSubnets.some((a) => a !== s))) {
          paths.push({ protocol: 17, egress: false, peer, purpose: 'responses from UDP servers such as DNS in other subnets' });
        }
        paths.push({ protocol: 6, egress: true, peer, purpose: 'responses to clients in other subnets' });
        if (aclSubnets.some((s) => udpServers.has(s))) {
          paths.push({ protocol: 17, egress: true, peer, purpose: 'UDP replies such as DNS responses to clients in other subnets' });
        }
      }
      const parts: string[] = [];
      const fixes: string[] = [];
      const planned: { protocol: number; egress: boolean; peer?: Cidr; ruleNumber: number }[] = [];
      for (const p of paths) {
        const decisions: PeerBlockDecision[] = p.peer
          ? evaluateNaclOverBlock(compiled, p.egress, p.protocol, p.peer, EPHEMERAL)
          : [{ cidrs: [], denied: evaluateNacl(compiled, p.egress, p.protocol, INTERNET_ADDRESS, EPHEMERAL).filter((s) => !s.allow) }];
        const blocked = decisions.filter((d) => d.denied.length > 0);
        if (blocked.length === 0) continue;
        const proto = p.protocol === 6 ? 'TCP' : 'UDP';
        for (const d of blocked) {
          const peerText = p.peer ? listSome(d.cidrs, 4) : 'the internet';
          parts.push(`${proto} ${p.egress ? 'outbound to' : 'inbound from'} ${peerText} (${p.purpose}): ${d.denied.map(describeSegment).join(', ')}`);
        }
        const firstDeny = Math.min(...blocked.flatMap((d) => d.denied.map((s) => s.ruleNumber ?? 32767)));
        const sameWay = planned.filter((x) => x.protocol === p.protocol && x.egress === p.egress);
        // An allow already planned for a wider block ahead of this path's first deny fixes it too.
        if (sameWay.some((x) => (x.peer === undefined || (p.peer && x.peer.covers(p.peer))) && x.ruleNumber < firstDeny)) continue;
        const n = naclRuleNumber(acl, p.egress, firstDeny, sameWay.map((x) => x.ruleNumber));
        if (n !== undefined) planned.push({ protocol: p.protocol, egress: p.egress, peer: p.peer, ruleNumber: n });
        const cidr = p.peer?.text ?? '0.0.0.0/0';
        fixes.push(
          n !== undefined
            ? `aws ec2 create-network-acl-entry --network-acl-id ${aclId} ${p.egress ? '--egress' : '--ingress'} --rule-number ${n} --protocol ${proto.toLowerCase()} --port-range From=32768,To=60999 --cidr-block ${cidr} --rule-action allow`
            : `renumber the ${p.egress ? 'outbound' : 'inbound'} rules of ${aclId} to allow ${proto} 32768-60999 ${p.egress ? 'to' : 'from'} ${cidr} below rule ${firstDeny}`,
        );
      }
      if (parts.length === 0) continue;
      findings.push({
        id: this.id,
        object: aclId,
        summary: `${aclId} (subnets ${listSome(aclSubnets)}) blocks return traffic on the Linux ephemeral range 32768-60999 — ${parts.join('; ')} — so those connections time out; NACLs are stateless, evaluate rules lowest number first, and must allow the responses (Amazon VPC User Guide: ephemeral ports, network ACL rules).`,
        fix: fixes.join(' && '),
      });
    }
    if (noAcl.length > 0) findings.push(notEvaluated(ctx, this.id, `no network ACL in the snapshot applies to ${listSome(noAcl)}`));
    return findings;
  },
};

/** Does the subnet's route table send 0.0.0.0/0 somewhere (IGW, NAT, transit gateway…)? Undefined when the table is unknown. */
function hasDefaultRoute(ctx: PostureContext, subnetId: string): boolean | undefined {
  const table = ctx.routeTableFor(subnetId);
  if (!table) return undefined;
  return table.routes.some((r) => !r.blackhole && r.cidr.family === 4 && r.cidr.isWholeInternet);
}

/** Subnets holding a running pod that declares a UDP container port (CoreDNS's 53/UDP, for one). */
function udpServerSubnets(ctx: PostureContext): Set<string> {
  const out = new Set<string>();
  for (const pod of ctx.snap.k8s.pods) {
    const ip = pod.status?.podIP;
    if (!ip) continue;
    const containers = [...(pod.spec?.containers ?? [])];
    if (!containers.some((c) => (c.ports ?? []).some((p) => (p.protocol ?? 'TCP').toUpperCase() === 'UDP'))) continue;
    const subnetId = ctx.eniHolding(ip)?.subnetId ?? ctx.subnetContaining(ip);
    if (subnetId) out.add(subnetId);
  }
  return out;
}

/** The VPC's IPv4 CIDR blocks that hold at least one subnet (from describe-vpcs, else the subnets themselves). */
function vpcCidrs(ctx: PostureContext, vpcId: string | undefined): Cidr[] {
  const subnetBlocks = ctx.snap.aws.subnets
    .filter((s) => !vpcId || s.VpcId === vpcId)
    .map((s) => Cidr.tryParse(s.CidrBlock))
    .filter((c): c is Cidr => c?.family === 4);
  const vpc = ctx.snap.aws.vpcs.find((v) => v.VpcId === vpcId);
  const texts = new Set([vpc?.CidrBlock, ...(vpc?.CidrBlockAssociationSet ?? []).map((a) => a.CidrBlock)]);
  const blocks = [...texts].map((t) => Cidr.tryParse(t)).filter((c): c is Cidr => c?.family === 4);
  const used = blocks.filter((b) => subnetBlocks.some((s) => b.covers(s)));
  return used.length > 0 ? used : subnetBlocks;
}
