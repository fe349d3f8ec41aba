import type { Route, RouteTable, Subnet } from '@aws-sdk/client-ec2';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { compareText, indexBy, splitKeys } from './canonical';
import { canonicalCidr } from './ranges';
import { associationSeverity, containerSeverity, mapPublicIpSeverity, routeSeverity } from './severity';

/** Route target fields, in the order eksnet names them (a route has one target; instance routes also carry their ENI). */
const TARGET_FIELDS = [
  'GatewayId',
  'NatGatewayId',
  'EgressOnlyInternetGatewayId',
  'TransitGatewayId',
  'VpcPeeringConnectionId',
  'LocalGatewayId',
  'CarrierGatewayId',
  'CoreNetworkArn',
  'InstanceId',
  'NetworkInterfaceId',
] as const;

function destination(r: Route): string | undefined {
  const cidr = r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock;
  // One spelling per block, so `2001:DB8::/32` and `2001:db8:0::/32` are one route.
  if (cidr) return canonicalCidr(cidr.trim().toLowerCase());
  return r.DestinationPrefixListId?.trim().toLowerCase();
}

function target(r: Route): string {
  for (const f of TARGET_FIELDS) {
    const v = r[f];
    if (typeof v === 'string' && v) return v;
  }
  return 'unknown target';
}

function toIgw(r: Route | undefined): boolean {
  return !!r && target(r).startsWith('igw-');
}

function routesOf(t: RouteTable): Map<string, Route> {
  return indexBy(t.Routes ?? [], destination);
}

/** Explicit subnet associations (and the main-table flag) that are in force. */
function associations(t: RouteTable): string[] {
  const out = new Set<string>();
  for (const a of t.Associations ?? []) {
    const state = a.AssociationState?.State;
    if (state && state !== 'associated') continue;
    if (a.Main) out.add('main');
    if (a.SubnetId) out.add(a.SubnetId);
    if (a.GatewayId) out.add(a.GatewayId);
  }
  return [...out].sort(compareText);
}

function routeText(dest: string, r: Route): string {
  const state = r.State && r.State !== 'active' ? ` (${r.State})` : '';
  return `${dest} → ${target(r)}${state}`;
}

function routeChanges(tableId: string, before: RouteTable | undefined, after: RouteTable): Change[] {
  const b = before ? routesOf(before) : new Map<string, Route>();
  const a = routesOf(after);
  const tableWasPrivate = ![...b.values()].some(toIgw);
  const out: Change[] = [];
  for (const [dest, r] of a) {
    const old = b.get(dest);
    const id = `${tableId}/${dest}`;
    const local = target(r) === 'local';
    if (!old) {
      // A new table's local routes come with the VPC; they are not drift of their own.
      if (!before && local) continue;
      const severity = routeSeverity({ change: 'added', toInternetGateway: toIgw(r), tableWasPrivate, local });
      const hint = severity === 'high' ? ' — subnets using this table are now public' : '';
      out.push({
        kind: 'RouteTable',
        id,
        change: 'added',
        severity,
        summary: `${tableId} gained route ${routeText(dest, r)}${hint}; if unintended: aws ec2 delete-route --route-table-id ${tableId} ${destFlag(dest)}`,
      });
    } else if (target(old) !== target(r) || (old.State ?? 'active') !== (r.State ?? 'active')) {
      const stateOnly = target(old) === target(r);
      const severity = routeSeverity({ change: 'modified', toInternetGateway: toIgw(r) && !toIgw(old), tableWasPrivate, stateOnly, local });
      out.push({
        kind: 'RouteTable',
        id,
        change: 'modified',
        severity,
        summary: stateOnly
          ? `${tableId} route ${dest} to ${target(r)} is now ${r.State ?? 'active'} (was ${old.State ?? 'active'})${r.State === 'blackhole' ? ' — its target is gone and traffic is dropped; point it at a live target with aws ec2 replace-route' : ''}`
          : `${tableId} route ${dest} now goes to ${target(r)} (was ${target(old)})${severity === 'high' ? ' — subnets using this table are now public' : ''}; to restore: aws ec2 replace-route --route-table-id ${tableId} ${destFlag(dest)} ${targetFlag(old)}`,
      });
    }
  }
  for (const [dest, r] of b) {
    if (a.has(dest)) continue;
    out.push({
      kind: 'RouteTable',
      id: `${tableId}/${dest}`,
      change: 'removed',
      severity: routeSeverity({ change: 'removed', toInternetGateway: toIgw(r), tableWasPrivate }),
      summary: `${tableId} lost route ${routeText(dest, r)} — traffic to ${dest} now takes a less specific route or is dropped; restore with aws ec2 create-route --route-table-id ${tableId} ${destFlag(dest)} ${targetFlag(r)}`,
    });
  }
  return out;
}

function destFlag(dest: string): string {
  if (dest.startsWith('pl-')) return `--destination-prefix-list-id ${dest}`;
  return dest.includes(':') ? `--destination-ipv6-cidr-block ${dest}` : `--destination-cidr-block ${dest}`;
}

