// A small EKS cluster ("shop") as the AWS and Kubernetes APIs return it, with lists split into
// several pages. EC2 element names follow the EC2 API Reference's XML (e.g.
// https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_DescribeSecurityGroups.html);
// EKS bodies follow https://docs.aws.amazon.com/eks/latest/APIReference/API_DescribeCluster.html.
import { EKS_HOST, ec2Pages, kubePages, type FakeCloud, type Reply } from './fake-cloud';

export const CLUSTER = 'shop';
export const VPC = 'vpc-0a1b2c3d';
export const API_SERVER = 'https://0123456789abcdef0123456789abcdef.gr7.us-east-1.eks.amazonaws.com';
export const CA_DATA = Buffer.from('-----BEGIN CERTIFICATE-----\nMIIBfake\n-----END CERTIFICATE-----\n').toString('base64');

const json = (body: object): Reply => ({ status: 200, body, headers: { 'content-type': 'application/json' } });

const tcp = (port: number, ranges: { cidrIp?: string; groupId?: string; prefixListId?: string }[]) => ({
  ipProtocol: 'tcp',
  fromPort: port,
  toPort: port,
  groups: ranges.filter((r) => r.groupId).map((r) => ({ userId: '111122223333', groupId: r.groupId! })),
  ipRanges: ranges.filter((r) => r.cidrIp).map((r) => ({ cidrIp: r.cidrIp! })),
  ipv6Ranges: [],
  prefixListIds: ranges.filter((r) => r.prefixListId).map((r) => ({ prefixListId: r.prefixListId! })),
});
const allOut = { ipProtocol: '-1', groups: [], ipRanges: [{ cidrIp: '0.0.0.0/0' }], ipv6Ranges: [], prefixListIds: [] };

const sg = (id: string, name: string, ingress: object[], vpcId = VPC) => ({
  ownerId: '111122223333',
  groupId: id,
  groupName: name,
  groupDescription: `${name} group`,
  vpcId,
  ipPermissions: ingress,
  ipPermissionsEgress: [allOut],
  tagSet: [{ key: 'Name', value: name }],
});

export const SECURITY_GROUPS = [
  sg('sg-0cluster', 'eks-cluster-sg-shop', [tcp(443, [{ groupId: 'sg-0node' }])]),
  sg('sg-0node', 'shop-node', [tcp(8080, [{ groupId: 'sg-0node' }, { groupId: 'sg-0bastion' }]), tcp(443, [{ prefixListId: 'pl-0corp' }])]),
  sg('sg-0db', 'shop-db', [tcp(5432, [{ groupId: 'sg-0node' }, { cidrIp: '10.0.0.0/16' }])]),
];
/** Named by sg-0node's rules but in another VPC: collected by id. */
export const REFERENCED_GROUP = sg('sg-0bastion', 'bastion', [tcp(22, [{ cidrIp: '203.0.113.0/24' }])], 'vpc-0other');

const eni = (id: string, subnet: string, groups: string[], primary: string, secondary: string[], instanceId: string) => ({
  networkInterfaceId: id,
  subnetId: subnet,
  vpcId: VPC,
  availabilityZone: subnet === 'subnet-0a' ? 'us-east-1a' : 'us-east-1b',
  description: 'aws-K8S-i',
  ownerId: '111122223333',
  requesterManaged: false,
  status: 'in-use',
  macAddress: '0e:00:00:00:00:01',
  privateIpAddress: primary,
  sourceDestCheck: true,
  interfaceType: 'interface',
  groupSet: groups.map((g) => ({ groupId: g, groupName: g })),
  attachment: { attachmentId: `attach-${id}`, instanceId, deviceIndex: 0, status: 'attached', attachTime: '2026-11-01T10:00:00.000Z', deleteOnTermination: true },
  privateIpAddressesSet: [primary, ...secondary].map((ip, i) => ({ privateIpAddress: ip, primary: i === 0 })),
  ipv6AddressesSet: [],
  tagSet: [],
});

