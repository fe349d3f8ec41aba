import type { Change, ImpactFlow, Severity } from '../model/result';

const RANK = { denied: 0, partial: 1, allowed: 2 } as const;

/** The object a change acts through, as the engine's layers name it ("sg-0abc", "NetworkPolicy/shop/deny"). */
export function changeObject(c: Pick<Change, 'kind' | 'id'>): string {
  const head = c.id.split('/')[0]!;
  switch (c.kind) {
    case 'SecurityGroupRule':
    case 'NetworkAclEntry':
    case 'RouteTable':
      return head;
    case 'NetworkPolicy':
    case 'SecurityGroupPolicy':
    case 'Service':
    case 'Namespace':
      return `${c.kind}/${c.id}`;
    default:
      return c.id;
  }
}

/** "payments/svc/api 443" (TCP is implied), "kube-system/svc/dns 53/UDP". */
export function portText(f: Pick<ImpactFlow, 'port' | 'protocol'>): string {
  return f.protocol === 'TCP' ? `${f.port}` : `${f.port}/${f.protocol}`;
}

/** One flow in a sentence: "now open from internet: payments/svc/api 443", "now closed: a → b 80 (was allowed)". */
export function flowPhrase(f: ImpactFlow): string {
  const opened = RANK[f.after] > RANK[f.before];
  const partly = f.after === 'partial' ? ' (some pods)' : '';
  if (opened && f.from === 'internet') return `now open from internet: ${f.to} ${portText(f)}${partly}`;
  if (opened) return `now open: ${f.from} → ${f.to} ${portText(f)}${partly}`;
  return `now closed: ${f.from} → ${f.to} ${portText(f)} (was ${f.before}${f.after === 'partial' ? ', now partial' : ''})`;
}

/** The flow a reader should see first: opened from the internet, then other openings, then closings. */
export function leadingFlow(flows: ImpactFlow[]): ImpactFlow | undefined {
  const score = (f: ImpactFlow) => (RANK[f.after] > RANK[f.before] ? (f.from === 'internet' ? 0 : 1) : 2);
  return [...flows].sort((a, b) => score(a) - score(b))[0];
}

/**
 * The change's summary, led by what it did to traffic: "now open from internet: payments/svc/api 443
 * via sg-0abc (and 2 more flows) — critical: newly reachable from the internet. <what changed>".
 * It says only what the engine found.
 */
export function impactSummary(c: Change, flows: ImpactFlow[], lead: ImpactFlow | undefined, severity: Severity, reason: string): string {
  if (!lead) return `moves no flow eksnet checks (Service to Service, Service to and from the internet, VPC to Service) — ${severity}. ${c.summary}`;
  const more = flows.length > 1 ? ` (and ${flows.length - 1} more flow${flows.length === 2 ? '' : 's'})` : '';
  return `${flowPhrase(lead)} via ${changeObject(c)}${more} — ${severity}: ${reason}. ${c.summary}`;
}

/** A change whose impact could not be computed says so, and keeps its rule-based severity. */
export function notComputedSummary(c: Change, why: string): string {
  return `${c.summary} (traffic impact not computed: ${why}; severity from the change itself)`;
}
