import type { IpPermission } from '@aws-sdk/client-ec2';
import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// A rule that references a security group which no longer exists (a deleted group of a peered VPC, PeeringStatus
// "deleted") is stale: it matches nothing (https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html#vpc-peering-stale-groups).
// A snapshot holds every group its rules reference (CONTRACT §2 `eksnet snapshot`), so a same-account reference to a
// group absent from it names a group that is gone. References to other accounts cannot be checked and are skipped.
export const sgRuleStaleReference: PostureCheck = {
  id: 'sg-rule-stale-reference',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['SecurityGroups']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const known = new Set(ctx.snap.aws.securityGroups.map((g) => g.GroupId));
    const findings: CheckFinding[] = [];
    for (const sg of ctx.snap.aws.securityGroups) {
      if (!sg.GroupId) continue;
      const stale: { direction: 'ingress' | 'egress'; groupId: string; permission: IpPermission }[] = [];
      const scan = (direction: 'ingress' | 'egress', perms: IpPermission[] | undefined) => {
        for (const p of perms ?? []) {
          for (const pair of p.UserIdGroupPairs ?? []) {
            if (!pair.GroupId) continue;
            const otherAccount = pair.UserId !== undefined && sg.OwnerId !== undefined && pair.UserId !== sg.OwnerId;
            const gone = pair.PeeringStatus === 'deleted' || (!known.has(pair.GroupId) && !otherAccount && !pair.VpcPeeringConnectionId);
            if (!gone) continue;
            const { IpRanges: _a, Ipv6Ranges: _b, PrefixListIds: _c, ...rest } = p;
            stale.push({ direction, groupId: pair.GroupId, permission: { ...rest, UserIdGroupPairs: [{ GroupId: pair.GroupId }] } });
          }
        }
      };
      scan('ingress', sg.IpPermissions);
      scan('egress', sg.IpPermissionsEgress);
      if (stale.length === 0) continue;
      const refs = [...new Set(stale.map((s) => s.groupId))].sort();
      const fixes = (['ingress', 'egress'] as const)
        .map((d) => {
          const perms = stale.filter((s) => s.direction === d).map((s) => s.permission);
          return perms.length ? `aws ec2 revoke-security-group-${d} --group-id ${sg.GroupId} --ip-permissions '${JSON.stringify(perms)}'` : '';
        })
        .filter(Boolean);
      findings.push({
        id: this.id,
        object: sg.GroupId,
        summary: `${sg.GroupId} has ${stale.length} rule(s) referencing ${refs.join(', ')}, which no longer exist(s); stale rules match nothing and hide what the group was meant to allow (Amazon VPC Peering Guide: stale security group rules).`,
        fix: fixes.join(' && '),
      });
    }
    return findings;
  },
};
