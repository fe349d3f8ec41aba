import type { CompiledRoute } from '../../engine/aws/route';
import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Nodes in private subnets reach the internet (image registries, AWS APIs, the public cluster endpoint) through
// a NAT gateway route (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html); without one the
// cluster must be set up as a private cluster with VPC endpoints (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html).
// A blackhole route drops traffic (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html).
export const privateSubnetNoEgress: PostureCheck = {
  id: 'private-subnet-no-egress',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['Node', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const nodesBySubnet = new Map<string, string[]>();
    for (const n of ctx.nodes) if (n.subnetId) nodesBySubnet.set(n.subnetId, [...(nodesBySubnet.get(n.subnetId) ?? []), n.name]);
    const findings: CheckFinding[] = [];
    for (const [subnetId, nodes] of nodesBySubnet) {
      if (ctx.isPublicSubnet(subnetId) !== false) continue;
      const table = ctx.routeTableFor(subnetId)!;
      const problem = egressProblem(ctx, table.routes);
      if (!problem) continue;
      const nat = ctx.snap.aws.natGateways.find(
        (g) => g.State === 'available' && g.ConnectivityType !== 'private' && (!ctx.vpcId || g.VpcId === ctx.vpcId),
      );
      findings.push({
        id: this.id,
        object: subnetId,
        summary: `${subnetId} is a private subnet with ${nodes.length} node(s) (${listSome(nodes)}) and ${problem}, so its nodes and pods cannot reach the internet (image registries, AWS APIs) unless the cluster is built as a private cluster with VPC endpoints (Amazon EKS User Guide: private clusters; Amazon VPC User Guide: NAT gateways).`,
        fix: `aws ec2 ${problem.startsWith('no ') ? 'create-route' : 'replace-route'} --route-table-id ${table.id} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat?.NatGatewayId ?? 'NAT_GATEWAY_ID_IN_A_PUBLIC_SUBNET'}`,
      });
    }
    return findings;
  },
};

/** Why the route table gives no way out for IPv4, or undefined when its default route leads somewhere. */
function egressProblem(ctx: PostureContext, routes: CompiledRoute[]): string | undefined {
  const route = routes.find((r) => r.cidr.family === 4 && r.cidr.isWholeInternet);
  if (!route) return 'no route for 0.0.0.0/0';
  if (route.blackhole) return `its 0.0.0.0/0 route is a blackhole (its target ${route.target} no longer exists)`;
  if (route.kind === 'nat') {
    const nat = ctx.routes.natGateways.get(route.target);
    if (nat && nat.State !== 'available') return `its 0.0.0.0/0 route points at ${route.target}, which is ${nat.State}`;
  }
  return undefined;
}
