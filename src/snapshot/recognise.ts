import type { K8sObject } from '../model/k8s';
import type { AwsResource, K8sKind, Snapshot } from '../model/snapshot';
import { InvalidObjectError, assertValidEc2List, assertValidK8sObject, validatePrefixListEntries } from './validate/index';

type K8sListKey = keyof Snapshot['k8s'];

const KIND_TO_LIST: Record<K8sKind, K8sListKey> = {
  Namespace: 'namespaces',
  Pod: 'pods',
  Service: 'services',
  EndpointSlice: 'endpointSlices',
  Deployment: 'deployments',
  ReplicaSet: 'replicaSets',
  StatefulSet: 'statefulSets',
  DaemonSet: 'daemonSets',
  Node: 'nodes',
  ServiceAccount: 'serviceAccounts',
  ConfigMap: 'configMaps',
  NetworkPolicy: 'networkPolicies',
  SecurityGroupPolicy: 'securityGroupPolicies',
};

/** AWS result keys whose value is a list copied as-is into `snap.aws`. */
const AWS_LIST_KEYS = {
  SecurityGroups: 'securityGroups',
  NetworkAcls: 'networkAcls',
  Subnets: 'subnets',
  RouteTables: 'routeTables',
  NetworkInterfaces: 'networkInterfaces',
  Vpcs: 'vpcs',
  NatGateways: 'natGateways',
  InternetGateways: 'internetGateways',
  EgressOnlyInternetGateways: 'egressOnlyInternetGateways',
  PrefixLists: 'prefixLists',
} as const satisfies Partial<Record<AwsResource, keyof Snapshot['aws']>>;

/** Top-level keys that are AWS output eksnet deliberately does not read. */
const IGNORED_AWS_KEYS = new Set(['SecurityGroupRules', 'NextToken', 'ResponseMetadata']);

function isObject(v: unknown): v is Record<string, any> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

function addK8sObject(snap: Snapshot, obj: Record<string, any>, origin: string): void {
  const kind = obj.kind as string;
  const listKey = (KIND_TO_LIST as Record<string, K8sListKey | undefined>)[kind];
  if (!listKey) return; // unknown kinds are ignored, never an error (CONTRACT §1)
  // An object its API would refuse is bad input, never skipped or repaired (src/snapshot/validate).
  assertValidK8sObject(obj, origin);
  snap.present.add(kind as K8sKind);
  (snap.k8s[listKey] as K8sObject[]).push(obj as K8sObject);
}

function addAwsKeys(snap: Snapshot, doc: Record<string, any>, origin: string): boolean {
  let recognised = false;
  for (const [key, target] of Object.entries(AWS_LIST_KEYS)) {
    if (!(key in doc)) continue;
    recognised = true;
    const value = doc[key];
    assertValidEc2List(key, value, origin);
    snap.present.add(key as AwsResource);
    (snap.aws[target] as unknown[]).push(...value);
  }
  if ('Reservations' in doc) {
    recognised = true;
    assertValidEc2List('Reservations', doc.Reservations, origin);
    snap.present.add('Reservations');
    doc.Reservations.forEach((r: Record<string, unknown>, i: number) => {
      if (r.Instances !== undefined) assertValidEc2List(`Reservations[${i}].Instances`, r.Instances, origin);
      if (Array.isArray(r.Instances)) snap.aws.instances.push(...(r.Instances as Snapshot['aws']['instances']));
    });
  }
  if ('Entries' in doc) {
    recognised = true;
    const problem = validatePrefixListEntries(doc.Entries);
    if (problem) throw new InvalidObjectError(origin, `prefix list ${typeof doc.PrefixListId === 'string' ? doc.PrefixListId : ''}: ${problem}`);
    if (typeof doc.PrefixListId !== 'string') {
      snap.warnings.push(`${origin}: prefix-list Entries without PrefixListId ignored`);
    } else {
      snap.present.add('Entries');
      const cidrs = doc.Entries.map((e: any) => e?.Cidr).filter((c: unknown): c is string => typeof c === 'string');
      snap.aws.prefixListEntries[doc.PrefixListId] = [...(snap.aws.prefixListEntries[doc.PrefixListId] ?? []), ...cidrs];
    }
  }
  if (isObject(doc.cluster)) {
    recognised = true;
    snap.present.add('cluster');
    snap.aws.cluster = doc.cluster as Snapshot['aws']['cluster'];
  }
  if (isObject(doc.addon)) {
    recognised = true;
    snap.present.add('addon');
    snap.aws.addons.push(doc.addon as Snapshot['aws']['addons'][number]);
  }
  if (Array.isArray(doc.addons)) {
    recognised = true;
    snap.present.add('addons');
    for (const item of doc.addons) {
      if (typeof item === 'string') snap.aws.addonNames.push(item);
      else if (isObject(item) && Array.isArray(item.addonVersions)) snap.aws.addonVersions.push(item as any);
    }
  }
  return recognised;
}

