import type { NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import type { Snapshot } from '../../model/snapshot';
import { Cidr, cidrMatches, type Address } from '../../model/cidr';
import { parseProtocol, type PortRange } from '../../model/protocol';

// Network ACL semantics (notes §2), https://docs.aws.amazon.com/vpc/latest/userguide/vpc-network-acls.html:
// stateless; rules evaluated "in order, starting with the lowest numbered rule"; first match wins; the `*` rule
// denies anything unmatched; CidrBlock entries match IPv4 only, Ipv6CidrBlock entries IPv6 only; PortRange applies
// to TCP and UDP only (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_NetworkAclEntry.html).

export interface CompiledEntry {
  ruleNumber: number;
  allow: boolean;
  protocol: number | 'all';
  ports?: PortRange;
  cidr?: Cidr;
}

export interface CompiledNacl {
  id: string;
  vpcId?: string;
  ingress: CompiledEntry[];
  egress: CompiledEntry[];
}

/** Part of a port range and what the NACL does with it; `ruleNumber` undefined = the final `*` rule. */
export interface Segment extends PortRange {
  allow: boolean;
  ruleNumber?: number;
}

/** The highest rule number a user can create; 32767/32768 are how the API prints the `*` rules. */
export const MAX_USER_RULE = 32766;

export class NaclIndex {
  private readonly bySubnet = new Map<string, CompiledNacl>();
  private readonly defaultByVpc = new Map<string, CompiledNacl>();

  constructor(snap: Snapshot) {
    for (const acl of snap.aws.networkAcls) {
      const compiled = compileNacl(acl);
      if (!compiled) continue;
      for (const a of acl.Associations ?? []) if (a.SubnetId) this.bySubnet.set(a.SubnetId, compiled);
      if (acl.IsDefault && acl.VpcId) this.defaultByVpc.set(acl.VpcId, compiled);
    }
  }

  /** The subnet's NACL: the one associated with it, else the VPC's default (notes §2). */
  naclFor(subnetId: string | undefined, vpcId: string | undefined): CompiledNacl | string {
    const associated = subnetId ? this.bySubnet.get(subnetId) : undefined;
    if (associated) return associated;
    const fallback = vpcId ? this.defaultByVpc.get(vpcId) : undefined;
    if (fallback) return fallback;
    return `No network ACL in the snapshot is associated with ${subnetId ?? 'the subnet'} and ${vpcId ?? 'its VPC'} has no default network ACL in the snapshot, so this layer could not be checked.`;
  }
}

function compileNacl(acl: NetworkAcl): CompiledNacl | undefined {
  if (!acl.NetworkAclId) return undefined;
  const ingress: CompiledEntry[] = [];
  const egress: CompiledEntry[] = [];
  for (const e of acl.Entries ?? []) {
    const c = compileEntry(e);
    if (c) (e.Egress ? egress : ingress).push(c);
  }
  // The order of Entries in the JSON is irrelevant: rules apply by RuleNumber.
  ingress.sort((a, b) => a.ruleNumber - b.ruleNumber);
  egress.sort((a, b) => a.ruleNumber - b.ruleNumber);
  return { id: acl.NetworkAclId, vpcId: acl.VpcId, ingress, egress };
}

function compileEntry(e: NetworkAclEntry): CompiledEntry | undefined {
  if (e.RuleNumber === undefined) return undefined;
  const protocol = parseProtocol(e.Protocol);
  if (protocol === undefined) return undefined;
  const cidr = Cidr.tryParse(e.CidrBlock ?? e.Ipv6CidrBlock);
  if (!cidr) return undefined;
  const portsApply = protocol === 6 || protocol === 17;
  const ports =
    portsApply && e.PortRange && e.PortRange.From !== undefined && e.PortRange.To !== undefined
      ? { from: e.PortRange.From, to: e.PortRange.To }
      : undefined;
  return { ruleNumber: e.RuleNumber, allow: (e.RuleAction ?? '').toLowerCase() === 'allow', protocol, ports, cidr };
}

/**
 * What the NACL does with every port of `range` for traffic to/from `peer`, honouring rule order: each rule decides
 * the ports still undecided that it covers; the rest fall to the final `*` deny.
 */
export function evaluateNacl(nacl: CompiledNacl, egress: boolean, protocol: number, peer: Address, range: PortRange): Segment[] {
  let open: PortRange[] = [range];
  const decided: Segment[] = [];
  for (const e of egress ? nacl.egress : nacl.ingress) {
    if (open.length === 0) break;
    if (e.protocol !== 'all' && e.protocol !== protocol) continue;
    if (!e.cidr || !cidrMatches(peer, e.cidr)) continue;
    const cover = e.ports ?? { from: 0, to: 65535 };
    const next: PortRange[] = [];
    for (const r of open) {
      const from = Math.max(r.from, cover.from);
      const to = Math.min(r.to, cover.to);
      if (from > to) {
        next.push(r);
        continue;
      }
      decided.push({ from, to, allow: e.allow, ruleNumber: e.ruleNumber > MAX_USER_RULE ? undefined : e.ruleNumber });
      if (r.from < from) next.push({ from: r.from, to: from - 1 });
      if (to < r.to) next.push({ from: to + 1, to: r.to });
    }
    open = next;
  }
  for (const r of open) decided.push({ ...r, allow: false });
  decided.sort((a, b) => a.from - b.from);
  return mergeSegments(decided);
}

function mergeSegments(segments: Segment[]): Segment[] {
  const out: Segment[] = [];
  for (const s of segments) {
    const last = out[out.length - 1];
    if (last && last.to + 1 === s.from && last.allow === s.allow && last.ruleNumber === s.ruleNumber) last.to = s.to;
    else out.push({ ...s });
  }
  return out;
}

export function ruleName(n: number | undefined): string {
  return n === undefined ? 'the final * rule' : `rule ${n}`;
}