export const ENIS = [
  eni('eni-0a1', 'subnet-0a', ['sg-0node', 'sg-0cluster'], '10.0.1.10', ['10.0.1.21', '10.0.1.22'], 'i-0aaa'),
  eni('eni-0b1', 'subnet-0b', ['sg-0node', 'sg-0cluster'], '10.0.2.10', ['10.0.2.31'], 'i-0bbb'),
  { ...eni('eni-0b2', 'subnet-0b', ['sg-0db'], '10.0.2.40', [], 'i-0bbb'), ipv4PrefixSet: [{ ipv4Prefix: '10.0.2.48/28' }] },
];

export const SUBNETS = ['a', 'b'].map((z, i) => ({
  subnetId: `subnet-0${z}`,
  vpcId: VPC,
  cidrBlock: `10.0.${i + 1}.0/24`,
  availabilityZone: `us-east-1${z}`,
  availabilityZoneId: `use1-az${i + 1}`,
  availableIpAddressCount: 240,
  defaultForAz: false,
  mapPublicIpOnLaunch: false,
  state: 'available',
  ownerId: '111122223333',
  subnetArn: `arn:aws:ec2:us-east-1:111122223333:subnet/subnet-0${z}`,
  ipv6CidrBlockAssociationSet: [],
  tagSet: [{ key: 'kubernetes.io/role/internal-elb', value: '1' }],
}));

export const NETWORK_ACLS = [
  {
    networkAclId: 'acl-0default',
    vpcId: VPC,
    default: true,
    ownerId: '111122223333',
    entrySet: [
      { ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: false, cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 32767, protocol: '-1', ruleAction: 'deny', egress: false, cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: true, cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 32767, protocol: '-1', ruleAction: 'deny', egress: true, cidrBlock: '0.0.0.0/0' },
    ],
    associationSet: [],
    tagSet: [],
  },
  {
    networkAclId: 'acl-0data',
    vpcId: VPC,
    default: false,
    ownerId: '111122223333',
    entrySet: [
      { ruleNumber: 90, protocol: '6', ruleAction: 'deny', egress: false, cidrBlock: '10.0.9.0/24', portRange: { from: 5432, to: 5432 } },
      { ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: false, cidrBlock: '0.0.0.0/0' },
      { ruleNumber: 100, protocol: '-1', ruleAction: 'allow', egress: true, cidrBlock: '0.0.0.0/0' },
    ],
    associationSet: [{ networkAclAssociationId: 'aclassoc-0b', networkAclId: 'acl-0data', subnetId: 'subnet-0b' }],
    tagSet: [],
  },
];

export const ROUTE_TABLES = [
  {
    routeTableId: 'rtb-0main',
    vpcId: VPC,
    ownerId: '111122223333',
    associationSet: [{ main: true, routeTableAssociationId: 'rtbassoc-0main', routeTableId: 'rtb-0main', associationState: { state: 'associated' } }],
    routeSet: [
      { destinationCidrBlock: '10.0.0.0/16', gatewayId: 'local', state: 'active', origin: 'CreateRouteTable' },
      { destinationCidrBlock: '0.0.0.0/0', natGatewayId: 'nat-0a', state: 'active', origin: 'CreateRoute' },
      { destinationPrefixListId: 'pl-63a5400a', gatewayId: 'vpce-0s3', state: 'active', origin: 'CreateRoute' },
    ],
    propagatingVgwSet: [],
    tagSet: [],
  },
];

export const PREFIX_LISTS = [
  { prefixListId: 'pl-0corp', prefixListName: 'corp-offices', addressFamily: 'IPv4', state: 'create-complete', maxEntries: 10, version: 3, ownerId: '111122223333' },
  { prefixListId: 'pl-63a5400a', prefixListName: 'com.amazonaws.us-east-1.s3', addressFamily: 'IPv4', state: 'create-complete', ownerId: 'AWS' },
];
export const PREFIX_ENTRIES: Record<string, { cidr: string; description?: string }[][]> = {
  'pl-0corp': [[{ cidr: '198.51.100.0/24', description: 'HQ' }], [{ cidr: '192.0.2.0/24', description: 'branch' }]],
  'pl-63a5400a': [[{ cidr: '3.5.0.0/19' }, { cidr: '52.216.0.0/15' }]],
};

