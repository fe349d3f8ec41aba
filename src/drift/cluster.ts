import type { Cluster } from '@aws-sdk/client-eks';
import { CORE_SCHEMA, load as loadYaml } from 'js-yaml';
import type { Change, Severity } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { canonicalSet, compareText, stableStringify } from './canonical';
import { worst } from './severity';

/** configurationValues is JSON or YAML text; compare what it says, not how it is written. */
export function canonicalConfigurationValues(text: string | undefined): string {
  if (!text || !text.trim()) return '';
  try {
    return stableStringify(loadYaml(text, { schema: CORE_SCHEMA })); // YAML 1.2 is a superset of JSON
  } catch {
    return text.trim();
  }
}

function addonNames(snap: Snapshot): Set<string> {
  return new Set([...snap.aws.addons.map((a) => a.addonName).filter((n): n is string => !!n), ...snap.aws.addonNames]);
}

function clusterName(snap: Snapshot): string {
  return snap.aws.cluster?.name ?? snap.collection.cluster ?? 'CLUSTER_NAME';
}

/**
 * Addon drift (managed EKS add-ons, id = add-on name): added/removed, version, configurationValues.
 * `enforcementLost` marks vpc-cni changes that turned NetworkPolicy enforcement off.
 */
export function diffAddons(baseline: Snapshot, current: Snapshot, enforcementLost: boolean): Change[] {
  const namesBefore = addonNames(baseline);
  const namesAfter = addonNames(current);
  const cluster = clusterName(current);
  const changes: Change[] = [];
  const all = [...new Set([...namesBefore, ...namesAfter])].sort(compareText);
  for (const name of all) {
    const critical = enforcementLost && name === 'vpc-cni';
    if (!namesAfter.has(name)) {
      changes.push({
        kind: 'Addon',
        id: name,
        change: 'removed',
        severity: critical ? 'critical' : 'medium',
        summary: `Add-on ${name} is no longer installed${critical ? ' and nothing enforces NetworkPolicy any more' : ''} — reinstall with aws eks create-addon --cluster-name ${cluster} --addon-name ${name}, or confirm it is now self-managed`,
      });
      continue;
    }
    if (!namesBefore.has(name)) {
      changes.push({ kind: 'Addon', id: name, change: 'added', severity: 'low', summary: `Add-on ${name} is newly installed — confirm with aws eks describe-addon --cluster-name ${cluster} --addon-name ${name}` });
      continue;
    }
    const b = baseline.aws.addons.find((a) => a.addonName === name);
    const a = current.aws.addons.find((x) => x.addonName === name);
    if (!a || !b) continue;
    const parts: string[] = [];
    let severity: Severity = 'info';
    if ((b.addonVersion ?? '') !== (a.addonVersion ?? '')) parts.push(`version ${b.addonVersion ?? 'unknown'} → ${a.addonVersion ?? 'unknown'}`);
    if (canonicalConfigurationValues(b.configurationValues) !== canonicalConfigurationValues(a.configurationValues)) {
      parts.push('configurationValues changed');
      severity = critical ? 'critical' : 'medium';
    }
    if (!parts.length) continue;
    changes.push({
      kind: 'Addon',
      id: name,
      change: 'modified',
      severity,
      summary: `Add-on ${name}: ${parts.join('; ')}${critical && severity === 'critical' ? ' — NetworkPolicy is no longer enforced; set enableNetworkPolicy back to "true" with aws eks update-addon' : ''} — see aws eks describe-addon --cluster-name ${cluster} --addon-name ${name}`,
    });
  }
  return changes;
}

interface ClusterField {
  field: string;
  value: (c: Cluster) => unknown;
  severity: (before: any, after: any) => Severity;
  describe: (before: any, after: any) => string;
}

const show = (v: unknown) => (Array.isArray(v) ? `[${v.join(', ')}]` : String(v ?? 'unset'));

/**
 * EKS cluster settings that change who can reach the API server or how pods get addresses. Defaults
 * follow the EKS API (endpointPublicAccess true, endpointPrivateAccess false, publicAccessCidrs
 * 0.0.0.0/0): https://docs.aws.amazon.com/eks/latest/APIReference/API_VpcConfigRequest.html
 */
