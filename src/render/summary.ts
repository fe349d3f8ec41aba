import type { Fix, FlowResult, LayerName, LayerResult, Protocol, ReachResult, Verdict } from '../model/result';
import { compactYaml, denseYaml } from './compact-yaml';

// The summary of a whoami-reach answer that the text and Slack renderers share: verdict, per-port verdicts, what
// blocks (grouped by cause), which layers pass, and the fix once. It reads the engine's verdicts and never decides
// one: "intermittent" is the name for a denied flow whose only denying layer is a nacl-return that blocks part of
// the client's ephemeral range (CONTRACT §2 keeps `denied` in --json).

/** How an answer, a port or a group of flows reads to a person. */
export type Word = 'allowed' | 'denied' | 'partial' | 'intermittent';

/** One line of what blocks: the layer and why (the engine's reason, with pod names shortened to their workload). */
export interface BlockingLine {
  layer: LayerName;
  objects: string[];
  why: string;
  /** nacl-return blocking part of the ephemeral range: the share of client ports blocked, in percent. */
  intermittentPercent?: number;
}

/** Flows that fail for the same reason (same denying layers and objects), whatever their other layers say. */
export interface CauseGroup {
  word: 'denied' | 'intermittent';
  flows: FlowResult[];
  /** "9153/TCP" for every port in the group. */
  ports: string[];
  blocking: BlockingLine[];
}

export interface PortLine {
  port: number;
  protocol: Protocol;
  word: Word;
  /** Short names of what blocks the port (empty when allowed). */
  blockedBy: string[];
}

export interface Fixes {
  /** NetworkPolicies to apply: one `kubectl apply -f - <<'EOF'` block, or undefined. */
  kubectl?: string;
  /** aws CLI commands, one per line, deduplicated. */
  aws: string[];
  /** Fixes that are neither (CNI settings, notes): description and text. */
  other: { description: string; text: string }[];
}

export interface PairSummary {
  verdict: Verdict;
  word: Word;
  allowed: number;
  total: number;
  /** Set when every failing flow fails intermittently: the share of connections that time out and the ACLs. */
  intermittent?: { percent: number; acls: string[] };
  ports: PortLine[];
  groups: CauseGroup[];
  /** "SG, NACL, route" — layers that allow in every flow, families collapsed. */
  passing: string[];
  /** Layers that were not evaluated (any flow): "route, nacl-return" and their shared reason. */
  notEvaluated: { layer: string; reason: string }[];
  /** NetworkPolicy layers that are not enforced, with the reason. */
  notEnforced: { layer: string; reason: string }[];
  fixes: Fixes;
}

const FAMILIES: { name: string; layers: LayerName[] }[] = [
  { name: 'NetworkPolicy', layers: ['networkpolicy-egress', 'networkpolicy-ingress'] },
  { name: 'SG', layers: ['security-group-egress', 'security-group-ingress'] },
  { name: 'NACL', layers: ['nacl-outbound', 'nacl-inbound', 'nacl-return'] },
  { name: 'route', layers: ['route'] },
];

/** The pod's workload for display: `shop/frontend-7c9d8f6b5d-x7k2p` → `shop/frontend`, `data/postgres-0` → `data/postgres`. */
export function workloadOf(endpoint: string): string {
  const m = endpoint.match(/^([^/\s]+)\/(.+)$/);
  if (!m) return endpoint;
  // One of: Deployment (ReplicaSet hash + pod suffix), DaemonSet or bare ReplicaSet (suffix), StatefulSet (ordinal).
  for (const re of [/-[a-z0-9]{4,10}-[a-z0-9]{5}$/, /-\d+$/, /-[a-z0-9]{5}$/]) {
    if (re.test(m[2]!)) return `${m[1]}/${m[2]!.replace(re, '')}`;
  }
  return endpoint;
}

/** "NetworkPolicy/shop/a, NetworkPolicy/shop/b" → "NetworkPolicies shop/a, shop/b" (the same names, shorter). */
export function shortPolicyLists(text: string): string {
  return text.replace(/NetworkPolicy\/[^\s,]+(?:, NetworkPolicy\/[^\s,]+)*/g, (list) => {
    const names = list.split(', ').map((n) => n.slice('NetworkPolicy/'.length));
    return `${names.length > 1 ? 'NetworkPolicies' : 'NetworkPolicy'} ${names.join(', ')}`;
  });
}

/** The engine's reason for one flow, made true of the whole group: pod names become their workloads. */
export function groupReason(reason: string, flow: FlowResult): string {
  let out = shortPolicyLists(reason);
  for (const end of [flow.from, flow.to]) {
    const w = workloadOf(end);
    if (w === end) continue;
    out = out.split(`pod ${end}`).join(`${w} pods`).split(end).join(w);
  }
  return out;
}

