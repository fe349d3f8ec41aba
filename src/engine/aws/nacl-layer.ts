import { withReturnGap, type LayerResult } from '../../model/result';
import type { Address } from '../../model/cidr';
import { notEvaluated, result, type AwsContext, type PlacedFlow } from './context';
import { hostCidr, naclFix, naclRuleNumber, type NaclFixPart } from './fixes';
import { evaluateNacl, ruleName, type CompiledNacl, type Segment } from './nacl';
import type { Side } from './placement';
import { EPHEMERAL_FROM, EPHEMERAL_TO, rangeText } from '../../model/protocol';

// NACLs act only where traffic crosses a subnet boundary, and statelessly: request out, request in, and the
// response on the client's ephemeral ports (https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html).

const SAME_SUBNET = 'Same subnet: NACLs are not evaluated inside a subnet.';
const EPHEMERAL = { from: EPHEMERAL_FROM, to: EPHEMERAL_TO };

function subnetOf(ctx: AwsContext, side: Side): string | undefined {
  if (side.kind === 'eni') return side.eni.subnetId;
  if (side.kind === 'unplaced') return ctx.placement.subnetOfAddress(side.address)?.id;
  return undefined;
}

/** The CIDR a new NACL entry should name for the peer: its subnet's block, else the address itself. */
function fixCidr(ctx: AwsContext, peer: Side): string {
  if (peer.kind === 'eni') {
    const subnetCidr = ctx.placement.subnetCidrFor(peer.eni.subnetId, peer.address.family);
    if (subnetCidr) return subnetCidr;
  }
  return hostCidr(peer.address);
}

/**
 * The CIDR a new return-path entry should name: the VPC block holding the client, so one entry serves
 * every client in the VPC (the ephemeral range is the clients' own choice; AWS's guidance opens it to
 * the whole range of clients, https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html)
 * and fixes for several flows never compete for the same rule number with different blocks.
 */
function returnFixCidr(ctx: AwsContext, peer: Side): string {
  if (peer.kind !== 'outside') {
    const vpcId = peer.kind === 'eni' ? peer.eni.vpcId ?? peer.vpcId : peer.vpcId;
    const block = (vpcId ? ctx.placement.vpcCidrs.get(vpcId) ?? [] : []).find((c) => c.contains(peer.address));
    if (block) return block.text;
  }
  return fixCidr(ctx, peer);
}

function naclOf(ctx: AwsContext, side: Side & { kind: 'eni' }): CompiledNacl | string {
  return ctx.nacls.naclFor(side.eni.subnetId, side.eni.vpcId);
}

export function naclOutbound(ctx: AwsContext, f: PlacedFlow): LayerResult {
  const layer = 'nacl-outbound';
  const s = f.eff.side;
  if (s.kind === 'outside') return result(layer, 'allow', `Does not apply: the source ${f.eff.text} is outside the VPC.`);
  if (s.kind === 'unplaced') return notEvaluated(layer, s.reason);
  const missing = ctx.missing.get('NetworkAcls');
  if (missing) return notEvaluated(layer, missing);
  const d = f.dst.side;
  const dstSubnet = subnetOf(ctx, d);
  if (d.kind === 'unplaced' && !dstSubnet) return notEvaluated(layer, d.reason);
  if (dstSubnet && dstSubnet === s.eni.subnetId) return result(layer, 'allow', SAME_SUBNET);
  const nacl = naclOf(ctx, s);
  if (typeof nacl === 'string') return notEvaluated(layer, nacl);
  return singlePort(ctx, layer, f, nacl, true, s.eni.subnetId, d, `out of ${s.eni.subnetId} to ${f.dstText}`);
}

export function naclInbound(ctx: AwsContext, f: PlacedFlow): LayerResult {
  const layer = 'nacl-inbound';
  const d = f.dst.side;
  if (d.kind === 'outside') return result(layer, 'allow', `Does not apply: the destination ${f.dstText} is outside the VPC.`);
  if (d.kind === 'unplaced') return notEvaluated(layer, d.reason);
  const missing = ctx.missing.get('NetworkAcls');
  if (missing) return notEvaluated(layer, missing);
  const s = f.eff.side;
  const srcSubnet = subnetOf(ctx, s);
  if (s.kind === 'unplaced' && !srcSubnet) return notEvaluated(layer, s.reason);
  if (srcSubnet && srcSubnet === d.eni.subnetId) return result(layer, 'allow', SAME_SUBNET);
  const nacl = naclOf(ctx, d);
  if (typeof nacl === 'string') return notEvaluated(layer, nacl);
  return singlePort(ctx, layer, f, nacl, false, d.eni.subnetId, s, `into ${d.eni.subnetId} from ${f.eff.text}`);
}

