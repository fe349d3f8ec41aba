import { withFix, type LayerResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import type { Pod } from '../../model/k8s';
import type { K8sIndex } from '../../model/cluster-index';
import type { Endpoint, Flow } from '../../model/flow';
import { NetpolClasses, type NetpolEndpointClass } from './classes';
import { compilePolicy, type CompiledPolicy, type Direction } from './compile';
import { detectEnforcement, policyExemption, type Enforcement, type PolicyExemption } from './enforcement';
import { readCniConfig } from '../aws/cni-config';
import { NetpolEvaluator, type DirectionOutcome, type PolicyPeers } from './evaluate';
import { buildNetpolFix, PodIdentities } from './fix';

export type { Enforcement } from './enforcement';
export type { PolicyPeers } from './evaluate';

export interface NetpolEngine {
  enforcement: Enforcement;
  /** Pods an engine runs for but does not reach (Calico and strict-mode pods with security groups). */
  exemption: PolicyExemption;
  /** The policies that select a pod, per direction. */
  policiesSelecting(pod: Pod): Record<Direction, CompiledPolicy[]>;
  /** [networkpolicy-egress, networkpolicy-ingress] for one flow; `fixes: false` leaves out the suggested policies. */
  evaluate(flow: Flow, fixes?: boolean): [LayerResult, LayerResult];
  /** True unless a NetworkPolicy layer of `evaluate` would deny the flow (verdict only, fast). */
  admits(flow: Flow): boolean;
  /** What NetworkPolicy reads about an endpoint, for memoised verdicts over many flows. */
  classify(ep: Endpoint): NetpolEndpointClass;
  /**
   * True when NetworkPolicy denies every flow between the classified pod and any pod of namespace `ns`
   * in `direction` (egress: it is the source; ingress: it is the destination). Never true when
   * NetworkPolicy is not enforced or could not be read.
   */
  closedTo(c: NetpolEndpointClass, direction: 'egress' | 'ingress', ns: string): boolean;
  /** `admits` for the flow between two classified endpoints on port id `portId` (memoised per direction). */
  admitsClassed(src: NetpolEndpointClass, dst: NetpolEndpointClass, portId: number, flow: () => Flow): boolean;
  /**
   * One direction of `admitsClassed`: false exactly when the policies isolating `self` in `direction` deny
   * the flow to (egress: `self` is the source) or from (ingress: `self` is the destination) `peer`.
   */
  admitsOneWay(direction: 'egress' | 'ingress', self: NetpolEndpointClass, peer: NetpolEndpointClass, portId: number, flow: () => Flow): boolean;
  /**
   * Which peers the classified endpoint's isolating policies in `direction` may admit on some port (a
   * superset: pod selectors and ports aside). Anywhere when it is not isolated, when NetworkPolicy is not
   * enforced, or when the policies could not be read — wherever `admitsOneWay` never denies.
   */
  peersAdmitted(c: NetpolEndpointClass, direction: 'egress' | 'ingress'): PolicyPeers;
  /**
   * Does every verdict of this engine read the same about `mine` as `other` reads about `theirs` (both classified
   * by their own engine)? Only once the two share verdicts (`shareVerdicts`), and when NetworkPolicy is enforced
   * and readable alike in both.
   */
  sameInputs(other: NetpolEngine, mine: NetpolEndpointClass, theirs: NetpolEndpointClass): boolean;
  /** Whether the snapshot's NetworkPolicies and pods could be read. */
  readable: boolean;
  /**
   * Share `other`'s memoised classes and verdicts (keyed by what each verdict reads, so a verdict is reused
   * only where its inputs are the same in both snapshots). Possible only before this engine has classified
   * anything; returns whether it is shared.
   */
  shareVerdicts(other: NetpolEngine): boolean;
}

const classesOf = new WeakMap<NetpolEngine, NetpolClasses>();

/**
 * Compiles every NetworkPolicy of the snapshot once; `evaluate` then answers a flow from
 * per-pod memoised policy lists (batch mode runs thousands of flows against one engine).
 */
export function buildNetpolEngine(snap: Snapshot, k8s: K8sIndex): NetpolEngine {
  const enforcement = detectEnforcement(snap);
  // Without the policies, or without the pods they select, no NetworkPolicy verdict can be given.
  const missingPolicies = snap.collection.missing.find((m) => /^networkpolic(y|ies)$/i.test(m.resource));
  const missingPods = snap.collection.missing.find((m) => /^pods?$/i.test(m.resource));
  const missing = missingPolicies ?? (missingPods && { ...missingPods, what: 'Pods' });
  const policiesByNamespace = new Map<string, CompiledPolicy[]>();
  for (const np of snap.k8s.networkPolicies) {
    const compiled = compilePolicy(np);
    let list = policiesByNamespace.get(compiled.namespace);
    if (!list) policiesByNamespace.set(compiled.namespace, (list = []));
    list.push(compiled);
  }
  const evaluator = new NetpolEvaluator(policiesByNamespace, k8s);
  const identities = new PodIdentities(snap);
  const classes = new NetpolClasses(evaluator);
  const exemption = policyExemption(snap, enforcement, readCniConfig(snap).podSecurityGroupMode);
  const exemptEp = (ep: Endpoint): string | undefined => (ep.hostNetwork ? undefined : exemption.reasonFor(ep.pod));

  const one = (flow: Flow, direction: Direction, fixes: boolean): LayerResult => {
    if (missing) {
      return {
        layer: direction === 'egress' ? 'networkpolicy-egress' : 'networkpolicy-ingress',
        verdict: 'not-evaluated',
        reason:
          'what' in missing
            ? `Pods could not be read (${missing.reason}), so which pods NetworkPolicies select is unknown.`
            : `NetworkPolicies could not be read: ${missing.reason}`,
        objects: [],
      };
    }
    const outcome = evaluator.evaluate(flow, direction);
    if (!enforcement.enforced) return notEnforced(outcome, enforcement);
    const exempt = exemptEp(direction === 'egress' ? flow.src : flow.dst);
    if (exempt) return notEnforced(outcome, { ...enforcement, enforced: false, reason: exempt, fixCommand: undefined });
    if (!outcome.denied || !fixes) return outcome.result;
    const fix = buildNetpolFix(flow, direction, identities);
    return fix ? withFix({ ...outcome.result }, fix) : outcome.result;
  };

  const engine: NetpolEngine = {
    enforcement,
    exemption,
    policiesSelecting: (pod) => evaluator.policiesSelecting(pod),
    evaluate: (flow, fixes = true) => [one(flow, 'egress', fixes), one(flow, 'ingress', fixes)],
    admits: (flow) =>
      missing !== undefined ||
      !enforcement.enforced ||
      ((exemptEp(flow.src) !== undefined || evaluator.admits(flow, 'egress')) && (exemptEp(flow.dst) !== undefined || evaluator.admits(flow, 'ingress'))),
    // An exempt pod is classed as isolated by no policy: every memoised verdict then admits its traffic.
    classify: (ep) => {
      const c = classes.classify(ep);
      return exemptEp(ep) ? { ...c, egressSet: 0, ingressSet: 0 } : c;
    },
    closedTo: (c, direction, ns) => missing === undefined && enforcement.enforced && classes.closedTo(c, direction, ns),
    admitsClassed: (src, dst, portId, flow) => missing !== undefined || !enforcement.enforced || classes.admits(src, dst, portId, flow),
    admitsOneWay: (direction, self, peer, portId, flow) => missing !== undefined || !enforcement.enforced || classes.admitsOneWay(direction, self, peer, portId, flow),
    peersAdmitted: (c, direction) => (missing !== undefined || !enforcement.enforced ? { anywhere: true } : classes.peersAdmitted(c, direction)),
    readable: missing === undefined,
    sameInputs: (other, mine, theirs) => {
      const o = classesOf.get(other);
      return o !== undefined && other.readable === (missing === undefined) && other.enforcement.enforced === enforcement.enforced && classes.sameInputs(o, mine, theirs);
    },
    shareVerdicts: (other) => {
      const theirs = classesOf.get(other);
      return theirs !== undefined && classes.adoptStore(theirs);
    },
  };
  classesOf.set(engine, classes);
  return engine;
}

function notEnforced(outcome: DirectionOutcome, enforcement: Enforcement): LayerResult {
  const r = outcome.result;
  const would = r.verdict === 'deny' ? 'would deny this flow' : r.verdict === 'allow' ? 'would allow this flow' : 'could not be fully evaluated';
  return withFix(
    {
      layer: r.layer,
      verdict: 'not-enforced',
      reason: `Not enforced; if it were, this layer ${would} (${stripPeriod(r.reason)}). ${enforcement.reason}`,
      objects: r.objects,
    },
    enforcement.fixCommand ? { kind: 'cni', description: 'Enable the VPC CNI network policy agent.', text: enforcement.fixCommand } : undefined,
  );
}

function stripPeriod(s: string): string {
  return s.endsWith('.') ? s.slice(0, -1) : s;
}