function addCollection(snap: Snapshot, info: Record<string, any>): void {
  const c = snap.collection;
  if (typeof info.cluster === 'string') c.cluster = info.cluster;
  if (typeof info.region === 'string') c.region = info.region;
  if (typeof info.collectedAt === 'string') c.collectedAt = info.collectedAt;
  if (Array.isArray(info.missing)) {
    for (const m of info.missing) {
      if (isObject(m) && typeof m.resource === 'string') {
        c.missing.push({ resource: m.resource, reason: typeof m.reason === 'string' ? m.reason : 'not collected' });
      }
    }
  }
}

/** Recognise one document by its shape and add what it holds to the snapshot (CONTRACT §1). */
export function addDocument(snap: Snapshot, doc: unknown, origin: string): void {
  if (!isObject(doc)) {
    snap.warnings.push(`${origin}: not a Kubernetes object or AWS API output; ignored`);
    return;
  }
  if (typeof doc.apiVersion === 'string' && typeof doc.kind === 'string') {
    const kind = doc.kind;
    const listOf = kind === 'List' ? '' : kind.endsWith('List') && kind.slice(0, -'List'.length) in KIND_TO_LIST ? kind.slice(0, -'List'.length) : undefined;
    if (listOf !== undefined && !Array.isArray(doc.items)) {
      throw new InvalidObjectError(origin, `${kind}: items: Invalid value: ${doc.items === undefined ? 'undefined' : typeof doc.items}: must be a list (Kubernetes List)`);
    }
    if (kind.endsWith('List') && Array.isArray(doc.items)) {
      const itemKind = kind === 'List' ? undefined : kind.slice(0, -'List'.length);
      // An empty PodList still tells us the cluster has no pods (as opposed to "not collected").
      if (itemKind && itemKind in KIND_TO_LIST) snap.present.add(itemKind as K8sKind);
      doc.items.forEach((item: unknown, i: number) => {
        if (!isObject(item)) throw new InvalidObjectError(origin, `${kind}: items[${i}]: Invalid value: ${item === null ? 'null' : typeof item}: must be an object (Kubernetes List)`);
        const withKind = item.kind ? item : itemKind ? { ...item, kind: itemKind } : item;
        if (typeof withKind.kind !== 'string') return;
        addK8sObject(snap, withKind, origin);
      });
      return;
    }
    addK8sObject(snap, doc, origin);
    return;
  }
  let recognised = false;
  if (isObject(doc.EksnetCollection)) {
    addCollection(snap, doc.EksnetCollection);
    recognised = true;
  }
  if (addAwsKeys(snap, doc, origin)) recognised = true;
  if (!recognised && !Object.keys(doc).some((k) => IGNORED_AWS_KEYS.has(k))) {
    snap.warnings.push(`${origin}: not a Kubernetes object or AWS API output; ignored`);
  }
}
