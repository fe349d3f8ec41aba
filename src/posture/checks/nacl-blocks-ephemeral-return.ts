import type { Finding } from '../../model/result';
import { Cidr } from '../../engine/cidr';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { describeSegment, freeRuleNumber, naclForSubnet, walkNacl } from '../nacl-walk';
import type { PostureCheck } from '../types';

// NACLs are stateless: responses to the nodes' and pods' outbound connections come back to the client's
// ephemeral port, which for Linux is 32768-60999, and must be allowed inbound
// (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html; CONTRACT §2 nacl-return).
// Checked for return traffic from the internet (a rule must cover 0.0.0.0/0 to match it, as CONTRACT §2 `internet`).
export const EPHEMERAL = { from: 32768, to: 60999 };
const INTERNET = Cidr.parse('0.0.0.0/0');

export const naclBlocksEphemeralReturn: PostureCheck = {
  id: 'nacl-blocks-ephemeral-return',
  run(ctx: PostureContext): Finding[] {
    const lacking = ctx.lacking(['NetworkAcls', 'Subnets']);
    if (lacking) return [notEvaluated(this.id, lacking)];
    let subnets = [...new Set(ctx.nodes.map((n) => n.subnetId).filter((s): s is string => !!s))];
    if (subnets.length === 0) subnets = ctx.snap.aws.cluster?.resourcesVpcConfig?.subnetIds ?? [];
    if (subnets.length === 0) return [notEvaluated(this.id, 'no node subnet or cluster subnet is known')];
    const byAcl = new Map<string, string[]>();
    const noAcl: string[] = [];
    for (const subnetId of subnets) {
      const acl = naclForSubnet(ctx.snap.aws.networkAcls, subnetId, ctx.subnetsById.get(subnetId)?.VpcId ?? ctx.vpcId);
      if (!acl?.NetworkAclId) noAcl.push(subnetId);
      else byAcl.set(acl.NetworkAclId, [...(byAcl.get(acl.NetworkAclId) ?? []), subnetId]);
    }
    const findings: Finding[] = [];
    for (const [aclId, aclSubnets] of byAcl) {
      const acl = ctx.snap.aws.networkAcls.find((a) => a.NetworkAclId === aclId)!;
      const { segments } = walkNacl(acl, false, 6, INTERNET, EPHEMERAL.from, EPHEMERAL.to);
      const denied = segments.filter((s) => !s.allow);
      if (denied.length === 0) continue;
      const whole = denied.length === 1 && denied[0]!.from === EPHEMERAL.from && denied[0]!.to === EPHEMERAL.to;
      const firstDeny = Math.min(...denied.map((s) => s.ruleNumber ?? 32767));
      const n = freeRuleNumber(acl, false, firstDeny);
      findings.push({
        id: this.id,
        severity: 'high',
        object: aclId,
        summary: `${aclId} (subnets ${listSome(aclSubnets)}) denies inbound TCP from the internet on ${whole ? 'the whole' : 'part of the'} ephemeral range 32768-60999 (${denied.map(describeSegment).join(', ')}), so responses to connections the nodes and pods open to the internet are dropped; NACLs are stateless (Amazon VPC User Guide: ephemeral ports).`,
        fix:
          n !== undefined
            ? `aws ec2 create-network-acl-entry --network-acl-id ${aclId} --ingress --rule-number ${n} --protocol tcp --port-range From=32768,To=60999 --cidr-block 0.0.0.0/0 --rule-action allow`
            : `Renumber the inbound rules of ${aclId} to make room below rule ${firstDeny}, then allow TCP 32768-60999 from 0.0.0.0/0 inbound.`,
      });
    }
    if (noAcl.length > 0) findings.push(notEvaluated(this.id, `no network ACL in the snapshot applies to ${listSome(noAcl)}`));
    return findings;
  },
};
