import type { Change, ImpactFlow, LayerName, Protocol, Verdict } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { compareText } from '../drift/canonical';
import { canonicalSelector, effectivePolicyTypes } from '../drift/kubernetes';
import { impactSeverity, type ImpactFacts } from '../drift/severity';
import { evaluateFlow, reachEngine } from '../engine/reach';
import type { Flow } from '../model/flow';
import { missingResources } from '../engine/aws/missing';
import { awsInputChanges } from '../engine/aws/changed-inputs';
import { flowClasses } from '../engine/flow-classes';
import { forEachCell } from './cells';
import { FlipCheck } from './flips';
import { ProbeEvaluator, serviceRef, type Probe, type ProbeTarget } from './probes';
import { changeScope, inScope, type Scope, type StateIndexCache } from './scope';
import { impactSummary, notComputedSummary } from './summary';

export interface ImpactOptions {
  /**
   * 'scoped' (default) evaluates only the cells the changes can move; 'all' evaluates every cell
   * (the reference the scoped shortcut is tested against).
   */
  cells?: 'scoped' | 'all';
  /** 'classes' (default): memoised flow classes; 'full': every pod flow layer by layer. */
  evaluation?: 'classes' | 'full';
}

export interface MovedFlow extends ImpactFlow {
  /** The changes responsible (kind and id), as the text and Markdown renderings name them. */
  changes: { kind: Change['kind']; id: string }[];
}

/** A moved flow as the contract's JSON prints it: the six FLOW fields, without the changes responsible. */
export function contractFlow(f: ImpactFlow): ImpactFlow {
  return { from: f.from, to: f.to, port: f.port, protocol: f.protocol, before: f.before, after: f.after };
}

export interface ImpactReport {
  opened: MovedFlow[];
  closed: MovedFlow[];
  /** The changes with `impact` (and severity and summary from it), in drift's order. */
  changes: Change[];
  /** What limited the analysis. */
  notes: string[];
  /** How many cells the scopes hold, each decided on both sides (a measure of the shortcut). */
  cellsEvaluated: number;
}

const RANK: Record<Verdict, number> = { denied: 0, partial: 1, allowed: 2 };

/** Ports checked for "Service → internet" besides the ports of changed egress rules. */
export const INTERNET_PROBE_PORTS = [80, 443];

/**
 * What the changes do to reachability: the flows that opened and closed between `before` and
 * `after`, each with the changes responsible, and each change with the flows it moved (its severity
 * and summary then follow from them). Cells no change can move are not evaluated.
 */
