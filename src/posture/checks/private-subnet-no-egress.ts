import type { Route } from '@aws-sdk/client-ec2';
import type { Finding } from '../../model/result';
import { Cidr } from '../../model/cidr';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Nodes in private subnets reach the internet (image registries, AWS APIs, the public cluster endpoint) through
// a NAT gateway route (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html); without one the
// cluster must be set up as a private cluster with VPC endpoints (https://docs.aws.amazon.com/eks/latest/userguide/private-clusters.html).
// A blackhole route drops traffic (https://docs.aws.amazon.com/vpc/latest/userguide/route-table-options.html).
export const privateSubnetNoEgress: PostureCheck = {
  id: 'private-subnet-no-egress',
  run(ctx: PostureContext): Finding[] {
    const lacking = ctx.lacking(['Node', 'Subnets', 'RouteTables']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const nodesBySubnet = new Map<string, string[]>();
    for (const n of ctx.nodes) if (n.subnetId) nodesBySubnet.set(n.subnetId, [...(nodesBySubnet.get(n.subnetId) ?? []), n.name]);
    const findings: Finding[] = [];
    for (const [subnetId, nodes] of nodesBySubnet) {
      if (ctx.isPublicSubnet(subnetId) !== false) continue;
      const table = ctx.routeTableFor(subnetId)!;
      const problem = egressProblem(ctx, table.Routes ?? []);
      if (!problem) continue;
      const nat = ctx.snap.aws.natGateways.find(
        (g) => g.State === 'available' && g.ConnectivityType !== 'private' && (!ctx.vpcId || g.VpcId === ctx.vpcId),
      );
      findings.push({
        id: this.id,
        severity: 'medium',
        object: subnetId,
        summary: `${subnetId} is a private subnet with ${nodes.length} node(s) (${listSome(nodes)}) and ${problem}, so its nodes and pods cannot reach the internet (image registries, AWS APIs) unless the cluster is built as a private cluster with VPC endpoints (Amazon EKS User Guide: private clusters; Amazon VPC User Guide: NAT gateways).`,
        fix: `aws ec2 ${problem.startsWith('no ') ? 'create-route' : 'replace-route'} --route-table-id ${table.RouteTableId} --destination-cidr-block 0.0.0.0/0 --nat-gateway-id ${nat?.NatGatewayId ?? 'NAT_GATEWAY_ID_IN_A_PUBLIC_SUBNET'}`,
      });
    }
    return findings;
  },
};

/** Why the route table gives no way out for IPv4, or undefined when its default route leads somewhere. */
function egressProblem(ctx: PostureContext, routes: Route[]): string | undefined {
  const defaults = routes.filter((r) => {
    const c = Cidr.tryParse(r.DestinationCidrBlock);
    return c?.family === 4 && c.isWholeInternet;
  });
  const route = defaults[0];
  if (!route) return 'no route for 0.0.0.0/0';
  if (route.State === 'blackhole') return `its 0.0.0.0/0 route is a blackhole (its target ${target(route)} no longer exists)`;
  if (route.NatGatewayId) {
    const nat = ctx.snap.aws.natGateways.find((g) => g.NatGatewayId === route.NatGatewayId);
    if (nat && nat.State !== 'available') return `its 0.0.0.0/0 route points at ${route.NatGatewayId}, which is ${nat.State}`;
  }
  return undefined;
}

function target(r: Route): string {
  return r.NatGatewayId ?? r.GatewayId ?? r.TransitGatewayId ?? r.NetworkInterfaceId ?? r.VpcPeeringConnectionId ?? r.InstanceId ?? 'unknown';
}
