import type { IpPermission, NetworkAcl, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { makeFix, type Fix } from '../../model/result';
import { INTERNET_ADDRESS, type Address } from '../../model/cidr';
import type { Direction } from './security-groups';
import type { PortRange } from '../../model/protocol';
import { MAX_USER_RULE, type CompiledNacl } from './nacl';

/** The peer a new rule should name: a security group (inside the VPC) or a CIDR. */
export type FixPeer = { groupId: string } | { cidr: string };

export function hostCidr(a: Address): string {
  if (a === INTERNET_ADDRESS) return '0.0.0.0/0';
  return a.family === 4 ? `${a.text}/32` : `${a.text}/128`;
}

function protocolWord(protocol: number): string {
  return protocol === 6 ? 'tcp' : protocol === 17 ? 'udp' : String(protocol);
}

/**
 * `aws ec2 authorize-security-group-ingress|egress` adding one IpPermission (shorthand syntax as in the AWS CLI
 * examples, https://docs.aws.amazon.com/cli/latest/reference/ec2/authorize-security-group-ingress.html).
 */
export function securityGroupFix(groupId: string, direction: Direction, protocol: number, port: number, peer: FixPeer): Fix {
  const IpProtocol = protocolWord(protocol);
  const ports = protocol === 6 || protocol === 17;
  const permission: IpPermission = { IpProtocol };
  if (ports) {
    permission.FromPort = port;
    permission.ToPort = port;
  }
  let peerArg: string;
  let peerText: string;
  if ('groupId' in peer) {
    permission.UserIdGroupPairs = [{ GroupId: peer.groupId }];
    peerArg = `UserIdGroupPairs='[{GroupId=${peer.groupId}}]'`;
    peerText = `security group ${peer.groupId}`;
  } else if (peer.cidr.includes(':')) {
    permission.Ipv6Ranges = [{ CidrIpv6: peer.cidr }];
    peerArg = `Ipv6Ranges='[{CidrIpv6=${peer.cidr}}]'`;
    peerText = peer.cidr;
  } else {
    permission.IpRanges = [{ CidrIp: peer.cidr }];
    peerArg = `IpRanges='[{CidrIp=${peer.cidr}}]'`;
    peerText = peer.cidr;
  }
  const portArgs = ports ? `,FromPort=${port},ToPort=${port}` : '';
  const what = ports ? `${IpProtocol.toUpperCase()} ${port}` : protocol === 132 ? 'SCTP (all ports)' : `protocol ${protocol}`;
  return makeFix({
    kind: 'security-group',
    description: `Allow ${what} ${direction === 'ingress' ? 'in from' : 'out to'} ${peerText} in ${groupId}.`,
    text: `aws ec2 authorize-security-group-${direction} --group-id ${groupId} --ip-permissions IpProtocol=${IpProtocol}${portArgs},${peerArg}`,
    object: { groupId, direction, permission },
  });
}

export interface NaclFixPart {
  networkAclId: string;
  egress: boolean;
  ruleNumber: number;
  protocol: number;
  ports: PortRange;
  cidr: string;
}

/** One `create-network-acl-entry` (https://docs.aws.amazon.com/cli/latest/reference/ec2/create-network-acl-entry.html). */
function naclEntry(p: NaclFixPart): { object: { networkAclId: string; entry: NetworkAclEntry }; text: string } {
  const portsApply = p.protocol === 6 || p.protocol === 17;
  const v6 = p.cidr.includes(':');
  const entry: NetworkAclEntry = {
    RuleNumber: p.ruleNumber,
    Protocol: String(p.protocol),
    RuleAction: 'allow',
    Egress: p.egress,
    ...(v6 ? { Ipv6CidrBlock: p.cidr } : { CidrBlock: p.cidr }),
    ...(portsApply ? { PortRange: { From: p.ports.from, To: p.ports.to } } : {}),
  };
  const text =
    `aws ec2 create-network-acl-entry --network-acl-id ${p.networkAclId} ${p.egress ? '--egress' : '--ingress'}` +
    ` --rule-number ${p.ruleNumber} --protocol ${protocolWord(p.protocol)}` +
    (portsApply ? ` --port-range From=${p.ports.from},To=${p.ports.to}` : '') +
    ` ${v6 ? '--ipv6-cidr-block' : '--cidr-block'} ${p.cidr} --rule-action allow`;
  return { object: { networkAclId: p.networkAclId, entry }, text };
}

/**
 * A NACL fix. With one entry `object` is `{ networkAclId, entry }`; when the return path is blocked in both NACLs
 * it is an array of them, and `text` holds one command per line.
 */
export function naclFix(parts: NaclFixPart[], description: string): Fix {
  const built = parts.map(naclEntry);
  return makeFix({
    kind: 'nacl',
    description,
    text: built.map((b) => b.text).join('\n'),
    object: built.length === 1 ? built[0]!.object : built.map((b) => b.object),
  });
}

/** What `naclRuleNumber` needs of a NACL: its compiled entries, or the API's `Entries`. */
export type NaclRules = Pick<CompiledNacl, 'ingress' | 'egress'> | Pick<NetworkAcl, 'Entries'>;

function usedRuleNumbers(nacl: NaclRules, egress: boolean): number[] {
  if ('ingress' in nacl) return (egress ? nacl.egress : nacl.ingress).map((e) => e.ruleNumber);
  return (nacl.Entries ?? []).filter((e) => (e.Egress ?? false) === egress && e.RuleNumber !== undefined).map((e) => e.RuleNumber!);
}

/**
 * THE rule number for a new allow entry, for every command that suggests one (whoami-reach's fixes, posture's
 * findings): lower than `below` (the first rule that denies; undefined = only the `*` rule denies), since rules are
 * evaluated "starting with the lowest numbered rule" and the first match wins
 * (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html), and at most 32766, the highest number a user
 * can create. Prefers the next multiple of 10 after the highest rule below `below` (AWS's examples number rules in
 * steps of 10 or 100, leaving room to insert), else the highest free number below `below`. `reserved` holds numbers
 * already planned for other entries in the same direction. Undefined when every lower number is taken.
 */
export function naclRuleNumber(nacl: NaclRules, egress: boolean, below: number | undefined, reserved: number[] = []): number | undefined {
  const limit = Math.min(below ?? MAX_USER_RULE + 1, MAX_USER_RULE + 1);
  const used = new Set([...usedRuleNumbers(nacl, egress), ...reserved]);
  let prev = 0;
  for (const n of used) if (n < limit && n > prev) prev = n;
  const round = Math.floor(prev / 10) * 10 + 10;
  if (round < limit && !used.has(round)) return round;
  for (let n = limit - 1; n >= 1; n--) if (!used.has(n)) return n;
  return undefined;
}
