import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html — run nodes in private subnets
// (reachable from the internet only through load balancers); a public subnet routes to an internet gateway
// (https://docs.aws.amazon.com/vpc/latest/userguide/configure-subnets.html#subnet-types).
export const nodeInPublicSubnet: PostureCheck = {
  id: 'node-in-public-subnet',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['Node', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const bySubnet = new Map<string, { names: string[]; withPublicIp: string[] }>();
    const unplaced: string[] = [];
    for (const n of ctx.nodes) {
      if (!n.subnetId) {
        unplaced.push(n.name);
        continue;
      }
      if (ctx.isPublicSubnet(n.subnetId) !== true) continue;
      const entry = bySubnet.get(n.subnetId) ?? { names: [], withPublicIp: [] };
      entry.names.push(n.name);
      if (n.publicIp) entry.withPublicIp.push(n.name);
      bySubnet.set(n.subnetId, entry);
    }
    const findings: CheckFinding[] = [...bySubnet].map(([subnetId, e]) => ({
      id: this.id,
      ...(e.withPublicIp.length > 0 ? { variant: 'public-ip' } : {}),
      object: subnetId,
      summary:
        `${e.names.length} node(s) (${listSome(e.names)}) run in ${subnetId}, a public subnet (it routes to an internet gateway)` +
        (e.withPublicIp.length > 0 ? ` and ${e.withPublicIp.length} of them have a public IP address` : '') +
        ', so only their security groups stand between them and the internet; EKS best practices put nodes in private subnets (EKS Best Practices: VPC and subnet considerations).',
      fix: `Move the node groups to private subnets that route 0.0.0.0/0 to a NAT gateway (e.g. aws eks create-nodegroup --subnets <private subnets> ..., then drain and delete the node group in ${subnetId}).`,
    }));
    if (unplaced.length > 0) {
      findings.push(notEvaluated(ctx, this.id, `no subnet in the snapshot holds node(s) ${listSome(unplaced)} (neither their ENI nor their InternalIP)`));
    }
    return findings;
  },
};
