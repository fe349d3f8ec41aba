import { FlowClasses, type ClassedEndpoint } from '../engine/flow-classes';
import type { ClassedTarget, ProbeEvaluator, ProbeSource, ProbeTarget } from './probes';

/**
 * Per endpoint of one side's list, how the other side's listing of the same endpoint compares: SAME_POLICY_INPUTS
 * and SAME_AWS_CLASSES bits (SAME: both); null when the lists do not pair up.
 */
type Twins = Uint8Array | null;

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
 * Only for evaluators that share their verdict memos (see `ready`); the verdict shortcuts of `ProbeEvaluator`
 * agree with the pod flows they stand for, so comparing pod flows decides what comparing verdicts would.
 */
export class FlipCheck {
  private readonly sources = new WeakMap<ProbeSource, [Twins, Twins]>();
  private readonly targets = new WeakMap<ProbeTarget, Twins>();

  constructor(
    private readonly before: ProbeEvaluator,
    private readonly after: ProbeEvaluator,
  ) {}

  /** May the cell from `src` to `dst` have different verdicts before and after? (false: certainly not.) */
  mayMove(src: ProbeSource, dst: ProbeTarget): boolean {
    const tb = this.before.classedTargets(dst);
    const ta = this.after.classedTargets(dst);
    const targetTwins = this.targetTwins(dst, tb, ta);
    if (!targetTwins) return true;
    const sourceTwins = this.sourceTwins(src);
    // A pod flow's verdict is NetworkPolicy ∧ security groups ∧ subnet layers. A part shared between the engines
    // answers alike on both sides; the flow keeps its verdict when each other part does too. The rest are pending.
    const pending: [ClassedEndpoint, ClassedTarget, ClassedEndpoint, ClassedTarget][] = [];
    const lists: [readonly ClassedEndpoint[], readonly ClassedEndpoint[]][] = [];
    for (let i = 0; i < ta.length; i++) {
      const family = ta[i]!.c.ep.address.family;
      const f = family === 4 ? 0 : 1;
      const twins = sourceTwins[f];
      if (!twins) return true;
      const [sb, sa] = (lists[f] ??= [this.before.classedSources(src, family), this.after.classedSources(src, family)]);
      const bt = tb[i]!;
      const at = ta[i]!;
      for (let j = 0; j < sa.length; j++) {
        const bs = sb[j]!;
        const as = sa[j]!;
        const same = targetTwins[i]! & twins[j]!;
        if (FlowClasses.sameNode(bs, bt.c) || FlowClasses.sameNode(as, at.c)) {
          pending.push([bs, bt, as, at]);
          continue;
        }
        if (!this.partsAgree(same, bs, bt, as, at)) pending.push([bs, bt, as, at]);
      }
    }
    if (pending.length === 0) return false;
    // NetworkPolicy denies every pod flow on both sides: denied (or no flow) both times. When every endpoint reads
    // the same NetworkPolicy inputs on both sides, the after side answers as the before side does.
    if (this.before.policiesDenyAll(src, dst)) {
      const samePolicies = allSame(targetTwins, SAME_POLICY_INPUTS) && sourceTwins.every((t) => t !== null && allSame(t, SAME_POLICY_INPUTS));
      if (samePolicies || this.after.policiesDenyAll(src, dst)) return false;
    }
    return pending.some(([bs, bt, as, at]) => this.before.pairAllowed(bs, bt) !== this.after.pairAllowed(as, at));
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

  private sourceTwins(src: ProbeSource): [Twins, Twins] {
    let t = this.sources.get(src);
    if (!t) {
      t = [4, 6].map((f) => this.twins(this.before.classedSources(src, f as 4 | 6), this.after.classedSources(src, f as 4 | 6), (e) => e)) as [Twins, Twins];
      this.sources.set(src, t);
    }
    return t;
  }

  private targetTwins(dst: ProbeTarget, tb: readonly ClassedTarget[], ta: readonly ClassedTarget[]): Twins {
    let t = this.targets.get(dst);
    if (t === undefined) {
      t = this.twins(tb, ta, (x) => x.c, (x, y) => x.portId === y.portId && x.flow.port === y.flow.port && x.flow.protocol === y.flow.protocol);
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