export function computeImpact(before: Snapshot, after: Snapshot, changes: Change[], options: ImpactOptions = {}): ImpactReport {
  const eb = reachEngine(before);
  const ea = reachEngine(after);
  // The after-state reuses the before-state's NetworkPolicy verdicts wherever what they read is unchanged
  // (not for the 'full' reference, which must owe nothing to the memo).
  // Likewise its AWS verdicts between endpoints whose placement names no changed group or subnet.
  let shared = false;
  if ((options.evaluation ?? 'classes') === 'classes') {
    shared = ea.netpol.shareVerdicts(eb.netpol);
    shared = flowClasses(ea).shareAwsVerdicts(flowClasses(eb), awsInputChanges(before, after)) && shared;
  }
  const evB = new ProbeEvaluator(eb, options.evaluation ?? 'classes');
  const evA = new ProbeEvaluator(ea, options.evaluation ?? 'classes');
  // With shared memos, a cell whose changed pod flows keep their verdicts is settled without the others.
  const flips = shared ? new FlipCheck(evB, evA) : undefined;
  const notes: string[] = [];
  const cache: StateIndexCache = new Map();

  const global = globalGap(before, after);
  const scopes = new Map<Change, Scope>();
  const gaps = new Map<Change, string>();
  for (const c of changes) {
    const gap = global ?? changeGap(c, before, after);
    if (gap) {
      gaps.set(c, gap);
      continue;
    }
    const s = changeScope(c, eb, ea, cache);
    if (s) scopes.set(c, s);
    else gaps.set(c, outsideReason(c));
  }
  if (global) notes.push(`traffic impact not computed: ${global}`);

  // The ports each target's flows connect to, on either side (a port filter of a change is matched on them).
  const portCache = new WeakMap<ProbeTarget, { port: number; protocol: Protocol }[]>();
  const ports = (dst: ProbeTarget) => {
    let out = portCache.get(dst);
    if (!out) {
      const seen = new Map([...evB.targetPorts(dst), ...evA.targetPorts(dst)].map((x) => [`${x.port}/${x.protocol}`, x]));
      portCache.set(dst, (out = [...seen.values()]));
    }
    return out;
  };
  const scopeList = [...scopes.values()];
  // Each candidate cell is evaluated on both sides as it comes; only the moved ones are kept.
  const moved: { probe: Probe; before: Verdict; after: Verdict }[] = [];
  let cellsEvaluated = 0;
  if (!global) {
    forEachCell(evB, evA, scopeList, options.cells === 'all', internetPorts(changes), ports, {
      cell(src, from, dst, to) {
        cellsEvaluated++;
        if (flips && !flips.mayMove(src, dst)) return;
        const probe: Probe = { from, to, port: dst.port, protocol: dst.protocol, src, dst };
        const b = evB.verdict(probe) ?? 'denied';
        const a = evA.verdict(probe) ?? 'denied';
        if (b !== a) moved.push({ probe, before: b, after: a });
      },
      decided(n) {
        cellsEvaluated += n;
      },
    });
  }

  const flowsOf = new Map<Change, MovedFlow[]>();
  const opened: MovedFlow[] = [];
  const closed: MovedFlow[] = [];
  const scoped = [...scopes];
  for (const m of moved) {
    const candidates: Change[] = [];
    for (const [c, s] of scoped) if (inScope(s, m.probe, () => ports(m.probe.dst))) candidates.push(c);
    const responsible = attribute(m.probe, candidates, scopes, evB, evA);
    const flow: MovedFlow = {
      from: m.probe.from,
      to: m.probe.to,
      port: m.probe.port,
      protocol: m.probe.protocol,
      before: m.before,
      after: m.after,
      changes: responsible.map((c) => ({ kind: c.kind, id: c.id })),
    };
    (RANK[m.after] > RANK[m.before] ? opened : closed).push(flow);
    for (const c of responsible) {
      const list = flowsOf.get(c) ?? [];
      list.push(flow);
      flowsOf.set(c, list);
    }
  }

  const defaultDeny = defaultDenyNamespaces(before);
  const out = changes.map((c): Change => {
    const gap = gaps.get(c);
    if (gap) return { ...c, summary: notComputedSummary(c, gap) };
    const flows = (flowsOf.get(c) ?? []).sort(compareFlows);
    const uncovered = uncoveredWorldExposure(c, flows, after);
    if (uncovered) return { ...c, summary: notComputedSummary(c, uncovered), impact: flows.map(contractFlow) };
    const { facts, lead } = factsOf(flows, defaultDeny);
    const { severity, reason } = impactSeverity(facts, c.severity);
    return {
      ...c,
      severity,
      summary: impactSummary(c, flows, lead, severity, reason),
      impact: flows.map(contractFlow),
    };
  });
  return { opened: opened.sort(compareFlows), closed: closed.sort(compareFlows), changes: out, notes, cellsEvaluated };
}

/**
 * The flows eksnet checks reach Services (their ports and nodePorts). A security-group rule that opens a sensitive
 * port to the whole internet (critical by the rule table) may expose what no Service fronts — sshd, RDP, a database
 * on the host — so finding no Service flow does not show that it moves nothing: its impact is not computed, and it
 * keeps its rule-based severity rather than claiming "no flow". A group attached to no interface exposes nothing.
 */
function uncoveredWorldExposure(c: Change, flows: ImpactFlow[], after: Snapshot): string | undefined {
  if (c.kind !== 'SecurityGroupRule' || c.change === 'removed' || c.severity !== 'critical') return undefined;
  if (flows.some((f) => f.from === 'internet')) return undefined;
  // A group on no network interface exposes nothing: that change really moves no flow.
  const groupId = c.id.split('/')[0];
  if (!after.aws.networkInterfaces.some((e) => e.Groups?.some((g) => g.GroupId === groupId))) return undefined;
  return 'the rule opens a port to the whole internet and eksnet checks flows to Services only, not host services such as SSH';
}

function compareFlows(a: ImpactFlow, b: ImpactFlow): number {
  return compareText(a.from, b.from) || compareText(a.to, b.to) || a.port - b.port || compareText(a.protocol, b.protocol);
}

