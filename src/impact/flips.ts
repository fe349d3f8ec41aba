import { FlowClasses, type ClassedEndpoint } from '../engine/flow-classes';
import type { ClassedTarget, ProbeEvaluator, ProbeSource, ProbeTarget } from './probes';

/**
 * Per endpoint of one side's list, how the other side's listing of the same endpoint compares: SAME_POLICY_INPUTS
 * and SAME_AWS_CLASSES bits; null when the lists do not pair up.
 */
type Twins = Uint8Array | null;

/** A source's endpoints before and after, per address family (index 0: IPv4, 1: IPv6), and their twins. */
interface SourceSides {
  before: readonly [readonly ClassedEndpoint[], readonly ClassedEndpoint[]];
  after: readonly [readonly ClassedEndpoint[], readonly ClassedEndpoint[]];
  twins: [Twins, Twins];
}

/** A target's destinations before and after, and their twins. */
interface TargetSides {
  before: readonly ClassedTarget[];
  after: readonly ClassedTarget[];
  twins: Twins;
}

const SAME_POLICY_INPUTS = 1;
const SAME_AWS_CLASSES = 2;
const AWS_PARTS = ['groups', 'subnets'] as const;

function allSame(twins: Uint8Array, bits: number): boolean {
  for (let i = 0; i < twins.length; i++) if ((twins[i]! & bits) !== bits) return false;
  return true;
}

/**
 * Whether a cell's verdict can differ between the states before and after, decided on the pod flows whose
 * inputs differ. A cell's verdict is the aggregate of its pod flows' verdicts; a pod flow between the same two
 * pods (same address, node and port) whose classes read the same NetworkPolicy inputs in both states, and whose
 * AWS verdict comes from the memo the two engines share (its placement names nothing that changed), has the same
 * verdict in both. So when both states list the same pod flows and every other one has equal verdicts on both
 * sides, the cell cannot move — without evaluating the unchanged pod flows at all.
 *
 * Only for evaluators whose engines share their verdict memos (computeImpact builds it then); the verdict shortcuts of `ProbeEvaluator`
 * agree with the pod flows they stand for, so comparing pod flows decides what comparing verdicts would.
 */
export class FlipCheck {
  private readonly sources = new WeakMap<ProbeSource, SourceSides>();
  private readonly targets = new WeakMap<ProbeTarget, TargetSides>();

  constructor(
    private readonly before: ProbeEvaluator,
    private readonly after: ProbeEvaluator,
  ) {}

  /** May the cell from `src` to `dst` have different verdicts before and after? (false: certainly not.) */
  mayMove(src: ProbeSource, dst: ProbeTarget): boolean {
    const { before: tb, after: ta, twins: targetTwins } = this.targetSides(dst);
    if (!targetTwins) return true;
    const sides = this.sourceSides(src);
    const sourceTwins = sides.twins;
    // A pod flow's verdict is NetworkPolicy ∧ security groups ∧ subnet layers. A part shared between the engines
    // answers alike on both sides; the flow keeps its verdict when each other part does too. Only a flow where some
    // part differs needs its whole verdicts compared — unless NetworkPolicy denies every flow of the cell both times.
    let policyDenied: boolean | undefined;
    for (let i = 0; i < ta.length; i++) {
      const f = ta[i]!.c.ep.address.family === 4 ? 0 : 1;
      const twins = sourceTwins[f];
      if (!twins) return true;
      const sb = sides.before[f]!;
      const sa = sides.after[f]!;
      const bt = tb[i]!;
      const at = ta[i]!;
      for (let j = 0; j < sa.length; j++) {
        const bs = sb[j]!;
        const as = sa[j]!;
        const onOneNode = FlowClasses.sameNode(bs, bt.c) || FlowClasses.sameNode(as, at.c);
        if (!onOneNode && this.partsAgree(targetTwins[i]! & twins[j]!, bs, bt, as, at)) continue;
        policyDenied ??= this.policiesDenyAllBothTimes(src, dst, targetTwins, sourceTwins);
        if (policyDenied) return false;
        if (this.before.pairAllowed(bs, bt) !== this.after.pairAllowed(as, at)) return true;
      }
    }
    return false;
  }

