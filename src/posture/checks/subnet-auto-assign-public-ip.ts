import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// MapPublicIpOnLaunch gives every instance launched in the subnet a public IPv4 address
// (https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html).
export const subnetAutoAssignPublicIp: PostureCheck = {
  id: 'subnet-auto-assign-public-ip',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const nodeSubnets = new Set(ctx.nodes.map((n) => n.subnetId));
    const findings: CheckFinding[] = [];
    for (const s of ctx.snap.aws.subnets) {
      if (!s.SubnetId || s.MapPublicIpOnLaunch !== true) continue;
      if (ctx.vpcId && s.VpcId && s.VpcId !== ctx.vpcId) continue;
      if (ctx.isPublicSubnet(s.SubnetId) !== true) continue;
      const hostsNodes = nodeSubnets.has(s.SubnetId);
      findings.push({
        id: this.id,
        ...(hostsNodes ? { variant: 'hosts-nodes' } : {}),
        object: s.SubnetId,
        summary: `${s.SubnetId} is a public subnet that auto-assigns a public IPv4 address to every instance launched in it${hostsNodes ? ', including this cluster\'s nodes' : ''}, exposing them directly to the internet (Amazon VPC User Guide: public IP addressing of your subnet).`,
        fix: `aws ec2 modify-subnet-attribute --subnet-id ${s.SubnetId} --no-map-public-ip-on-launch`,
      });
    }
    return findings;
  },
};
