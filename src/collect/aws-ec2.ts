import {
  DescribeEgressOnlyInternetGatewaysCommand,
  DescribeInstancesCommand,
  DescribeInternetGatewaysCommand,
  DescribeManagedPrefixListsCommand,
  DescribeNatGatewaysCommand,
  DescribeNetworkAclsCommand,
  DescribeNetworkInterfacesCommand,
  DescribeRouteTablesCommand,
  DescribeSecurityGroupsCommand,
  DescribeSubnetsCommand,
  DescribeVpcsCommand,
  GetManagedPrefixListEntriesCommand,
  type EC2Client,
  type Filter,
  type RouteTable,
  type SecurityGroup,
} from '@aws-sdk/client-ec2';
import { toCliJson } from './cli-json';
import { awsFailureReason, type Part } from './failure';
import type { Limiter } from './limiter';
import { allPages } from './pages';

type Page = { items: unknown[] | undefined; next: string | undefined };

/** One EC2 describe call of the cluster's VPC: which result key it fills, and its IAM permission. */
interface VpcQuery {
  key: string;
  file: string;
  permission: string;
  page(ec2: EC2Client, vpcId: string, token: string | undefined): Promise<Page>;
  /** Client-side filter, for calls that cannot filter by VPC on the server. */
  keep?(item: any, vpcId: string): boolean;
}

const byVpc = (vpcId: string, name = 'vpc-id'): Filter[] => [{ Name: name, Values: [vpcId] }];

// MaxResults stays within each operation's documented range (EC2 API Reference, "MaxResults").
const VPC_QUERIES: VpcQuery[] = [
  {
    key: 'Vpcs',
    file: 'aws/ec2-describe-vpcs.json',
    permission: 'ec2:DescribeVpcs',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeVpcsCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 1000 }));
      return { items: o.Vpcs, next: o.NextToken };
    },
  },
  {
    key: 'Subnets',
    file: 'aws/ec2-describe-subnets.json',
    permission: 'ec2:DescribeSubnets',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeSubnetsCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 1000 }));
      return { items: o.Subnets, next: o.NextToken };
    },
  },
  {
    key: 'SecurityGroups',
    file: 'aws/ec2-describe-security-groups.json',
    permission: 'ec2:DescribeSecurityGroups',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeSecurityGroupsCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 1000 }));
      return { items: o.SecurityGroups, next: o.NextToken };
    },
  },
  {
    key: 'NetworkAcls',
    file: 'aws/ec2-describe-network-acls.json',
    permission: 'ec2:DescribeNetworkAcls',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeNetworkAclsCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 100 }));
      return { items: o.NetworkAcls, next: o.NextToken };
    },
  },
  {
    key: 'RouteTables',
    file: 'aws/ec2-describe-route-tables.json',
    permission: 'ec2:DescribeRouteTables',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeRouteTablesCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 100 }));
      return { items: o.RouteTables, next: o.NextToken };
    },
  },
  {
    key: 'NetworkInterfaces',
    file: 'aws/ec2-describe-network-interfaces.json',
    permission: 'ec2:DescribeNetworkInterfaces',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeNetworkInterfacesCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 1000 }));
      return { items: o.NetworkInterfaces, next: o.NextToken };
    },
  },
  {
    key: 'NatGateways',
    file: 'aws/ec2-describe-nat-gateways.json',
    permission: 'ec2:DescribeNatGateways',
    page: async (ec2, vpcId, NextToken) => {
      // This operation names its filter parameter `Filter`, not `Filters`.
      const o = await ec2.send(new DescribeNatGatewaysCommand({ Filter: byVpc(vpcId), NextToken, MaxResults: 1000 }));
      return { items: o.NatGateways, next: o.NextToken };
    },
  },
  {
    key: 'InternetGateways',
    file: 'aws/ec2-describe-internet-gateways.json',
    permission: 'ec2:DescribeInternetGateways',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(
        new DescribeInternetGatewaysCommand({ Filters: byVpc(vpcId, 'attachment.vpc-id'), NextToken, MaxResults: 1000 }),
      );
      return { items: o.InternetGateways, next: o.NextToken };
    },
  },
  {
    key: 'EgressOnlyInternetGateways',
    file: 'aws/ec2-describe-egress-only-internet-gateways.json',
    permission: 'ec2:DescribeEgressOnlyInternetGateways',
    // The API filters only by tag, so the VPC's gateways are picked out here.
    page: async (ec2, _vpcId, NextToken) => {
      const o = await ec2.send(new DescribeEgressOnlyInternetGatewaysCommand({ NextToken, MaxResults: 255 }));
      return { items: o.EgressOnlyInternetGateways, next: o.NextToken };
    },
    keep: (gw, vpcId) => (gw.Attachments ?? []).some((a: { VpcId?: string }) => a.VpcId === vpcId),
  },
  {
    key: 'Reservations',
    file: 'aws/ec2-describe-instances.json',
    permission: 'ec2:DescribeInstances',
    page: async (ec2, vpcId, NextToken) => {
      const o = await ec2.send(new DescribeInstancesCommand({ Filters: byVpc(vpcId), NextToken, MaxResults: 1000 }));
      return { items: o.Reservations, next: o.NextToken };
    },
  },
];

