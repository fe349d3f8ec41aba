import type { Change, ChangeKind } from '../model/result';
import type { Snapshot } from '../model/snapshot';
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

/** Which collected resources (EksnetCollection `missing[].resource`) each change kind is read from. */
const SOURCES: Record<ChangeKind, string[]> = {
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

function missingKinds(snap: Snapshot): Map<ChangeKind, string> {
  const out = new Map<ChangeKind, string>();
  for (const [kind, sources] of Object.entries(SOURCES) as [ChangeKind, string[]][]) {
    const m = snap.collection.missing.find((x) => sources.includes(x.resource));
    if (m) out.set(kind, `${m.resource}: ${m.reason}`);
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
  const changes = all.filter((c) => !(c.change === 'removed' && missingNow.has(c.kind)) && !(c.change === 'added' && missingThen.has(c.kind)));
  return { changes: changes.sort(compareChanges), notes: notes.sort(compareText) };
}

/** The changes from `baseline` to `current`, in a stable order (CONTRACT §2 `eksnet drift`). */
export function diff(baseline: Snapshot, current: Snapshot): Change[] {
  return driftReport(baseline, current).changes;
}
