import { escapeControl } from '../../util/escape';
import { child, index, isObject, listField, Problems } from './field';
import { checkShape, EC2_SHAPES } from './shape';
import { ipFamily, parseCidr } from './names';

// EC2 documents checked against the limits the EC2 API documents, so that nothing EC2 would refuse (or never
// print) is analysed as if it were real:
// - NetworkAclEntry / CreateNetworkAclEntry (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_CreateNetworkAclEntry.html):
//   RuleNumber "Positive integer from 1 to 32766. The range 32767 to 65535 is reserved for internal use" (describe
//   prints the default `*` entries as 32767, IPv4, and 32768, IPv6: deny, all protocols, all addresses); a rule
//   number is unique within the ingress or the egress entries (NetworkAclEntryAlreadyExists); RuleAction
//   "allow | deny"; Protocol "-1" or a protocol number; PortRange "Required if specifying protocol 6 (TCP) or
//   17 (UDP)"; CidrBlock IPv4, Ipv6CidrBlock IPv6, one of them.
// - IpPermission (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html): IpProtocol
//   tcp, udp, icmp, icmpv6, -1 or a protocol number; for TCP/UDP FromPort..ToPort a range within 0-65535 with
//   FromPort <= ToPort; for ICMP the type and code, -1 to 255; IpRange.CidrIp an IPv4 CIDR, Ipv6Range.CidrIpv6
//   an IPv6 CIDR.
// - Subnet, Vpc, Route, NetworkInterface and prefix-list CIDRs and addresses: valid and of their field's family.
export const EC2_SOURCE = 'EC2 API limits';

function protocolNumber(text: unknown): number | 'all' | undefined {
  if (typeof text !== 'string' && typeof text !== 'number') return undefined;
  const t = String(text).trim().toLowerCase();
  if (t === '-1' || t === 'all') return 'all';
  const named: Record<string, number> = { tcp: 6, udp: 17, icmp: 1, icmpv6: 58 };
  if (t in named) return named[t];
  if (!/^\d{1,3}$/.test(t)) return undefined;
  const n = Number(t);
  return n <= 255 ? n : undefined;
}

function checkCidr(p: Problems, path: string, value: unknown, family: 4 | 6, required = false): void {
  if (value === undefined || value === null) {
    if (required) p.required(path);
    return;
  }
  const parsed = typeof value === 'string' ? parseCidr(value) : undefined;
  if (!parsed) p.invalid(path, value, `must be an ${family === 4 ? 'IPv4' : 'IPv6'} CIDR block (address/prefix, prefix 0-${family === 4 ? 32 : 128})`);
  else if (parsed.family !== family) p.invalid(path, value, `must be an ${family === 4 ? 'IPv4' : 'IPv6'} CIDR block, not ${family === 4 ? 'IPv6' : 'IPv4'}`);
}

function checkAddress(p: Problems, path: string, value: unknown, family: 4 | 6): void {
  if (value === undefined || value === null) return;
  const f = typeof value === 'string' ? ipFamily(value) : undefined;
  if (f !== family) p.invalid(path, value, `must be an ${family === 4 ? 'IPv4' : 'IPv6'} address`);
}

function isInt(v: unknown): v is number {
  return typeof v === 'number' && Number.isInteger(v);
}

