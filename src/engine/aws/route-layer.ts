import type { LayerResult } from '../../model/result';
import { isPublicAddress, type Address } from '../../model/cidr';
import { notEvaluated, result, type AwsContext, type PlacedFlow } from './context';
import type { Side } from './placement';
import { longestPrefixMatch, type CompiledRoute, type CompiledTable } from './route';

// Internet reachability (notes §3): https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Internet_Gateway.html
// (IPv4 through an IGW needs a public IP on the source private IP), .../vpc-nat-gateway.html (NAT gateway in a
// subnet routed to the IGW), .../egress-only-internet-gateway.html (IPv6 only, outbound only). An internet gateway
// only carries traffic to and from public addresses, so a private IPv4 destination routed to one goes nowhere.
// Beyond a transit gateway, peering connection, VPN gateway or network interface the snapshot has no data: never allow.

const LAYER = 'route';

function describeRoute(table: CompiledTable, r: CompiledRoute): string {
  return `${table.id} routes ${r.destination} to ${r.target}`;
}

/** IPv4 addresses the internet gateway cannot deliver (RFC 1918, 100.64.0.0/10, ...). */
function privateBehindIgw(a: Address): boolean {
  return a.family === 4 && !isPublicAddress(a);
}

function privateThroughIgw(context: string, address: string, igw: string, objects: string[]): LayerResult {
  return result(
    LAYER,
    'deny',
    `${context} routes ${address} to ${igw}, but an internet gateway does not deliver private addresses; a VPN, Direct Connect, transit gateway or peering route is needed.`,
    objects,
  );
}

function beyondUnknownTarget(table: CompiledTable, r: CompiledRoute, what: string, objects: string[]): LayerResult {
  return notEvaluated(LAYER, `${describeRoute(table, r)}; what lies beyond ${r.target} (${what}) is not in the snapshot and was not checked.`, objects);
}

export function routeLayer(ctx: AwsContext, f: PlacedFlow): LayerResult {
  const s = f.eff.side;
  const d = f.dst.side;
  // IPv4 and IPv6 are separate: a source with no IPv6 address (a pod of an IPv4 cluster, an ENI without
  // Ipv6Addresses) cannot open a connection to an IPv6 address (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-ip-addressing.html).
  if (s.kind === 'eni' && s.address.family === 4 && d.address.family === 6) {
    return result(
      LAYER,
      'deny',
      `${f.eff.text} has no IPv6 address (${s.eni.id} holds none for it), so it cannot reach the IPv6 address ${f.dstText}; assign IPv6 addresses (an IPv6 cluster) or use an IPv4 destination.`,
      [s.eni.id],
    );
  }
  const srcVpc = s.kind === 'eni' ? (s.eni.vpcId ?? s.vpcId) : s.kind === 'unplaced' ? s.vpcId : undefined;
  if (s.kind !== 'outside' && d.kind !== 'outside' && srcVpc && ctx.placement.inVpc(d.address, srcVpc)) {
    return result(LAYER, 'allow', `${f.eff.text} and ${f.dstText} are both inside ${srcVpc}, so the local route carries the traffic.`);
  }
  if (s.kind === 'unplaced') return notEvaluated(LAYER, s.reason);
  if (s.kind === 'outside') {
    if (d.kind === 'unplaced') return notEvaluated(LAYER, d.reason);
    if (d.kind === 'outside') return result(LAYER, 'allow', 'Does not apply: neither end is inside the VPC.');
    return inbound(ctx, f, s, d);
  }
  return outbound(ctx, f, s);
}

function tableOf(ctx: AwsContext, side: Side & { kind: 'eni' }): CompiledTable | string {
  return ctx.routes.tableFor(side.eni.subnetId, side.eni.vpcId);
}

