import type { Finding } from '../../model/result';
import { Cidr } from '../../model/cidr';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import { describePorts, ruleCidrs, rulePorts } from '../ip-permissions';
import { describeSegment, freeRuleNumber, naclForSubnet, walkNacl, type NaclSegment } from '../nacl-walk';
import type { PostureCheck } from '../types';

// Traffic entering a subnet must pass its NACL before it reaches the interface's security groups
// (https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison), so a
// security group rule the NACL denies has no effect. Checked for TCP/UDP rules with CIDR (and managed prefix list) sources outside the
// interface's own subnet (NACLs do not see traffic inside a subnet); all-protocol rules and group references are
// not compared.
export const naclDeniesSgAllowed: PostureCheck = {
  id: 'nacl-denies-sg-allowed',
  run(ctx: PostureContext): Finding[] {
    const lacking = ctx.lacking(['NetworkAcls', 'SecurityGroups', 'NetworkInterfaces', 'Subnets']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const groups = new Map(ctx.snap.aws.securityGroups.map((g) => [g.GroupId, g]));
    // One finding per (NACL, security group); the same pair seen through many ENIs is reported once.
    const found = new Map<string, { aclId: string; sgId: string; subnets: Set<string>; items: Set<string>; firstDeny: number; example?: { proto: string; cidr: string; seg: NaclSegment } }>();
    const seen = new Set<string>();
    for (const eni of ctx.snap.aws.networkInterfaces) {
      if (!eni.SubnetId) continue;
      const subnet = ctx.subnetsById.get(eni.SubnetId);
      const acl = naclForSubnet(ctx.snap.aws.networkAcls, eni.SubnetId, subnet?.VpcId ?? eni.VpcId);
      if (!acl?.NetworkAclId) continue;
      const subnetBlocks = [subnet?.CidrBlock, ...(subnet?.Ipv6CidrBlockAssociationSet ?? []).map((b) => b.Ipv6CidrBlock)]
        .map((c) => Cidr.tryParse(c))
        .filter((c): c is Cidr => c !== undefined);
      for (const g of eni.Groups ?? []) {
        const sg = groups.get(g.GroupId);
        if (!sg?.GroupId) continue;
        // Thousands of ENIs share a few (subnet, group) pairs: evaluate each pair once.
        const pair = `${eni.SubnetId} ${sg.GroupId}`;
        if (seen.has(pair)) continue;
        seen.add(pair);
        for (const p of sg.IpPermissions ?? []) {
          const ports = rulePorts(p);
          if (ports.protocol !== 'tcp' && ports.protocol !== 'udp') continue;
          const prefixListCidrs = (p.PrefixListIds ?? [])
            .flatMap((x) => (x.PrefixListId ? (ctx.snap.aws.prefixListEntries[x.PrefixListId] ?? []) : []))
            .map((t) => Cidr.tryParse(t))
            .filter((c): c is Cidr => c !== undefined);
          for (const cidr of [...ruleCidrs(p), ...prefixListCidrs]) {
            if (subnetBlocks.some((b) => b.covers(cidr))) continue;
            const { segments, exceptions } = walkNacl(acl, false, ports.protocol === 'tcp' ? 6 : 17, cidr, ports.from, ports.to);
            const denied = segments.filter((s) => !s.allow);
            if (denied.length === 0) continue;
            const key = `${acl.NetworkAclId} ${sg.GroupId}`;
            const entry = found.get(key) ?? { aclId: acl.NetworkAclId, sgId: sg.GroupId, subnets: new Set(), items: new Set(), firstDeny: 32767 };
            entry.subnets.add(eni.SubnetId);
            const except = exceptions.length ? ` except from ${exceptions.join(', ')}` : '';
            entry.items.add(`${describePorts(ports)} from ${cidr.text}${except}: denied on ${denied.map(describeSegment).join(', ')}`);
            for (const d of denied) {
              const n = d.ruleNumber ?? 32767;
              if (n <= entry.firstDeny) {
                entry.firstDeny = n;
                entry.example = { proto: ports.protocol, cidr: cidr.text, seg: d };
              }
            }
            found.set(key, entry);
          }
        }
      }
    }
    return [...found.values()].map((f) => {
      const acl = ctx.snap.aws.networkAcls.find((a) => a.NetworkAclId === f.aclId)!;
      const n = freeRuleNumber(acl, false, f.firstDeny);
      const ex = f.example!;
      const family = ex.cidr.includes(':') ? '--ipv6-cidr-block' : '--cidr-block';
      return {
        id: this.id,
        severity: 'medium',
        object: f.aclId,
        summary: `${f.aclId} (subnets ${listSome([...f.subnets])}) denies inbound traffic that ${f.sgId} admits (${[...f.items].sort().join('; ')}); the NACL is evaluated first, so these security group rules have no effect (Amazon VPC User Guide: compare security groups and network ACLs).`,
        fix:
          n !== undefined
            ? `aws ec2 create-network-acl-entry --network-acl-id ${f.aclId} --ingress --rule-number ${n} --protocol ${ex.proto} --port-range From=${ex.seg.from},To=${ex.seg.to} ${family} ${ex.cidr} --rule-action allow (or, if the NACL is right, revoke the rule from ${f.sgId})`
            : `Renumber the inbound rules of ${f.aclId} to allow what ${f.sgId} admits, or revoke the rule from ${f.sgId}.`,
      };
    });
  },
};
