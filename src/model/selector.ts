import type { LabelSelector } from './k8s';

/** A match that may depend on labels the snapshot does not hold. */
export type Tri = boolean | 'unknown';

interface Requirement {
  key: string;
  op: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values: Set<string>;
}

/**
 * A label selector compiled once. Semantics follow apimachinery's `LabelSelectorAsSelector`
 * (k8s.io/apimachinery/pkg/apis/meta/v1/helpers.go and pkg/labels/selector.go):
 * matchLabels and matchExpressions are ANDed; an empty selector matches everything;
 * `NotIn` and `DoesNotExist` match when the key is absent. An unknown operator makes the
 * selector invalid (the API server rejects it), so it matches nothing.
 */
export class CompiledSelector {
  private readonly requirements: Requirement[];
  private readonly invalid: boolean;

  constructor(selector: LabelSelector | undefined | null) {
    const reqs: Requirement[] = [];
    let invalid = false;
    for (const [key, value] of Object.entries(selector?.matchLabels ?? {})) {
      reqs.push({ key, op: 'In', values: new Set([String(value)]) });
    }
    for (const e of selector?.matchExpressions ?? []) {
      if (e.operator !== 'In' && e.operator !== 'NotIn' && e.operator !== 'Exists' && e.operator !== 'DoesNotExist') {
        invalid = true;
        continue;
      }
      reqs.push({ key: e.key, op: e.operator, values: new Set((e.values ?? []).map(String)) });
    }
    this.requirements = reqs;
    this.invalid = invalid;
  }

  /** A selector that matches no labels at all (for peers the API server would reject). */
  static nothing(): CompiledSelector {
    return new CompiledSelector({ matchExpressions: [{ key: '', operator: 'Invalid' as never }] });
  }

  get matchesEverything(): boolean {
    return !this.invalid && this.requirements.length === 0;
  }

  /** The selector as canonical text: two selectors with equal text match the same labels. */
  get text(): string {
    return (this.canonical ??= this.invalid
      ? 'invalid'
      : JSON.stringify(this.requirements.map((r) => [r.key, r.op, [...r.values].sort()]).sort((a, b) => (JSON.stringify(a) < JSON.stringify(b) ? -1 : 1))));
  }

  private canonical: string | undefined;

  /** Keys the selector reads. */
  get keys(): string[] {
    return this.requirements.map((r) => r.key);
  }

  matches(labels: Record<string, string> | undefined): boolean {
    if (this.invalid) return false;
    for (const r of this.requirements) if (!requirementMatches(r, labels)) return false;
    return true;
  }

  /**
   * Match against labels of which only `knownKeys` are known (a namespace seen only through its
   * pods carries just its automatic name label). A requirement on any other key is unknown; the
   * requirements are ANDed, so one definite failure decides `false`.
   */
  matchesPartially(labels: Record<string, string> | undefined, knownKeys: ReadonlySet<string>): Tri {
    if (this.invalid) return false;
    let unknown = false;
    for (const r of this.requirements) {
      if (!knownKeys.has(r.key)) unknown = true;
      else if (!requirementMatches(r, labels)) return false;
    }
    return unknown ? 'unknown' : true;
  }
}

function requirementMatches(r: Requirement, labels: Record<string, string> | undefined): boolean {
  const has = labels !== undefined && Object.prototype.hasOwnProperty.call(labels, r.key);
  switch (r.op) {
    case 'In':
      return has && r.values.has(labels![r.key]!);
    case 'NotIn':
      return !has || !r.values.has(labels![r.key]!);
    case 'Exists':
      return has;
    case 'DoesNotExist':
      return !has;
  }
}
