import type { K8sObject, Workload } from '../model/k8s';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { agentFlag, detectEnforcement } from '../engine/netpol/enforcement';
import { compareText, stableStringify } from './canonical';
import { cniSeverity } from './severity';

export interface EnforcementChange {
  lost: boolean;
  gained: boolean;
  /** Why NetworkPolicy is (not) enforced now. */
  reason: string;
}

export function enforcementChange(baseline: Snapshot, current: Snapshot): EnforcementChange {
  const b = detectEnforcement(baseline);
  const a = detectEnforcement(current);
  return { lost: b.enforced && !a.enforced, gained: !b.enforced && a.enforced, reason: a.reason };
}

function awsNode(snap: Snapshot): Workload | undefined {
  return snap.k8s.daemonSets.find((d) => d.metadata.name === 'aws-node' && (d.metadata.namespace ?? 'kube-system') === 'kube-system');
}

function vpcCniConfigMap(snap: Snapshot): K8sObject | undefined {
  return snap.k8s.configMaps.find((c) => c.metadata.name === 'amazon-vpc-cni' && (c.metadata.namespace ?? 'kube-system') === 'kube-system');
}

/** The aws-node container's settings: env vars (value or valueFrom), the image, and the agent's network-policy flag. */
function awsNodeSettings(ds: Workload): Map<string, string> {
  const out = new Map<string, string>();
  const containers = ds.spec?.template?.spec?.containers ?? [];
  const main = containers.find((c) => c.name === 'aws-node') ?? containers[0];
  for (const e of (main?.env ?? []) as { name: string; value?: string; valueFrom?: unknown }[]) {
    out.set(e.name, e.value !== undefined ? e.value : e.valueFrom !== undefined ? `valueFrom ${stableStringify(e.valueFrom)}` : '');
  }
  if (main?.image) out.set('image', main.image);
  // The agent's flag defaults to false (https://github.com/aws/aws-network-policy-agent).
  out.set('enable-network-policy', String(agentFlag(ds) ?? false));
  return out;
}

function settingChanges(prefix: string, before: Map<string, string>, after: Map<string, string>, enforcement: EnforcementChange, fix: (name: string, old: string | undefined) => string): Change[] {
  const names = [...new Set([...before.keys(), ...after.keys()])].sort(compareText);
  const out: Change[] = [];
  for (const name of names) {
    const b = before.get(name);
    const a = after.get(name);
    if (b === a) continue;
    const policyKnob = name === 'enable-network-policy' || name === 'enable-network-policy-controller';
    const severity = name === 'image' ? 'info' : cniSeverity({ name, enforcementLost: policyKnob && enforcement.lost, enforcementGained: policyKnob && enforcement.gained });
    const change = b === undefined ? 'added' : a === undefined ? 'removed' : 'modified';
    const what = b === undefined ? `set to "${a}"` : a === undefined ? `unset (was "${b}")` : `"${b}" → "${a}"`;
    const effect =
      severity === 'critical'
        ? ' — NetworkPolicy is no longer enforced on this cluster'
        : name === 'AWS_VPC_K8S_CNI_EXTERNALSNAT'
          ? ` — pods now leave the VPC ${a === 'true' ? 'with their own IPs (no SNAT to the node IP): they need a NAT gateway for internet access' : 'SNATed to their node\'s primary IP'}`
          : '';
    out.push({ kind: 'CniConfig', id: `${prefix}/${name}`, change, severity, summary: `${prefix} ${name} ${what}${effect}${severity === 'info' ? '' : `; to restore: ${fix(name, b)}`}` });
  }
  return out;
}

/**
 * CniConfig drift: the aws-node DaemonSet's env vars (https://github.com/aws/amazon-vpc-cni-k8s#cni-configuration-variables),
 * its network-policy agent flag, and the kube-system/amazon-vpc-cni ConfigMap's data.
 */
export function diffCniConfig(baseline: Snapshot, current: Snapshot, enforcement: EnforcementChange): Change[] {
  const changes: Change[] = [];
  const cluster = current.aws.cluster?.name ?? current.collection.cluster ?? 'CLUSTER_NAME';
  const dsB = awsNode(baseline);
  const dsA = awsNode(current);
  if (dsB && !dsA) {
    changes.push({ kind: 'CniConfig', id: 'aws-node', change: 'removed', severity: enforcement.lost ? 'critical' : 'medium', summary: `The aws-node DaemonSet (Amazon VPC CNI) is gone from kube-system — check kubectl -n kube-system get daemonset aws-node` });
  } else if (!dsB && dsA) {
    changes.push({ kind: 'CniConfig', id: 'aws-node', change: 'added', severity: 'low', summary: 'The aws-node DaemonSet (Amazon VPC CNI) now runs in kube-system' });
  } else if (dsB && dsA) {
    changes.push(
      ...settingChanges('aws-node', awsNodeSettings(dsB), awsNodeSettings(dsA), enforcement, (name, old) =>
        name === 'enable-network-policy'
          ? `set the aws-eks-nodeagent container's --enable-network-policy=${old ?? 'false'} (managed add-on: aws eks update-addon --cluster-name ${cluster} --addon-name vpc-cni --configuration-values '{"enableNetworkPolicy":"${old ?? 'false'}"}', keeping its other values)`
          : old === undefined
            ? `kubectl -n kube-system set env daemonset aws-node -c aws-node ${name}-`
            : `kubectl -n kube-system set env daemonset aws-node -c aws-node ${name}=${old}`,
      ),
    );
  }
  const cmB = vpcCniConfigMap(baseline);
  const cmA = vpcCniConfigMap(current);
  if (cmB || cmA) {
    const data = (c: K8sObject | undefined) => new Map(Object.entries(c?.data ?? {}).map(([k, v]) => [k, String(v)]));
    changes.push(
      ...settingChanges('amazon-vpc-cni', data(cmB), data(cmA), enforcement, (name, old) =>
        old === undefined
          ? `kubectl -n kube-system patch configmap amazon-vpc-cni --type json -p '[{"op":"remove","path":"/data/${name}"}]'`
          : `kubectl -n kube-system patch configmap amazon-vpc-cni -p '{"data":{"${name}":"${old}"}}'`,
      ),
    );
  }
  return changes;
}
