// A small generated cluster (bench/generate.ts) and a copy of it with changes of every kind.
import { generateCluster } from '../../bench/generate';
import { snapshotFromDocuments } from '../../src/snapshot/load';
import type { Snapshot } from '../../src/model/snapshot';

type Docs = { file: string; doc: any }[];

export function generatedDocuments(): Docs {
  const cluster = generateCluster({ seed: 7, namespaces: 6, podsPerNamespace: 24, servicesPerNamespace: 6, policiesPerNamespace: 12, nodes: 12, securityGroups: 30, securityGroupRules: 300, subnets: 12 });
  return cluster.documents as Docs;
}

export function toSnapshot(docs: Docs, source = 'generated'): Snapshot {
  return snapshotFromDocuments(source, docs.map((d) => ({ doc: d.doc, origin: d.file })));
}

function doc(docs: Docs, file: string): any {
  return docs.find((d) => d.file === file)!.doc;
}

/** One change of each kind, applied to a deep copy of the documents. */
export function withChangesOfEveryKind(original: Docs): Docs {
  const docs: Docs = structuredClone(original);
  const nps = doc(docs, 'k8s/networkpolicies.json').items as any[];
  // NetworkPolicy removed: tenant-00's default deny.
  nps.splice(nps.findIndex((n) => n.metadata.namespace === 'tenant-00' && n.metadata.name === 'default-deny'), 1);
  // NetworkPolicy modified: a tenant-02 ingress policy now admits every source.
  const np = nps.find((n) => n.metadata.namespace === 'tenant-02' && n.spec.ingress?.length);
  np.spec.ingress = [{}];
  // Security group rules: the tenant-00 "search" pods' group loses its inbound rules.
  const sgs = doc(docs, 'aws/security-groups.json').SecurityGroups as any[];
  sgs.find((g) => g.GroupId === 'sg-00000000000000003').IpPermissions = [];
  // NACL entry: acl-…02 denies TCP 8080 from inside the VPC before its allow rule.
  const acl = (doc(docs, 'aws/network-acls.json').NetworkAcls as any[]).find((n) => n.NetworkAclId === 'acl-00000000000000002');
  acl.Entries.push({ RuleNumber: 99, Egress: false, Protocol: '6', CidrBlock: '10.0.0.0/16', RuleAction: 'deny', PortRange: { From: 8080, To: 8080 } });
  // Route: rtb-…03 loses its default route to the NAT gateway.
  const rtb = (doc(docs, 'aws/route-tables.json').RouteTables as any[]).find((t) => t.RouteTableId === 'rtb-00000000000000003');
  rtb.Routes = rtb.Routes.filter((r: any) => r.DestinationCidrBlock !== '0.0.0.0/0');
  // Namespace labels: tenant-01 is no longer env=prod.
  const ns = (doc(docs, 'k8s/namespaces.json').items as any[]).find((n) => n.metadata.name === 'tenant-01');
  delete ns.metadata.labels.env;
  // SecurityGroupPolicy: tenant-01's search pods would get another group (pods not rescheduled yet).
  const sgp = (doc(docs, 'k8s/securitygrouppolicies.json').items as any[]).find((p) => p.metadata.namespace === 'tenant-01');
  sgp.spec.securityGroups.groupIds = ['sg-00000000000000005'];
  // Service: tenant-03's api now selects the web pods.
  const svc = (doc(docs, 'k8s/services.json').items as any[]).find((x) => x.metadata.namespace === 'tenant-03' && x.metadata.name === 'api');
  svc.spec.selector = { app: 'web' };
  return docs;
}

/**
 * Sources of every egress shape, for the cells `withChangesOfEveryKind` moves. Towards the Service whose ingress it
 * opens (tenant-02): tenant-03's pods isolated for egress by no policy, tenant-04's by a policy admitting every
 * namespace, tenant-05's by one admitting only an ipBlock (the subnet of one of that Service's pods) and DNS. As
 * sources of changed objects (tenant-01's namespace labels, tenant-03's api Service): tenant-01's pods admit only
 * the VPC's block, and tenant-03's any destination.
 */