/** Why no impact can be computed at all, or undefined. */
function globalGap(before: Snapshot, after: Snapshot): string | undefined {
  const hasFlows = (s: Snapshot) => s.k8s.services.some((svc) => (svc.spec?.ports?.length ?? 0) > 0) && s.k8s.pods.length > 0;
  if (!hasFlows(before) && !hasFlows(after)) return 'the snapshots hold no Service with pods, so there is no flow to check';
  for (const [side, s] of [['baseline', before], ['current state', after]] as const) {
    const pods = s.collection.missing.find((m) => /^pods?$/i.test(m.resource) || /^services?$/i.test(m.resource));
    if (pods) return `the ${side}'s collection could not read ${pods.resource} (${pods.reason})`;
  }
  return undefined;
}

const AWS_KINDS = new Set<Change['kind']>(['SecurityGroup', 'SecurityGroupRule', 'NetworkAcl', 'NetworkAclEntry', 'RouteTable', 'Subnet', 'SecurityGroupPolicy']);

/** Why this change's impact cannot be computed from these snapshots (missing data), or undefined. */
function changeGap(c: Change, before: Snapshot, after: Snapshot): string | undefined {
  for (const [side, s] of [['baseline', before], ['current state', after]] as const) {
    if (AWS_KINDS.has(c.kind)) {
      const missing = missingResources(s);
      const gone = missing.get('NetworkInterfaces') ?? missing.get('SecurityGroups') ?? missing.get('NetworkAcls') ?? missing.get('RouteTables');
      if (gone) return `the ${side}: ${gone.replace(/, so this layer was not checked\.$/, '')}`;
      if (s.aws.networkInterfaces.length === 0) return `the ${side} holds no network interfaces, so pods cannot be placed in security groups and subnets`;
    }
    if (c.kind === 'NetworkPolicy' || c.kind === 'Namespace') {
      const m = s.collection.missing.find((x) => /^networkpolic(y|ies)$/i.test(x.resource) || /^namespaces?$/i.test(x.resource));
      if (m) return `the ${side}'s collection could not read ${m.resource} (${m.reason})`;
    }
  }
  return undefined;
}

function outsideReason(c: Change): string {
  if (c.kind === 'ClusterConfig') return 'the cluster endpoint is not a flow eksnet checks';
  if (c.kind === 'Subnet') return 'MapPublicIpOnLaunch acts on instances launched later, not on the flows of what runs now';
  return 'this change acts outside the flows eksnet checks';
}

/** Single ports of changed egress rules, so "Service → internet" is also checked where the change acts. */
function internetPorts(changes: Change[]): { port: number; protocol: 'TCP' | 'UDP' }[] {
  const out = new Map<string, { port: number; protocol: 'TCP' | 'UDP' }>();
  for (const port of INTERNET_PROBE_PORTS) out.set(`${port}/TCP`, { port, protocol: 'TCP' });
  for (const c of changes) {
    if (c.kind !== 'SecurityGroupRule') continue;
    const [, direction, protocol, ports] = c.id.split('/');
    if (direction !== 'egress' || (protocol !== 'tcp' && protocol !== 'udp') || !/^\d+$/.test(ports ?? '')) continue;
    const p = { port: Number(ports), protocol: protocol.toUpperCase() as 'TCP' | 'UDP' };
    out.set(`${p.port}/${p.protocol}`, p);
  }
  return [...out.values()].sort((a, b) => a.port - b.port || compareText(a.protocol, b.protocol));
}

function flowKey(f: Flow): string {
  return `${f.src.label}>${f.dst.label}:${f.port}/${f.protocol}`;
}

/**
 * Which of the candidate changes (those whose scope holds the cell) moved it: look at a few pod flows
 * whose verdict changed, find the layers that flipped between deny and not, and keep the changes that
 * act through those layers and on the objects they name. When that leaves none (e.g. a Service's
 * backends changed, so no pod flow exists on both sides), every candidate is named.
 */