const TARGET_FLAGS: Record<string, string> = {
  GatewayId: '--gateway-id',
  NatGatewayId: '--nat-gateway-id',
  EgressOnlyInternetGatewayId: '--egress-only-internet-gateway-id',
  TransitGatewayId: '--transit-gateway-id',
  VpcPeeringConnectionId: '--vpc-peering-connection-id',
  LocalGatewayId: '--local-gateway-id',
  CarrierGatewayId: '--carrier-gateway-id',
  CoreNetworkArn: '--core-network-arn',
  InstanceId: '--instance-id',
  NetworkInterfaceId: '--network-interface-id',
};

function targetFlag(r: Route): string {
  for (const f of TARGET_FIELDS) {
    const v = r[f];
    if (typeof v === 'string' && v) return `${TARGET_FLAGS[f]} ${v}`;
  }
  return '';
}

/** RouteTable drift: tables added/removed, routes added/removed/retargeted, association changes. */
export function diffRouteTables(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.aws.routeTables, (t) => t.RouteTableId);
  const after = indexBy(current.aws.routeTables, (t) => t.RouteTableId);
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const changes: Change[] = [];
  for (const id of removed) {
    const assoc = associations(before.get(id)!);
    changes.push({
      kind: 'RouteTable',
      id,
      change: 'removed',
      severity: containerSeverity('removed'),
      summary: `Route table ${id} no longer exists — subnets that used it (${assoc.join(', ') || 'none'}) now use the VPC's main table; check aws ec2 describe-route-tables`,
    });
  }
  for (const id of added) {
    const t = after.get(id)!;
    const assoc = associations(t);
    const publicRoute = [...routesOf(t).values()].some(toIgw);
    changes.push({
      kind: 'RouteTable',
      id,
      change: 'added',
      severity: assoc.length ? associationSeverity(publicRoute, true) : containerSeverity('added'),
      summary: `New route table ${id}${assoc.length ? ` used by ${assoc.join(', ')}` : ' (not associated)'}${publicRoute && assoc.length ? ' with a route to an internet gateway — those subnets are public' : ''}; its routes are listed separately`,
    });
    changes.push(...routeChanges(id, undefined, t));
  }
  for (const id of both) {
    const b = before.get(id)!;
    const a = after.get(id)!;
    const was = associations(b);
    const now = associations(a);
    const gained = now.filter((s) => !was.includes(s));
    const lost = was.filter((s) => !now.includes(s));
    if (gained.length || lost.length) {
      const publicRoute = [...routesOf(a).values()].some(toIgw);
      const parts = [gained.length ? `is now used by ${gained.join(', ')}` : '', lost.length ? `is no longer used by ${lost.join(', ')}` : ''].filter(Boolean);
      changes.push({
        kind: 'RouteTable',
        id,
        change: 'modified',
        severity: associationSeverity(publicRoute, gained.length > 0),
        summary: `${id} ${parts.join('; ')}${gained.length && publicRoute ? ' — it routes to an internet gateway, so those subnets are public' : ''}; check with aws ec2 describe-route-tables --route-table-ids ${id}`,
      });
    }
    changes.push(...routeChanges(id, b, a));
  }
  return changes;
}

/** Subnet drift: added/removed, MapPublicIpOnLaunch. */
export function diffSubnets(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.aws.subnets, (s) => s.SubnetId);
  const after = indexBy(current.aws.subnets, (s) => s.SubnetId);
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const label = (s: Subnet) => `${s.SubnetId} (${[s.CidrBlock, s.AvailabilityZone].filter(Boolean).join(', ')})`;
  const changes: Change[] = [];
  for (const id of removed) {
    changes.push({ kind: 'Subnet', id, change: 'removed', severity: containerSeverity('removed'), summary: `Subnet ${label(before.get(id)!)} no longer exists — check node groups and the cluster's subnetIds that used it` });
  }
  for (const id of added) {
    const s = after.get(id)!;
    changes.push({
      kind: 'Subnet',
      id,
      change: 'added',
      severity: s.MapPublicIpOnLaunch ? 'medium' : containerSeverity('added'),
      summary: `New subnet ${label(s)}${s.MapPublicIpOnLaunch ? ' that gives new instances public IPs' : ''} — confirm it is expected`,
    });
  }
  for (const id of both) {
    const was = before.get(id)!.MapPublicIpOnLaunch === true;
    const now = after.get(id)!.MapPublicIpOnLaunch === true;
    if (was === now) continue;
    changes.push({
      kind: 'Subnet',
      id,
      change: 'modified',
      severity: mapPublicIpSeverity(now),
      summary: now
        ? `${id} now gives new instances a public IPv4 address (MapPublicIpOnLaunch true) — if unintended: aws ec2 modify-subnet-attribute --subnet-id ${id} --no-map-public-ip-on-launch`
        : `${id} no longer gives new instances a public IPv4 address (MapPublicIpOnLaunch false) — nodes launched there reach the internet only through a NAT gateway`,
    });
  }
  return changes;
}
