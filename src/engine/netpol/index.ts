import type { LayerResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import type { K8sIndex } from '../../resolve/cluster-index';
import type { Flow } from '../types';
import { compilePolicy, type CompiledPolicy, type Direction } from './compile';
import { detectEnforcement, type Enforcement } from './enforcement';
import { NetpolEvaluator, type DirectionOutcome } from './evaluate';
import { buildNetpolFix, PodIdentities } from './fix';

export type { Enforcement } from './enforcement';

export interface NetpolEngine {
  enforcement: Enforcement;
  /** [networkpolicy-egress, networkpolicy-ingress] for one flow. */
  evaluate(flow: Flow): [LayerResult, LayerResult];
}

/**
 * Compiles every NetworkPolicy of the snapshot once; `evaluate` then answers a flow from
 * per-pod memoised policy lists (batch mode runs thousands of flows against one engine).
 */
export function buildNetpolEngine(snap: Snapshot, k8s: K8sIndex): NetpolEngine {
  const enforcement = detectEnforcement(snap);
  const missing = snap.collection.missing.find((m) => /^networkpolic(y|ies)$/i.test(m.resource));
  const policiesByNamespace = new Map<string, CompiledPolicy[]>();
  for (const np of snap.k8s.networkPolicies) {
    const compiled = compilePolicy(np);
    let list = policiesByNamespace.get(compiled.namespace);
    if (!list) policiesByNamespace.set(compiled.namespace, (list = []));
    list.push(compiled);
  }
  const evaluator = new NetpolEvaluator(policiesByNamespace, k8s);
  const identities = new PodIdentities(snap);

  const one = (flow: Flow, direction: Direction): LayerResult => {
    if (missing) {
      return {
        layer: direction === 'egress' ? 'networkpolicy-egress' : 'networkpolicy-ingress',
        verdict: 'not-evaluated',
        reason: `NetworkPolicies could not be read: ${missing.reason}`,
        objects: [],
      };
    }
    const outcome = evaluator.evaluate(flow, direction);
    if (!enforcement.enforced) return notEnforced(outcome, enforcement);
    if (!outcome.denied) return outcome.result;
    const fix = buildNetpolFix(flow, direction, identities);
    return fix ? { ...outcome.result, fix } : outcome.result;
  };

  return {
    enforcement,
    evaluate: (flow) => [one(flow, 'egress'), one(flow, 'ingress')],
  };
}

function notEnforced(outcome: DirectionOutcome, enforcement: Enforcement): LayerResult {
  const r = outcome.result;
  const would = r.verdict === 'deny' ? 'would deny this flow' : r.verdict === 'allow' ? 'would allow this flow' : 'could not be fully evaluated';
  return {
    ...r,
    verdict: 'not-enforced',
    reason: `Not enforced; if it were, this layer ${would} (${stripPeriod(r.reason)}). ${enforcement.reason}`,
    ...(enforcement.fixCommand
      ? { fix: { kind: 'cni', description: 'Enable the VPC CNI network policy agent.', text: enforcement.fixCommand } }
      : {}),
  };
}

function stripPeriod(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}
