import type { K8sObject, LabelSelector, NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort, SecurityGroupPolicy } from '../model/k8s';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { Cidr } from '../model/cidr';
import { canonicalSet, compareText, indexBy, labelText, splitKeys, stableStringify } from './canonical';
import { containerSeverity, networkPolicySeverity } from './severity';
import { canonicalCidr } from './ranges';

type Direction = 'ingress' | 'egress';

function key(o: K8sObject): string {
  return `${o.metadata.namespace ?? 'default'}/${o.metadata.name}`;
}

/** A label selector with its maps and lists in one order; `{}` and a missing selector are the same "everything". */
export function canonicalSelector(sel: LabelSelector | undefined | null): Record<string, unknown> {
  // `key In (v)` with one value selects exactly what `matchLabels: {key: v}` selects: "matchLabels ... is
  // equivalent to an element of matchExpressions, whose key field is "key", the operator is "In", and the
  // values array contains only "value"" (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/#resources-that-support-set-based-requirements).
  const merged: Record<string, string> = { ...(sel?.matchLabels ?? {}) };
  const rest = [];
  for (const e of sel?.matchExpressions ?? []) {
    const values = [...new Set(e.values ?? [])];
    if (e.operator === 'In' && values.length === 1 && (merged[e.key] === undefined || merged[e.key] === values[0])) merged[e.key] = values[0]!;
    else rest.push(e);
  }
  const labels = Object.entries(merged).sort(([a], [b]) => compareText(a, b));
  const exprs = canonicalSet(rest, (e) => ({
    key: e.key,
    operator: e.operator,
    values: canonicalSet(e.values ?? []),
  }));
  const out: Record<string, unknown> = {};
  if (labels.length) out.matchLabels = Object.fromEntries(labels);
  if (exprs.length) out.matchExpressions = exprs;
  return out;
}

function isEverything(sel: Record<string, unknown>): boolean {
  return Object.keys(sel).length === 0;
}

function canonicalPeer(p: NetworkPolicyPeer): Record<string, unknown> {
  if (p.ipBlock) {
    return { ipBlock: { cidr: canonicalCidr(p.ipBlock.cidr.trim().toLowerCase()), except: canonicalSet(p.ipBlock.except ?? [], (e) => canonicalCidr(e.trim().toLowerCase())) } };
  }
  const out: Record<string, unknown> = {};
  const pods = p.podSelector ? canonicalSelector(p.podSelector) : undefined;
  if (p.namespaceSelector) {
    out.namespaceSelector = canonicalSelector(p.namespaceSelector);
    // namespaceSelector with an empty (or no) podSelector: every pod in the selected namespaces.
    if (pods && !isEverything(pods)) out.podSelector = pods;
  } else {
    out.podSelector = pods ?? {};
  }
  return out;
}

function canonicalPort(p: NetworkPolicyPort): Record<string, unknown> {
  // The API server defaults a port's protocol to TCP (k8s.io/kubernetes pkg/apis/networking/v1/defaults.go).
  return { protocol: (p.protocol ?? 'TCP').toUpperCase(), port: p.port ?? null, endPort: p.endPort ?? null };
}

/**
 * Policy types as the API server defaults them: "Ingress" always, "Egress" when the egress list is
 * non-empty (`len(obj.Spec.Egress) != 0`, kubernetes pkg/apis/networking/v1/defaults.go
 * SetDefaults_NetworkPolicy; https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/).
 */
export function effectivePolicyTypes(spec: NetworkPolicy['spec']): Direction[] {
  const given = spec?.policyTypes?.length ? spec.policyTypes : ['Ingress', ...(spec?.egress?.length ? ['Egress'] : [])];
  return [...new Set(given.map((t) => t.toLowerCase() as Direction))].sort(compareText);
}

export interface CanonicalPolicy {
  podSelector: Record<string, unknown>;
  policyTypes: Direction[];
  /** Rules per direction, each `{peers, ports}` (empty list = all), as a sorted set; [] when the direction is not a policy type. */
  ingress: unknown[];
  egress: unknown[];
}

/**
 * A NetworkPolicy's meaning: rules are ORed, peers and ports within a rule are ORed, so every list is a
 * set; an empty or missing `from`/`to`/`ports` means "all" (NetworkPolicy API reference above).
 */
