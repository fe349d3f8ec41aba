import type { LayerResult } from '../../model/result';
import { INTERNET_ADDRESS, isPublicAddress } from '../../model/cidr';
import { notEvaluated, result, type AwsContext, type PlacedFlow } from './context';
import { hostCidr, securityGroupFix, type FixPeer } from './fixes';
import type { Side } from './placement';
import type { Peer } from './security-groups';

// Source egress and destination ingress (https://docs.aws.amazon.com/vpc/latest/userguide/security-groups.html):
// stateful, so only the request direction is checked.

/** Groups of the snapshot's VPCs: an ENI in another (peered) VPC cannot carry them. */
const localGroupsCache = new WeakMap<AwsContext, ReadonlySet<string>>();
function localGroups(ctx: AwsContext): ReadonlySet<string> {
  let set = localGroupsCache.get(ctx);
  if (!set) localGroupsCache.set(ctx, (set = new Set(ctx.sgs.groupIdsInVpcs(new Set(ctx.placement.vpcCidrs.keys())))));
  return set;
}

function peerOf(side: Side, ctx?: AwsContext): Peer {
  if (side.kind === 'eni') return { address: side.address, groups: side.eni.groupSet };
  if (side.kind === 'unplaced') {
    return {
      address: side.address,
      groupsUnknownReason: `no network interface in the snapshot holds ${side.address.text}, so its security groups are unknown.`,
    };
  }
  // A private address outside the VPC may be an ENI of a peered VPC, where a rule can reference its
  // group ("the referenced group ... in a peered VPC"); the snapshot cannot tell which groups it carries.
  // A public address never matches a group reference (references work by private IP only).
  if (side.address !== INTERNET_ADDRESS && !isPublicAddress(side.address)) {
    return {
      address: side.address,
      groupsUnknownReason: `${side.address.text} is outside this VPC (a peered VPC or another network), so whether it carries a referenced security group is not in the snapshot.`,
      notCarried: ctx ? localGroups(ctx) : undefined,
    };
  }
  return { address: side.address };
}

/** A new rule names the peer's group when it has one inside the VPC, else its address. */
function fixPeer(side: Side): FixPeer {
  if (side.kind === 'eni' && side.eni.groupIds[0]) return { groupId: side.eni.groupIds[0] };
  return { cidr: hostCidr(side.address) };
}

export function securityGroupEgress(ctx: AwsContext, f: PlacedFlow): LayerResult {
  const layer = 'security-group-egress';
  const s = f.eff.side;
  if (s.kind === 'outside') {
    return result(layer, 'allow', `Does not apply: the source ${f.eff.text} is outside the VPC, so no security group filters its outbound traffic.`);
  }
  if (s.kind === 'unplaced') return notEvaluated(layer, s.reason);
  const missing = ctx.missing.get('SecurityGroups');
  if (missing) return notEvaluated(layer, missing, s.eni.groupIds);
  const out = ctx.sgs.evaluate(s.eni, 'egress', f.protocol, f.flow.port, peerOf(f.dst.side, ctx));
  if (out.verdict === 'allow') {
    return result(layer, 'allow', `${out.rule.groupId} on ${s.eni.id} lets ${f.eff.text} send ${f.what} to ${f.dstText} (outbound rule: ${out.rule.text}).`, [out.rule.groupId]);
  }
  if (out.verdict === 'not-evaluated') return notEvaluated(layer, out.reason, out.groups);
  const target = s.eni.groupIds[0];
  const fix = target ? securityGroupFix(target, 'egress', f.protocol, f.flow.port, fixPeer(f.dst.side)) : undefined;
  const groups = out.groups.length ? out.groups.join(', ') : 'none';
  return result(
    layer,
    'deny',
    out.groups.length
      ? `No outbound rule in ${groups} (on ${s.eni.id}) lets ${f.eff.text} send ${f.what} to ${f.dstText}; add one to ${target}.`
      : `${s.eni.id} has no security groups, so ${f.eff.text} cannot send ${f.what} to ${f.dstText}; attach a group that allows it.`,
    [...out.groups, ...(out.groups.length ? [] : [s.eni.id])],
    fix,
  );
}

export function securityGroupIngress(ctx: AwsContext, f: PlacedFlow): LayerResult {
  const layer = 'security-group-ingress';
  const d = f.dst.side;
  if (d.kind === 'outside') {
    return result(layer, 'allow', `Does not apply: the destination ${f.dstText} is outside the VPC, so only the source's outbound rules apply.`);
  }
  if (d.kind === 'unplaced') return notEvaluated(layer, d.reason);
  const missing = ctx.missing.get('SecurityGroups');
  if (missing) return notEvaluated(layer, missing, d.eni.groupIds);
  const src = f.eff.side;
  const out = ctx.sgs.evaluate(d.eni, 'ingress', f.protocol, f.flow.port, peerOf(src, ctx));
  if (out.verdict === 'allow') {
    return result(layer, 'allow', `${out.rule.groupId} on ${d.eni.id} lets ${f.what} in from ${f.eff.text} (inbound rule: ${out.rule.text}).`, [out.rule.groupId]);
  }
  if (out.verdict === 'not-evaluated') return notEvaluated(layer, out.reason, out.groups);
  const target = d.eni.groupIds[0];
  const fix = target ? securityGroupFix(target, 'ingress', f.protocol, f.flow.port, fixPeer(src)) : undefined;
  const from = src.address === INTERNET_ADDRESS ? 'the internet (0.0.0.0/0)' : f.eff.text;
  return result(
    layer,
    'deny',
    out.groups.length
      ? `No inbound rule in ${out.groups.join(', ')} (on ${d.eni.id}) admits ${f.what} from ${from} to ${f.dstText}; add one to ${target}.`
      : `${d.eni.id} has no security groups, so nothing admits ${f.what} from ${from}; attach a group that allows it.`,
    out.groups.length ? out.groups : [d.eni.id],
    fix,
  );
}

/**
 * Verdict only, no reasons or fixes (the memoised engines ask per class pair): true exactly when
 * securityGroupEgress would answer deny.
 */
export function securityGroupEgressDenies(ctx: AwsContext, f: PlacedFlow): boolean {
  const s = f.eff.side;
  if (s.kind !== 'eni' || ctx.missing.get('SecurityGroups')) return false;
  return ctx.sgs.denies(s.eni, 'egress', f.protocol, f.flow.port, peerOf(f.dst.side, ctx));
}

/** Verdict only: true exactly when securityGroupIngress would answer deny. */
export function securityGroupIngressDenies(ctx: AwsContext, f: PlacedFlow): boolean {
  const d = f.dst.side;
  if (d.kind !== 'eni' || ctx.missing.get('SecurityGroups')) return false;
  return ctx.sgs.denies(d.eni, 'ingress', f.protocol, f.flow.port, peerOf(f.eff.side, ctx));
}