export const INSTANCES = [
  {
    reservationId: 'r-0a',
    ownerId: '111122223333',
    groupSet: [],
    instancesSet: [
      {
        instanceId: 'i-0aaa',
        imageId: 'ami-0eks',
        instanceState: { code: 16, name: 'running' },
        privateDnsName: 'ip-10-0-1-10.ec2.internal',
        instanceType: 'm6i.large',
        launchTime: '2026-11-01T09:58:00.000Z',
        subnetId: 'subnet-0a',
        vpcId: VPC,
        privateIpAddress: '10.0.1.10',
        sourceDestCheck: true,
        groupSet: [{ groupId: 'sg-0node', groupName: 'shop-node' }],
      },
    ],
  },
];

const EKS_CLUSTER = {
  name: CLUSTER,
  arn: `arn:aws:eks:us-east-1:111122223333:cluster/${CLUSTER}`,
  createdAt: 1.7619840e9,
  version: '1.31',
  endpoint: API_SERVER,
  roleArn: 'arn:aws:iam::111122223333:role/eks-cluster',
  resourcesVpcConfig: {
    subnetIds: ['subnet-0a', 'subnet-0b'],
    securityGroupIds: [],
    clusterSecurityGroupId: 'sg-0cluster',
    vpcId: VPC,
    endpointPublicAccess: true,
    endpointPrivateAccess: true,
    publicAccessCidrs: ['0.0.0.0/0'],
  },
  kubernetesNetworkConfig: { serviceIpv4Cidr: '172.20.0.0/16', ipFamily: 'ipv4' },
  certificateAuthority: { data: CA_DATA },
  platformVersion: 'eks.12',
  status: 'ACTIVE',
  tags: {},
};

const addon = (name: string, version: string) => ({
  addonName: name,
  clusterName: CLUSTER,
  status: 'ACTIVE',
  addonVersion: version,
  health: { issues: [] },
  addonArn: `arn:aws:eks:us-east-1:111122223333:addon/${CLUSTER}/${name}/abcd`,
  createdAt: 1.7619841e9,
  modifiedAt: 1.7619842e9,
  tags: {},
});
const INSTALLED_ADDONS: Record<string, string> = { 'vpc-cni': 'v1.19.0-eksbuild.1', 'kube-proxy': 'v1.31.2-eksbuild.3', coredns: 'v1.11.3-eksbuild.1' };

const addonVersions = (name: string, versions: string[]) => ({
  addonName: name,
  type: 'networking',
  publisher: 'eks',
  owner: 'aws',
  addonVersions: versions.map((v, i) => ({
    addonVersion: v,
    architecture: ['amd64', 'arm64'],
    compatibilities: [{ clusterVersion: '1.31', platformVersions: ['*'], defaultVersion: i === 0 }],
    requiresConfiguration: false,
  })),
});
const ADDON_VERSIONS: Record<string, string[]> = {
  'vpc-cni': ['v1.19.2-eksbuild.1', 'v1.19.0-eksbuild.1'],
  'kube-proxy': ['v1.31.3-eksbuild.2', 'v1.31.2-eksbuild.3'],
  coredns: ['v1.11.4-eksbuild.2', 'v1.11.3-eksbuild.1'],
};

// Kubernetes objects as the API server lists them (items carry no apiVersion/kind).
const meta = (name: string, namespace?: string, extra: object = {}) => ({
  name,
  ...(namespace ? { namespace } : {}),
  uid: `uid-${namespace ?? ''}-${name}`,
  resourceVersion: '1001',
  creationTimestamp: '2026-11-01T10:00:00Z',
  managedFields: [{ manager: 'kubectl', operation: 'Update', apiVersion: 'v1', time: '2026-11-01T10:00:00Z', fieldsType: 'FieldsV1', fieldsV1: {} }],
  ...extra,
});