export function canonicalPolicy(np: NetworkPolicy): CanonicalPolicy {
  const spec = np.spec ?? ({} as NetworkPolicy['spec']);
  const types = effectivePolicyTypes(spec);
  const rules = (list: { peers?: NetworkPolicyPeer[]; ports?: NetworkPolicyPort[] }[]) =>
    canonicalSet(list, (r) => ({ peers: canonicalSet(r.peers ?? [], canonicalPeer), ports: canonicalSet(r.ports ?? [], canonicalPort) }));
  return {
    podSelector: canonicalSelector(spec.podSelector),
    policyTypes: types,
    ingress: types.includes('ingress') ? rules((spec.ingress ?? []).map((r) => ({ peers: r?.from, ports: r?.ports }))) : [],
    egress: types.includes('egress') ? rules((spec.egress ?? []).map((r) => ({ peers: r?.to, ports: r?.ports }))) : [],
  };
}

/** Directions in which this policy isolates every pod of its namespace (an empty podSelector). */
function isolatesAll(p: Pick<CanonicalPolicy, 'podSelector' | 'policyTypes'>): Direction[] {
  return isEverything(p.podSelector) ? p.policyTypes : [];
}

/** A rule that admits every peer on every port: no peers (or an ipBlock of the whole internet) and no ports. */
function opensToAll(p: CanonicalPolicy, d: Direction): boolean {
  return (p[d] as { peers: Record<string, any>[]; ports: unknown[] }[]).some(
    (r) => r.ports.length === 0 && (r.peers.length === 0 || r.peers.some((peer) => peer.ipBlock && (Cidr.tryParse(peer.ipBlock.cidr)?.isWholeInternet ?? false) && peer.ipBlock.except.length === 0)),
  );
}

function namespaceIsolation(snap: Snapshot): Map<string, Set<Direction>> {
  const out = new Map<string, Set<Direction>>();
  for (const np of snap.k8s.networkPolicies) {
    const ns = np.metadata.namespace ?? 'default';
    // Only the selector and the policy types decide it: the rules need no canonical form here.
    for (const d of isolatesAll({ podSelector: canonicalSelector(np.spec?.podSelector), policyTypes: effectivePolicyTypes(np.spec) })) {
      if (!out.has(ns)) out.set(ns, new Set());
      out.get(ns)!.add(d);
    }
  }
  return out;
}

function namespaceExists(snap: Snapshot, ns: string): boolean {
  // Without Namespace objects in the snapshot, assume it still exists.
  return snap.k8s.namespaces.length === 0 || snap.k8s.namespaces.some((n) => n.metadata.name === ns);
}

function ruleDelta(before: unknown[], after: unknown[]): { added: number; removed: number } {
  const b = new Set(before.map(stableStringify));
  const a = new Set(after.map(stableStringify));
  return { added: [...a].filter((x) => !b.has(x)).length, removed: [...b].filter((x) => !a.has(x)).length };
}

function kubectlGet(ns: string, kind: string, name: string): string {
  return `kubectl -n ${ns} get ${kind} ${name} -o yaml`;
}

