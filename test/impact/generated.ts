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