export function blockedShare(layer: LayerResult): number | undefined {
  const gap = layer.returnGap;
  if (!gap) return undefined;
  const size = gap.range.to - gap.range.from + 1;
  const blocked = gap.blocked.reduce((n, r) => n + Math.max(0, Math.min(r.to, gap.range.to) - Math.max(r.from, gap.range.from) + 1), 0);
  return blocked > 0 && blocked < size ? blocked / size : undefined;
}

/** Denied only by a return path that blocks part of the ephemeral range: some connections work, others time out. */
function isIntermittent(f: FlowResult): boolean {
  const denies = f.layers.filter((l) => l.verdict === 'deny');
  return denies.length > 0 && denies.every((l) => l.layer === 'nacl-return' && blockedShare(l) !== undefined);
}

function flowWord(f: FlowResult): 'allowed' | 'denied' | 'intermittent' {
  return f.verdict === 'allowed' ? 'allowed' : isIntermittent(f) ? 'intermittent' : 'denied';
}

function combine(words: Word[]): Word {
  const set = new Set(words);
  if (set.size === 1) return words[0]!;
  if (!set.has('allowed') && !set.has('partial') && set.has('intermittent') && set.has('denied')) return 'denied';
  return 'partial';
}

/** Short name of a blocking object: `NetworkPolicy/shop/checkout-egress` → `checkout-egress`. */
export function shortObject(o: string): string {
  return o.startsWith('NetworkPolicy/') ? o.split('/').pop()! : o;
}

/**
 * The objects to name for a blocking layer in a one-line port verdict: the policies named after the workload the
 * layer isolates when there are any (`checkout-egress` rather than the namespace's `default-deny-all`), else all.
 */
function namedObjects(l: LayerResult, f: FlowResult): string[] {
  const subject = (l.layer === 'networkpolicy-ingress' ? workloadOf(f.to) : workloadOf(f.from)).split('/').pop() ?? '';
  const short = l.objects.map(shortObject);
  const own = subject ? short.filter((o) => o.includes(subject)) : [];
  return own.length ? own : short;
}

function percentText(share: number): number {
  return Math.max(1, Math.min(99, Math.round(share * 100)));
}

function blockingLine(l: LayerResult, f: FlowResult): BlockingLine {
  const share = blockedShare(l);
  if (l.layer === 'nacl-return' && share !== undefined) {
    // "…range 32768-60999: acl-x outbound blocks ports 32768-49151 (the final * rule)." — the part after the colon names the ACL and ports.
    const tail = l.reason.includes(': ') ? l.reason.slice(l.reason.indexOf(': ') + 2) : l.reason;
    return { layer: l.layer, objects: l.objects, why: `intermittent: about ${percentText(share)}% of connections time out — ${tail}`, intermittentPercent: percentText(share) };
  }
  return { layer: l.layer, objects: l.objects, why: groupReason(l.reason, f) };
}

function causeKey(f: FlowResult): string {
  return f.layers
    .filter((l) => l.verdict === 'deny')
    .map((l) => `${l.layer}:${l.objects.join(',')}:${l.layer === 'nacl-return' ? JSON.stringify(l.returnGap?.blocked ?? []) : ''}`)
    .join('|');
}

function portKey(f: { port: number; protocol: Protocol }): string {
  return `${f.port}/${f.protocol}`;
}

/** Every distinct fix of the denying layers, once: NetworkPolicies as one kubectl block, AWS changes as commands. */
export function collectFixes(flows: FlowResult[], style: 'compact' | 'dense' = 'compact', width = 100): Fixes {
  const policies = new Map<string, string>();
  const aws: string[] = [];
  const other = new Map<string, { description: string; text: string }>();
  for (const f of flows) {
    for (const l of f.layers) {
      const fix: Fix | undefined = l.verdict === 'deny' || l.verdict === 'not-enforced' ? l.fix : undefined;
      if (!fix) continue;
      if (fix.kind === 'networkpolicy') {
        if (!policies.has(fix.text)) policies.set(fix.text, fix.object ? (style === 'dense' ? denseYaml(fix.object, width) : compactYaml(fix.object, width)).trimEnd() : fix.text.trimEnd());
      } else if (fix.kind === 'security-group' || fix.kind === 'nacl') {
        for (const line of fix.text.split('\n').map((x) => x.trim()).filter(Boolean)) if (!aws.includes(line)) aws.push(line);
      } else if (!other.has(fix.text)) {
        other.set(fix.text, { description: fix.description, text: fix.text.trimEnd() });
      }
    }
  }
  const docs = [...policies.values()];
  return {
    kubectl: docs.length ? ["kubectl apply -f - <<'EOF'", docs.join('\n---\n'), 'EOF'].join('\n') : undefined,
    aws,
    other: [...other.values()],
  };
}

