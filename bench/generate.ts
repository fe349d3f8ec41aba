/**
 * A deterministic, large EKS cluster snapshot for the benchmark (issue 2, "Performance"): by default
 * 5,000 pods, 1,000 Services, 2,000 NetworkPolicies, 300 security groups holding 5,000 rules, 60 subnets
 * with NACLs, ~200 nodes and ~50 namespaces — in the same document shapes as the demo snapshot
 * (`kubectl get -o json` lists and `aws ... --output json`), so the loader and engine see real input.
 *
 * Same options → byte-identical output (a seeded PRNG; no Math.random, no clock).
 *
 * CLI: `node dist/bench/generate.js OUTDIR` writes the documents there as JSON files.
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';

export interface GenerateOptions {
  seed?: number;
  /** Application namespaces (kube-system comes on top). */
  namespaces?: number;
  /** Pods per namespace; Services per namespace is `servicesPerNamespace`. */
  podsPerNamespace?: number;
  servicesPerNamespace?: number;
  policiesPerNamespace?: number;
  nodes?: number;
  securityGroups?: number;
  securityGroupRules?: number;
  /** Subnets in all; 6 of them public. */
  subnets?: number;
  /** Addresses per subnet (a power of two): 1024 (/22) by default; larger clusters need more. */
  subnetSize?: number;
}

export interface GeneratedDocument {
  /** Path relative to the output directory, e.g. `k8s/pods.json`. */
  file: string;
  doc: unknown;
}

export interface GeneratedCluster {
  documents: GeneratedDocument[];
  /** Two Services (NAMESPACE/NAME) in different namespaces backed by exactly 10 pods each. */
  tenPodServices: [string, string];
  counts: {
    namespaces: number;
    pods: number;
    services: number;
    networkPolicies: number;
    securityGroups: number;
    securityGroupRules: number;
    subnets: number;
    nodes: number;
    networkInterfaces: number;
  };
}

const DEFAULTS: Required<GenerateOptions> = {
  seed: 20250314,
  namespaces: 50,
  podsPerNamespace: 100,
  servicesPerNamespace: 20,
  policiesPerNamespace: 40,
  nodes: 200,
  securityGroups: 300,
  securityGroupRules: 5000,
  subnets: 60,
  subnetSize: 1024,
};

/**
 * The options of a cluster `scale` times the default (issue 14: at 10, 50,000 pods, 10,000 Services,
 * 20,000 NetworkPolicies, 3,000 security groups holding 50,000 rules, 2,000 nodes). Subnets stay 60 but grow
 * to /20 past scale 2, so the pods' addresses fit (the VPC becomes a /14).
 */
export function scaledOptions(scale: number): GenerateOptions {
  if (!Number.isInteger(scale) || scale < 1) throw new Error(`--scale must be a whole number from 1 (got ${scale})`);
  if (scale === 1) return {};
  return {
    namespaces: DEFAULTS.namespaces * scale,
    nodes: DEFAULTS.nodes * scale,
    securityGroups: DEFAULTS.securityGroups * scale,
    securityGroupRules: DEFAULTS.securityGroupRules * scale,
    subnetSize: scale > 2 ? 4096 : 2048,
  };
}

type Json = Record<string, unknown>;

const ACCOUNT = '111122223333';
const REGION = 'us-west-2';
const CLUSTER = 'bench-eks';
const VPC_ID = 'vpc-0be0c400000000001';
const AZS = ['us-west-2a', 'us-west-2b', 'us-west-2c'];
const PUBLIC_SUBNETS = 6;
const SERVICE_NAMES = [
  'api', 'web', 'auth', 'orders', 'billing', 'search', 'catalog', 'inventory', 'users', 'cart',
  'checkout', 'payments', 'shipping', 'reviews', 'ratings', 'notify', 'email', 'gateway', 'reports', 'ledger',
];
const TIERS = ['frontend', 'backend', 'backend', 'data'];
const POD_NAME_ALPHABET = 'bcdfghjklmnpqrstvwxz2456789';
const RFC1918 = ['10.0.0.0/8', '172.16.0.0/12', '192.168.0.0/16'];

/** mulberry32: a small, fast, seedable PRNG (deterministic across platforms). */
export function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

class Ids {
  private counters = new Map<string, number>();
  /** `prefix-0` + 16 hex digits, unique per prefix. */
  next(prefix: string): string {
    const n = (this.counters.get(prefix) ?? 0) + 1;
    this.counters.set(prefix, n);
    return `${prefix}-0${n.toString(16).padStart(16, '0')}`;
  }
}

function ipToInt(ip: string): number {
  return ip.split('.').reduce((acc, o) => (acc << 8) + Number(o), 0) >>> 0;
}
function intToIp(n: number): string {
  return [n >>> 24, (n >>> 16) & 255, (n >>> 8) & 255, n & 255].join('.');
}

/** Addresses of one subnet: single IPs from the bottom half, aligned /28 prefixes from the top half. */
class SubnetPool {
  private nextIp: number;
  private nextPrefix: number;
  constructor(readonly base: number, readonly size: number) {
    this.nextIp = base + 4; // AWS reserves the first four addresses
    this.nextPrefix = base + size / 2;
  }
  ip(): string {
    if (this.nextIp >= this.base + this.size / 2) throw new Error('subnet pool exhausted');
    return intToIp(this.nextIp++);
  }
  prefix28(): string {
    if (this.nextPrefix + 16 > this.base + this.size - 1) throw new Error('subnet prefix pool exhausted');
    const p = this.nextPrefix;
    this.nextPrefix += 16;
    return `${intToIp(p)}/28`;
  }
}

