import type { IpPermission, NetworkAclEntry } from '@aws-sdk/client-ec2';
import { makeFix, type Fix } from '../../model/result';
import { INTERNET_ADDRESS, type Address } from '../../model/cidr';
import type { Direction } from './security-groups';
import type { PortRange } from '../../model/protocol';

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
