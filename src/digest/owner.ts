import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import type { K8sObject } from '../model/k8s';

/**
 * What a drift change is about, as an object of the snapshot documents (CONTRACT §1): the AWS object or
 * Kubernetes object that holds it, and — for changes to one rule, entry or route of an object — the part.
 * Accepting a change into a baseline replaces exactly that part (or that object) and nothing else.
 */
export type Owner =
  | { type: 'aws'; key: AwsListKey; idField: string; id: string; part?: Part }
  | { type: 'addon'; name: string }
  | { type: 'cluster' }
  | { type: 'k8s'; kind: string; namespace?: string; name: string };

/** A sub-list of an AWS object changed one element at a time: SG rules, NACL entries, routes. */
export type Part = { list: 'sg-rule'; ruleId: string } | { list: 'nacl-entry'; egress: boolean; rule: number } | { list: 'route'; dest: string };

export type AwsListKey = 'SecurityGroups' | 'NetworkAcls' | 'Subnets' | 'RouteTables';

/** The owner of a change, or undefined when a change has no single object (e.g. enforcement lost as a whole). */
export function ownerOf(change: Pick<Change, 'kind' | 'id'>): Owner | undefined {
  const [head = '', ...rest] = change.id.split('/');
  switch (change.kind) {
    case 'SecurityGroup':
      return { type: 'aws', key: 'SecurityGroups', idField: 'GroupId', id: change.id };
    case 'SecurityGroupRule':
      return { type: 'aws', key: 'SecurityGroups', idField: 'GroupId', id: head, part: { list: 'sg-rule', ruleId: change.id } };
    case 'NetworkAcl':
      return { type: 'aws', key: 'NetworkAcls', idField: 'NetworkAclId', id: change.id };
    case 'NetworkAclEntry': {
      // `ACL/DIRECTION/RULE` (src/drift/nacls.ts).
      const [direction, rule] = rest;
      const n = Number(rule);
      if ((direction !== 'ingress' && direction !== 'egress') || !Number.isInteger(n)) return { type: 'aws', key: 'NetworkAcls', idField: 'NetworkAclId', id: head };
      return { type: 'aws', key: 'NetworkAcls', idField: 'NetworkAclId', id: head, part: { list: 'nacl-entry', egress: direction === 'egress', rule: n } };
    }
    case 'Subnet':
      return { type: 'aws', key: 'Subnets', idField: 'SubnetId', id: head };
    case 'RouteTable':
      return rest.length
        ? { type: 'aws', key: 'RouteTables', idField: 'RouteTableId', id: head, part: { list: 'route', dest: rest.join('/') } }
        : { type: 'aws', key: 'RouteTables', idField: 'RouteTableId', id: head };
    case 'Addon':
      return { type: 'addon', name: change.id };
    case 'ClusterConfig':
      return { type: 'cluster' };
    case 'NetworkPolicy':
    case 'SecurityGroupPolicy':
      return rest.length ? { type: 'k8s', kind: change.kind, namespace: head, name: rest.join('/') } : undefined;
    case 'Namespace':
      return { type: 'k8s', kind: 'Namespace', name: change.id };
    case 'CniConfig':
      if (head === 'aws-node') return { type: 'k8s', kind: 'DaemonSet', namespace: 'kube-system', name: 'aws-node' };
      if (head === 'amazon-vpc-cni') return { type: 'k8s', kind: 'ConfigMap', namespace: 'kube-system', name: 'amazon-vpc-cni' };
      return undefined;
  }
  return undefined;
}

/** A stable text for an owner (the key its captured object is stored under). */
export function ownerKey(o: Owner): string {
  if (o.type === 'aws') return `${o.key}/${o.id}`;
  if (o.type === 'addon') return `addon/${o.name}`;
  if (o.type === 'cluster') return 'cluster';
  return `${o.kind}/${o.namespace ?? ''}/${o.name}`;
}

const K8S_FIELD: Record<string, keyof Snapshot['k8s']> = {
  NetworkPolicy: 'networkPolicies',
  SecurityGroupPolicy: 'securityGroupPolicies',
  Namespace: 'namespaces',
  DaemonSet: 'daemonSets',
  ConfigMap: 'configMaps',
};

const AWS_FIELD: Record<AwsListKey, keyof Snapshot['aws']> = {
  SecurityGroups: 'securityGroups',
  NetworkAcls: 'networkAcls',
  Subnets: 'subnets',
  RouteTables: 'routeTables',
};

/** What the owner looks like in a snapshot: the object (null when absent), and for add-ons whether it is listed. */
export interface Captured {
  object: unknown;
  /** Add-ons: named by `eks list-addons` output. */
  listed?: boolean;
}

export function k8sMatches(o: K8sObject, owner: Extract<Owner, { type: 'k8s' }>): boolean {
  if (o.metadata?.name !== owner.name) return false;
  if (owner.kind === 'Namespace') return true;
  // src/drift: policies default to namespace "default", the VPC CNI's objects to kube-system.
  const fallback = owner.kind === 'DaemonSet' || owner.kind === 'ConfigMap' ? 'kube-system' : 'default';
  return (o.metadata.namespace ?? fallback) === owner.namespace;
}

/** The owner's object in a snapshot (the state a change was seen in), to be stored beside the change. */
export function capture(snap: Snapshot, owner: Owner): Captured {
  if (owner.type === 'aws') {
    const list = snap.aws[AWS_FIELD[owner.key]] as unknown as Record<string, unknown>[];
    return { object: list.find((o) => o[owner.idField] === owner.id) ?? null };
  }
  if (owner.type === 'addon') {
    return { object: snap.aws.addons.find((a) => a.addonName === owner.name) ?? null, listed: snap.aws.addonNames.includes(owner.name) };
  }
  if (owner.type === 'cluster') return { object: snap.aws.cluster ?? null };
  const list = snap.k8s[K8S_FIELD[owner.kind]!] as unknown as K8sObject[];
  const found = list.find((o) => k8sMatches(o, owner));
  if (!found) return { object: null };
  // managedFields is bookkeeping (never compared); the baseline keeps objects without it.
  const { managedFields: _mf, ...metadata } = found.metadata as K8sObject['metadata'] & { managedFields?: unknown };
  return { object: { ...found, kind: found.kind ?? owner.kind, metadata } };
}
