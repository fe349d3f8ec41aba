import { child, index, isObject, type Problems } from './field';

/**
 * The JSON types of the fields eksnet reads, as the API defines them (the EC2 API reference's data types; the
 * Kubernetes OpenAPI schema). A field that is present must have its type; absent fields are fine (optional),
 * and fields not listed are not read, so they are left alone (APIs add fields).
 */
export type Shape = 'string' | 'boolean' | 'integer' | 'stringMap' | { list: Shape } | { fields: Record<string, Shape> };

function describe(shape: Shape): string {
  if (shape === 'string') return 'a string';
  if (shape === 'boolean') return 'true or false';
  if (shape === 'integer') return 'an integer';
  if (shape === 'stringMap') return 'a map of string keys to string values';
  if ('list' in shape) return 'a list';
  return 'an object';
}

export function checkShape(p: Problems, path: string, value: unknown, shape: Shape): void {
  if (value === undefined || value === null) return;
  const bad = () => p.invalid(path, value, `must be ${describe(shape)}`);
  if (shape === 'string') {
    if (typeof value !== 'string') bad();
  } else if (shape === 'boolean') {
    if (typeof value !== 'boolean') bad();
  } else if (shape === 'integer') {
    if (typeof value !== 'number' || !Number.isSafeInteger(value)) bad();
  } else if (shape === 'stringMap') {
    if (!isObject(value)) bad();
    else for (const [k, v] of Object.entries(value)) if (typeof v !== 'string') p.invalid(child(path, k), v, 'must be a string');
  } else if ('list' in shape) {
    if (!Array.isArray(value)) bad();
    else value.forEach((item, i) => {
      if (item === null || item === undefined) p.invalid(index(path, i), item, `must be ${describe(shape.list)}`);
      else checkShape(p, index(path, i), item, shape.list);
    });
  } else if (!isObject(value)) bad();
  else for (const [k, s] of Object.entries(shape.fields)) checkShape(p, child(path, k), value[k], s);
}

const S = 'string' as const;
const B = 'boolean' as const;
const I = 'integer' as const;
const list = (s: Shape): Shape => ({ list: s });
const obj = (fields: Record<string, Shape>): Shape => ({ fields });

// EC2 (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_Types.html): the data types eksnet reads.
const IP_PERMISSION = obj({
  IpProtocol: S,
  FromPort: I,
  ToPort: I,
  IpRanges: list(obj({ CidrIp: S, Description: S })),
  Ipv6Ranges: list(obj({ CidrIpv6: S, Description: S })),
  UserIdGroupPairs: list(obj({ GroupId: S, UserId: S, VpcId: S, GroupName: S })),
  PrefixListIds: list(obj({ PrefixListId: S })),
});
const TAGS = list(obj({ Key: S, Value: S }));