/** NetworkPolicy drift, compared semantically; flags namespaces that lose all-pods isolation. */
export function diffNetworkPolicies(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.k8s.networkPolicies, key);
  const after = indexBy(current.k8s.networkPolicies, key);
  const isolatedBefore = namespaceIsolation(baseline);
  const isolatedAfter = namespaceIsolation(current);
  const lostIn = (ns: string, dirs: Direction[]): Direction[] =>
    namespaceExists(current, ns) ? dirs.filter((d) => isolatedBefore.get(ns)?.has(d) && !isolatedAfter.get(ns)?.has(d)) : [];
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const changes: Change[] = [];

  for (const id of removed) {
    const np = before.get(id)!;
    const ns = np.metadata.namespace ?? 'default';
    const lost = lostIn(ns, isolatesAll(canonicalPolicy(np)));
    changes.push({
      kind: 'NetworkPolicy',
      id,
      change: 'removed',
      severity: networkPolicySeverity({ change: 'removed', isolationLost: lost.length > 0, opensToAll: false, denyOnly: false }),
      summary: lost.length
        ? `NetworkPolicy ${id} was deleted and namespace ${ns} no longer has a default deny for ${lost.join(' and ')} — its pods are no longer isolated for ${lost.join(' and ')} unless another policy selects them; restore it from the baseline with kubectl apply -f`
        : `NetworkPolicy ${id} was deleted — traffic it allowed may now be blocked, or its pods are no longer isolated; restore from the baseline with kubectl apply -f, or confirm with eksnet whoami-reach`,
    });
  }
  for (const id of added) {
    const np = after.get(id)!;
    const c = canonicalPolicy(np);
    const open = opensToAll(c, 'ingress');
    const denyOnly = c.policyTypes.every((d) => c[d].length === 0);
    const [ns, name] = [np.metadata.namespace ?? 'default', np.metadata.name];
    changes.push({
      kind: 'NetworkPolicy',
      id,
      change: 'added',
      severity: networkPolicySeverity({ change: 'added', isolationLost: false, opensToAll: open, denyOnly }),
      summary: open
        ? `New NetworkPolicy ${id} admits every source on every port to the pods it selects — if unintended: kubectl -n ${ns} delete networkpolicy ${name}`
        : denyOnly
          ? `New NetworkPolicy ${id} denies all ${c.policyTypes.join(' and ')} traffic for the pods it selects — check that needed traffic is still allowed with eksnet whoami-reach`
          : `New NetworkPolicy ${id} (${c.policyTypes.join(', ')}) — review it with ${kubectlGet(ns, 'networkpolicy', name)}`,
    });
  }
  for (const id of both) {
    // The same spec as written has the same meaning; only a spec written differently needs the canonical comparison.
    if (JSON.stringify(before.get(id)!.spec) === JSON.stringify(after.get(id)!.spec)) continue;
    const b = canonicalPolicy(before.get(id)!);
    const a = canonicalPolicy(after.get(id)!);
    if (stableStringify(b) === stableStringify(a)) continue;
    const np = after.get(id)!;
    const [ns, name] = [np.metadata.namespace ?? 'default', np.metadata.name];
    const aspects: string[] = [];
    if (stableStringify(b.podSelector) !== stableStringify(a.podSelector)) aspects.push(`podSelector ${stableStringify(b.podSelector)} → ${stableStringify(a.podSelector)}`);
    if (stableStringify(b.policyTypes) !== stableStringify(a.policyTypes)) aspects.push(`policyTypes [${b.policyTypes.join(', ')}] → [${a.policyTypes.join(', ')}]`);
    for (const d of ['ingress', 'egress'] as const) {
      const delta = ruleDelta(b[d], a[d]);
      if (delta.added || delta.removed) aspects.push(`${d} rules: ${delta.added} added, ${delta.removed} removed`);
    }
    const lostDirs = isolatesAll(b).filter((d) => !isolatesAll(a).includes(d));
    const lost = lostIn(ns, lostDirs);
    const open = opensToAll(a, 'ingress') && !opensToAll(b, 'ingress');
    changes.push({
      kind: 'NetworkPolicy',
      id,
      change: 'modified',
      severity: networkPolicySeverity({ change: 'modified', isolationLost: lost.length > 0, opensToAll: open, denyOnly: false }),
      summary: `NetworkPolicy ${id} changed (${aspects.join('; ')})${lost.length ? ` — namespace ${ns} no longer has a default deny for ${lost.join(' and ')}` : open ? ' — it now admits every source on every port' : ''}; review with ${kubectlGet(ns, 'networkpolicy', name)}`,
    });
  }
  return changes;
}

/** Labels that carry no information of their own (the API server sets it to the namespace's name). */
const DERIVED_LABELS = new Set(['kubernetes.io/metadata.name']);

function meaningfulLabels(o: K8sObject): Record<string, string> {
  return Object.fromEntries(Object.entries(o.metadata.labels ?? {}).filter(([k]) => !DERIVED_LABELS.has(k)));
}

