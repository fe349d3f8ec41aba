import { ATTRIBUTED_KINDS, type K8sObject } from '../model/k8s';
import type { Snapshot } from '../model/snapshot';
import { snapshotFromDocuments } from '../snapshot/load';

/** One file of a snapshot directory: a relative path and the JSON it holds. */
export interface BaselineDocument {
  file: string;
  doc: unknown;
}

const AWS_FILES: [keyof Snapshot['aws'], string, string][] = [
  ['securityGroups', 'SecurityGroups', 'aws/security-groups.json'],
  ['networkAcls', 'NetworkAcls', 'aws/network-acls.json'],
  ['subnets', 'Subnets', 'aws/subnets.json'],
  ['routeTables', 'RouteTables', 'aws/route-tables.json'],
  ['networkInterfaces', 'NetworkInterfaces', 'aws/network-interfaces.json'],
  ['vpcs', 'Vpcs', 'aws/vpcs.json'],
  ['natGateways', 'NatGateways', 'aws/nat-gateways.json'],
  ['internetGateways', 'InternetGateways', 'aws/internet-gateways.json'],
  ['egressOnlyInternetGateways', 'EgressOnlyInternetGateways', 'aws/egress-only-internet-gateways.json'],
  ['prefixLists', 'PrefixLists', 'aws/prefix-lists.json'],
];

const K8S_FILES: [keyof Snapshot['k8s'], string][] = [
  ['namespaces', 'Namespace'],
  ['pods', 'Pod'],
  ['services', 'Service'],
  ['endpointSlices', 'EndpointSlice'],
  ['deployments', 'Deployment'],
  ['replicaSets', 'ReplicaSet'],
  ['statefulSets', 'StatefulSet'],
  ['daemonSets', 'DaemonSet'],
  ['nodes', 'Node'],
  ['serviceAccounts', 'ServiceAccount'],
  ['configMaps', 'ConfigMap'],
  ['networkPolicies', 'NetworkPolicy'],
  ['securityGroupPolicies', 'SecurityGroupPolicy'],
];

function safeName(text: string): string {
  return text.replace(/[^A-Za-z0-9._-]/g, '_');
}

/**
 * managedFields is bookkeeping (CONTRACT §2 `eksnet snapshot` may drop it); it is kept on the kinds drift
 * reports, where it names who last changed an object (src/drift/attribution.ts), and dropped elsewhere.
 */
function withoutManagedFields(o: K8sObject): K8sObject {
  if (!o.metadata?.managedFields || ATTRIBUTED_KINDS.has(o.kind)) return o;
  const { managedFields: _dropped, ...metadata } = o.metadata;
  return { ...o, metadata: metadata as K8sObject['metadata'] };
}

/**
 * A loaded snapshot written back as the documents of CONTRACT §1, so that loading them gives the same
 * snapshot: `aws ... --output json` shapes, Kubernetes `*List`s, and the EksnetCollection record.
 * A kind the snapshot never held is left out (absent stays absent rather than becoming "none").
 */
export function snapshotDocuments(snap: Snapshot, collectedAt: string): BaselineDocument[] {
  const docs: BaselineDocument[] = [];
  const has = (key: string, list: unknown[]) => list.length > 0 || snap.present.has(key as never);
  for (const [field, key, file] of AWS_FILES) {
    const list = snap.aws[field] as unknown[];
    if (has(key, list)) docs.push({ file, doc: { [key]: list } });
  }
  if (has('Reservations', snap.aws.instances)) docs.push({ file: 'aws/instances.json', doc: { Reservations: [{ Instances: snap.aws.instances }] } });
  for (const [id, cidrs] of Object.entries(snap.aws.prefixListEntries)) {
    docs.push({ file: `aws/prefix-list-entries-${safeName(id)}.json`, doc: { PrefixListId: id, Entries: cidrs.map((Cidr) => ({ Cidr })) } });
  }
  if (snap.aws.cluster) docs.push({ file: 'aws/eks-cluster.json', doc: { cluster: snap.aws.cluster } });
  for (const addon of snap.aws.addons) docs.push({ file: `aws/eks-addon-${safeName(addon.addonName ?? 'unnamed')}.json`, doc: { addon } });
  if (snap.aws.addonNames.length) docs.push({ file: 'aws/eks-list-addons.json', doc: { addons: snap.aws.addonNames } });
  if (snap.aws.addonVersions.length) docs.push({ file: 'aws/eks-addon-versions.json', doc: { addons: snap.aws.addonVersions } });
  for (const [field, kind] of K8S_FILES) {
    const list = snap.k8s[field] as K8sObject[];
    if (!has(kind, list)) continue;
    docs.push({ file: `k8s/${plural(kind.toLowerCase())}.json`, doc: { apiVersion: 'v1', kind: `${kind}List`, items: list.map(withoutManagedFields) } });
  }
  const c = snap.collection;
  docs.push({
    file: 'eksnet-collection.json',
    doc: { EksnetCollection: { cluster: c.cluster ?? snap.aws.cluster?.name, region: c.region, collectedAt: c.collectedAt ?? collectedAt, missing: c.missing } },
  });
  return docs;
}

/** "networkpolicy" → "networkpolicies", "pod" → "pods" (file names, as kubectl names resources). */
function plural(word: string): string {
  return word.endsWith('y') ? `${word.slice(0, -1)}ies` : word.endsWith('s') ? `${word}es` : `${word}s`;
}

/** The snapshot a stored baseline's documents describe (the inverse of `snapshotDocuments`). */
export function snapshotFromBaseline(source: string, documents: BaselineDocument[]): Snapshot {
  return snapshotFromDocuments(
    source,
    documents.map((d) => ({ doc: d.doc, origin: `${source}: ${d.file}` })),
  );
}