export const EC2_SHAPES: Record<string, Shape> = {
  SecurityGroups: obj({ GroupId: S, GroupName: S, VpcId: S, OwnerId: S, IpPermissions: list(IP_PERMISSION), IpPermissionsEgress: list(IP_PERMISSION), Tags: TAGS }),
  NetworkAcls: obj({
    NetworkAclId: S,
    VpcId: S,
    IsDefault: B,
    Associations: list(obj({ NetworkAclAssociationId: S, NetworkAclId: S, SubnetId: S })),
    Entries: list(obj({ CidrBlock: S, Ipv6CidrBlock: S, Egress: B, Protocol: S, RuleAction: S, RuleNumber: I, PortRange: obj({ From: I, To: I }), IcmpTypeCode: obj({ Code: I, Type: I }) })),
    Tags: TAGS,
  }),
  Subnets: obj({ SubnetId: S, VpcId: S, CidrBlock: S, AvailabilityZone: S, AvailabilityZoneId: S, MapPublicIpOnLaunch: B, AssignIpv6AddressOnCreation: B, Ipv6CidrBlockAssociationSet: list(obj({ Ipv6CidrBlock: S })), Tags: TAGS }),
  RouteTables: obj({
    RouteTableId: S,
    VpcId: S,
    Associations: list(obj({ RouteTableAssociationId: S, RouteTableId: S, SubnetId: S, GatewayId: S, Main: B })),
    Routes: list(
      obj({
        DestinationCidrBlock: S,
        DestinationIpv6CidrBlock: S,
        DestinationPrefixListId: S,
        GatewayId: S,
        NatGatewayId: S,
        TransitGatewayId: S,
        VpcPeeringConnectionId: S,
        NetworkInterfaceId: S,
        InstanceId: S,
        EgressOnlyInternetGatewayId: S,
        LocalGatewayId: S,
        CarrierGatewayId: S,
        CoreNetworkArn: S,
        State: S,
        Origin: S,
      }),
    ),
    Tags: TAGS,
  }),
  NetworkInterfaces: obj({
    NetworkInterfaceId: S,
    SubnetId: S,
    VpcId: S,
    InterfaceType: S,
    Status: S,
    PrivateIpAddress: S,
    Description: S,
    Groups: list(obj({ GroupId: S, GroupName: S })),
    Attachment: obj({ InstanceId: S, DeviceIndex: I, NetworkCardIndex: I, Status: S }),
    Association: obj({ PublicIp: S, Ipv6Address: S }),
    PrivateIpAddresses: list(obj({ PrivateIpAddress: S, Primary: B, Association: obj({ PublicIp: S }) })),
    Ipv6Addresses: list(obj({ Ipv6Address: S, IsPrimaryIpv6: B })),
    Ipv4Prefixes: list(obj({ Ipv4Prefix: S })),
    Ipv6Prefixes: list(obj({ Ipv6Prefix: S })),
    TagSet: TAGS,
  }),
  Vpcs: obj({ VpcId: S, CidrBlock: S, IsDefault: B, CidrBlockAssociationSet: list(obj({ CidrBlock: S })), Ipv6CidrBlockAssociationSet: list(obj({ Ipv6CidrBlock: S })), Tags: TAGS }),
  NatGateways: obj({ NatGatewayId: S, SubnetId: S, VpcId: S, State: S, ConnectivityType: S, NatGatewayAddresses: list(obj({ PublicIp: S, PrivateIp: S, NetworkInterfaceId: S, AllocationId: S })), Tags: TAGS }),
  InternetGateways: obj({ InternetGatewayId: S, Attachments: list(obj({ VpcId: S, State: S })), Tags: TAGS }),
  EgressOnlyInternetGateways: obj({ EgressOnlyInternetGatewayId: S, Attachments: list(obj({ VpcId: S, State: S })), Tags: TAGS }),
  PrefixLists: obj({ PrefixListId: S, PrefixListName: S, AddressFamily: S, MaxEntries: I, State: S }),
  Instances: obj({
    InstanceId: S,
    PrivateIpAddress: S,
    PublicIpAddress: S,
    SubnetId: S,
    VpcId: S,
    InstanceType: S,
    SecurityGroups: list(obj({ GroupId: S, GroupName: S })),
    NetworkInterfaces: list(obj({ NetworkInterfaceId: S, SubnetId: S, VpcId: S, PrivateIpAddress: S, Attachment: obj({ DeviceIndex: I }), Groups: list(obj({ GroupId: S })) })),
    Tags: TAGS,
  }),
};

// Kubernetes (the core/v1, apps/v1 and discovery.k8s.io/v1 OpenAPI schema): the fields eksnet reads.
const SELECTOR = obj({ matchLabels: 'stringMap', matchExpressions: list(obj({ key: S, operator: S, values: list(S) })) });
const PROBE = obj({ httpGet: obj({}), tcpSocket: obj({}), grpc: obj({ port: I }) });
const CONTAINER = obj({
  name: S,
  image: S,
  args: list(S),
  command: list(S),
  env: list(obj({ name: S, value: S })),
  ports: list(obj({ name: S, containerPort: I, hostPort: I, protocol: S })),
  readinessProbe: PROBE,
  livenessProbe: PROBE,
  startupProbe: PROBE,
});
const POD_SPEC = obj({ nodeName: S, hostNetwork: B, serviceAccountName: S, containers: list(CONTAINER), initContainers: list(CONTAINER) });
const WORKLOAD = obj({ spec: obj({ selector: SELECTOR, template: obj({ metadata: obj({ labels: 'stringMap', annotations: 'stringMap' }), spec: POD_SPEC }) }) });

export const K8S_SHAPES: Record<string, Shape> = {
  Pod: obj({ spec: POD_SPEC, status: obj({ phase: S, podIP: S, podIPs: list(obj({ ip: S })), hostIP: S }) }),
  Service: obj({ spec: obj({ type: S, selector: 'stringMap', clusterIP: S, clusterIPs: list(S), ports: list(obj({ name: S, port: I, protocol: S, nodePort: I })) }) }),
  EndpointSlice: obj({
    addressType: S,
    endpoints: list(obj({ addresses: list(S), nodeName: S, targetRef: obj({ kind: S, name: S, namespace: S }), conditions: obj({ ready: B, serving: B, terminating: B }) })),
    ports: list(obj({ name: S, port: I, protocol: S })),
  }),
  Deployment: WORKLOAD,
  ReplicaSet: WORKLOAD,
  StatefulSet: WORKLOAD,
  DaemonSet: WORKLOAD,
  Node: obj({ spec: obj({ providerID: S }), status: obj({ addresses: list(obj({ type: S, address: S })) }) }),
  ConfigMap: obj({ data: 'stringMap' }),
  Namespace: obj({}),
  ServiceAccount: obj({}),
  NetworkPolicy: obj({}),
  SecurityGroupPolicy: obj({}),
};
