import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// A SecurityGroupPolicy names 1-5 security groups of the cluster's VPC (`spec.securityGroups.groupIds`); the VPC
// resource controller creates each matching pod's branch network interface with them
// (https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html). A group that does not exist, or
// belongs to another VPC (a network interface takes only groups of its own VPC:
// https://docs.aws.amazon.com/vpc/latest/userguide/vpc-security-groups.html), makes that fail, and the pods it selects
// do not start. The snapshot holds every security group of the cluster's VPC (CONTRACT §2 `eksnet snapshot`).
export const sgpGroupMissing: PostureCheck = {
  id: 'sgp-group-missing',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('SecurityGroupPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const policies = ctx.snap.k8s.securityGroupPolicies;
    if (policies.length === 0) return [];
    const lacking = ctx.lacking(['SecurityGroups']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const groups = new Map(ctx.snap.aws.securityGroups.map((g) => [g.GroupId, g]));
    const findings: CheckFinding[] = [];
    for (const p of policies) {
      const ids: string[] = (p.spec?.securityGroups?.groupIds ?? []).filter((g: unknown): g is string => typeof g === 'string');
      const missing = ids.filter((id) => !groups.has(id));
      const elsewhere = ids.filter((id) => {
        const vpc = groups.get(id)?.VpcId;
        return vpc !== undefined && ctx.vpcId !== undefined && vpc !== ctx.vpcId;
      });
      if (missing.length === 0 && elsewhere.length === 0) continue;
      const name = `${p.metadata.namespace ?? 'default'}/${p.metadata.name}`;
      const problems = [
        ...(missing.length ? [`${missing.join(', ')} ${missing.length === 1 ? 'does' : 'do'} not exist`] : []),
        ...(elsewhere.length ? [`${elsewhere.join(', ')} ${elsewhere.length === 1 ? 'belongs' : 'belong'} to another VPC than the cluster's ${ctx.vpcId}`] : []),
      ];
      findings.push({
        id: this.id,
        object: `SecurityGroupPolicy/${name}`,
        summary: `SecurityGroupPolicy ${name} names security group(s) that no branch network interface can take: ${problems.join('; ')}. The pods it selects cannot get their network interface and do not start (Amazon EKS User Guide: security groups for pods).`,
        fix: `kubectl edit securitygrouppolicy -n ${p.metadata.namespace ?? 'default'} ${p.metadata.name} and list existing security groups of ${ctx.vpcId ?? "the cluster's VPC"} in spec.securityGroups.groupIds`,
      });
    }
    return findings;
  },
};