/** Namespace drift: added/removed, label changes (labels decide which namespaceSelectors match). */
export function diffNamespaces(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.k8s.namespaces, (n) => n.metadata.name);
  const after = indexBy(current.k8s.namespaces, (n) => n.metadata.name);
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const changes: Change[] = [];
  for (const id of removed) {
    changes.push({ kind: 'Namespace', id, change: 'removed', severity: containerSeverity('removed'), summary: `Namespace ${id} no longer exists — with it went its pods and policies` });
  }
  for (const id of added) {
    changes.push({
      kind: 'Namespace',
      id,
      change: 'added',
      severity: containerSeverity('added'),
      summary: `New namespace ${id} (labels ${labelText(meaningfulLabels(after.get(id)!))}) — add a default-deny NetworkPolicy if your namespaces should have one`,
    });
  }
  for (const id of both) {
    const b = meaningfulLabels(before.get(id)!);
    const a = meaningfulLabels(after.get(id)!);
    if (stableStringify(b) === stableStringify(a)) continue;
    const keys = [...new Set([...Object.keys(b), ...Object.keys(a)])].sort(compareText).filter((k) => b[k] !== a[k]);
    const parts = keys.map((k) => (b[k] === undefined ? `+${k}=${a[k]}` : a[k] === undefined ? `-${k}=${b[k]}` : `${k}: ${b[k]} → ${a[k]}`));
    changes.push({
      kind: 'Namespace',
      id,
      change: 'modified',
      severity: containerSeverity('modified'),
      summary: `Namespace ${id} labels changed (${parts.join(', ')}) — NetworkPolicy namespaceSelectors that match on them now select differently; check with eksnet whoami-reach`,
    });
  }
  return changes;
}

function canonicalSgp(p: SecurityGroupPolicy): Record<string, unknown> {
  const spec = p.spec ?? {};
  return {
    // Here a missing selector does not select (the other selector is used), so keep missing apart from {}.
    podSelector: spec.podSelector ? canonicalSelector(spec.podSelector) : null,
    serviceAccountSelector: spec.serviceAccountSelector ? canonicalSelector(spec.serviceAccountSelector) : null,
    groupIds: canonicalSet(spec.securityGroups?.groupIds ?? []),
  };
}

/**
 * SecurityGroupPolicy drift. Policies apply to pods scheduled after the change
 * (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html), so a change shows
 * up as pods restart.
 */
export function diffSecurityGroupPolicies(baseline: Snapshot, current: Snapshot): Change[] {
  const before = indexBy(baseline.k8s.securityGroupPolicies, key);
  const after = indexBy(current.k8s.securityGroupPolicies, key);
  const { onlyA: removed, onlyB: added, both } = splitKeys(before, after);
  const groups = (p: SecurityGroupPolicy) => (canonicalSgp(p).groupIds as string[]).join(', ') || 'none';
  const changes: Change[] = [];
  for (const id of removed) {
    changes.push({
      kind: 'SecurityGroupPolicy',
      id,
      change: 'removed',
      severity: 'medium',
      summary: `SecurityGroupPolicy ${id} (groups ${groups(before.get(id)!)}) was deleted — pods scheduled from now on use their node's security groups instead`,
    });
  }
  for (const id of added) {
    changes.push({
      kind: 'SecurityGroupPolicy',
      id,
      change: 'added',
      severity: 'medium',
      summary: `New SecurityGroupPolicy ${id} gives matching pods groups ${groups(after.get(id)!)} (instead of the node's) once they are rescheduled — check their DNS and probe rules with eksnet whoami-reach`,
    });
  }
  for (const id of both) {
    const b = canonicalSgp(before.get(id)!);
    const a = canonicalSgp(after.get(id)!);
    if (stableStringify(b) === stableStringify(a)) continue;
    const parts: string[] = [];
    if (stableStringify(b.groupIds) !== stableStringify(a.groupIds)) parts.push(`groups ${groups(before.get(id)!)} → ${groups(after.get(id)!)}`);
    if (stableStringify(b.podSelector) !== stableStringify(a.podSelector)) parts.push('podSelector changed');
    if (stableStringify(b.serviceAccountSelector) !== stableStringify(a.serviceAccountSelector)) parts.push('serviceAccountSelector changed');
    changes.push({
      kind: 'SecurityGroupPolicy',
      id,
      change: 'modified',
      severity: 'medium',
      summary: `SecurityGroupPolicy ${id} changed (${parts.join('; ')}) — pods get the new groups when rescheduled`,
    });
  }
  return changes;
}
