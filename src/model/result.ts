// The shapes CONTRACT §2 prints with --json. Literal unions are the contract's strings.

export type Protocol = 'TCP' | 'UDP' | 'SCTP';

export type LayerName =
  | 'networkpolicy-egress'
  | 'networkpolicy-ingress'
  | 'security-group-egress'
  | 'security-group-ingress'
  | 'nacl-outbound'
  | 'nacl-inbound'
  | 'nacl-return'
  | 'route';

export type LayerVerdict = 'allow' | 'deny' | 'not-evaluated' | 'not-enforced';

export interface Fix {
  /** What the fix is: NetworkPolicy YAML, an aws CLI command, a NACL entry. */
  kind: 'networkpolicy' | 'security-group' | 'nacl' | 'route' | 'cni' | 'note';
  description: string;
  /** Text to paste: YAML or a shell command. */
  text: string;
  /**
   * The same fix as data, so it can be applied to a snapshot and checked: a NetworkPolicy object,
   * `{ groupId, direction, permission }` (an EC2 IpPermission), or `{ networkAclId, entry }` (a NACL entry).
   */
  object?: unknown;
}

/**
 * A fix whose `object` (the same fix as data, for applying and testing) stays out of JSON output:
 * `--json` prints kind, description and the text to paste, not the object a second time.
 */
class FixWithObject implements Fix {
  readonly #object: unknown;
  constructor(
    readonly kind: Fix['kind'],
    readonly description: string,
    readonly text: string,
    object: unknown,
  ) {
    this.#object = object;
  }
  get object(): unknown {
    return this.#object;
  }
}

export function makeFix(fix: Fix): Fix {
  return new FixWithObject(fix.kind, fix.description, fix.text, fix.object);
}

/**
 * Attach the smallest fix to a denying layer. It is shown in text and Slack answers; `--json` prints
 * exactly the contract's layer fields (layer, verdict, reason, objects), so the fix is not enumerable.
 */
export function withFix<T extends LayerResult>(result: T, fix: Fix | undefined): T {
  if (fix) Object.defineProperty(result, 'fix', { value: fix, enumerable: false, writable: true, configurable: true });
  return result;
}

export interface LayerResult {
  layer: LayerName;
  verdict: LayerVerdict;
  reason: string;
  objects: string[];
  fix?: Fix;
  /** nacl-return only: which of the client's ephemeral ports the NACLs block (not printed by --json). */
  returnGap?: ReturnGap;
}

/** The client ports a return path blocks, out of the ephemeral range checked (a partial block fails intermittently). */
export interface ReturnGap {
  range: { from: number; to: number };
  blocked: { from: number; to: number }[];
}

/** Attach the blocked part of the ephemeral range to a nacl-return layer (like `fix`, never enumerable). */
export function withReturnGap<T extends LayerResult>(result: T, gap: ReturnGap): T {
  Object.defineProperty(result, 'returnGap', { value: gap, enumerable: false, writable: true, configurable: true });
  return result;
}

export type FlowVerdict = 'allowed' | 'denied';
export type Verdict = 'allowed' | 'denied' | 'partial';

export interface FlowResult {
  from: string;
  to: string;
  port: number;
  protocol: Protocol;
  verdict: FlowVerdict;
  layers: LayerResult[];
}

export interface ReachResult {
  verdict: Verdict;
  flows: FlowResult[];
}

export type Severity = 'critical' | 'high' | 'medium' | 'low' | 'info';

export interface Finding {
  id: string;
  severity: Severity;
  object: string;
  summary: string;
  fix: string;
}

export type ChangeKind =
  | 'SecurityGroupRule'
  | 'SecurityGroup'
  | 'NetworkAclEntry'
  | 'NetworkAcl'
  | 'NetworkPolicy'
  | 'SecurityGroupPolicy'
  | 'Namespace'
  | 'Addon'
  | 'ClusterConfig'
  | 'CniConfig'
  | 'Subnet'
  | 'RouteTable';

export interface Change {
  kind: ChangeKind;
  id: string;
  change: 'added' | 'removed' | 'modified';
  severity: Severity;
  summary: string;
}

export interface AddonStatus {
  name: string;
  current: string | null;
  latest: string | null;
  upgradeAvailable: boolean;
  managed: boolean;
}

export const SEVERITY_ORDER: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];