/** From an ENI in the VPC to an address outside it: longest-prefix route in the effective source subnet's table. */
function outbound(ctx: AwsContext, f: PlacedFlow, s: Side & { kind: 'eni' }): LayerResult {
  const missing = ctx.missing.get('RouteTables');
  if (missing) return notEvaluated(LAYER, missing);
  const table = tableOf(ctx, s);
  if (typeof table === 'string') return notEvaluated(LAYER, table);
  const dst = f.dst.side.address;
  const r = longestPrefixMatch(table, dst);
  if (!r) {
    return result(LAYER, 'deny', `${table.id} (${s.eni.subnetId}) has no route to ${f.dstText}; add a ${dst.family === 6 ? '::/0' : '0.0.0.0/0'} route to a NAT or internet gateway.`, [table.id]);
  }
  if (r.blackhole) {
    return result(LAYER, 'deny', `${describeRoute(table, r)}, but that route is a blackhole (its target no longer exists), so traffic to ${f.dstText} is dropped; point it at a working gateway.`, [table.id, r.target]);
  }
  switch (r.kind) {
    case 'local':
      return result(LAYER, 'allow', `${describeRoute(table, r)}: the local route carries traffic to ${f.dstText}.`, [table.id]);
    case 'igw': {
      if (privateBehindIgw(dst)) return privateThroughIgw(`${table.id} (${r.destination})`, dst.text, r.target, [table.id, r.target]);
      if (dst.family === 6) {
        return result(LAYER, 'allow', `${describeRoute(table, r)}; IPv6 addresses are public, so ${f.eff.text} reaches ${f.dstText} directly.`, [table.id, r.target]);
      }
      const publicIp = s.eni.publicIps.get(s.address.text);
      if (publicIp) {
        return result(LAYER, 'allow', `${describeRoute(table, r)}, which translates ${s.address.text} to its public IP ${publicIp}.`, [table.id, r.target]);
      }
      const why = f.eff.keepsPodIp ? ` (${f.eff.keepsPodIp})` : '';
      return result(
        LAYER,
        'deny',
        `${describeRoute(table, r)}, but ${s.address.text}${why} has no public IPv4 address for it to translate to; route 0.0.0.0/0 through a NAT gateway or associate an Elastic IP with ${s.address.text}.`,
        [table.id, r.target, s.eni.id],
      );
    }
    case 'nat':
      return throughNat(ctx, f, table, r);
    case 'eigw':
      return dst.family === 6
        ? result(LAYER, 'allow', `${describeRoute(table, r)} (egress-only internet gateway), which carries outbound IPv6.`, [table.id, r.target])
        : result(LAYER, 'deny', `${describeRoute(table, r)}, an egress-only internet gateway, which carries IPv6 only; route IPv4 through a NAT gateway.`, [table.id, r.target]);
    default:
      return beyondUnknownTarget(table, r, `traffic to ${f.dstText}`, [table.id, r.target]);
  }
}