function singlePort(
  ctx: AwsContext,
  layer: 'nacl-outbound' | 'nacl-inbound',
  f: PlacedFlow,
  nacl: CompiledNacl,
  egress: boolean,
  subnetId: string | undefined,
  peer: Side,
  path: string,
): LayerResult {
  const port = f.flow.port;
  const [seg] = evaluateNacl(nacl, egress, f.protocol, peer.address, { from: port, to: port });
  const where = `${nacl.id}${subnetId ? ` (${subnetId})` : ''}`;
  if (seg?.allow) {
    return result(layer, 'allow', `${where} allows ${f.what} ${path} (${egress ? 'outbound' : 'inbound'} rule ${seg.ruleNumber}).`, [nacl.id]);
  }
  const ruleNumber = naclRuleNumber(nacl, egress, seg?.ruleNumber);
  const fix =
    ruleNumber === undefined
      ? undefined
      : naclFix(
          [{ networkAclId: nacl.id, egress, ruleNumber, protocol: f.protocol, ports: { from: port, to: port }, cidr: fixCidr(ctx, peer) }],
          `Allow ${f.what} ${path} in ${nacl.id}, numbered before the rule that denies it.`,
        );
  return result(
    layer,
    'deny',
    seg?.ruleNumber === undefined
      ? `No ${egress ? 'outbound' : 'inbound'} rule of ${where} allows ${f.what} ${path}, so the final * rule denies it; add an allow entry.`
      : `${where} denies ${f.what} ${path} at its ${egress ? 'outbound' : 'inbound'} rule ${seg.ruleNumber}; add an allow entry numbered below it.`,
    [nacl.id],
    fix,
  );
}

interface ReturnCheck {
  nacl: CompiledNacl;
  egress: boolean;
  /** The other end of the response, as the NACL entry's CidrBlock must match it. */
  peer: Address;
  peerSide: Side;
  blocked: Segment[];
}

/** The response (server port → client's 32768-60999): the server NACL's egress and the client NACL's ingress. */
export function naclReturn(ctx: AwsContext, f: PlacedFlow): LayerResult {
  const layer = 'nacl-return';
  const s = f.eff.side;
  const d = f.dst.side;
  if (s.kind === 'unplaced') return notEvaluated(layer, s.reason);
  if (d.kind === 'unplaced') return notEvaluated(layer, d.reason);
  if (s.kind === 'outside' && d.kind === 'outside') return result(layer, 'allow', 'Does not apply: neither end is inside the VPC.');
  const missing = ctx.missing.get('NetworkAcls');
  if (missing) return notEvaluated(layer, missing);
  if (s.kind === 'eni' && d.kind === 'eni' && s.eni.subnetId && s.eni.subnetId === d.eni.subnetId) {
    return result(layer, 'allow', SAME_SUBNET);
  }
  const checks: ReturnCheck[] = [];
  for (const [owner, egress, peerSide] of [
    [d, true, s],
    [s, false, d],
  ] as const) {
    if (owner.kind !== 'eni') continue;
    const nacl = naclOf(ctx, owner);
    if (typeof nacl === 'string') return notEvaluated(layer, nacl);
    const segments = evaluateNacl(nacl, egress, f.protocol, peerSide.address, EPHEMERAL);
    checks.push({ nacl, egress, peer: peerSide.address, peerSide, blocked: segments.filter((x) => !x.allow) });
  }
  const ids = [...new Set(checks.map((c) => c.nacl.id))];
  const response = `responses from ${f.dstText}:${f.flow.port} back to ${f.eff.text}`;
  const failing = checks.filter((c) => c.blocked.length > 0);
  if (failing.length === 0) {
    return result(layer, 'allow', `${ids.join(' and ')} ${ids.length > 1 ? 'let' : 'lets'} ${response} through on the client's ephemeral ports ${rangeText(EPHEMERAL)}.`, ids);
  }
  const parts: NaclFixPart[] = [];
  const clauses = failing.map((c) => {
    const blocked = c.blocked.map((b) => `${rangeText(b)} (${ruleName(b.ruleNumber)})`).join(', ');
    const lowest = Math.min(...c.blocked.map((b) => b.ruleNumber ?? Number.MAX_SAFE_INTEGER));
    const ruleNumber = naclRuleNumber(c.nacl, c.egress, lowest === Number.MAX_SAFE_INTEGER ? undefined : lowest);
    if (ruleNumber !== undefined) {
      parts.push({
        networkAclId: c.nacl.id,
        egress: c.egress,
        ruleNumber,
        protocol: f.protocol,
        ports: EPHEMERAL,
        cidr: returnFixCidr(ctx, c.peerSide),
      });
    }
    return `${c.nacl.id} ${c.egress ? 'outbound' : 'inbound'} blocks ports ${blocked.replace(/, ([^,]*)$/, ' and $1')}`;
  });
  const fix = parts.length
    ? naclFix(parts, `Allow the response on ${rangeText(EPHEMERAL)} in ${parts.map((p) => p.networkAclId).join(' and ')}, numbered before the rules that block it.`)
    : undefined;
  return withReturnGap(result(
    layer,
    'deny',
    `NACLs are stateless and block ${response} on part of the client's ephemeral range ${rangeText(EPHEMERAL)}: ${clauses.join('; ')}.`,
    failing.map((c) => c.nacl.id),
    fix,
  ), { range: EPHEMERAL, blocked: mergeRanges(failing.flatMap((c) => c.blocked)) });
}

/** The union of port ranges, sorted and merged (what either NACL blocks, the client sees blocked). */
function mergeRanges(ranges: { from: number; to: number }[]): { from: number; to: number }[] {
  const out: { from: number; to: number }[] = [];
  for (const r of [...ranges].sort((a, b) => a.from - b.from)) {
    const last = out[out.length - 1];
    if (last && r.from <= last.to + 1) last.to = Math.max(last.to, r.to);
    else out.push({ from: r.from, to: r.to });
  }
  return out;
}