function attribute(p: Probe, candidates: Change[], scopes: Map<Change, Scope>, evB: ProbeEvaluator, evA: ProbeEvaluator): Change[] {
  if (candidates.length <= 1) return candidates;
  const before = new Map(evB.flows(p).map((f) => [flowKey(f), f]));
  const layers = new Set<LayerName>();
  const objects = new Set<string>();
  const ports: { port: number; protocol: string }[] = [];
  let sampled = 0;
  let shared = 0;
  for (const fa of evA.flows(p)) {
    const fb = before.get(flowKey(fa));
    if (fb) shared++;
    if (!fb || evB.allowed(fb) === evA.allowed(fa)) continue;
    ports.push({ port: fa.port, protocol: fa.protocol });
    // Only the layers' verdicts and objects are read: no suggested fixes.
    const rb = evaluateFlow(evB.engine, fb, { fixes: false });
    const ra = evaluateFlow(evA.engine, fa, { fixes: false });
    for (const lb of rb.layers) {
      const la = ra.layers.find((l) => l.layer === lb.layer);
      if ((lb.verdict === 'deny') === (la?.verdict === 'deny')) continue;
      layers.add(lb.layer);
      for (const o of [...lb.objects, ...(la?.objects ?? [])]) objects.add(o);
    }
    if (++sampled >= 3) break;
  }
  if (layers.size === 0) {
    // No pod flow exists on both sides: the Service's backends changed. A Service change explains that.
    const services = candidates.filter((c) => c.kind === 'Service' && (p.from === serviceRef(c.id) || p.to === serviceRef(c.id)));
    return shared === 0 && services.length > 0 ? services : candidates;
  }
  const kept = candidates.filter((c) => {
    const s = scopes.get(c)!;
    if (s.layers !== 'any' && ![...s.layers].some((l) => layers.has(l))) return false;
    if (c.kind === 'SecurityGroupRule' && !ports.some((f) => ruleCoversPort(c.id, f.port, f.protocol))) return false;
    if (s.objects && ![...s.objects].some((o) => objects.has(o))) {
      // A new NetworkPolicy or group rule may act without being named on the side that denied.
      return s.layers === 'any' || c.change === 'added' || c.kind === 'SecurityGroupRule' || c.kind === 'NetworkAclEntry';
    }
    return true;
  });
  return kept.length > 0 ? kept : candidates;
}

/** Does the security-group rule with this id (GROUP/DIRECTION/PROTOCOL/PORTS/PEER) cover the port? */
function ruleCoversPort(id: string, port: number, protocol: string): boolean {
  const [, , proto, ports] = id.split('/');
  if (proto === 'all') return true;
  if (proto !== protocol.toLowerCase()) return /^\d+$/.test(proto ?? '') && proto !== '6' && proto !== '17';
  if (ports === 'all') return true;
  const [from, to] = (ports ?? '').split('-').map(Number);
  return port >= from! && port <= (to ?? from)!;
}

/** Namespaces whose pods all had a default deny for ingress (a policy with an empty podSelector). */
function defaultDenyNamespaces(snap: Snapshot): Set<string> {
  const out = new Set<string>();
  for (const np of snap.k8s.networkPolicies) {
    if (Object.keys(canonicalSelector(np.spec?.podSelector)).length === 0 && effectivePolicyTypes(np.spec).includes('ingress')) out.add(np.metadata.namespace ?? 'default');
  }
  return out;
}

function namespaceOf(ref: string): string | undefined {
  return /^[^/]+\/svc\/[^/]+$/.test(ref) ? ref.split('/')[0] : undefined;
}

type Category = keyof ImpactFacts;

/** Which fact a flow counts for (the order is impactSeverity's: worst first). */
const CATEGORY_ORDER: Category[] = ['fromInternet', 'intoDefaultDeny', 'acrossNamespaces', 'closed', 'otherOpened'];

function categoryOf(flow: ImpactFlow, defaultDeny: Set<string>): Category {
  if (RANK[flow.after] < RANK[flow.before]) return 'closed';
  const fromNs = namespaceOf(flow.from);
  const toNs = namespaceOf(flow.to);
  if (flow.from === 'internet') return 'fromInternet';
  if (toNs && defaultDeny.has(toNs)) return 'intoDefaultDeny';
  if (toNs && fromNs !== toNs) return 'acrossNamespaces';
  return 'otherOpened';
}

/** The counts, and the flow that shows the worst of them (the summary leads with it). */
function factsOf(flows: ImpactFlow[], defaultDeny: Set<string>): { facts: ImpactFacts; lead?: ImpactFlow } {
  const facts: ImpactFacts = { fromInternet: 0, acrossNamespaces: 0, intoDefaultDeny: 0, closed: 0, otherOpened: 0 };
  let lead: ImpactFlow | undefined;
  let leadRank = Infinity;
  for (const flow of flows) {
    const c = categoryOf(flow, defaultDeny);
    facts[c]++;
    const r = CATEGORY_ORDER.indexOf(c);
    if (r < leadRank) [lead, leadRank] = [flow, r];
  }
  return { facts, lead };
}
