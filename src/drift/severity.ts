import type { Severity } from '../model/result';

/**
 * How much a drift matters — the one place eksnet decides it.
 *
 * | severity | when |
 * | --- | --- |
 * | critical | a security-group ingress rule admits the whole internet (0.0.0.0/0 or ::/0) on all protocols or on a sensitive port (SENSITIVE_PORTS: SSH, RDP, databases, kubelet, etcd, ...) |
 * | critical | a NACL inbound allow entry for the whole internet on all traffic (added, or an entry changed into one) |
 * | critical | a namespace that isolated all its pods (a NetworkPolicy with an empty podSelector for ingress or egress) no longer does (policy removed or changed) |
 * | critical | NetworkPolicy was enforced in the baseline and no longer is (network-policy agent flag, vpc-cni add-on configurationValues, amazon-vpc-cni ConfigMap, aws-node removed) |
 * | high | any other security-group ingress rule or NACL allow entry open to the whole internet; a NACL outbound allow-all to the internet |
 * | medium | a security-group egress rule to the whole internet (every new group starts with one: "allow all outbound") |
 * | high | a NetworkPolicy added or changed so that it admits every source (a rule without `from`, or ipBlock 0.0.0.0/0 / ::/0) |
 * | high | external SNAT (AWS_VPC_K8S_CNI_EXTERNALSNAT) toggled |
 * | high | a route to an internet gateway added to (or retargeted in) a table that had none — a private subnet turned public; a subnet associated with such a table |
 * | high | the cluster endpoint made public, or its publicAccessCidrs opened to the internet |
 * | high | a subnet starts giving new instances public IPs (MapPublicIpOnLaunch → true) |
 * | medium | every other rule, entry, route, association, policy, label, configuration change — including removals, which may break traffic |
 * | low | changes that only restrict: deny entries, removed world-open rules, new policies without rules, new empty groups/tables/NACLs/namespaces, public access turned off |
 * | info | add-on and Kubernetes version changes |
 */

/** Ports whose exposure to the internet is an incident, with what usually listens there. */
export const SENSITIVE_PORTS: readonly { port: number; name: string }[] = [
  { port: 22, name: 'SSH' },
  { port: 23, name: 'Telnet' },
  { port: 135, name: 'MS RPC' },
  { port: 445, name: 'SMB' },
  { port: 1433, name: 'SQL Server' },
  { port: 1521, name: 'Oracle' },
  { port: 2379, name: 'etcd' },
  { port: 2380, name: 'etcd peer' },
  { port: 3306, name: 'MySQL' },
  { port: 3389, name: 'RDP' },
  { port: 5432, name: 'PostgreSQL' },
  { port: 5984, name: 'CouchDB' },
  { port: 5985, name: 'WinRM' },
  { port: 5986, name: 'WinRM' },
  { port: 6379, name: 'Redis' },
  { port: 9042, name: 'Cassandra' },
  { port: 9200, name: 'Elasticsearch' },
  { port: 10250, name: 'kubelet' },
  { port: 10255, name: 'kubelet read-only' },
  { port: 11211, name: 'Memcached' },
  { port: 27017, name: 'MongoDB' },
];

/** Sensitive ports inside an inclusive range. */
export function sensitivePortsIn(from: number, to: number): { port: number; name: string }[] {
  return SENSITIVE_PORTS.filter((p) => p.port >= from && p.port <= to);
}

const RANK: Record<Severity, number> = { critical: 0, high: 1, medium: 2, low: 3, info: 4 };

export function severityRank(s: Severity): number {
  return RANK[s];
}

export function worst(...severities: Severity[]): Severity {
  return severities.reduce((a, b) => (RANK[b] < RANK[a] ? b : a), 'info');
}

/** What a security-group or NACL rule lets through, as far as severity is concerned. */
export interface RuleExposure {
  direction: 'ingress' | 'egress';
  /** The peer is 0.0.0.0/0 or ::/0. */
  world: boolean;
  /** All protocols (or a protocol on all ports). */
  allTraffic: boolean;
  /** Inclusive TCP/UDP/SCTP port range when the rule is port-limited. */
  ports?: { from: number; to: number };
}

function exposesSensitive(r: RuleExposure): boolean {
  return r.allTraffic || (r.ports !== undefined && sensitivePortsIn(r.ports.from, r.ports.to).length > 0);
}

/** Security groups only allow; an added rule widens, a removed one narrows (and may break traffic). */
export function sgRuleSeverity(change: 'added' | 'removed', r: RuleExposure): Severity {
  if (change === 'removed') return r.world ? 'low' : 'medium';
  if (r.world && r.direction === 'ingress' && exposesSensitive(r)) return 'critical';
  // Egress to the world is every new group's default rule (VPC user guide, "Default security groups"): not an alarm.
  if (r.world && r.direction === 'ingress') return 'high';
  return 'medium';
}

/** A NACL entry as it now stands (added or modified), or one that went away. */
export function naclEntrySeverity(change: 'added' | 'removed' | 'modified', action: 'allow' | 'deny', r: RuleExposure): Severity {
  if (change === 'removed') return 'medium';
  if (action === 'deny') return 'low';
  if (r.world && r.allTraffic && r.direction === 'ingress') return 'critical';
  if (r.world) return 'high';
  return 'medium';
}