  /**
   * NetworkPolicy denies every pod flow of the cell on both sides (its verdict is `denied`, or it has no flow,
   * both times). When every endpoint reads the same NetworkPolicy inputs on both sides, the after side answers as
   * the before side does.
   */
  private policiesDenyAllBothTimes(src: ProbeSource, dst: ProbeTarget, targetTwins: Uint8Array, sourceTwins: [Twins, Twins]): boolean {
    if (!this.before.policiesDenyAll(src, dst)) return false;
    const samePolicies = allSame(targetTwins, SAME_POLICY_INPUTS) && sourceTwins.every((t) => t !== null && allSame(t, SAME_POLICY_INPUTS));
    return samePolicies || this.after.policiesDenyAll(src, dst);
  }

  /** Do the parts of the pod flow that the engines do not share answer alike on both sides? */
  private partsAgree(same: number, bs: ClassedEndpoint, bt: ClassedTarget, as: ClassedEndpoint, at: ClassedTarget): boolean {
    if ((same & SAME_POLICY_INPUTS) === 0 && this.before.partAllowed('policy', bs, bt) !== this.after.partAllowed('policy', as, at)) return false;
    const sameClasses = (same & SAME_AWS_CLASSES) !== 0;
    for (const part of AWS_PARTS) {
      if (sameClasses && this.after.flowClasses.sharesPart(this.before.flowClasses, part, as, at.c)) continue;
      if (this.before.partAllowed(part, bs, bt) !== this.after.partAllowed(part, as, at)) return false;
    }
    return true;
  }

  /** The source's endpoints on both sides, per address family (4, 6), and how they pair up (one look-up per cell). */
  private sourceSides(src: ProbeSource): SourceSides {
    let t = this.sources.get(src);
    if (!t) {
      const before = [this.before.classedSources(src, 4), this.before.classedSources(src, 6)] as const;
      const after = [this.after.classedSources(src, 4), this.after.classedSources(src, 6)] as const;
      t = { before, after, twins: [this.twins(before[0], after[0], (e) => e), this.twins(before[1], after[1], (e) => e)] };
      this.sources.set(src, t);
    }
    return t;
  }

  private targetSides(dst: ProbeTarget): TargetSides {
    let t = this.targets.get(dst);
    if (!t) {
      const before = this.before.classedTargets(dst);
      const after = this.after.classedTargets(dst);
      const same = (x: ClassedTarget, y: ClassedTarget) => x.portId === y.portId && x.flow.port === y.flow.port && x.flow.protocol === y.flow.protocol;
      t = { before, after, twins: this.twins(before, after, (x) => x.c, same) };
      this.targets.set(dst, t);
    }
    return t;
  }

  /**
   * Endpoint by endpoint (both lists in the same order), whether the two sides list the same endpoint with the
   * same classes; null when the lists do not pair up (a pod only on one side: its flows exist on one side only).
   */
  private twins<T>(b: readonly T[], a: readonly T[], classed: (x: T) => ClassedEndpoint, same: (x: T, y: T) => boolean = () => true): Twins {
    if (b.length !== a.length) return null;
    const out = new Uint8Array(a.length);
    for (let i = 0; i < a.length; i++) {
      const x = classed(b[i]!);
      const y = classed(a[i]!);
      if (x.ep.label !== y.ep.label || x.ep.address.text !== y.ep.address.text || x.ep.nodeName !== y.ep.nodeName || !same(b[i]!, a[i]!)) return null;
      out[i] =
        (this.after.engine.netpol.sameInputs(this.before.engine.netpol, y.np, x.np) ? SAME_POLICY_INPUTS : 0) | (x.aws === y.aws && x.awsNet === y.awsNet ? SAME_AWS_CLASSES : 0);
    }
    return out;
  }
}
