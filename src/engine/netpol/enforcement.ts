import { parseYaml } from '../../util/yaml';
import type { Container, K8sObject, Pod, Workload } from '../../model/k8s';
import type { Snapshot } from '../../model/snapshot';

/** Whether anything enforces NetworkPolicy on the cluster (notes: aws-network-facts §6; CONTRACT §2). */
export interface Enforcement {
  enforced: boolean;
  /** The engine found (`aws-network-policy-agent`, `calico`, `cilium`, ...) or undefined. */
  engine?: string;
  /** One sentence: the evidence, and when not enforced, the fix. */
  reason: string;
  /** When not enforced: the command that turns the VPC CNI network policy agent on. */
  fixCommand?: string;
}

/** DaemonSets (or Deployments) whose presence means a NetworkPolicy engine runs. */
const OTHER_ENGINES: { kind: 'DaemonSet' | 'Deployment'; name: string; engine: string }[] = [
  { kind: 'DaemonSet', name: 'calico-node', engine: 'calico' },
  { kind: 'Deployment', name: 'tigera-operator', engine: 'calico' },
  { kind: 'DaemonSet', name: 'cilium', engine: 'cilium' },
  { kind: 'DaemonSet', name: 'kube-router', engine: 'kube-router' },
  { kind: 'DaemonSet', name: 'antrea-agent', engine: 'antrea' },
  { kind: 'DaemonSet', name: 'weave-net', engine: 'weave-net' },
];

const AGENT_ENGINE = 'aws-network-policy-agent';
const AGENT_CONTAINER = 'aws-eks-nodeagent';
const AGENT_FLAG = 'enable-network-policy';

export function detectEnforcement(snap: Snapshot): Enforcement {
  const other = findOtherEngine(snap);
  if (other) return { enforced: true, engine: other.engine, reason: `${other.evidence} runs, which enforces NetworkPolicy.` };

  const awsNode = snap.k8s.daemonSets.find((d) => d.metadata.name === 'aws-node' && ns(d) === 'kube-system');
  const addon = snap.aws.addons.find((a) => a.addonName === 'vpc-cni');
  const addonSetting = addon ? addonEnablesNetworkPolicy(addon.configurationValues) : undefined;
  const configMap = snap.k8s.configMaps.find((c) => c.metadata.name === 'amazon-vpc-cni' && ns(c) === 'kube-system');
  const controller = configMap?.data?.['enable-network-policy-controller'];
  const fixCommand = updateAddonCommand(snap, addon?.configurationValues);

  if (awsNode) {
    const flag = agentFlag(awsNode);
    if (flag === true) {
      const disagreement =
        addonSetting === false ? " (the vpc-cni add-on's configurationValues do not enable it, but the running flag wins)" : '';
      return {
        enforced: true,
        engine: AGENT_ENGINE,
        reason: `The aws-node DaemonSet runs the network policy agent with --${AGENT_FLAG}=true${disagreement}.`,
      };
    }
    const why =
      flag === false
        ? `the aws-node DaemonSet's network policy agent runs with --${AGENT_FLAG}=false`
        : `the aws-node DaemonSet has no network policy agent with --${AGENT_FLAG}=true`;
    const disagreement =
      addonSetting === true ? "; the vpc-cni add-on's configurationValues enable it, but the running DaemonSet's flag wins" : '';
    return notEnforced(`${why}${disagreement}`, fixCommand);
  }
  if (addon) {
    if (addonSetting === true) {
      return {
        enforced: true,
        engine: AGENT_ENGINE,
        reason: 'The vpc-cni add-on\'s configurationValues set enableNetworkPolicy to "true".',
      };
    }
    return notEnforced("the vpc-cni add-on's configurationValues do not set enableNetworkPolicy to \"true\"", fixCommand);
  }
  if (configMap) {
    if (controller === 'true') {
      return {
        enforced: true,
        engine: AGENT_ENGINE,
        reason:
          'The kube-system/amazon-vpc-cni ConfigMap enables the network policy controller (enable-network-policy-controller: "true"); the aws-node DaemonSet is not in the snapshot, so its agent flag could not be checked.',
      };
    }
    return notEnforced(
      'the kube-system/amazon-vpc-cni ConfigMap does not enable the network policy controller (enable-network-policy-controller is not "true")',
      fixCommand,
    );
  }
  if (snap.aws.addonNames.includes('vpc-cni')) {
    return notEnforced(
      'the vpc-cni add-on is installed and nothing in the snapshot (aws-node DaemonSet, add-on configurationValues) shows its network policy agent enabled',
      fixCommand,
    );
  }
  return {
    enforced: true,
    reason: "The snapshot holds no evidence of the cluster's CNI (no aws-node DaemonSet, vpc-cni add-on or policy engine), so NetworkPolicy is assumed enforced.",
  };
}