function checkPermission(p: Problems, path: string, perm: unknown): void {
  if (!isObject(perm)) {
    p.invalid(path, perm, 'must be an IpPermission object');
    return;
  }
  const proto = protocolNumber(perm.IpProtocol);
  if (perm.IpProtocol === undefined) p.required(child(path, 'IpProtocol'));
  else if (proto === undefined) p.notSupported(child(path, 'IpProtocol'), perm.IpProtocol, ['tcp', 'udp', 'icmp', 'icmpv6', '-1', '0-255']);
  const from = perm.FromPort;
  const to = perm.ToPort;
  for (const [key, v] of [['FromPort', from], ['ToPort', to]] as const) if (v !== undefined && v !== null && !isInt(v)) p.invalid(child(path, key), v, 'must be an integer');
  if (proto === 6 || proto === 17) {
    if (!isInt(from)) p.required(child(path, 'FromPort'), 'a TCP or UDP rule has a port range');
    else if (from < 0 || from > 65535) p.invalid(child(path, 'FromPort'), from, 'must be between 0 and 65535');
    if (!isInt(to)) p.required(child(path, 'ToPort'), 'a TCP or UDP rule has a port range');
    else if (to < 0 || to > 65535) p.invalid(child(path, 'ToPort'), to, 'must be between 0 and 65535');
    if (isInt(from) && isInt(to) && from > to) p.invalid(child(path, 'ToPort'), to, `must be greater than or equal to FromPort (${from})`);
  } else if (proto === 1 || proto === 58) {
    if (isInt(from) && (from < -1 || from > 255)) p.invalid(child(path, 'FromPort'), from, 'an ICMP type must be between -1 and 255');
    if (isInt(to) && (to < -1 || to > 255)) p.invalid(child(path, 'ToPort'), to, 'an ICMP code must be between -1 and 255');
  }
  listField(p, child(path, 'IpRanges'), perm.IpRanges)?.forEach((r, i) => {
    const at = index(child(path, 'IpRanges'), i);
    if (!isObject(r)) p.invalid(at, r, 'must be an IpRange object');
    else checkCidr(p, child(at, 'CidrIp'), r.CidrIp, 4, true);
  });
  listField(p, child(path, 'Ipv6Ranges'), perm.Ipv6Ranges)?.forEach((r, i) => {
    const at = index(child(path, 'Ipv6Ranges'), i);
    if (!isObject(r)) p.invalid(at, r, 'must be an Ipv6Range object');
    else checkCidr(p, child(at, 'CidrIpv6'), r.CidrIpv6, 6, true);
  });
  listField(p, child(path, 'UserIdGroupPairs'), perm.UserIdGroupPairs)?.forEach((g, i) => {
    const at = index(child(path, 'UserIdGroupPairs'), i);
    if (!isObject(g)) p.invalid(at, g, 'must be a UserIdGroupPair object');
    else if (typeof g.GroupId !== 'string') p.required(child(at, 'GroupId'));
  });
  listField(p, child(path, 'PrefixListIds'), perm.PrefixListIds)?.forEach((g, i) => {
    const at = index(child(path, 'PrefixListIds'), i);
    if (!isObject(g)) p.invalid(at, g, 'must be a PrefixListId object');
    else if (typeof g.PrefixListId !== 'string') p.required(child(at, 'PrefixListId'));
  });
}

function checkSecurityGroup(p: Problems, sg: Record<string, any>): void {
  if (typeof sg.GroupId !== 'string') p.required('GroupId');
  for (const key of ['IpPermissions', 'IpPermissionsEgress']) {
    listField(p, key, sg[key])?.forEach((perm, i) => checkPermission(p, index(key, i), perm));
  }
}

const DEFAULT_RULES = new Set([32767, 32768]);