const pod = (name: string, ns: string, app: string, ip: string, node: string, phase = 'Running') => ({
  metadata: meta(name, ns, { labels: { app }, ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: `${app}-7d9f`, uid: `uid-rs-${app}`, controller: true }] }),
  spec: {
    nodeName: node,
    serviceAccountName: app,
    containers: [{ name: app, image: `registry.example/${app}:1.0`, ports: [{ name: 'http', containerPort: 8080, protocol: 'TCP' }] }],
  },
  status: { phase, podIP: ip, podIPs: [{ ip }], hostIP: node === 'ip-10-0-1-10.ec2.internal' ? '10.0.1.10' : '10.0.2.10', startTime: '2026-11-01T10:01:00Z' },
});

export const PODS = [
  pod('frontend-7d9f-a', 'shop', 'frontend', '10.0.1.21', 'ip-10-0-1-10.ec2.internal'),
  pod('frontend-7d9f-b', 'shop', 'frontend', '10.0.2.31', 'ip-10-0-2-10.ec2.internal'),
  pod('checkout-5c4b-a', 'shop', 'checkout', '10.0.1.22', 'ip-10-0-1-10.ec2.internal'),
  pod('migrate-x1', 'shop', 'migrate', '10.0.2.33', 'ip-10-0-2-10.ec2.internal', 'Succeeded'),
  pod('db-0', 'shop', 'db', '10.0.2.50', 'ip-10-0-2-10.ec2.internal'),
  pod('report-x2', 'shop', 'report', '10.0.2.34', 'ip-10-0-2-10.ec2.internal', 'Failed'),
];

const NETWORK_POLICIES = [
  {
    metadata: meta('checkout-from-frontend', 'shop'),
    spec: {
      podSelector: { matchLabels: { app: 'checkout' } },
      policyTypes: ['Ingress'],
      ingress: [{ from: [{ podSelector: { matchLabels: { app: 'frontend' } } }], ports: [{ protocol: 'TCP', port: 8080 }] }],
    },
  },
];

