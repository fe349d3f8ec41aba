import type { Change, ChangeKind } from '../model/result';
import { K8S_KINDS, type Snapshot } from '../model/snapshot';
import { compareText } from './canonical';
import { diffAddons, diffClusterConfig } from './cluster';
import { diffCniConfig, enforcementChange } from './cni';
import { diffNamespaces, diffNetworkPolicies, diffSecurityGroupPolicies } from './kubernetes';
import { diffNetworkAcls } from './nacls';
import { diffRouteTables, diffSubnets } from './routes';
import { diffSecurityGroups } from './security-groups';

export interface DriftReport {
  changes: Change[];
  /** What could not be compared, and why (resources a collection could not read). */
  notes: string[];
}

/** Kinds drift reports (Service changes come only from `eksnet impact`'s proposals). */
export type DriftKind = Exclude<ChangeKind, 'Service'>;

/** Which collected resources (EksnetCollection `missing[].resource`) each change kind is read from. */
const SOURCES: Record<DriftKind, string[]> = {
  SecurityGroup: ['SecurityGroups'],
  SecurityGroupRule: ['SecurityGroups'],
  NetworkAcl: ['NetworkAcls'],
  NetworkAclEntry: ['NetworkAcls'],
  Subnet: ['Subnets'],
  RouteTable: ['RouteTables'],
  NetworkPolicy: ['NetworkPolicy'],
  SecurityGroupPolicy: ['SecurityGroupPolicy'],
  Namespace: ['Namespace'],
  Addon: ['addon', 'addons'],
  ClusterConfig: ['cluster'],
  CniConfig: ['DaemonSet', 'ConfigMap'],
};

function missingKinds(snap: Snapshot): Map<DriftKind, string> {
  const out = new Map<DriftKind, string>();
  for (const [kind, sources] of Object.entries(SOURCES) as [DriftKind, string[]][]) {
    const m = snap.collection.missing.find((x) => sources.includes(x.resource));
    if (m) out.set(kind, `${m.resource}: ${m.reason}`);
  }
  return out;
}

const KUBERNETES_KINDS = new Set<ChangeKind>(['NetworkPolicy', 'SecurityGroupPolicy', 'Namespace', 'CniConfig']);

/**
 * Kinds a snapshot says nothing about — e.g. a one-file baseline of security groups holds no NACLs,
 * which is not "every NACL was added". AWS kinds go by their API output key; Kubernetes kinds by
 * whether the snapshot holds any Kubernetes objects at all (a policy file deleted from a snapshot of
 * the cluster still reads as the policy removed).
 */
function absentKinds(snap: Snapshot): Set<DriftKind> {
  const out = new Set<DriftKind>();
  const hasKubernetes = K8S_KINDS.some((k) => snap.present.has(k)) || Object.values(snap.k8s).some((list) => list.length > 0);
  const holds = (source: string): boolean => {
    if (snap.present.has(source as never)) return true;
    const data: Record<string, unknown[] | undefined> = {
      SecurityGroups: snap.aws.securityGroups,
      NetworkAcls: snap.aws.networkAcls,
      Subnets: snap.aws.subnets,
      RouteTables: snap.aws.routeTables,
      addon: snap.aws.addons,
      addons: [...snap.aws.addonVersions, ...snap.aws.addonNames],
      cluster: snap.aws.cluster ? [snap.aws.cluster] : [],
    };
    return (data[source]?.length ?? 0) > 0;
  };
  for (const [kind, sources] of Object.entries(SOURCES) as [DriftKind, string[]][]) {
    if (KUBERNETES_KINDS.has(kind) ? !hasKubernetes : !sources.some(holds)) out.add(kind);
  }
  return out;
}

const CHANGE_ORDER = { added: 0, modified: 1, removed: 2 } as const;

/** Stable order: kind, id, change, then summary (so equal input always prints identically). */
export function compareChanges(a: Change, b: Change): number {
  return compareText(a.kind, b.kind) || compareText(a.id, b.id) || CHANGE_ORDER[a.change] - CHANGE_ORDER[b.change] || compareText(a.summary, b.summary);
}

/**
 * Compare a current snapshot with a baseline. An object the collection could not read is not reported
 * as removed (or added): a missing resource on one side means "unknown", not "gone".
 */
export function driftReport(baseline: Snapshot, current: Snapshot): DriftReport {
  const enforcement = enforcementChange(baseline, current);
  const all: Change[] = [
    ...diffSecurityGroups(baseline, current),
    ...diffNetworkAcls(baseline, current),
    ...diffSubnets(baseline, current),
    ...diffRouteTables(baseline, current),
    ...diffNetworkPolicies(baseline, current),
    ...diffSecurityGroupPolicies(baseline, current),
    ...diffNamespaces(baseline, current),
    ...diffAddons(baseline, current, enforcement.lost),
    ...diffClusterConfig(baseline, current),
    ...diffCniConfig(baseline, current, enforcement),
  ];
  if (enforcement.lost && !all.some((c) => c.severity === 'critical' && (c.kind === 'CniConfig' || c.kind === 'Addon'))) {
    all.push({ kind: 'CniConfig', id: 'network-policy-enforcement', change: 'modified', severity: 'critical', summary: `NetworkPolicy was enforced in the baseline and no longer is: ${enforcement.reason}` });
  }
  const missingNow = missingKinds(current);
  const missingThen = missingKinds(baseline);
  const notes: string[] = [];
  for (const [kind, why] of missingNow) notes.push(`${kind} objects absent from the current state are not reported as removed: the collection could not read ${why}`);
  for (const [kind, why] of missingThen) notes.push(`${kind} objects absent from the baseline are not reported as added: the baseline's collection could not read ${why}`);
  if (!baseline.aws.cluster !== !current.aws.cluster) {
    notes.push(`ClusterConfig not compared: only the ${baseline.aws.cluster ? 'baseline' : 'current state'} holds eks describe-cluster output`);
  }
  // A snapshot with no document of a kind at all says nothing about it: not "everything removed/added".
  const absentNow = absentKinds(current);
  const absentThen = absentKinds(baseline);
  for (const kind of new Set([...absentNow, ...absentThen])) {
    if (absentNow.has(kind) && absentThen.has(kind)) continue;
    if (kind === 'ClusterConfig') continue; // noted above
    notes.push(`${kind} not compared: only the ${absentThen.has(kind) ? 'current state' : 'baseline'} holds ${SOURCES[kind].join('/')} documents`);
  }
  const unknownNow = (k: ChangeKind) => k !== 'Service' && (missingNow.has(k) || absentNow.has(k));
  const unknownThen = (k: ChangeKind) => k !== 'Service' && (missingThen.has(k) || absentThen.has(k));
  const changes = all.filter((c) => !(c.change === 'removed' && unknownNow(c.kind)) && !(c.change === 'added' && unknownThen(c.kind)));
  return { changes: changes.sort(compareChanges), notes: notes.sort(compareText) };
}

/** The changes from `baseline` to `current`, in a stable order (CONTRACT §2 `eksnet drift`). */
export function diff(baseline: Snapshot, current: Snapshot): Change[] {
  return driftReport(baseline, current).changes;
}
