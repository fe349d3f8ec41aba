import type { CheckFinding } from '../pack';
import { Cidr, parseAddress } from '../../model/cidr';
import { rangeText } from '../../model/protocol';
import { evaluateNacl, ruleName, type CompiledNacl, type Segment } from '../../engine/aws/nacl';
import { cidrsExcept, evaluateNaclOverBlock } from '../../engine/aws/nacl-block';
import type { CompiledTable } from '../../engine/aws/route';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { naclRuleNumber } from '../../engine/aws/fixes';
import type { PostureCheck } from '../types';

// Traffic entering a subnet must pass its NACL before it reaches the interface's security groups
// (https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison), so a
// security group rule the NACL denies has no effect. Checked for TCP/UDP rules with CIDR (and managed prefix list)
// sources, per port: each port range the NACL denies is its own finding with its own fix. Left out, because no such
// traffic can arrive: sources inside the interface's own subnet (NACLs do not see traffic inside a subnet), IPv6
// sources when the subnet has no IPv6 CIDR block, and sources the subnet's route table has no route back to (a TCP
// or UDP exchange needs the answer to get back: https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html).
// All-protocol rules and group references are not compared.

interface Denial {
  aclId: string;
  groupId: string;
  protocol: 'tcp' | 'udp';
  /** The denied ports and the NACL rule that denies them. */
  segment: Segment;
  subnets: Set<string>;
  /** The security group rules that admit these ports, as the engine names them. */
  rules: Set<string>;
  /** The rules' source blocks the NACL denies these ports for (some perhaps only in part). */
  sources: Set<string>;
  /** How the summary names the denied sources: a block, or "BLOCK except ALLOWED". */
  described: Set<string>;
}