function notEnforced(why: string, fixCommand: string): Enforcement {
  return {
    enforced: false,
    reason: `Nothing enforces NetworkPolicy on this cluster: ${why}, and no Calico, Cilium or other policy engine runs. Enable the VPC CNI network policy agent: ${fixCommand}`,
    fixCommand,
  };
}

function ns(o: K8sObject): string {
  return o.metadata.namespace ?? 'default';
}

function findOtherEngine(snap: Snapshot): { engine: string; evidence: string } | undefined {
  for (const e of OTHER_ENGINES) {
    const list: Workload[] = e.kind === 'DaemonSet' ? snap.k8s.daemonSets : snap.k8s.deployments;
    const found = list.find((w) => w.metadata.name === e.name);
    if (found) return { engine: e.engine, evidence: `${e.kind} ${ns(found)}/${e.name}` };
  }
  return undefined;
}

/**
 * The agent's `--enable-network-policy` flag on the aws-node DaemonSet: true/false as the
 * last occurrence sets it (Go flag parsing: a bare boolean flag means true), undefined when absent.
 */
export function agentFlag(awsNode: Workload): boolean | undefined {
  const containers: Container[] = awsNode.spec?.template?.spec?.containers ?? [];
  let value: boolean | undefined;
  for (const c of containers) {
    const args = [...(c.command ?? []), ...(c.args ?? [])];
    const isAgent = c.name === AGENT_CONTAINER || args.some((a) => flagName(a) === AGENT_FLAG);
    if (!isAgent) continue;
    for (const a of args) {
      if (flagName(a) !== AGENT_FLAG) continue;
      const eq = a.indexOf('=');
      const parsed = eq < 0 ? true : parseGoBool(a.slice(eq + 1));
      if (parsed !== undefined) value = parsed;
    }
  }
  return value;
}

function flagName(arg: string): string | undefined {
  const m = /^--?([^=]+)/.exec(arg);
  return m ? m[1] : undefined;
}

/** strconv.ParseBool. */
function parseGoBool(text: string): boolean | undefined {
  if (['1', 't', 'T', 'TRUE', 'true', 'True'].includes(text)) return true;
  if (['0', 'f', 'F', 'FALSE', 'false', 'False'].includes(text)) return false;
  return undefined;
}

/** enableNetworkPolicy from the add-on's configurationValues (a JSON or YAML string); undefined when unset. */
export function addonEnablesNetworkPolicy(configurationValues: string | undefined): boolean | undefined {
  const values = parseConfigurationValues(configurationValues);
  const v = values?.['enableNetworkPolicy'];
  if (v === undefined || v === null) return undefined;
  return String(v).toLowerCase() === 'true';
}

/** The add-on's configurationValues (JSON or YAML) as an object; undefined when unset or unreadable. */
export function parseConfigurationValues(text: string | undefined): Record<string, unknown> | undefined {
  if (!text || !text.trim()) return undefined;
  try {
    const parsed: unknown = parseYaml(text); // YAML 1.2 is a superset of JSON
    return parsed && typeof parsed === 'object' && !Array.isArray(parsed) ? (parsed as Record<string, unknown>) : undefined;
  } catch {
    return undefined;
  }
}

