import type { NetworkAcl } from '@aws-sdk/client-ec2';
import type { Finding } from '../../model/result';
import { Cidr } from '../../engine/cidr';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { describeSegment, freeRuleNumber, naclForSubnet, walkNacl } from '../nacl-walk';
import type { PostureCheck } from '../types';

// NACLs are stateless: a response goes to the client's ephemeral port, which for Linux is 32768-60999, and must be
// allowed by the NACL on its way (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html;
// CONTRACT §2 nacl-return). Checked on every node subnet's NACL for TCP:
// - inbound from the internet: responses to connections nodes and pods open to the internet (a rule must cover
//   0.0.0.0/0 to match the internet, as CONTRACT §2 `internet`);
// - inbound from and outbound to the VPC's CIDR blocks: responses to connections between subnets.
export const EPHEMERAL = { from: 32768, to: 60999 };
const INTERNET = Cidr.parse('0.0.0.0/0');

interface Path {
  egress: boolean;
  peer: Cidr;
  label: string;
}

export const naclBlocksEphemeralReturn: PostureCheck = {
  id: 'nacl-blocks-ephemeral-return',
  run(ctx: PostureContext): Finding[] {
    const lacking = ctx.lacking(['NetworkAcls', 'Subnets']);
    if (lacking) return [notEvaluated(this.id, lacking)];
    let subnets = [...new Set(ctx.nodes.map((n) => n.subnetId).filter((s): s is string => !!s))];
    if (subnets.length === 0) subnets = ctx.snap.aws.cluster?.resourcesVpcConfig?.subnetIds ?? [];
    if (subnets.length === 0) return [notEvaluated(this.id, 'no node subnet or cluster subnet is known')];
    const byAcl = new Map<string, { acl: NetworkAcl; subnets: string[] }>();
    const noAcl: string[] = [];
    for (const subnetId of subnets) {
      const acl = naclForSubnet(ctx.snap.aws.networkAcls, subnetId, ctx.subnetsById.get(subnetId)?.VpcId ?? ctx.vpcId);
      if (!acl?.NetworkAclId) noAcl.push(subnetId);
      else byAcl.set(acl.NetworkAclId, { acl, subnets: [...(byAcl.get(acl.NetworkAclId)?.subnets ?? []), subnetId] });
    }
    const findings: Finding[] = [];
    for (const [aclId, { acl, subnets: aclSubnets }] of byAcl) {
      const vpcBlocks = vpcCidrs(ctx, acl.VpcId);
      const paths: Path[] = [
        { egress: false, peer: INTERNET, label: 'inbound from the internet (responses to connections the nodes and pods open)' },
        ...vpcBlocks.map((c) => ({ egress: false, peer: c, label: `inbound from ${c.text} (responses to connections to other subnets)` })),
        ...vpcBlocks.map((c) => ({ egress: true, peer: c, label: `outbound to ${c.text} (responses to clients in other subnets)` })),
      ];
      const parts: string[] = [];
      const fixes: string[] = [];
      const planned: { egress: boolean; peer: Cidr; ruleNumber: number }[] = [];
      for (const p of paths) {
        const { segments, exceptions } = walkNacl(acl, p.egress, 6, p.peer, EPHEMERAL.from, EPHEMERAL.to);
        const denied = segments.filter((s) => !s.allow);
        if (denied.length === 0) continue;
        const except = exceptions.length ? ` except for ${exceptions.join(', ')}` : '';
        parts.push(`${p.label}${except}: ${denied.map(describeSegment).join(', ')}`);
        const firstDeny = Math.min(...denied.map((s) => s.ruleNumber ?? 32767));
        // An allow already planned for a wider block ahead of this path's first deny fixes it too.
        if (planned.some((x) => x.egress === p.egress && x.peer.covers(p.peer) && x.ruleNumber < firstDeny)) continue;
        const n = freeRuleNumber(acl, p.egress, firstDeny, planned.filter((x) => x.egress === p.egress).map((x) => x.ruleNumber));
        if (n !== undefined) planned.push({ egress: p.egress, peer: p.peer, ruleNumber: n });
        fixes.push(
          n !== undefined
            ? `aws ec2 create-network-acl-entry --network-acl-id ${aclId} ${p.egress ? '--egress' : '--ingress'} --rule-number ${n} --protocol tcp --port-range From=32768,To=60999 --cidr-block ${p.peer.text} --rule-action allow`
            : `renumber the ${p.egress ? 'outbound' : 'inbound'} rules of ${aclId} to allow TCP 32768-60999 ${p.egress ? 'to' : 'from'} ${p.peer.text} below rule ${firstDeny}`,
        );
      }
      if (parts.length === 0) continue;
      findings.push({
        id: this.id,
        severity: 'high',
        object: aclId,
        summary: `${aclId} (subnets ${listSome(aclSubnets)}) blocks TCP return traffic on the Linux ephemeral range 32768-60999 — ${parts.join('; ')} — so those connections time out; NACLs are stateless and must allow the responses (Amazon VPC User Guide: ephemeral ports).`,
        fix: fixes.join(' && '),
      });
    }
    if (noAcl.length > 0) findings.push(notEvaluated(this.id, `no network ACL in the snapshot applies to ${listSome(noAcl)}`));
    return findings;
  },
};

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