function checkNetworkAcl(p: Problems, acl: Record<string, any>): void {
  if (typeof acl.NetworkAclId !== 'string') p.required('NetworkAclId');
  const used = { ingress: new Map<number, number>(), egress: new Map<number, number>() };
  listField(p, 'Entries', acl.Entries)?.forEach((e, i) => {
    const at = index('Entries', i);
    if (!isObject(e)) {
      p.invalid(at, e, 'must be a NetworkAclEntry object');
      return;
    }
    if (typeof e.Egress !== 'boolean') p.invalid(child(at, 'Egress'), e.Egress, 'must be true or false');
    if (e.RuleAction !== 'allow' && e.RuleAction !== 'deny') p.notSupported(child(at, 'RuleAction'), e.RuleAction, ['allow', 'deny']);
    const proto = protocolNumber(e.Protocol);
    if (e.Protocol === undefined) p.required(child(at, 'Protocol'));
    else if (proto === undefined) p.notSupported(child(at, 'Protocol'), e.Protocol, ['-1', '0-255', 'tcp', 'udp', 'icmp', 'icmpv6']);
    const hasV4 = e.CidrBlock !== undefined && e.CidrBlock !== null;
    const hasV6 = e.Ipv6CidrBlock !== undefined && e.Ipv6CidrBlock !== null;
    if (hasV4 && hasV6) p.forbidden(at, 'an entry has a CidrBlock or an Ipv6CidrBlock, not both');
    else if (!hasV4 && !hasV6) p.required(child(at, 'CidrBlock'), 'an entry has a CidrBlock or an Ipv6CidrBlock');
    checkCidr(p, child(at, 'CidrBlock'), e.CidrBlock, 4);
    checkCidr(p, child(at, 'Ipv6CidrBlock'), e.Ipv6CidrBlock, 6);
    const n = e.RuleNumber;
    if (!isInt(n)) p.invalid(child(at, 'RuleNumber'), n, 'must be an integer from 1 to 32766');
    else if (DEFAULT_RULES.has(n)) {
      const everything = (e.CidrBlock === '0.0.0.0/0' || e.Ipv6CidrBlock === '::/0') && proto === 'all' && e.RuleAction === 'deny';
      if (!everything) p.invalid(child(at, 'RuleNumber'), n, 'must be from 1 to 32766 (32767 and 32768 are only the default "*" deny-all entries)');
    } else if (n < 1 || n > 32766) p.invalid(child(at, 'RuleNumber'), n, 'must be from 1 to 32766 (32767 to 65535 are reserved)');
    if (isInt(n) && typeof e.Egress === 'boolean') {
      const seen = e.Egress ? used.egress : used.ingress;
      if (seen.has(n)) p.duplicate(child(at, 'RuleNumber'), `${n} (also Entries[${seen.get(n)}]; rule numbers are unique per direction)`);
      seen.set(n, i);
    }
    if (proto === 6 || proto === 17) {
      const range = e.PortRange;
      if (!isObject(range)) p.required(child(at, 'PortRange'), 'required for protocol 6 (TCP) and 17 (UDP)');
      else {
        for (const key of ['From', 'To'] as const) {
          const v = range[key];
          if (!isInt(v) || v < 0 || v > 65535) p.invalid(child(at, `PortRange.${key}`), v, 'must be an integer between 0 and 65535');
        }
        if (isInt(range.From) && isInt(range.To) && range.From > range.To) p.invalid(child(at, 'PortRange.To'), range.To, `must be greater than or equal to PortRange.From (${range.From})`);
      }
    }
  });
}

function checkSubnet(p: Problems, s: Record<string, any>): void {
  if (typeof s.SubnetId !== 'string') p.required('SubnetId');
  checkCidr(p, 'CidrBlock', s.CidrBlock, 4);
  listField(p, 'Ipv6CidrBlockAssociationSet', s.Ipv6CidrBlockAssociationSet)?.forEach((a, i) => {
    if (isObject(a)) checkCidr(p, `Ipv6CidrBlockAssociationSet[${i}].Ipv6CidrBlock`, a.Ipv6CidrBlock, 6);
  });
}

function checkVpc(p: Problems, v: Record<string, any>): void {
  checkCidr(p, 'CidrBlock', v.CidrBlock, 4);
  listField(p, 'CidrBlockAssociationSet', v.CidrBlockAssociationSet)?.forEach((a, i) => {
    if (isObject(a)) checkCidr(p, `CidrBlockAssociationSet[${i}].CidrBlock`, a.CidrBlock, 4);
  });
  listField(p, 'Ipv6CidrBlockAssociationSet', v.Ipv6CidrBlockAssociationSet)?.forEach((a, i) => {
    if (isObject(a)) checkCidr(p, `Ipv6CidrBlockAssociationSet[${i}].Ipv6CidrBlock`, a.Ipv6CidrBlock, 6);
  });
}