const CLUSTER_FIELDS: ClusterField[] = [
  {
    field: 'endpointPublicAccess',
    value: (c) => c.resourcesVpcConfig?.endpointPublicAccess ?? true,
    severity: (_b, a) => (a ? 'high' : 'low'),
    describe: (_b, a) =>
      a ? 'the API server endpoint is now public — if unintended: aws eks update-cluster-config --name CLUSTER --resources-vpc-config endpointPublicAccess=false,endpointPrivateAccess=true' : 'the API server endpoint is no longer public — clients outside the VPC lose access',
  },
  {
    field: 'endpointPrivateAccess',
    value: (c) => c.resourcesVpcConfig?.endpointPrivateAccess ?? false,
    severity: (_b, a) => (a ? 'low' : 'medium'),
    describe: (_b, a) => (a ? 'the API server endpoint is now reachable privately from the VPC' : 'private endpoint access was turned off — nodes now reach the API server over its public endpoint'),
  },
  {
    field: 'publicAccessCidrs',
    value: (c) => canonicalSet(c.resourcesVpcConfig?.publicAccessCidrs ?? ['0.0.0.0/0']),
    severity: (b: string[], a: string[]) => {
      const gained = a.filter((x) => !b.includes(x));
      if (gained.some((x) => x === '0.0.0.0/0' || x === '::/0')) return 'high';
      return gained.length ? 'medium' : 'low';
    },
    describe: (b: string[], a: string[]) => `public endpoint CIDRs ${show(b)} → ${show(a)}`,
  },
  {
    field: 'clusterSecurityGroupId',
    value: (c) => c.resourcesVpcConfig?.clusterSecurityGroupId ?? null,
    severity: () => 'medium',
    describe: (b, a) => `cluster security group ${show(b)} → ${show(a)} — rules that reference the old group no longer match the control plane and managed nodes`,
  },
  {
    field: 'securityGroupIds',
    value: (c) => canonicalSet(c.resourcesVpcConfig?.securityGroupIds ?? []),
    severity: () => 'medium',
    describe: (b, a) => `additional control-plane security groups ${show(b)} → ${show(a)}`,
  },
  {
    field: 'subnetIds',
    value: (c) => canonicalSet(c.resourcesVpcConfig?.subnetIds ?? []),
    severity: () => 'medium',
    describe: (b, a) => `control-plane subnets ${show(b)} → ${show(a)}`,
  },
  {
    field: 'version',
    value: (c) => c.version ?? null,
    severity: () => 'info',
    describe: (b, a) => `Kubernetes version ${show(b)} → ${show(a)} — check add-on compatibility with eksnet addons`,
  },
  {
    field: 'ipFamily',
    value: (c) => c.kubernetesNetworkConfig?.ipFamily ?? 'ipv4',
    severity: () => 'medium',
    describe: (b, a) => `IP family ${show(b)} → ${show(a)}`,
  },
  {
    field: 'serviceIpv4Cidr',
    value: (c) => c.kubernetesNetworkConfig?.serviceIpv4Cidr ?? null,
    severity: () => 'medium',
    describe: (b, a) => `service CIDR ${show(b)} → ${show(a)}`,
  },
  {
    field: 'serviceIpv6Cidr',
    value: (c) => c.kubernetesNetworkConfig?.serviceIpv6Cidr ?? null,
    severity: () => 'medium',
    describe: (b, a) => `IPv6 service CIDR ${show(b)} → ${show(a)}`,
  },
];

/** ClusterConfig drift, id `CLUSTER/FIELD`. Compared only when both snapshots hold describe-cluster output. */
export function diffClusterConfig(baseline: Snapshot, current: Snapshot): Change[] {
  const b = baseline.aws.cluster;
  const a = current.aws.cluster;
  if (!a || !b) return [];
  const name = a.name ?? b.name ?? 'cluster';
  const changes: Change[] = [];
  for (const f of CLUSTER_FIELDS) {
    const before = f.value(b);
    const after = f.value(a);
    if (stableStringify(before) === stableStringify(after)) continue;
    changes.push({
      kind: 'ClusterConfig',
      id: `${name}/${f.field}`,
      change: 'modified',
      severity: worst(f.severity(before, after)),
      summary: `Cluster ${name}: ${f.describe(before, after).replace('CLUSTER', name)}`,
    });
  }
  return changes;
}
