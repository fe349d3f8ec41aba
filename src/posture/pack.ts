import type { Finding, Severity } from '../model/result';

/**
 * The posture "pack" (as cdk-nag separates rules from packs): for every check id, its severity, a title and the
 * documentation it rests on. Checks decide *whether* something is wrong and say what; how serious it is lives here.
 * A check whose findings differ in seriousness names a `variant` (e.g. `public-ip`), mapped here to a severity.
 */
export interface PackEntry {
  title: string;
  /** The documentation the check cites. */
  doc: string;
  severity: Severity;
  variants?: Record<string, Severity>;
}

export const NOT_EVALUATED_ID = 'check-not-evaluated';

export const PACK: Record<string, PackEntry> = {
  'node-in-public-subnet': {
    title: 'Nodes in public subnets',
    doc: 'https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html',
    severity: 'medium',
    variants: { 'public-ip': 'high' },
  },
  'pod-in-public-subnet': { title: 'Pod network interfaces in public subnets', doc: 'https://docs.aws.amazon.com/eks/latest/best-practices/subnets.html', severity: 'medium' },
  'subnet-auto-assign-public-ip': {
    title: 'Public subnets that auto-assign public IPv4 addresses',
    doc: 'https://docs.aws.amazon.com/vpc/latest/userguide/subnet-public-ip.html',
    severity: 'low',
    variants: { 'hosts-nodes': 'medium' },
  },
  'private-subnet-no-egress': { title: 'Private node subnets without a way out', doc: 'https://docs.aws.amazon.com/vpc/latest/userguide/vpc-nat-gateway.html', severity: 'medium' },
  'endpoint-public-access': { title: 'Public cluster endpoint', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html', severity: 'low' },
  'endpoint-public-open-to-world': { title: 'Public cluster endpoint open to 0.0.0.0/0', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html', severity: 'high' },
  'endpoint-private-access-off': { title: 'Private cluster endpoint access off', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html', severity: 'medium' },
  'external-snat-in-public-subnet': { title: 'External SNAT with nodes in public subnets', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html', severity: 'high' },
  'pod-sg-in-public-subnet': { title: 'Strict-mode pods with security groups in public subnets', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html', severity: 'medium' },
  'sg-open-to-world': {
    title: 'Security groups open to the internet (Security Hub EC2.18/EC2.19)',
    doc: 'https://docs.aws.amazon.com/securityhub/latest/userguide/ec2-controls.html#ec2-18',
    severity: 'medium',
    variants: { 'every-port': 'critical', 'remote-admin': 'critical', database: 'critical', kubelet: 'high', 'kubernetes-api': 'high', 'other-port': 'medium', icmp: 'low' },
  },
  'sg-rule-stale-reference': { title: 'Stale security group references', doc: 'https://docs.aws.amazon.com/vpc/latest/peering/vpc-peering-security-groups.html#vpc-peering-stale-groups', severity: 'low' },
  'nacl-blocks-ephemeral-return': { title: 'NACLs blocking the ephemeral return range', doc: 'https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html', severity: 'high' },
  'nacl-denies-sg-allowed': { title: 'NACL entries denying a port a security group allows', doc: 'https://docs.aws.amazon.com/vpc/latest/userguide/infrastructure-security.html#VPC_Security_Comparison', severity: 'medium' },
  'namespace-without-default-deny': {
    title: 'Namespaces without a default-deny NetworkPolicy',
    doc: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies',
    severity: 'medium',
    variants: { 'egress-only': 'low' },
  },
  'networkpolicy-not-enforced': { title: 'NetworkPolicies that nothing enforces', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html', severity: 'high' },
  'networkpolicy-selects-no-pods': { title: 'NetworkPolicies selecting no pods', doc: 'https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource', severity: 'low' },
  'sgp-selects-no-pods': { title: 'SecurityGroupPolicies selecting no pods', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html', severity: 'low' },
  'sgp-without-pod-eni': { title: 'SecurityGroupPolicies without ENABLE_POD_ENI', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html', severity: 'high' },
  'sgp-blocks-kubelet-probes': { title: "Pod security groups blocking the kubelet's probes", doc: 'https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html', severity: 'high' },
  'sgp-tcp-early-demux': { title: 'Probed pods with security groups without DISABLE_TCP_EARLY_DEMUX', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html', severity: 'high' },
  'sgp-group-missing': { title: 'SecurityGroupPolicies naming missing security groups', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html', severity: 'high' },
  'addon-outdated': { title: 'Add-ons behind the newest compatible version', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html', severity: 'low' },
  [NOT_EVALUATED_ID]: { title: 'Checks that could not run', doc: 'https://docs.aws.amazon.com/eks/latest/userguide/security-best-practices.html', severity: 'info' },
};

/** Ports whose exposure to the internet is ranked above the rest (Security Hub EC2.19's high-risk ports; EKS's kubelet and API). */
export const WORLD_OPEN_PORTS: { port: number; name: string; variant: string }[] = [
  { port: 22, name: 'SSH', variant: 'remote-admin' },
  { port: 3389, name: 'RDP', variant: 'remote-admin' },
  { port: 3306, name: 'MySQL', variant: 'database' },
  { port: 5432, name: 'PostgreSQL', variant: 'database' },
  { port: 1433, name: 'SQL Server', variant: 'database' },
  { port: 6379, name: 'Redis', variant: 'database' },
  { port: 27017, name: 'MongoDB', variant: 'database' },
  { port: 9200, name: 'Elasticsearch', variant: 'database' },
  { port: 10250, name: 'kubelet', variant: 'kubelet' },
  { port: 443, name: 'HTTPS/Kubernetes API', variant: 'kubernetes-api' },
  { port: 6443, name: 'Kubernetes API', variant: 'kubernetes-api' },
];

/** What a check reports: a finding without its severity, which the pack decides (from the id and the variant). */
export type CheckFinding = Omit<Finding, 'severity'> & { variant?: string };

/** The severity the pack gives a check's finding; an id the pack does not know is a programming error. */
export function severityOf(id: string, variant?: string): Severity {
  const entry = PACK[id];
  if (!entry) throw new Error(`posture check ${id} has no entry in the pack (src/posture/pack.ts)`);
  if (variant === undefined) return entry.severity;
  const s = entry.variants?.[variant];
  if (!s) throw new Error(`posture check ${id} has no variant ${variant} in the pack (src/posture/pack.ts)`);
  return s;
}

/** The finding as printed: the check's words with the pack's severity. */
export function withSeverity(f: CheckFinding): Finding {
  const { variant, ...rest } = f;
  return { id: rest.id, severity: severityOf(f.id, variant), object: rest.object, summary: rest.summary, fix: rest.fix };
}