interface SubnetInfo {
  id: string;
  cidr: string;
  az: string;
  public: boolean;
  pool: SubnetPool;
}

interface NodeInfo {
  name: string;
  ip: string;
  instanceId: string;
  subnet: SubnetInfo;
  nodegroup: number;
  groups: string[];
  prefixDelegation: boolean;
  eth0: Json;
  eth1?: Json;
  trunk?: Json;
}


const tag = (Key: string, Value: string): Json => ({ Key, Value });
const privateIp = (ip: string, primary: boolean): Json => ({ PrivateIpAddress: ip, Primary: primary });

export function generateCluster(options: GenerateOptions = {}): GeneratedCluster {
  const o = { ...DEFAULTS, ...options };
  const subnetBits = Math.log2(o.subnetSize);
  if (!Number.isInteger(subnetBits)) throw new Error('generateCluster: subnetSize must be a power of two');
  const VPC_CIDR = `10.0.0.0/${32 - Math.ceil(Math.log2(o.subnets * o.subnetSize))}`;
  const rand = prng(o.seed);
  const pick = <T>(list: readonly T[]): T => list[Math.floor(rand() * list.length)]!;
  const chance = (p: number): boolean => rand() < p;
  const int = (lo: number, hi: number): number => lo + Math.floor(rand() * (hi - lo + 1));
  const suffix = (len: number): string => Array.from({ length: len }, () => POD_NAME_ALPHABET[Math.floor(rand() * POD_NAME_ALPHABET.length)]).join('');
  const ids = new Ids();
  let uidCounter = 0;
  const uid = (): string => `b0a7c1e2-0000-4000-8000-${(++uidCounter).toString(16).padStart(12, '0')}`;
  const meta = (name: string, namespace?: string, labels?: Record<string, string>, extra: Json = {}): Json => ({
    name,
    ...(namespace ? { namespace } : {}),
    ...(labels ? { labels } : {}),
    ...extra,
    uid: uid(),
    creationTimestamp: '2025-03-01T00:00:00Z',
  });

  // ---------------- network ----------------
  const vpcBase = ipToInt('10.0.0.0');
  const subnets: SubnetInfo[] = [];
  for (let i = 0; i < o.subnets; i++) {
    const base = vpcBase + i * o.subnetSize; // /22 each by default: 60 of them fit in the /16
    subnets.push({
      id: ids.next('subnet'),
      cidr: `${intToIp(base)}/${32 - subnetBits}`,
      az: AZS[i % AZS.length]!,
      public: i < PUBLIC_SUBNETS,
      pool: new SubnetPool(base, o.subnetSize),
    });
  }
  const publicSubnets = subnets.filter((s) => s.public);
  const privateSubnets = subnets.filter((s) => !s.public);

  const igwId = ids.next('igw');
  const nats = AZS.map((az) => {
    const subnet = publicSubnets.find((s) => s.az === az)!;
    return { id: ids.next('nat'), az, subnet, eni: ids.next('eni'), ip: subnet.pool.ip(), publicIp: `198.51.100.${10 + AZS.indexOf(az)}` };
  });

  // ---------------- security groups ----------------
  const nodegroupCount = Math.max(1, Math.round(o.nodes / 10));
  const sgIds = Array.from({ length: o.securityGroups }, () => ids.next('sg'));
  const clusterSg = sgIds[0]!;
  const nodegroupSgs = sgIds.slice(1, 1 + nodegroupCount);
  const podSgs = sgIds.slice(1 + nodegroupCount, 11 + nodegroupCount); // used by SecurityGroupPolicies
  const prefixLists = [
    { id: ids.next('pl'), name: 'corp-vpn', cidrs: ['192.168.50.0/24', '10.200.0.0/16'] },
    { id: ids.next('pl'), name: 'partners', cidrs: ['203.0.113.0/24', '198.51.100.128/25'] },
    { id: ids.next('pl'), name: 'monitoring', cidrs: ['10.250.0.0/20'] },
  ];
  const rulesPerSg = sgIds.map((_, i) => Math.floor(o.securityGroupRules / o.securityGroups) + (i < o.securityGroupRules % o.securityGroups ? 1 : 0));
  const perm = (proto: string, from: number | undefined, to: number | undefined, peer: Json): Json => ({
    IpProtocol: proto,
    ...(proto === '-1' ? {} : { FromPort: from, ToPort: to }),
    UserIdGroupPairs: peer.group ? [{ UserId: ACCOUNT, GroupId: peer.group }] : [],
    IpRanges: peer.cidr ? [{ CidrIp: peer.cidr }] : [],
    Ipv6Ranges: [],
    PrefixListIds: peer.pl ? [{ PrefixListId: peer.pl }] : [],
  });
  const randomPeer = (): Json => {
    const r = rand();
    if (r < 0.4) return { group: pick(sgIds) };
    if (r < 0.5) return { pl: pick(prefixLists).id };
    if (r < 0.53) return { cidr: '0.0.0.0/0' };
    return { cidr: pick(subnets).cidr };
  };
  const randomPerm = (): Json => {
    const r = rand();
    if (r < 0.05) return perm('-1', undefined, undefined, randomPeer());
    if (r < 0.15) {
      const from = int(1024, 60000);
      return perm('udp', from, from + int(0, 100), randomPeer());
    }
    if (r < 0.2) return perm('icmp', -1, -1, randomPeer());
    if (r < 0.5) return perm('tcp', 8080, 8080, randomPeer());
    const from = pick([22, 80, 443, 3306, 5432, 6379, 8443, 9090, 9100, 10250, int(1024, 40000)]);
    return perm('tcp', from, chance(0.2) ? from + int(1, 1000) : from, randomPeer());
  };
  const securityGroups = sgIds.map((gid, i) => {
    const ingress: Json[] = [];
    const egress: Json[] = [perm('-1', undefined, undefined, { cidr: '0.0.0.0/0' })];
    const want = rulesPerSg[i]! - egress.length;
    if (gid === clusterSg) {
      ingress.push(perm('-1', undefined, undefined, { group: clusterSg }));
      for (const ng of nodegroupSgs) if (ingress.length < want) ingress.push(perm('tcp', 443, 443, { group: ng }));
    } else if (nodegroupSgs.includes(gid)) {
      const index = nodegroupSgs.indexOf(gid);
      ingress.push(perm('-1', undefined, undefined, { group: gid }));
      ingress.push(perm('tcp', 10250, 10250, { group: clusterSg }));
      ingress.push(perm('udp', 53, 53, { cidr: VPC_CIDR }), perm('tcp', 53, 53, { cidr: VPC_CIDR }));
      // Three node groups in four admit application traffic from the whole VPC; the rest only from named groups.
      if (index % 4 !== 3) ingress.push(perm('tcp', 1024, 65535, { cidr: VPC_CIDR }));
      for (let k = 1; ingress.length < want && k <= 4; k++) ingress.push(perm('tcp', 8080, 8080, { group: nodegroupSgs[(index + k) % nodegroupSgs.length]! }));
      ingress.push(perm('tcp', 22, 22, { pl: prefixLists[0]!.id }));
    } else if (podSgs.includes(gid)) {
      ingress.push(perm('tcp', 8080, 8080, { group: pick(nodegroupSgs) }), perm('tcp', 8080, 8080, { group: pick(nodegroupSgs) }));
      ingress.push(perm('tcp', 9100, 9100, { cidr: VPC_CIDR }));
    }
    while (ingress.length < want) ingress.push(randomPerm());
    ingress.length = Math.min(ingress.length, want);
    return {
      GroupId: gid,
      GroupName: gid === clusterSg ? `eks-cluster-sg-${CLUSTER}-1234567890` : `${CLUSTER}-sg-${i}`,
      Description: gid === clusterSg ? 'EKS created security group applied to ENI that is attached to EKS Control Plane master nodes, as well as any managed workloads.' : `bench group ${i}`,
      OwnerId: ACCOUNT,
      VpcId: VPC_ID,
      IpPermissions: ingress,
      IpPermissionsEgress: egress,
      Tags: [tag('Name', `${CLUSTER}-sg-${i}`)],
    };
  });
  const groupNames = new Map(securityGroups.map((g) => [g.GroupId, g.GroupName]));
  const groupRef = (gid: string): Json => ({ GroupId: gid, GroupName: groupNames.get(gid) });

  // ---------------- nodes and their ENIs ----------------
  const networkInterfaces: Json[] = [];
  const nodes: NodeInfo[] = [];
  for (let i = 0; i < o.nodes; i++) {
    const subnet = privateSubnets[i % privateSubnets.length]!;
    const nodegroup = i % nodegroupCount;
    const ip = subnet.pool.ip();
    const instanceId = ids.next('i');
    const groups = [clusterSg, nodegroupSgs[nodegroup]!];
    const prefixDelegation = i % 10 === 9;
    const eth0: Json = {
      NetworkInterfaceId: ids.next('eni'),
      SubnetId: subnet.id,
      VpcId: VPC_ID,
      AvailabilityZone: subnet.az,
      InterfaceType: 'interface',
      Description: '',
      Status: 'in-use',
      Groups: groups.map(groupRef),
      PrivateIpAddress: ip,
      PrivateIpAddresses: [privateIp(ip, true)],
      ...(prefixDelegation ? { Ipv4Prefixes: [] } : {}),
      Attachment: { AttachmentId: ids.next('eni-attach'), DeviceIndex: 0, InstanceId: instanceId, InstanceOwnerId: ACCOUNT, Status: 'attached' },
      OwnerId: ACCOUNT,
    };
    networkInterfaces.push(eth0);
    nodes.push({ name: `ip-${ip.replace(/\./g, '-')}.${REGION}.compute.internal`, ip, instanceId, subnet, nodegroup, groups, prefixDelegation, eth0 });
  }
  const secondaryEni = (node: NodeInfo, deviceIndex: number, type: string, description: string): Json => {
    const ip = node.subnet.pool.ip();
    const eni: Json = {
      NetworkInterfaceId: ids.next('eni'),
      SubnetId: node.subnet.id,
      VpcId: VPC_ID,
      AvailabilityZone: node.subnet.az,
      InterfaceType: type,
      Description: description,
      Status: 'in-use',
      Groups: node.groups.map(groupRef),
      PrivateIpAddress: ip,
      PrivateIpAddresses: [privateIp(ip, true)],
      Attachment: { AttachmentId: ids.next('eni-attach'), DeviceIndex: deviceIndex, InstanceId: node.instanceId, InstanceOwnerId: ACCOUNT, Status: 'attached' },
      OwnerId: ACCOUNT,
    };
    networkInterfaces.push(eni);
    return eni;
  };
  const usedInLastPrefix = new Map<NodeInfo, number>();
  /** Give a pod an IP on its node the way the VPC CNI would: a /28 slot, else a secondary IP (14 per ENI). */
  const assignPodIp = (node: NodeInfo): string => {
    if (node.prefixDelegation) {
      const prefixes = node.eth0.Ipv4Prefixes as { Ipv4Prefix: string }[];
      let used = usedInLastPrefix.get(node) ?? 16;
      if (used >= 16) {
        prefixes.push({ Ipv4Prefix: node.subnet.pool.prefix28() });
        used = 0;
      }
      usedInLastPrefix.set(node, used + 1);
      const last = prefixes[prefixes.length - 1]!.Ipv4Prefix;
      return intToIp(ipToInt(last.split('/')[0]!) + used);
    }
    const ip = node.subnet.pool.ip();
    let eni = node.eth0;
    if ((eni.PrivateIpAddresses as Json[]).length >= 15) {
      node.eth1 ??= secondaryEni(node, 1, 'interface', 'aws-K8S-' + node.instanceId);
      eni = node.eth1;
    }
    (eni.PrivateIpAddresses as Json[]).push(privateIp(ip, false));
    return ip;
  };

  // ---------------- namespaces, workloads, pods, services ----------------
  const namespaceNames = Array.from({ length: o.namespaces }, (_, i) => `tenant-${String(i).padStart(2, '0')}`);
  const namespaceLabels = (i: number): Record<string, string> => ({
    'kubernetes.io/metadata.name': namespaceNames[i]!,
    team: `team-${i % 10}`,
    env: i % 5 === 4 ? 'staging' : 'prod',
    ...(i % 7 === 0 ? { compliance: 'pci' } : {}),
  });
  const podCounts = podCountsPerService(o.podsPerNamespace, o.servicesPerNamespace, rand);

  const pods: Json[] = [];
  const services: Json[] = [];
  const deployments: Json[] = [];
  const replicaSets: Json[] = [];
  const sgps: Json[] = [];
  const tenPod: string[] = [];
  // A stride coprime with the node count spreads each Service's pods over several nodes, evenly.
  let nodeCursor = 0;
  const stride = coprimeStride(nodes.length);
  const nextNode = (): NodeInfo => nodes[(nodeCursor++ * stride) % nodes.length]!;

  namespaceNames.forEach((ns, n) => {
    const counts = [...podCounts];
    shuffle(counts, rand);
    for (let s = 0; s < o.servicesPerNamespace; s++) {
      const name = SERVICE_NAMES[s % SERVICE_NAMES.length]! + (s >= SERVICE_NAMES.length ? `-${Math.floor(s / SERVICE_NAMES.length)}` : '');
      const tier = TIERS[s % TIERS.length]!;
      const labels = { app: name, tier, version: `v${1 + (s % 3)}` };
      const hash = suffix(10);
      const rsName = `${name}-${hash}`;
      const ports = [{ name: 'http', containerPort: 8080, protocol: 'TCP' }, ...(s % 3 === 0 ? [{ name: 'metrics', containerPort: 9100, protocol: 'TCP' }] : [])];
      const podSpec = { serviceAccountName: name, containers: [{ name, image: `${ACCOUNT}.dkr.ecr.${REGION}.amazonaws.com/${ns}/${name}:1.0.${s}`, ports }] };
      deployments.push({ apiVersion: 'apps/v1', kind: 'Deployment', metadata: meta(name, ns, labels), spec: { replicas: counts[s], selector: { matchLabels: { app: name } }, template: { metadata: { labels }, spec: podSpec } } });
      replicaSets.push({
        apiVersion: 'apps/v1',
        kind: 'ReplicaSet',
        metadata: meta(rsName, ns, { ...labels, 'pod-template-hash': hash }, { ownerReferences: [{ apiVersion: 'apps/v1', kind: 'Deployment', name, controller: true }] }),
        spec: { replicas: counts[s], selector: { matchLabels: { app: name, 'pod-template-hash': hash } }, template: { metadata: { labels: { ...labels, 'pod-template-hash': hash } }, spec: podSpec } },
      });
      services.push({
        apiVersion: 'v1',
        kind: 'Service',
        metadata: meta(name, ns, { app: name }),
        spec: {
          type: 'ClusterIP',
          selector: { app: name },
          ports: [
            { name: 'http', port: s % 2 === 0 ? 80 : 8080, targetPort: s % 4 === 1 ? 8080 : 'http', protocol: 'TCP' },
            ...(s % 3 === 0 ? [{ name: 'metrics', port: 9100, targetPort: 'metrics', protocol: 'TCP' }] : []),
          ],
        },
      });
      if (counts[s] === 10 && tenPod.length < 2 && (tenPod.length === 0 || !tenPod[0]!.startsWith(`${ns}/`))) tenPod.push(`${ns}/${name}`);
      // Security groups for pods: the last Service of the first ten namespaces.
      const sgp = n < podSgs.length && s === o.servicesPerNamespace - 1 ? podSgs[n]! : undefined;
      if (sgp) {
        sgps.push({ apiVersion: 'vpcresources.k8s.aws/v1beta1', kind: 'SecurityGroupPolicy', metadata: meta(name, ns), spec: { podSelector: { matchLabels: { app: name } }, securityGroups: { groupIds: [sgp] } } });
      }
      for (let r = 0; r < counts[s]!; r++) {
        const node = nextNode();
        const podName = `${rsName}-${suffix(5)}`;
        let ip: string;
        let branch: { eniId: string; vlanId: number } | undefined;
        if (sgp) {
          node.trunk ??= secondaryEni(node, 2, 'trunk', 'aws-k8s-trunk-eni');
          ip = node.subnet.pool.ip();
          const eniId = ids.next('eni');
          networkInterfaces.push({
            NetworkInterfaceId: eniId,
            SubnetId: node.subnet.id,
            VpcId: VPC_ID,
            AvailabilityZone: node.subnet.az,
            InterfaceType: 'branch',
            Description: 'aws-k8s-branch-eni',
            Status: 'in-use',
            Groups: [groupRef(sgp)],
            PrivateIpAddress: ip,
            PrivateIpAddresses: [privateIp(ip, true)],
            OwnerId: ACCOUNT,
          });
          branch = { eniId, vlanId: r + 1 };
        } else {
          ip = assignPodIp(node);
        }
        pods.push({
          metadata: meta(podName, ns, { ...labels, 'pod-template-hash': hash }, {
            ...(branch
              ? { annotations: { 'vpc.amazonaws.com/pod-eni': JSON.stringify([{ eniId: branch.eniId, ifAddress: '02:00:00:00:00:00', privateIp: ip, ipv6Addr: '', vlanId: branch.vlanId, subnetCidr: node.subnet.cidr, subnetV6Cidr: '', associationID: `trunk-assoc-0${branch.vlanId.toString(16).padStart(16, '0')}` }]) } }
              : {}),
            ownerReferences: [{ apiVersion: 'apps/v1', kind: 'ReplicaSet', name: rsName, controller: true }],
          }),
          spec: { ...podSpec, nodeName: node.name },
          status: { phase: 'Running', hostIP: node.ip, podIP: ip, podIPs: [{ ip }] },
        });
      }
    }
  });

  // ---------------- NetworkPolicies ----------------
  const networkPolicies: Json[] = [];
  const np = (ns: string, name: string, spec: Json): void => {
    networkPolicies.push({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: meta(name, ns), spec });
  };
  namespaceNames.forEach((ns, n) => {
    const svcNames = services.filter((s) => (s.metadata as Json).namespace === ns).map((s) => (s.metadata as Json).name as string);
    const before = networkPolicies.length;
    const isolateEgress = n % 4 === 1;
    if (n % 4 !== 3) np(ns, 'default-deny', { podSelector: {}, policyTypes: isolateEgress ? ['Ingress', 'Egress'] : ['Ingress'] });
    np(ns, 'allow-dns', {
      podSelector: {},
      policyTypes: ['Egress'],
      egress: [{ to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }, { protocol: 'TCP', port: 53 }] }],
    });
    for (const svc of svcNames) np(ns, `${svc}-ingress`, { podSelector: { matchLabels: { app: svc } }, policyTypes: ['Ingress'], ingress: [randomIngressRule(ns, svcNames)] });
    let k = 0;
    while (networkPolicies.length - before < o.policiesPerNamespace) {
      const svc = svcNames[k++ % svcNames.length]!;
      np(ns, `${svc}-egress-${k}`, { podSelector: { matchLabels: { app: svc } }, policyTypes: ['Egress'], egress: [randomEgressRule(svcNames), randomEgressRule(svcNames)] });
    }
  });

  function randomIngressRule(ns: string, svcNames: string[]): Json {
    const r = rand();
    const port = chance(0.5) ? { protocol: 'TCP', port: 'http' } : { protocol: 'TCP', port: 8080 };
    if (r < 0.35) return { from: [{ podSelector: { matchLabels: { app: pick(svcNames) } } }, { podSelector: { matchLabels: { app: pick(svcNames) } } }], ports: [port] };
    if (r < 0.55) return { from: [{ namespaceSelector: { matchLabels: { team: `team-${int(0, 9)}` } }, podSelector: { matchLabels: { tier: pick(TIERS) } } }], ports: [port] };
    if (r < 0.7) {
      return {
        from: [{ namespaceSelector: { matchExpressions: [{ key: 'env', operator: 'In', values: ['prod'] }] } }, { podSelector: { matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['data'] }] } }],
        ports: [{ protocol: 'TCP', port: 8000, endPort: 8100 }],
      };
    }
    if (r < 0.8) return { from: [{ ipBlock: { cidr: VPC_CIDR, except: [pick(subnets).cidr] } }], ports: [port] };
    if (r < 0.9) return { from: [{ namespaceSelector: { matchExpressions: [{ key: 'compliance', operator: 'DoesNotExist' }] }, podSelector: { matchExpressions: [{ key: 'version', operator: 'Exists' }] } }] };
    return { from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': ns } } }], ports: [port, { protocol: 'TCP', port: 'metrics' }] };
  }

  function randomEgressRule(svcNames: string[]): Json {
    const r = rand();
    if (r < 0.4) return { to: [{ podSelector: { matchLabels: { app: pick(svcNames) } } }], ports: [{ protocol: 'TCP', port: chance(0.5) ? 'http' : 8080 }] };
    if (r < 0.6) return { to: [{ namespaceSelector: { matchLabels: { team: `team-${int(0, 9)}` } } }], ports: [{ protocol: 'TCP', port: 8080 }] };
    if (r < 0.8) return { to: [{ ipBlock: { cidr: '0.0.0.0/0', except: RFC1918 } }], ports: [{ protocol: 'TCP', port: 443 }] };
    if (r < 0.9) return { to: [{ ipBlock: { cidr: pick(subnets).cidr } }], ports: [{ protocol: 'TCP', port: 5432 }, { protocol: 'TCP', port: 6379 }] };
    return { to: [{ podSelector: { matchExpressions: [{ key: 'tier', operator: 'In', values: ['backend', 'data'] }] } }] };
  }

  // ---------------- NACLs and route tables ----------------
  const defaultAcl = ids.next('acl');
  const customAcls = Array.from({ length: 10 }, () => ids.next('acl'));
  const aclOf = (i: number): string => (i >= PUBLIC_SUBNETS && i < PUBLIC_SUBNETS + 2 * customAcls.length ? customAcls[(i - PUBLIC_SUBNETS) % customAcls.length]! : defaultAcl);
  const entry = (RuleNumber: number, Egress: boolean, Protocol: string, CidrBlock: string, RuleAction: string, range?: [number, number]): Json => ({
    RuleNumber, Egress, Protocol, CidrBlock, RuleAction, ...(range ? { PortRange: { From: range[0], To: range[1] } } : {}),
  });
  const networkAcls: Json[] = [
    {
      NetworkAclId: defaultAcl, VpcId: VPC_ID, IsDefault: true, OwnerId: ACCOUNT,
      Associations: subnets.filter((_, i) => aclOf(i) === defaultAcl).map((s) => ({ NetworkAclAssociationId: ids.next('aclassoc'), NetworkAclId: defaultAcl, SubnetId: s.id })),
      Entries: [entry(100, true, '-1', '0.0.0.0/0', 'allow'), entry(32767, true, '-1', '0.0.0.0/0', 'deny'), entry(100, false, '-1', '0.0.0.0/0', 'allow'), entry(32767, false, '-1', '0.0.0.0/0', 'deny')],
    },
    ...customAcls.map((aclId, k) => ({
      NetworkAclId: aclId, VpcId: VPC_ID, IsDefault: false, OwnerId: ACCOUNT,
      Associations: subnets.filter((_, i) => aclOf(i) === aclId).map((s) => ({ NetworkAclAssociationId: ids.next('aclassoc'), NetworkAclId: aclId, SubnetId: s.id })),
      Entries: [
        entry(90, false, '6', '0.0.0.0/0', 'deny', [3389, 3389]),
        entry(95, false, '6', '0.0.0.0/0', 'deny', [22, 22]),
        entry(100, false, '-1', VPC_CIDR, 'allow'),
        entry(200, false, '6', '0.0.0.0/0', 'allow', [1024, 65535]),
        entry(32767, false, '-1', '0.0.0.0/0', 'deny'),
        entry(100, true, '6', '0.0.0.0/0', 'allow', [443, 443]),
        // Every third custom NACL answers the VPC only on 49152-65535: a return-path gap for Linux clients.
        k % 3 === 2 ? entry(110, true, '6', VPC_CIDR, 'allow', [49152, 65535]) : entry(110, true, '-1', VPC_CIDR, 'allow'),
        entry(120, true, '17', VPC_CIDR, 'allow', [53, 53]),
        entry(130, true, '6', VPC_CIDR, 'allow', [0, 32767]),
        entry(32767, true, '-1', '0.0.0.0/0', 'deny'),
      ],
    })),
  ];
  const localRoute = { DestinationCidrBlock: VPC_CIDR, GatewayId: 'local', Origin: 'CreateRouteTable', State: 'active' };
  const mainRtb = ids.next('rtb');
  const publicRtb = ids.next('rtb');
  const privateRtbs = AZS.map(() => ids.next('rtb'));
  const rtAssoc = (rtb: string, subnetId: string): Json => ({ Main: false, RouteTableAssociationId: ids.next('rtbassoc'), RouteTableId: rtb, SubnetId: subnetId, AssociationState: { State: 'associated' } });
  const routeTables: Json[] = [
    { RouteTableId: mainRtb, VpcId: VPC_ID, OwnerId: ACCOUNT, Routes: [localRoute], Associations: [{ Main: true, RouteTableAssociationId: ids.next('rtbassoc'), RouteTableId: mainRtb, AssociationState: { State: 'associated' } }] },
    { RouteTableId: publicRtb, VpcId: VPC_ID, OwnerId: ACCOUNT, Routes: [localRoute, { DestinationCidrBlock: '0.0.0.0/0', GatewayId: igwId, Origin: 'CreateRoute', State: 'active' }], Associations: publicSubnets.map((s) => rtAssoc(publicRtb, s.id)) },
    ...AZS.map((az, k) => ({
      RouteTableId: privateRtbs[k], VpcId: VPC_ID, OwnerId: ACCOUNT,
      Routes: [localRoute, { DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: nats[k]!.id, Origin: 'CreateRoute', State: 'active' }],
      Associations: privateSubnets.filter((s) => s.az === az).map((s) => rtAssoc(privateRtbs[k]!, s.id)),
    })),
  ];
  for (const nat of nats) {
    networkInterfaces.push({
      NetworkInterfaceId: nat.eni, SubnetId: nat.subnet.id, VpcId: VPC_ID, AvailabilityZone: nat.az, InterfaceType: 'nat_gateway',
      Description: `Interface for NAT Gateway ${nat.id}`, Status: 'in-use', Groups: [], PrivateIpAddress: nat.ip,
      PrivateIpAddresses: [{ ...privateIp(nat.ip, true), Association: { IpOwnerId: 'amazon', PublicIp: nat.publicIp } }], RequesterManaged: true, OwnerId: ACCOUNT,
    });
  }

  // ---------------- kube-system ----------------
  const awsNode = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('aws-node', 'kube-system', { 'k8s-app': 'aws-node' }),
    spec: {
      selector: { matchLabels: { 'k8s-app': 'aws-node' } },
      template: {
        metadata: { labels: { 'k8s-app': 'aws-node' } },
        spec: {
          hostNetwork: true,
          serviceAccountName: 'aws-node',
          containers: [
            {
              name: 'aws-node',
              image: `602401143452.dkr.ecr.${REGION}.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1`,
              env: [['AWS_VPC_K8S_CNI_EXTERNALSNAT', 'false'], ['ENABLE_POD_ENI', 'true'], ['ENABLE_PREFIX_DELEGATION', 'true'], ['POD_SECURITY_GROUP_ENFORCING_MODE', 'strict'], ['AWS_VPC_K8S_CNI_RANDOMIZESNAT', 'prng']].map(([name, value]) => ({ name, value })),
            },
            { name: 'aws-eks-nodeagent', image: `602401143452.dkr.ecr.${REGION}.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1`, args: ['--enable-ipv6=false', '--enable-network-policy=true', '--enable-cloudwatch-logs=false'] },
          ],
        },
      },
    },
  };
  const kubeProxy = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('kube-proxy', 'kube-system', { 'k8s-app': 'kube-proxy' }),
    spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: { hostNetwork: true, containers: [{ name: 'kube-proxy', image: `602401143452.dkr.ecr.${REGION}.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2` }] } } },
  };

  // ---------------- assemble ----------------
  const list = (items: unknown[]): Json => ({ apiVersion: 'v1', kind: 'List', metadata: { resourceVersion: '' }, items });
  const documents: GeneratedDocument[] = [
    {
      file: 'k8s/namespaces.json',
      doc: list([...namespaceNames.map((ns, i) => ({ apiVersion: 'v1', kind: 'Namespace', metadata: meta(ns, undefined, namespaceLabels(i)) })), { apiVersion: 'v1', kind: 'Namespace', metadata: meta('kube-system', undefined, { 'kubernetes.io/metadata.name': 'kube-system' }) }]),
    },
    {
      file: 'k8s/nodes.json',
      doc: list(nodes.map((nd) => ({
        apiVersion: 'v1', kind: 'Node',
        metadata: meta(nd.name, undefined, { 'kubernetes.io/hostname': nd.name, 'topology.kubernetes.io/zone': nd.subnet.az, 'eks.amazonaws.com/nodegroup': `ng-${nd.nodegroup}`, 'vpc.amazonaws.com/has-trunk-attached': nd.trunk ? 'true' : 'false' }),
        spec: { providerID: `aws:///${nd.subnet.az}/${nd.instanceId}` },
        status: { addresses: [{ type: 'InternalIP', address: nd.ip }, { type: 'Hostname', address: nd.name }] },
      }))),
    },
    { file: 'k8s/pods.json', doc: { apiVersion: 'v1', kind: 'PodList', metadata: { resourceVersion: '' }, items: pods } },
    { file: 'k8s/services.json', doc: list(services) },
    { file: 'k8s/deployments.json', doc: list(deployments) },
    { file: 'k8s/replicasets.json', doc: list(replicaSets) },
    { file: 'k8s/daemonsets.json', doc: list([awsNode, kubeProxy]) },
    { file: 'k8s/networkpolicies.json', doc: list(networkPolicies) },
    { file: 'k8s/securitygrouppolicies.json', doc: list(sgps) },
    { file: 'aws/vpcs.json', doc: { Vpcs: [{ VpcId: VPC_ID, CidrBlock: VPC_CIDR, CidrBlockAssociationSet: [{ CidrBlock: VPC_CIDR, CidrBlockState: { State: 'associated' } }], State: 'available', IsDefault: false, OwnerId: ACCOUNT }] } },
    { file: 'aws/subnets.json', doc: { Subnets: subnets.map((s) => ({ SubnetId: s.id, VpcId: VPC_ID, CidrBlock: s.cidr, AvailabilityZone: s.az, MapPublicIpOnLaunch: s.public, State: 'available', OwnerId: ACCOUNT })) } },
    { file: 'aws/security-groups.json', doc: { SecurityGroups: securityGroups } },
    { file: 'aws/network-acls.json', doc: { NetworkAcls: networkAcls } },
    { file: 'aws/route-tables.json', doc: { RouteTables: routeTables } },
    { file: 'aws/internet-gateways.json', doc: { InternetGateways: [{ InternetGatewayId: igwId, Attachments: [{ State: 'available', VpcId: VPC_ID }], OwnerId: ACCOUNT }] } },
    {
      file: 'aws/nat-gateways.json',
      doc: { NatGateways: nats.map((nat) => ({ NatGatewayId: nat.id, SubnetId: nat.subnet.id, VpcId: VPC_ID, State: 'available', ConnectivityType: 'public', NatGatewayAddresses: [{ PrivateIp: nat.ip, PublicIp: nat.publicIp, NetworkInterfaceId: nat.eni, IsPrimary: true, Status: 'succeeded' }] })) },
    },
    { file: 'aws/network-interfaces.json', doc: { NetworkInterfaces: networkInterfaces } },
    {
      file: 'aws/instances.json',
      doc: {
        Reservations: nodes.map((nd) => ({
          ReservationId: ids.next('r'),
          OwnerId: ACCOUNT,
          Instances: [{
            InstanceId: nd.instanceId, InstanceType: 'm5.xlarge', PrivateIpAddress: nd.ip, PrivateDnsName: nd.name, SubnetId: nd.subnet.id, VpcId: VPC_ID,
            Placement: { AvailabilityZone: nd.subnet.az }, State: { Code: 16, Name: 'running' }, SecurityGroups: nd.groups.map(groupRef),
            NetworkInterfaces: [nd.eth0, nd.eth1, nd.trunk].filter((e): e is Json => !!e).map((e) => ({ NetworkInterfaceId: e.NetworkInterfaceId, Attachment: { DeviceIndex: (e.Attachment as Json).DeviceIndex }, PrivateIpAddress: e.PrivateIpAddress })),
          }],
        })),
      },
    },
    { file: 'aws/prefix-lists.json', doc: { PrefixLists: prefixLists.map((p) => ({ PrefixListId: p.id, PrefixListName: p.name, AddressFamily: 'IPv4', State: 'create-complete', OwnerId: ACCOUNT })) } },
    ...prefixLists.map((p) => ({ file: `aws/prefix-list-entries-${p.name}.json`, doc: { PrefixListId: p.id, Entries: p.cidrs.map((Cidr) => ({ Cidr })) } })),
    {
      file: 'eks/cluster.json',
      doc: { cluster: { name: CLUSTER, version: '1.31', status: 'ACTIVE', resourcesVpcConfig: { vpcId: VPC_ID, subnetIds: subnets.map((s) => s.id), securityGroupIds: [], clusterSecurityGroupId: clusterSg, endpointPublicAccess: false, endpointPrivateAccess: true }, kubernetesNetworkConfig: { ipFamily: 'ipv4', serviceIpv4Cidr: '172.20.0.0/16' } } },
    },
    { file: 'eks/addon-vpc-cni.json', doc: { addon: { addonName: 'vpc-cni', clusterName: CLUSTER, status: 'ACTIVE', addonVersion: 'v1.19.2-eksbuild.1', configurationValues: '{"enableNetworkPolicy":"true"}' } } },
    { file: 'eksnet-collection.json', doc: { EksnetCollection: { cluster: CLUSTER, region: REGION, collectedAt: '2025-03-14T00:00:00Z', missing: [] } } },
  ];

  if (tenPod.length < 2) throw new Error('generateCluster: options leave fewer than two 10-pod Services in different namespaces');
  const securityGroupRules = securityGroups.reduce((n, g) => n + [...g.IpPermissions, ...g.IpPermissionsEgress].reduce((m, p) => m + peerCount(p), 0), 0);
  return {
    documents,
    tenPodServices: [tenPod[0]!, tenPod[1]!],
    counts: {
      namespaces: namespaceNames.length + 1,
      pods: pods.length,
      services: services.length,
      networkPolicies: networkPolicies.length,
      securityGroups: securityGroups.length,
      securityGroupRules,
      subnets: subnets.length,
      nodes: nodes.length,
      networkInterfaces: networkInterfaces.length,
    },
  };
}