export const naclDeniesSgAllowed: PostureCheck = {
  id: 'nacl-denies-sg-allowed',
  run(ctx: PostureContext): CheckFinding[] {
    const lacking = ctx.lacking(['NetworkAcls', 'SecurityGroups', 'NetworkInterfaces', 'Subnets']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const found = new Map<string, Denial>();
    // Thousands of ENIs share a few (subnet, group) pairs: evaluate each pair once.
    const seen = new Set<string>();
    for (const eni of ctx.placement.enisById.values()) {
      if (!eni.subnetId) continue;
      const subnetId = eni.subnetId;
      const subnet = ctx.subnetsById.get(subnetId);
      const nacl = ctx.nacls.naclFor(subnetId, subnet?.VpcId ?? eni.vpcId);
      if (typeof nacl === 'string') continue;
      const subnetBlocks = ctx.placement.subnetsById.get(subnetId)?.cidrs ?? [];
      const ipv6 = ctx.hasIpv6(subnetId);
      const table = ctx.routeTableFor(subnetId);
      for (const groupId of eni.groupIds) {
        const pair = `${subnetId} ${groupId}`;
        if (seen.has(pair)) continue;
        seen.add(pair);
        for (const rule of ctx.securityGroups.rulesOf(groupId, 'ingress') ?? []) {
          if (rule.protocol !== 6 && rule.protocol !== 17) continue;
          const protocol = rule.protocol === 6 ? 'tcp' : 'udp';
          const prefixListCidrs = rule.prefixListIds.flatMap((id) => ctx.securityGroups.prefixListCidrs(id) ?? []);
          for (const cidr of [...rule.cidrs, ...prefixListCidrs]) {
            if (subnetBlocks.some((b) => b.covers(cidr))) continue;
            if (cidr.family === 6 && !ipv6) continue;
            if (!routesBack(table, cidr)) continue;
            for (const { segment, cidrs } of deniedParts(nacl, rule.protocol, cidr, { from: rule.fromPort, to: rule.toPort })) {
              const allowed = cidr.family === 4 && !(cidrs.length === 1 && cidrs[0] === cidr.text) ? cidrsExcept(cidr, cidrs) : [];
              const key = `${nacl.id} ${groupId} ${protocol} ${segment.from}-${segment.to} ${segment.ruleNumber ?? '*'}`;
              const d = found.get(key) ?? { aclId: nacl.id, groupId, protocol, segment, subnets: new Set(), rules: new Set(), sources: new Set(), described: new Set() };
              d.subnets.add(subnetId);
              d.rules.add(rule.text);
              d.sources.add(cidr.text);
              if (allowed.length === 0) d.described.add(cidr.text);
              else if (allowed.length < cidrs.length) d.described.add(`${cidr.text} except ${listSome(allowed, 3)}`);
              else for (const c of cidrs) d.described.add(c);
              found.set(key, d);
            }
          }
        }
      }
    }
    return [...found.values()].map((d) => {
      const acl = ctx.snap.aws.networkAcls.find((a) => a.NetworkAclId === d.aclId)!;
      const ports = rangeText(d.segment);
      // Allowing a rule's whole source block ahead of the deny admits exactly the denied parts (the rest is allowed already).
      const cidrs = [...d.sources].sort();
      const reserved: number[] = [];
      const entries = cidrs.map((c) => {
        const family = c.includes(':') ? '--ipv6-cidr-block' : '--cidr-block';
        const number = naclRuleNumber(acl, false, d.segment.ruleNumber ?? 32767, reserved);
        if (number !== undefined) reserved.push(number);
        return number !== undefined
          ? `aws ec2 create-network-acl-entry --network-acl-id ${d.aclId} --ingress --rule-number ${number} --protocol ${d.protocol} --port-range From=${d.segment.from},To=${d.segment.to} ${family} ${c} --rule-action allow`
          : undefined;
      });
      const allNumbered = entries.every((e) => e !== undefined);
      return {
        id: this.id,
        object: d.aclId,
        summary: `${d.aclId} (subnets ${listSome([...d.subnets])}) denies ${d.protocol.toUpperCase()} ${ports} from ${listSome([...d.described], 4)} (${ruleName(d.segment.ruleNumber)}), which ${d.groupId} admits (${[...d.rules].sort().join('; ')}); the NACL is evaluated first, so on ${d.protocol.toUpperCase()} ${ports} these security group rules have no effect (Amazon VPC User Guide: compare security groups and network ACLs).`,
        fix: allNumbered
          ? `${entries.join(' && ')} (or, if the NACL is right, revoke ${d.protocol.toUpperCase()} ${ports} from ${d.groupId})`
          : `Renumber the inbound rules of ${d.aclId} to allow ${d.protocol.toUpperCase()} ${ports} from ${cidrs.join(', ')} before ${ruleName(d.segment.ruleNumber)}, or revoke it from ${d.groupId}.`,
      };
    });
  },
};

/** Every denied port range of the rule's ports from `cidr`, with the parts of `cidr` it is denied for. */
function deniedParts(nacl: CompiledNacl, protocol: number, cidr: Cidr, range: { from: number; to: number }): { segment: Segment; cidrs: string[] }[] {
  if (cidr.family === 4) {
    return evaluateNaclOverBlock(nacl, false, protocol, cidr, range).flatMap((d) => d.denied.map((segment) => ({ segment, cidrs: d.cidrs })));
  }
  // IPv6 blocks: decided at the block's first address (NACL IPv6 entries are rarely finer than the rules' blocks).
  const first = parseAddress(cidr.text.split('/')[0]!);
  if (!first) return [];
  return evaluateNacl(nacl, false, protocol, first, range)
    .filter((s) => !s.allow)
    .map((segment) => ({ segment, cidrs: [cidr.text] }));
}

/** Can an answer from the subnet get back to `cidr`? Some active route must cover part of it; unknown tables count as yes. */
function routesBack(table: CompiledTable | undefined, cidr: Cidr): boolean {
  if (!table) return true;
  return table.routes.some((r) => !r.blackhole && r.cidr.family === cidr.family && (r.cidr.covers(cidr) || cidr.covers(r.cidr)));
}