/** The EC2 result keys `collectEc2` reads, for recording them all as missing when the VPC is unknown. */
export const EC2_RESOURCES = [...VPC_QUERIES.map((q) => q.key), 'PrefixLists', 'Entries'];

/** Security groups that rules name (UserIdGroupPairs) but that are not in `have`. */
export function referencedGroupIds(groups: SecurityGroup[]): string[] {
  const have = new Set(groups.map((g) => g.GroupId));
  const out = new Set<string>();
  for (const g of groups) {
    for (const rule of [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])]) {
      for (const pair of rule.UserIdGroupPairs ?? []) if (pair.GroupId && !have.has(pair.GroupId)) out.add(pair.GroupId);
    }
  }
  return [...out].sort();
}

/** Managed prefix lists that security group rules or routes name. */
export function referencedPrefixListIds(groups: SecurityGroup[], routeTables: RouteTable[]): string[] {
  const out = new Set<string>();
  for (const g of groups) {
    for (const rule of [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])]) {
      for (const pl of rule.PrefixListIds ?? []) if (pl.PrefixListId) out.add(pl.PrefixListId);
    }
  }
  for (const rt of routeTables) for (const r of rt.Routes ?? []) if (r.DestinationPrefixListId) out.add(r.DestinationPrefixListId);
  return [...out].sort();
}

/**
 * The EC2 objects of one VPC, as `aws ec2 describe-* --filters Name=vpc-id,...` prints them, plus
 * the security groups and managed prefix lists that its rules and routes reference.
 */
export async function collectEc2(ec2: EC2Client, vpcId: string, run: Limiter): Promise<Part> {
  const part: Part = { documents: [], missing: [] };
  const results = new Map<string, unknown[]>();
  await Promise.all(
    VPC_QUERIES.map(async (q) => {
      try {
        let items = await allPages(run, (token) => q.page(ec2, vpcId, token));
        if (q.keep) items = items.filter((i) => q.keep!(i, vpcId));
        results.set(q.key, items);
        part.documents.push({ file: q.file, doc: { [q.key]: toCliJson(items) } });
      } catch (err) {
        part.missing.push({ resource: q.key, reason: awsFailureReason(err, q.permission) });
      }
    }),
  );
  const groups = (results.get('SecurityGroups') ?? []) as SecurityGroup[];
  const routeTables = (results.get('RouteTables') ?? []) as RouteTable[];
  await Promise.all([
    collectReferencedGroups(ec2, referencedGroupIds(groups), run, part),
    collectPrefixLists(ec2, referencedPrefixListIds(groups, routeTables), run, part),
  ]);
  return part;
}

async function collectReferencedGroups(ec2: EC2Client, ids: string[], run: Limiter, part: Part): Promise<void> {
  if (ids.length === 0) return;
  try {
    // A `group-id` filter (not GroupIds) so that a group this account cannot see is simply absent
    // instead of failing the whole call with InvalidGroup.NotFound.
    const items = await allPages(run, async (NextToken) => {
      const o = await ec2.send(
        new DescribeSecurityGroupsCommand({ Filters: [{ Name: 'group-id', Values: ids }], NextToken, MaxResults: 1000 }),
      );
      return { items: o.SecurityGroups, next: o.NextToken };
    });
    part.documents.push({ file: 'aws/ec2-describe-security-groups-referenced.json', doc: { SecurityGroups: toCliJson(items) } });
  } catch (err) {
    part.missing.push({
      resource: 'SecurityGroups',
      reason: `referenced groups ${ids.join(', ')}: ${awsFailureReason(err, 'ec2:DescribeSecurityGroups')}`,
    });
  }
}

async function collectPrefixLists(ec2: EC2Client, ids: string[], run: Limiter, part: Part): Promise<void> {
  if (ids.length === 0) return;
  const lists = (async () => {
    try {
      const items = await allPages(run, async (NextToken) => {
        const o = await ec2.send(
          new DescribeManagedPrefixListsCommand({ Filters: [{ Name: 'prefix-list-id', Values: ids }], NextToken, MaxResults: 100 }),
        );
        return { items: o.PrefixLists, next: o.NextToken };
      });
      part.documents.push({ file: 'aws/ec2-describe-managed-prefix-lists.json', doc: { PrefixLists: toCliJson(items) } });
    } catch (err) {
      part.missing.push({ resource: 'PrefixLists', reason: awsFailureReason(err, 'ec2:DescribeManagedPrefixLists') });
    }
  })();
  const entries = ids.map(async (PrefixListId) => {
    try {
      const items = await allPages(run, async (NextToken) => {
        const o = await ec2.send(new GetManagedPrefixListEntriesCommand({ PrefixListId, NextToken, MaxResults: 100 }));
        return { items: o.Entries, next: o.NextToken };
      });
      // The entries output does not say which list it is; the snapshot format needs it (CONTRACT §1).
      part.documents.push({
        file: `aws/ec2-get-managed-prefix-list-entries-${PrefixListId}.json`,
        doc: { PrefixListId, Entries: toCliJson(items) },
      });
    } catch (err) {
      part.missing.push({ resource: 'Entries', reason: `${PrefixListId}: ${awsFailureReason(err, 'ec2:GetManagedPrefixListEntries')}` });
    }
  });
  await Promise.all([lists, ...entries]);
}