export function groupSeverity(change: 'added' | 'removed'): Severity {
  return change === 'added' ? 'low' : 'medium';
}

export function containerSeverity(change: 'added' | 'removed' | 'modified'): Severity {
  return change === 'added' ? 'low' : 'medium';
}

export interface RouteFacts {
  change: 'added' | 'removed' | 'modified';
  /** The route (now) targets an internet gateway. */
  toInternetGateway: boolean;
  /** The table had no route to an internet gateway in the baseline. */
  tableWasPrivate: boolean;
  /** Only the route's state changed (e.g. to blackhole). */
  stateOnly?: boolean;
  local?: boolean;
}

export function routeSeverity(f: RouteFacts): Severity {
  if (f.change !== 'removed' && f.toInternetGateway && f.tableWasPrivate) return 'high';
  if (f.local) return 'low';
  return 'medium';
}

export function associationSeverity(newTableRoutesToIgw: boolean, gained: boolean): Severity {
  return gained && newTableRoutesToIgw ? 'high' : 'medium';
}

export function mapPublicIpSeverity(now: boolean): Severity {
  return now ? 'high' : 'low';
}

export interface PolicyFacts {
  change: 'added' | 'removed' | 'modified';
  /** The namespace lost all-pods isolation in some direction because of this change. */
  isolationLost: boolean;
  /** The policy now has a rule admitting every source/destination it did not have before. */
  opensToAll: boolean;
  /** Added policy with no rules for its policy types: it only denies. */
  denyOnly: boolean;
}

export function networkPolicySeverity(f: PolicyFacts): Severity {
  if (f.isolationLost) return 'critical';
  if (f.opensToAll) return 'high';
  if (f.change === 'added' && f.denyOnly) return 'low';
  return 'medium';
}

/** aws-node env vars whose change alters how pod traffic meets the VPC. */
const NETWORK_ENV = new Set([
  'AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS',
  'POD_SECURITY_GROUP_ENFORCING_MODE',
  'ENABLE_POD_ENI',
  'NETWORK_POLICY_ENFORCING_MODE',
  'AWS_VPC_K8S_CNI_CUSTOM_NETWORK_CFG',
  'AWS_VPC_K8S_CNI_RANDOMIZESNAT',
  'ENABLE_PREFIX_DELEGATION',
  'ENABLE_IPv6',
  'ENABLE_IPv4',
  'AWS_VPC_ENI_MTU',
]);

export interface CniFacts {
  /** The variable or flag, e.g. AWS_VPC_K8S_CNI_EXTERNALSNAT or enable-network-policy. */
  name: string;
  /** NetworkPolicy was enforced in the baseline and is not now. */
  enforcementLost: boolean;
  /** NetworkPolicy was not enforced in the baseline and is now. */
  enforcementGained: boolean;
}

export function cniSeverity(f: CniFacts): Severity {
  if (f.enforcementLost) return 'critical';
  if (f.name === 'AWS_VPC_K8S_CNI_EXTERNALSNAT') return 'high';
  if (f.enforcementGained) return 'low';
  if (NETWORK_ENV.has(f.name) || f.name === 'enable-network-policy' || f.name === 'enable-network-policy-controller') return 'medium';
  return 'low';
}

/** What a change did to the flows eksnet checks (Service↔Service, Service↔internet, VPC→Service), counted. */
export interface ImpactFacts {
  /** Flows opened from `internet`. */
  fromInternet: number;
  /** Flows opened between namespaces (or from a VPC address into a namespace). */
  acrossNamespaces: number;
  /** Flows opened into a namespace that had a default deny for ingress. */
  intoDefaultDeny: number;
  /** Flows that were allowed (or partly) and are now denied (or less allowed). */
  closed: number;
  /** Any other opened flow (within one namespace, out to the internet). */
  otherOpened: number;
}

/**
 * Severity from what a change does to traffic (issue 11), worst reason first:
 *
 * | severity | when |
 * | --- | --- |
 * | critical | a flow from the internet opened |
 * | high | a flow between namespaces opened, or one into a namespace that had a default deny |
 * | high | a flow that was allowed closed (possible outage) |
 * | medium | any other flow opened (within a namespace, out to the internet) |
 * | low (info stays info) | the change moves no flow, however alarming its text |
 *
 * A change whose impact could not be computed keeps the rule-based severity above.
 */
export function impactSeverity(f: ImpactFacts, ruleSeverity: Severity): { severity: Severity; reason: string } {
  if (f.fromInternet > 0) return { severity: 'critical', reason: 'newly reachable from the internet' };
  if (f.intoDefaultDeny > 0) return { severity: 'high', reason: 'new reachability into a namespace that had a default deny' };
  if (f.acrossNamespaces > 0) return { severity: 'high', reason: 'new reachability across namespaces' };
  if (f.closed > 0) return { severity: 'high', reason: 'traffic that was allowed is now blocked (possible outage)' };
  if (f.otherOpened > 0) return { severity: 'medium', reason: 'new reachability within a namespace or out to the internet' };
  return { severity: ruleSeverity === 'info' ? 'info' : 'low', reason: 'moves no flow eksnet checks' };
}