function coprimeStride(n: number): number {
  const gcd = (a: number, b: number): number => (b === 0 ? a : gcd(b, a % b));
  for (const candidate of [37, 41, 43, 47, 53, 59, 61]) if (gcd(candidate, n) === 1) return candidate % n || 1;
  return 1;
}

/** One rule per peer, as describe-security-group-rules counts them. */
function peerCount(p: Json): number {
  return ((p.IpRanges as unknown[]) ?? []).length + ((p.Ipv6Ranges as unknown[]) ?? []).length + ((p.PrefixListIds as unknown[]) ?? []).length + ((p.UserIdGroupPairs as unknown[]) ?? []).length;
}

/**
 * Pods per Service in one namespace: `services` counts summing to `pods`, two of them exactly 10
 * (for the pair benchmark), the others 3-7 (about five each).
 */
function podCountsPerService(pods: number, services: number, rand: () => number): number[] {
  if (services < 2 || pods < 20 + (services - 2)) throw new Error('generateCluster: too few pods for two 10-pod Services');
  const counts = [10, 10];
  let left = pods - 20;
  for (let i = 2; i < services; i++) {
    const remaining = services - i;
    const avg = left / remaining;
    const n = i === services - 1 ? left : Math.max(1, Math.min(left - (remaining - 1), Math.round(avg + (rand() * 4 - 2))));
    counts.push(n);
    left -= n;
  }
  return counts;
}

function shuffle<T>(list: T[], rand: () => number): void {
  for (let i = list.length - 1; i > 0; i--) {
    const j = Math.floor(rand() * (i + 1));
    [list[i], list[j]] = [list[j]!, list[i]!];
  }
}

/** Write the documents under `outDir` as JSON files (what `--snapshot outDir` reads). */
export function writeCluster(outDir: string, cluster: GeneratedCluster): void {
  for (const { file, doc } of cluster.documents) {
    const target = path.join(outDir, file);
    mkdirSync(path.dirname(target), { recursive: true });
    writeFileSync(target, JSON.stringify(doc) + '\n');
  }
}

if (require.main === module) {
  const outDir = process.argv[2];
  if (!outDir) {
    process.stderr.write('usage: node dist/bench/generate.js OUTDIR [--scale N]\n');
    process.exit(2);
  }
  const at = process.argv.indexOf('--scale');
  const cluster = generateCluster(at > 0 ? scaledOptions(Number(process.argv[at + 1])) : {});
  writeCluster(outDir, cluster);
  process.stdout.write(`${JSON.stringify({ outDir, ...cluster.counts, tenPodServices: cluster.tenPodServices })}\n`);
}