/** A public NAT gateway works when it is available and its own subnet routes the destination to an internet gateway. */
function throughNat(ctx: AwsContext, f: PlacedFlow, table: CompiledTable, r: CompiledRoute): LayerResult {
  const missing = ctx.missing.get('NatGateways');
  if (missing) return notEvaluated(LAYER, missing, [table.id, r.target]);
  const nat = ctx.routes.natGateways.get(r.target);
  if (!nat) {
    return notEvaluated(LAYER, `${describeRoute(table, r)}, but NAT gateway ${r.target} is not in the snapshot, so the path could not be checked.`, [table.id, r.target]);
  }
  if (nat.State !== 'available') {
    return result(LAYER, 'deny', `${describeRoute(table, r)}, but that NAT gateway is ${nat.State ?? 'in an unknown state'}, not available; create a working NAT gateway and point the route at it.`, [table.id, r.target]);
  }
  const natTable = ctx.routes.tableFor(nat.SubnetId, nat.VpcId ?? table.vpcId);
  if (typeof natTable === 'string') return notEvaluated(LAYER, natTable, [table.id, r.target]);
  const next = longestPrefixMatch(natTable, f.dst.side.address);
  const objects = [table.id, r.target, natTable.id];
  const via = `${describeRoute(table, r)}, whose subnet ${nat.SubnetId ?? ''}`.trimEnd();
  if (!next || next.blackhole) {
    return result(LAYER, 'deny', `${via} has no working route to ${f.dstText} in ${natTable.id}; add 0.0.0.0/0 → an internet gateway there.`, objects);
  }
  if (next.kind === 'igw') {
    if (nat.ConnectivityType === 'private') {
      return result(LAYER, 'deny', `${via} routes to ${next.target}, but ${r.target} is a private NAT gateway, which cannot reach the internet; use a public NAT gateway.`, objects);
    }
    if (privateBehindIgw(f.dst.side.address)) {
      return privateThroughIgw(`${describeRoute(table, r)}, whose ${natTable.id}`, f.dst.side.address.text, next.target, [...objects, next.target]);
    }
    return result(LAYER, 'allow', `${via} routes ${f.dstText} on to internet gateway ${next.target} in ${natTable.id}.`, [...objects, next.target]);
  }
  if (next.kind === 'other') {
    return notEvaluated(LAYER, `${via} routes ${f.dstText} on to ${next.target}; what lies beyond ${next.target} is not in the snapshot and was not checked.`, [...objects, next.target]);
  }
  return result(LAYER, 'deny', `${via} routes ${f.dstText} to ${next.target} in ${natTable.id}, which does not lead out of the VPC; route it to an internet gateway.`, objects);
}

/** From outside the VPC to an ENI: the destination needs a public address and an internet gateway route back. */
function inbound(ctx: AwsContext, f: PlacedFlow, s: Side & { kind: 'outside' }, d: Side & { kind: 'eni' }): LayerResult {
  const missing = ctx.missing.get('RouteTables');
  if (missing) return notEvaluated(LAYER, missing);
  const table = tableOf(ctx, d);
  if (typeof table === 'string') return notEvaluated(LAYER, table);
  const r = longestPrefixMatch(table, s.address);
  if (!r || r.blackhole) {
    return result(LAYER, 'deny', `${table.id} (${d.eni.subnetId}) has no working route back to ${f.eff.text}, so ${f.dstText} cannot be reached from there.`, [table.id]);
  }
  if (r.kind === 'igw') {
    if (privateBehindIgw(s.address)) {
      return result(
        LAYER,
        'deny',
        `${describeRoute(table, r)}, but an internet gateway does not carry traffic from private address ${s.address.text}; a VPN, Direct Connect, transit gateway or peering route is needed.`,
        [table.id, r.target],
      );
    }
    if (d.address.family === 6) {
      return result(LAYER, 'allow', `${describeRoute(table, r)}, and IPv6 address ${d.address.text} is public.`, [table.id, r.target]);
    }
    const publicIp = d.eni.publicIps.get(d.address.text);
    if (publicIp) {
      return result(LAYER, 'allow', `${f.dstText} is reachable at public IP ${publicIp} through ${r.target} (${table.id}).`, [table.id, r.target]);
    }
    return result(
      LAYER,
      'deny',
      `${f.dstText} (${d.address.text}) has no public IPv4 address, so ${f.eff.text} cannot reach it through ${r.target}; expose it through a load balancer or associate an Elastic IP.`,
      [table.id, r.target, d.eni.id],
    );
  }
  if (r.kind === 'nat' || r.kind === 'eigw' || r.kind === 'local') {
    return result(LAYER, 'deny', `${describeRoute(table, r)}, which only carries connections opened from inside the VPC, so ${f.eff.text} cannot open one to ${f.dstText}; expose it through a load balancer.`, [table.id, r.target]);
  }
  return beyondUnknownTarget(table, r, `traffic from ${f.eff.text}`, [table.id, r.target]);
}