export function withEgressOfEveryShape(original: Docs): Docs {
  const docs: Docs = structuredClone(original);
  const npDoc = doc(docs, 'k8s/networkpolicies.json');
  const nps = npDoc.items as any[];
  const opened = nps.find((n) => n.metadata.namespace === 'tenant-02' && n.spec.ingress?.length);
  const app = opened.spec.podSelector.matchLabels.app;
  const pod = (doc(docs, 'k8s/pods.json').items as any[]).find((p) => p.metadata.namespace === 'tenant-02' && p.metadata.labels?.app === app);
  const subnet = (doc(docs, 'aws/subnets.json').Subnets as any[]).find((s) => sameSubnet(pod.status.podIP, s.CidrBlock));
  const vpc = (doc(docs, 'aws/vpcs.json').Vpcs as any[])[0].CidrBlock as string;
  const reshaped = ['tenant-01', 'tenant-03', 'tenant-04', 'tenant-05'];
  const egressOnly = (n: any) => (n.spec.policyTypes ?? []).length === 1 && n.spec.policyTypes[0] === 'Egress';
  npDoc.items = nps.filter((n) => !(reshaped.includes(n.metadata.namespace) && egressOnly(n)));
  for (const n of npDoc.items) if (reshaped.includes(n.metadata.namespace) && n.metadata.name === 'default-deny') n.spec.policyTypes = ['Ingress'];
  const dns = { to: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'kube-system' } }, podSelector: { matchLabels: { 'k8s-app': 'kube-dns' } } }], ports: [{ protocol: 'UDP', port: 53 }] };
  const policy = (ns: string, name: string, egress: any[]) => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns, uid: `egress-shape-${ns}` }, spec: { podSelector: {}, policyTypes: ['Egress'], egress } });
  npDoc.items.push(policy('tenant-01', 'egress-to-the-vpc', [{ to: [{ ipBlock: { cidr: vpc } }] }, dns]));
  npDoc.items.push(policy('tenant-04', 'egress-to-every-namespace', [{ to: [{ namespaceSelector: {} }] }]));
  npDoc.items.push(policy('tenant-05', 'egress-to-one-subnet', [{ to: [{ ipBlock: { cidr: subnet.CidrBlock } }] }, dns]));
  return docs;
}

function sameSubnet(ip: string, cidr: string): boolean {
  const [base, bits] = cidr.split('/');
  const n = (a: string) => a.split('.').reduce((x, o) => x * 256 + Number(o), 0);
  const size = 2 ** (32 - Number(bits));
  return Math.floor(n(ip) / size) === Math.floor(n(base!) / size);
}

/**
 * acl-…03 also denies TCP 8080 into its subnets from one subnet only (the first subnet holding pods of another
 * NACL's subnets): only flows from that block can move.
 */
export function withNaclEntryForOneBlock(original: Docs): Docs {
  const docs: Docs = structuredClone(original);
  const acls = doc(docs, 'aws/network-acls.json').NetworkAcls as any[];
  const acl = acls.find((n) => n.NetworkAclId === 'acl-00000000000000003');
  const own = new Set((acl.Associations as any[]).map((a) => a.SubnetId));
  const podIps = (doc(docs, 'k8s/pods.json').items as any[]).map((p) => p.status?.podIP).filter(Boolean) as string[];
  const block = (doc(docs, 'aws/subnets.json').Subnets as any[]).find((s) => !own.has(s.SubnetId) && podIps.some((ip) => sameSubnet(ip, s.CidrBlock)));
  acl.Entries.push({ RuleNumber: 98, Egress: false, Protocol: '6', CidrBlock: block.CidrBlock, RuleAction: 'deny', PortRange: { From: 8080, To: 8080 } });
  return docs;
}