function checkRouteTable(p: Problems, t: Record<string, any>): void {
  listField(p, 'Routes', t.Routes)?.forEach((r, i) => {
    const at = index('Routes', i);
    if (!isObject(r)) {
      p.invalid(at, r, 'must be a Route object');
      return;
    }
    checkCidr(p, child(at, 'DestinationCidrBlock'), r.DestinationCidrBlock, 4);
    checkCidr(p, child(at, 'DestinationIpv6CidrBlock'), r.DestinationIpv6CidrBlock, 6);
  });
}

function checkNetworkInterface(p: Problems, eni: Record<string, any>): void {
  checkAddress(p, 'PrivateIpAddress', eni.PrivateIpAddress, 4);
  listField(p, 'PrivateIpAddresses', eni.PrivateIpAddresses)?.forEach((a, i) => {
    if (isObject(a)) checkAddress(p, `PrivateIpAddresses[${i}].PrivateIpAddress`, a.PrivateIpAddress, 4);
  });
  listField(p, 'Ipv6Addresses', eni.Ipv6Addresses)?.forEach((a, i) => {
    if (isObject(a)) checkAddress(p, `Ipv6Addresses[${i}].Ipv6Address`, a.Ipv6Address, 6);
  });
  listField(p, 'Ipv4Prefixes', eni.Ipv4Prefixes)?.forEach((a, i) => {
    if (isObject(a)) checkCidr(p, `Ipv4Prefixes[${i}].Ipv4Prefix`, a.Ipv4Prefix, 4);
  });
  listField(p, 'Ipv6Prefixes', eni.Ipv6Prefixes)?.forEach((a, i) => {
    if (isObject(a)) checkCidr(p, `Ipv6Prefixes[${i}].Ipv6Prefix`, a.Ipv6Prefix, 6);
  });
  listField(p, 'Groups', eni.Groups);
}

const CHECKS: Record<string, ((p: Problems, item: Record<string, any>) => void) | undefined> = {
  SecurityGroups: checkSecurityGroup,
  NetworkAcls: checkNetworkAcl,
  Subnets: checkSubnet,
  Vpcs: checkVpc,
  RouteTables: checkRouteTable,
  NetworkInterfaces: checkNetworkInterface,
};

/** The id an EC2 object goes by, for the message. */
function objectId(item: Record<string, any>): string | undefined {
  for (const key of ['GroupId', 'NetworkAclId', 'SubnetId', 'VpcId', 'RouteTableId', 'NetworkInterfaceId', 'NatGatewayId', 'InternetGatewayId', 'PrefixListId', 'InstanceId']) {
    if (typeof item[key] === 'string') return item[key];
  }
  return undefined;
}

/**
 * The first problem of the list under an EC2 result key (`SecurityGroups`, `NetworkAcls`, ...), worded
 * `Key[i] (id): field: rule`; undefined when every item is valid.
 */
export function validateEc2List(key: string, items: unknown): string | undefined {
  const p = new Problems(EC2_SOURCE);
  if (!Array.isArray(items)) {
    p.invalid(key, items, 'must be a list');
    return p.first;
  }
  const check = CHECKS[key];
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObject(item)) {
      p.invalid(`${key}[${i}]`, item, 'must be an object');
      return p.first;
    }
    const before = p.list.length;
    const shape = EC2_SHAPES[key.replace(/^Reservations\[\d+\]\./, '')];
    if (shape) checkShape(p, '', item, shape);
    if (p.list.length === before) check?.(p, item);
    if (p.list.length > before) {
      const id = objectId(item);
      return `${key}[${i}]${id ? ` (${escapeControl(id)})` : ''}: ${p.list[before]}`;
    }
  }
  return undefined;
}

/** Prefix-list entries (get-managed-prefix-list-entries): each Cidr a CIDR block. */
export function validatePrefixListEntries(entries: unknown): string | undefined {
  const p = new Problems(EC2_SOURCE);
  listField(p, 'Entries', entries)?.forEach((e, i) => {
    if (!isObject(e)) p.invalid(`Entries[${i}]`, e, 'must be an object');
    else if (typeof e.Cidr !== 'string' || !parseCidr(e.Cidr)) p.invalid(`Entries[${i}].Cidr`, e.Cidr, 'must be a CIDR block');
  });
  return p.first;
}
