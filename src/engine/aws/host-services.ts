import { Cidr, type Address } from '../../model/cidr';

// "Amazon security groups and network ACLs do not filter traffic destined to and from the following: Amazon Domain
// Name Services (DNS), Amazon Dynamic Host Configuration Protocol (DHCP), Amazon EC2 instance metadata, Amazon ECS
// task metadata endpoints, License activation for Windows instances, Amazon Time Sync Service, Reserved IP addresses
// used by the default VPC router" (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Security.html). These
// services answer on IPv4 link-local addresses (169.254.169.254 metadata, .123 Time Sync, .253 DNS, 169.254.170.x
// ECS/EKS credential agents) that never leave the host, and on Nitro instances on the IPv6 addresses below
// (https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/instancedata-data-retrieval.html,
// https://docs.aws.amazon.com/AWSEC2/latest/UserGuide/set-time.html, https://docs.aws.amazon.com/eks/latest/userguide/pod-id-how-it-works.html).

const IPV4_LINK_LOCAL = Cidr.parse('169.254.0.0/16');

const IPV6_HOST_SERVICES = [
  'fd00:ec2::254/128', // instance metadata service
  'fd00:ec2::253/128', // Route 53 Resolver (Amazon DNS)
  'fd00:ec2::123/128', // Amazon Time Sync Service
  'fd00:ec2::23/128', // EKS Pod Identity Agent
].map((c) => Cidr.parse(c));

/** Is the address a host-local AWS service address that no security group, NACL or route sees? */
export function isHostLocalService(a: Address): boolean {
  return a.family === 4 ? IPV4_LINK_LOCAL.contains(a) : IPV6_HOST_SERVICES.some((c) => c.contains(a));
}