/** `aws eks update-addon` keeping any other configuration values the add-on already has. */
function updateAddonCommand(snap: Snapshot, current: string | undefined): string {
  const cluster = snap.aws.cluster?.name ?? snap.collection.cluster ?? 'CLUSTER_NAME';
  const values = { ...(parseConfigurationValues(current) ?? {}), enableNetworkPolicy: 'true' };
  return `aws eks update-addon --cluster-name ${cluster} --addon-name vpc-cni --configuration-values '${JSON.stringify(values)}'`;
}

const POD_ENI_ANNOTATION = 'vpc.amazonaws.com/pod-eni';

/**
 * Pods that NetworkPolicy does not reach although an engine runs. Amazon EKS User Guide, security groups for
 * pods (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html): "To use Calico network
 * policy with Pods that have associated security groups, you must use version 1.11.0 or later of the Amazon VPC
 * CNI plugin and set POD_SECURITY_GROUP_ENFORCING_MODE=standard. Otherwise, traffic flow to and from Pods with
 * associated security groups are not subjected to Calico network policy enforcement and are limited to Amazon
 * EC2 security group enforcement only." So with Calico as the engine and strict mode (the default), a pod with
 * its own security groups (a branch ENI: the `vpc.amazonaws.com/pod-eni` annotation, or its IP on an ENI of
 * InterfaceType branch) gets no NetworkPolicy; only its security groups apply.
 */
export interface PolicyExemption {
  /** Why this pod's NetworkPolicy layers are not enforced, or undefined when they are. */
  reasonFor(pod: Pod | undefined): string | undefined;
  /** Every exempt pod of the snapshot. */
  pods: Pod[];
}

export function policyExemption(snap: Snapshot, enforcement: Enforcement, podSecurityGroupMode: 'strict' | 'standard'): PolicyExemption {
  if (enforcement.engine !== 'calico' || podSecurityGroupMode !== 'strict') return { reasonFor: () => undefined, pods: [] };
  const branchIps = new Set<string>();
  for (const eni of snap.aws.networkInterfaces) {
    if (eni.InterfaceType !== 'branch') continue;
    for (const a of eni.PrivateIpAddresses ?? []) if (a.PrivateIpAddress) branchIps.add(a.PrivateIpAddress);
    if (eni.PrivateIpAddress) branchIps.add(eni.PrivateIpAddress);
    for (const a of eni.Ipv6Addresses ?? []) if (a.Ipv6Address) branchIps.add(a.Ipv6Address);
  }
  const exempt = new Set<Pod>();
  for (const pod of snap.k8s.pods) {
    if (pod.spec?.hostNetwork) continue;
    const annotated = Boolean(pod.metadata.annotations?.[POD_ENI_ANNOTATION]);
    const ips = [pod.status?.podIP, ...(pod.status?.podIPs ?? []).map((p) => p?.ip)].filter((ip): ip is string => typeof ip === 'string');
    if (annotated || ips.some((ip) => branchIps.has(ip))) exempt.add(pod);
  }
  return {
    pods: [...exempt],
    reasonFor: (pod) =>
      pod && exempt.has(pod)
        ? `Calico does not apply NetworkPolicy to pod ${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}: it has its own security groups and POD_SECURITY_GROUP_ENFORCING_MODE is strict, so "traffic flow to and from Pods with associated security groups are not subjected to Calico network policy enforcement and are limited to Amazon EC2 security group enforcement only" (Amazon EKS User Guide, security groups for pods). Only its security groups apply; set POD_SECURITY_GROUP_ENFORCING_MODE=standard (VPC CNI 1.11 or later) for Calico to enforce its policies.`
        : undefined,
  };
}