export function summarisePair(data: ReachResult, width = 100): PairSummary {
  const flows = data.flows;
  const allowed = flows.filter((f) => f.verdict === 'allowed').length;

  const byPort = new Map<string, FlowResult[]>();
  for (const f of flows) byPort.set(portKey(f), [...(byPort.get(portKey(f)) ?? []), f]);
  const ports: PortLine[] = [...byPort.values()].map((fl) => {
    const word = combine(fl.map(flowWord));
    const blockedBy = new Set<string>();
    for (const f of fl) for (const l of f.layers) if (l.verdict === 'deny') namedObjects(l, f).forEach((o) => blockedBy.add(o));
    return { port: fl[0]!.port, protocol: fl[0]!.protocol, word, blockedBy: [...blockedBy].sort() };
  });

  const groups = new Map<string, CauseGroup>();
  for (const f of flows) {
    if (f.verdict === 'allowed') continue;
    const key = causeKey(f);
    const g = groups.get(key);
    if (g) {
      g.flows.push(f);
      if (!g.ports.includes(portKey(f))) g.ports.push(portKey(f));
    } else {
      groups.set(key, {
        word: isIntermittent(f) ? 'intermittent' : 'denied',
        flows: [f],
        ports: [portKey(f)],
        blocking: f.layers.filter((l) => l.verdict === 'deny').map((l) => blockingLine(l, f)),
      });
    }
  }

  const allowEverywhere = (layer: LayerName) => flows.length > 0 && flows.every((f) => f.layers.find((l) => l.layer === layer)?.verdict === 'allow');
  const passing: string[] = [];
  for (const fam of FAMILIES) {
    const ok = fam.layers.filter(allowEverywhere);
    if (ok.length === fam.layers.length) passing.push(fam.name);
    else passing.push(...ok);
  }

  // Layers that share a reason ("No network interface holds 10.0.1.10") are one line.
  const byReason = (verdict: LayerResult['verdict']) => {
    const seen = new Map<string, LayerName[]>();
    const done = new Set<LayerName>();
    for (const f of flows) {
      for (const l of f.layers) {
        if (l.verdict !== verdict || done.has(l.layer)) continue;
        done.add(l.layer);
        const reason = groupReason(l.reason, f);
        seen.set(reason, [...(seen.get(reason) ?? []), l.layer]);
      }
    }
    return [...seen.entries()].map(([reason, layers]) => ({ layer: layers.join(', '), reason }));
  };

  const failing = flows.filter((f) => f.verdict !== 'allowed');
  let intermittent: PairSummary['intermittent'];
  if (failing.length > 0 && failing.every(isIntermittent)) {
    const shares = failing.flatMap((f) => f.layers.map(blockedShare).filter((s): s is number => s !== undefined));
    intermittent = {
      percent: percentText(Math.max(...shares)),
      acls: [...new Set(failing.flatMap((f) => f.layers.filter((l) => l.verdict === 'deny').flatMap((l) => l.objects)))].sort(),
    };
  }
  const word: Word = combine(flows.map(flowWord));

  return {
    verdict: data.verdict,
    word: flows.length === 0 ? data.verdict : word,
    allowed,
    total: flows.length,
    intermittent,
    ports,
    groups: [...groups.values()],
    passing,
    notEvaluated: byReason('not-evaluated'),
    notEnforced: byReason('not-enforced'),
    fixes: collectFixes(flows, 'compact', width),
  };
}

/** "53/UDP ✅ 53/TCP ✅ 9153/TCP ⛔ checkout-egress" with the caller's icons. */
export function portsLine(ports: PortLine[], icon: (w: Word) => string, max = 3): string {
  return ports
    .map((p) => {
      const by = p.blockedBy.length > max ? [...p.blockedBy.slice(0, max), `+${p.blockedBy.length - max}`] : p.blockedBy;
      return `${p.port}/${p.protocol} ${icon(p.word)}${by.length ? ' ' + by.join(', ') : ''}`;
    })
    .join('  ');
}

/** Names of up to `max` items and how many more: "a, b, c and 4 more". */
export function namesWithCount(names: string[], max: number): string {
  if (names.length <= max) return names.join(', ');
  return `${names.slice(0, max).join(', ')} and ${names.length - max} more`;
}