const KUBE_LISTS: Record<string, { kind: string; items: object[]; perPage: number }> = {
  '/api/v1/namespaces': { kind: 'NamespaceList', items: ['default', 'kube-system', 'shop'].map((n) => ({ metadata: meta(n), spec: { finalizers: ['kubernetes'] }, status: { phase: 'Active' } })), perPage: 2 },
  '/api/v1/pods': { kind: 'PodList', items: PODS, perPage: 2 },
  '/api/v1/services': {
    kind: 'ServiceList',
    items: [
      { metadata: meta('checkout', 'shop'), spec: { selector: { app: 'checkout' }, ports: [{ name: 'http', port: 80, targetPort: 'http', protocol: 'TCP' }], clusterIP: '172.20.10.10', type: 'ClusterIP' } },
    ],
    perPage: 500,
  },
  '/apis/discovery.k8s.io/v1/endpointslices': {
    kind: 'EndpointSliceList',
    items: [
      {
        metadata: meta('checkout-abc12', 'shop', { labels: { 'kubernetes.io/service-name': 'checkout' } }),
        addressType: 'IPv4',
        endpoints: [{ addresses: ['10.0.1.22'], conditions: { ready: true }, targetRef: { kind: 'Pod', name: 'checkout-5c4b-a', namespace: 'shop' } }],
        ports: [{ name: 'http', port: 8080, protocol: 'TCP' }],
      },
    ],
    perPage: 500,
  },
  '/apis/apps/v1/deployments': {
    kind: 'DeploymentList',
    items: ['frontend', 'checkout'].map((app) => ({
      metadata: meta(app, 'shop'),
      spec: { replicas: 2, selector: { matchLabels: { app } }, template: { metadata: { labels: { app } }, spec: { containers: [{ name: app, image: `registry.example/${app}:1.0` }] } } },
      status: { replicas: 2 },
    })),
    perPage: 500,
  },
  '/apis/apps/v1/replicasets': { kind: 'ReplicaSetList', items: [], perPage: 500 },
  '/apis/apps/v1/statefulsets': {
    kind: 'StatefulSetList',
    items: [{ metadata: meta('db', 'shop'), spec: { serviceName: 'db', selector: { matchLabels: { app: 'db' } }, template: { metadata: { labels: { app: 'db' } }, spec: { containers: [{ name: 'db', image: 'postgres:16' }] } } } }],
    perPage: 500,
  },
  '/apis/apps/v1/daemonsets': {
    kind: 'DaemonSetList',
    items: [
      {
        metadata: meta('aws-node', 'kube-system'),
        spec: {
          selector: { matchLabels: { 'k8s-app': 'aws-node' } },
          template: {
            metadata: { labels: { 'k8s-app': 'aws-node' } },
            spec: {
              containers: [
                { name: 'aws-node', image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon-k8s-cni:v1.19.0-eksbuild.1' },
                { name: 'aws-eks-nodeagent', image: '602401143452.dkr.ecr.us-east-1.amazonaws.com/amazon/aws-network-policy-agent:v1.1.5-eksbuild.1', args: ['--enable-network-policy=true'] },
              ],
            },
          },
        },
      },
    ],
    perPage: 500,
  },
  '/api/v1/nodes': {
    kind: 'NodeList',
    items: [
      { metadata: meta('ip-10-0-1-10.ec2.internal', undefined, { labels: { 'topology.kubernetes.io/zone': 'us-east-1a' } }), spec: { providerID: 'aws:///us-east-1a/i-0aaa' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.1.10' }] } },
      { metadata: meta('ip-10-0-2-10.ec2.internal'), spec: { providerID: 'aws:///us-east-1b/i-0bbb' }, status: { addresses: [{ type: 'InternalIP', address: '10.0.2.10' }] } },
    ],
    perPage: 1,
  },
  '/api/v1/serviceaccounts': { kind: 'ServiceAccountList', items: [{ metadata: meta('checkout', 'shop') }], perPage: 500 },
  '/apis/networking.k8s.io/v1/networkpolicies': { kind: 'NetworkPolicyList', items: NETWORK_POLICIES, perPage: 500 },
  '/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies': {
    kind: 'vpcresources.k8s.aws/v1beta1|SecurityGroupPolicyList',
    items: [
      {
        apiVersion: 'vpcresources.k8s.aws/v1beta1',
        kind: 'SecurityGroupPolicy',
        metadata: meta('db-sg', 'shop'),
        spec: { podSelector: { matchLabels: { app: 'db' } }, securityGroups: { groupIds: ['sg-0db'] } },
      },
    ],
    perPage: 500,
  },
};

export const VPC_CNI_CONFIGMAP = {
  apiVersion: 'v1',
  kind: 'ConfigMap',
  metadata: meta('amazon-vpc-cni', 'kube-system'),
  data: { 'enable-network-policy-controller': 'true', 'warm-ip-target': '5' },
};

/** Fresh handler tables for the shop cluster (tests may replace entries). */
export function shopCloud(): FakeCloud {
  const ec2 = {
    DescribeVpcs: ec2Pages('DescribeVpcs', 'vpcSet', [
      [{ vpcId: VPC, cidrBlock: '10.0.0.0/16', state: 'available', ownerId: '111122223333', isDefault: false, cidrBlockAssociationSet: [{ associationId: 'vpc-cidr-assoc-0', cidrBlock: '10.0.0.0/16', cidrBlockState: { state: 'associated' } }] }],
    ]),
    DescribeSubnets: ec2Pages('DescribeSubnets', 'subnetSet', [SUBNETS]),
    DescribeSecurityGroups: (p: URLSearchParams) => {
      // The VPC's groups in two pages; by group-id filter, the referenced group.
      if (p.get('Filter.1.Name') === 'group-id') return ec2Pages('DescribeSecurityGroups', 'securityGroupInfo', [[REFERENCED_GROUP]])(p);
      return ec2Pages('DescribeSecurityGroups', 'securityGroupInfo', [SECURITY_GROUPS.slice(0, 2), SECURITY_GROUPS.slice(2)])(p);
    },
    DescribeNetworkAcls: ec2Pages('DescribeNetworkAcls', 'networkAclSet', [NETWORK_ACLS]),
    DescribeRouteTables: ec2Pages('DescribeRouteTables', 'routeTableSet', [ROUTE_TABLES]),
    DescribeNetworkInterfaces: ec2Pages('DescribeNetworkInterfaces', 'networkInterfaceSet', [ENIS.slice(0, 1), ENIS.slice(1, 2), ENIS.slice(2)]),
    DescribeNatGateways: ec2Pages('DescribeNatGateways', 'natGatewaySet', [
      [
        {
          natGatewayId: 'nat-0a',
          subnetId: 'subnet-0a',
          vpcId: VPC,
          state: 'available',
          connectivityType: 'public',
          createTime: '2026-10-01T08:00:00.000Z',
          natGatewayAddressSet: [{ allocationId: 'eipalloc-0a', networkInterfaceId: 'eni-0nat', privateIp: '10.0.1.5', publicIp: '198.51.100.7', isPrimary: true, status: 'succeeded' }],
        },
      ],
    ]),
    DescribeInternetGateways: ec2Pages('DescribeInternetGateways', 'internetGatewaySet', [
      [{ internetGatewayId: 'igw-0a', ownerId: '111122223333', attachmentSet: [{ vpcId: VPC, state: 'available' }], tagSet: [] }],
    ]),
    DescribeEgressOnlyInternetGateways: ec2Pages('DescribeEgressOnlyInternetGateways', 'egressOnlyInternetGatewaySet', [
      [
        { egressOnlyInternetGatewayId: 'eigw-0mine', attachmentSet: [{ vpcId: VPC, state: 'attached' }], tagSet: [] },
        { egressOnlyInternetGatewayId: 'eigw-0other', attachmentSet: [{ vpcId: 'vpc-0other', state: 'attached' }], tagSet: [] },
      ],
    ]),
    DescribeManagedPrefixLists: ec2Pages('DescribeManagedPrefixLists', 'prefixListSet', [PREFIX_LISTS.slice(0, 1), PREFIX_LISTS.slice(1)]),
    GetManagedPrefixListEntries: (p: URLSearchParams) => ec2Pages('GetManagedPrefixListEntries', 'entrySet', PREFIX_ENTRIES[p.get('PrefixListId') ?? ''] ?? [[]])(p),
    DescribeInstances: ec2Pages('DescribeInstances', 'reservationSet', [INSTANCES]),
  };
  const eks: FakeCloud['eks'] = {
    [`GET /clusters/${CLUSTER}`]: () => json({ cluster: EKS_CLUSTER }),
    [`GET /clusters/${CLUSTER}/addons`]: (q) =>
      q.get('nextToken') ? json({ addons: ['coredns'] }) : json({ addons: ['vpc-cni', 'kube-proxy'], nextToken: 'addons-2' }),
  };
  for (const [name, version] of Object.entries(INSTALLED_ADDONS)) eks[`GET /clusters/${CLUSTER}/addons/${name}`] = () => json({ addon: addon(name, version) });
  eks['GET /addons/supported-versions'] = (q) => {
    const name = q.get('addonName') ?? '';
    const versions = ADDON_VERSIONS[name] ?? [];
    // Two pages: the add-on, then an empty last page.
    if (!q.get('nextToken')) return json({ addons: [addonVersions(name, versions)], nextToken: `${name}-2` });
    return json({ addons: [] });
  };
  const kube: FakeCloud['kube'] = {};
  for (const [path, l] of Object.entries(KUBE_LISTS)) kube[path] = kubePages(l.kind, l.items, l.perPage);
  kube['/api/v1/namespaces/kube-system/configmaps/amazon-vpc-cni'] = () => json(VPC_CNI_CONFIGMAP);
  return { ec2, eks, kube, calls: [] };
}

export { EKS_HOST };
