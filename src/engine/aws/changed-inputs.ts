import type { Snapshot } from '../../model/snapshot';
import { readCniConfig } from './cni-config';
import { missingResources } from './missing';

/**
 * What the AWS layers read that differs between two snapshots, in the terms of an endpoint's placement key
 * (`AwsEngine.placementKey`: its groups, subnet and VPC, and those of its SNAT path). A verdict between two
 * endpoints whose keys name no changed object reads the same inputs in both snapshots — unless `global`, or,
 * for flows that leave the VPC or come from outside it, unless `routes`.
 */
export interface AwsInputChanges {
  /** An input any verdict may read differs: VPCs, gateways, prefix lists, the set of groups, CNI settings, missing data. */
  global: boolean;
  /**
   * A route table differs. Routes are read only by flows that leave the VPC (the route layer answers "local
   * route" between two addresses of one VPC), but also through a NAT gateway's own subnet, which no key names.
   */
  routes: boolean;
  /** Security groups whose rules differ, and subnets whose block, NACL or NACL association differs. */
  changed: Set<string>;
  /** Of `changed`, what the security-group layers read: the groups, and subnets whose own attributes (block) differ. */
  changedForGroups: Set<string>;
}

export function awsInputChanges(before: Snapshot, after: Snapshot): AwsInputChanges {
  const changed = new Set<string>();
  const changedForGroups = new Set<string>();
  const differs = <T>(a: T[], b: T[], id: (x: T) => string | undefined, mark: (id: string, x: T | undefined, y: T | undefined) => void) => {
    const ia = new Map(a.map((x) => [id(x) ?? '', x]));
    const ib = new Map(b.map((x) => [id(x) ?? '', x]));
    for (const k of new Set([...ia.keys(), ...ib.keys()])) {
      const x = ia.get(k);
      const y = ib.get(k);
      if (x === undefined || y === undefined || JSON.stringify(x) !== JSON.stringify(y)) mark(k, x, y);
    }
  };
  const both = (id: string) => {
    changed.add(id);
    changedForGroups.add(id);
  };
  differs(before.aws.securityGroups, after.aws.securityGroups, (g) => g.GroupId, both);
  differs(before.aws.subnets, after.aws.subnets, (s) => s.SubnetId, both);
  let defaultAclChanged = false;
  differs(before.aws.networkAcls, after.aws.networkAcls, (n) => n.NetworkAclId, (_id, x, y) => {
    for (const acl of [x, y]) {
      if (acl?.IsDefault) defaultAclChanged = true; // it governs every subnet without an explicit association
      for (const a of acl?.Associations ?? []) if (a.SubnetId) changed.add(a.SubnetId);
    }
  });
  let routes = false;
  differs(before.aws.routeTables, after.aws.routeTables, (t) => t.RouteTableId, () => (routes = true));

  // Compared as written: objects listed in another order count as changed (no sharing, never a wrong one).
  const globalInputs = (s: Snapshot) =>
    JSON.stringify({
      vpcs: s.aws.vpcs,
      natGateways: s.aws.natGateways,
      internetGateways: s.aws.internetGateways,
      egressOnlyInternetGateways: s.aws.egressOnlyInternetGateways,
      prefixListEntries: s.aws.prefixListEntries,
      groups: s.aws.securityGroups.map((g) => `${g.GroupId}@${g.VpcId}`).sort(),
      cni: (({ excludeSnatCidrs, ...rest }) => ({ ...rest, excludeSnatCidrs: excludeSnatCidrs.map((c) => c.text) }))(readCniConfig(s)),
      missing: [...missingResources(s)].sort(),
    });
  return { global: defaultAclChanged || globalInputs(before) !== globalInputs(after), routes, changed, changedForGroups };
}
