import type { Cluster } from '@aws-sdk/client-eks';
import type { CheckFinding } from '../pack';
import { Cidr } from '../../model/cidr';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Cluster endpoint access: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
// publicAccessCidrs defaults to 0.0.0.0/0: https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html

function withCluster(id: string, ctx: PostureContext, body: (c: Cluster, name: string) => CheckFinding[]): CheckFinding[] {
  const lacking = ctx.lacking(['cluster']);
  const cluster = ctx.snap.aws.cluster;
  if (lacking || !cluster) return [notEvaluated(ctx, id, lacking ?? 'the snapshot holds no cluster (eks describe-cluster)')];
  const vpc = cluster.resourcesVpcConfig;
  if (vpc?.endpointPublicAccess === undefined || vpc.endpointPrivateAccess === undefined) {
    return [notEvaluated(ctx, id, 'the cluster document has no resourcesVpcConfig.endpointPublicAccess/endpointPrivateAccess')];
  }
  return body(cluster, ctx.clusterName);
}

/** The CIDRs the public endpoint admits; the API's default when the list is absent or empty. */
function publicCidrs(c: Cluster): string[] {
  const list = c.resourcesVpcConfig?.publicAccessCidrs ?? [];
  return list.length > 0 ? list : ['0.0.0.0/0'];
}

export const endpointPublicAccess: PostureCheck = {
  id: 'endpoint-public-access',
  run(ctx) {
    return withCluster(this.id, ctx, (c, name) => {
      if (!c.resourcesVpcConfig!.endpointPublicAccess) return [];
      return [
        {
          id: this.id,
          object: name,
          summary: `The Kubernetes API endpoint of ${name} is reachable from the internet (for ${publicCidrs(c).join(', ')}); a private endpoint keeps API traffic inside the VPC (Amazon EKS User Guide: cluster API server endpoint).`,
          fix: `aws eks update-cluster-config --name ${name} --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true`,
        },
      ];
    });
  },
};

export const endpointPublicOpenToWorld: PostureCheck = {
  id: 'endpoint-public-open-to-world',
  run(ctx) {
    return withCluster(this.id, ctx, (c, name) => {
      if (!c.resourcesVpcConfig!.endpointPublicAccess) return [];
      const open = publicCidrs(c).filter((t) => Cidr.tryParse(t)?.isWholeInternet);
      if (open.length === 0) return [];
      return [
        {
          id: this.id,
          object: name,
          summary: `The public Kubernetes API endpoint of ${name} admits ${open.join(' and ')}, so anyone on the internet can reach the API server and try credentials against it; EKS lets you limit it to the CIDR blocks you name (Amazon EKS User Guide: cluster API server endpoint).`,
          fix: `aws eks update-cluster-config --name ${name} --resources-vpc-config endpointPublicAccess=true,publicAccessCidrs="YOUR_OFFICE_CIDR/32"`,
        },
      ];
    });
  },
};

export const endpointPrivateAccessOff: PostureCheck = {
  id: 'endpoint-private-access-off',
  run(ctx) {
    return withCluster(this.id, ctx, (c, name) => {
      if (c.resourcesVpcConfig!.endpointPrivateAccess) return [];
      return [
        {
          id: this.id,
          object: name,
          summary: `Private access to the API endpoint of ${name} is off, so nodes and pods reach the Kubernetes API through the internet (a NAT gateway or public IPs) and must be inside the public access CIDRs (Amazon EKS User Guide: cluster API server endpoint).`,
          fix: `aws eks update-cluster-config --name ${name} --resources-vpc-config endpointPrivateAccess=true`,
        },
      ];
    });
  },
};
