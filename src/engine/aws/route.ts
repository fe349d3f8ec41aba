import type { NatGateway, Route, RouteTable } from '@aws-sdk/client-ec2';
import type { Snapshot } from '../../model/snapshot';
import { Cidr, cidrMatches, type Address } from '../../model/cidr';

// Route tables (notes §3), https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html: a subnet uses
// its explicitly associated table, else the VPC's main table; "we use the most specific route that matches the
// traffic (longest prefix match)"; IPv4 and IPv6 routes are separate.

export type TargetKind = 'local' | 'igw' | 'nat' | 'eigw' | 'other';

export interface CompiledRoute {
  cidr: Cidr;
  destination: string;
  target: string;
  kind: TargetKind;
  blackhole: boolean;
}

export interface CompiledTable {
  id: string;
  vpcId?: string;
  routes: CompiledRoute[];
}

export class RouteIndex {
  private readonly bySubnet = new Map<string, CompiledTable>();
  private readonly mainByVpc = new Map<string, CompiledTable>();
  readonly natGateways = new Map<string, NatGateway>();

  constructor(snap: Snapshot) {
    for (const t of snap.aws.routeTables) {
      const compiled = compileTable(t, snap.aws.prefixListEntries);
      if (!compiled) continue;
      for (const a of t.Associations ?? []) {
        if (a.SubnetId) this.bySubnet.set(a.SubnetId, compiled);
        if (a.Main && t.VpcId) this.mainByVpc.set(t.VpcId, compiled);
      }
    }
    for (const n of snap.aws.natGateways) if (n.NatGatewayId) this.natGateways.set(n.NatGatewayId, n);
  }

  tableFor(subnetId: string | undefined, vpcId: string | undefined): CompiledTable | string {
    const explicit = subnetId ? this.bySubnet.get(subnetId) : undefined;
    if (explicit) return explicit;
    const main = vpcId ? this.mainByVpc.get(vpcId) : undefined;
    if (main) return main;
    return `No route table in the snapshot is associated with ${subnetId ?? 'the subnet'} and ${vpcId ?? 'its VPC'} has no main route table in the snapshot, so the route could not be checked.`;
  }
}

/** The most specific route whose destination contains the address (a blackhole route still wins the match). */
export function longestPrefixMatch(table: CompiledTable, a: Address): CompiledRoute | undefined {
  let best: CompiledRoute | undefined;
  for (const r of table.routes) {
    if (!cidrMatches(a, r.cidr)) continue;
    if (!best || r.cidr.prefix > best.cidr.prefix) best = r;
  }
  return best;
}

function compileTable(t: RouteTable, prefixListEntries: Record<string, string[]>): CompiledTable | undefined {
  if (!t.RouteTableId) return undefined;
  const routes: CompiledRoute[] = [];
  for (const r of t.Routes ?? []) {
    const { target, kind } = targetOf(r);
    const blackhole = (r.State ?? 'active').toLowerCase() === 'blackhole';
    const destinations = r.DestinationCidrBlock
      ? [r.DestinationCidrBlock]
      : r.DestinationIpv6CidrBlock
        ? [r.DestinationIpv6CidrBlock]
        : r.DestinationPrefixListId
          ? (prefixListEntries[r.DestinationPrefixListId] ?? [])
          : [];
    for (const d of destinations) {
      const cidr = Cidr.tryParse(d);
      if (cidr) routes.push({ cidr, destination: r.DestinationPrefixListId ?? d, target, kind, blackhole });
    }
  }
  return { id: t.RouteTableId, vpcId: t.VpcId, routes };
}

function targetOf(r: Route): { target: string; kind: TargetKind } {
  const gw = r.GatewayId;
  if (gw === 'local') return { target: 'local', kind: 'local' };
  if (gw?.startsWith('igw-')) return { target: gw, kind: 'igw' };
  if (r.NatGatewayId) return { target: r.NatGatewayId, kind: 'nat' };
  if (r.EgressOnlyInternetGatewayId) return { target: r.EgressOnlyInternetGatewayId, kind: 'eigw' };
  const other =
    gw ??
    r.TransitGatewayId ??
    r.VpcPeeringConnectionId ??
    r.NetworkInterfaceId ??
    r.InstanceId ??
    r.LocalGatewayId ??
    r.CarrierGatewayId ??
    r.CoreNetworkArn ??
    'an unknown target';
  return { target: other, kind: 'other' };
}
