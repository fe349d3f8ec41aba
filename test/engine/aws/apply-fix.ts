import type { IpPermission, NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { Fix } from '../../../src/model/result';
import type { Snapshot } from '../../../src/model/snapshot';

/** Apply a fix's `object` to the snapshot as AWS would (authorize a permission / create a NACL entry). */
export function applyFix(snap: Snapshot, fix: Fix): void {
  const objects = Array.isArray(fix.object) ? fix.object : [fix.object];
  for (const o of objects as Record<string, unknown>[]) {
    if (fix.kind === 'security-group') {
      const { groupId, direction, permission } = o as { groupId: string; direction: 'ingress' | 'egress'; permission: IpPermission };
      const g = snap.aws.securityGroups.find((x) => x.GroupId === groupId)!;
      (direction === 'ingress' ? (g.IpPermissions ??= []) : (g.IpPermissionsEgress ??= [])).push(permission);
    } else if (fix.kind === 'nacl') {
      const { networkAclId, entry } = o as { networkAclId: string; entry: NetworkAclEntry };
      const acl = snap.aws.networkAcls.find((x) => x.NetworkAclId === networkAclId)!;
      if (acl.Entries!.some((e) => e.RuleNumber === entry.RuleNumber && e.Egress === entry.Egress)) {
        throw new Error(`rule number ${entry.RuleNumber} already used in ${networkAclId}`);
      }
      acl.Entries!.push(entry);
    } else throw new Error(`cannot apply fix kind ${fix.kind}`);
  }
}
