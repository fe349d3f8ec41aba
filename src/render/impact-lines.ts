// Words for what changes did to traffic, shared by the text, Markdown and Slack renderings.
import type { Change, ImpactFlow } from '../model/result';
import { changeObject, flowPhrase, leadingFlow, portText } from '../impact/summary';

const RANK = { denied: 0, partial: 1, allowed: 2 } as const;

export function isOpened(f: ImpactFlow): boolean {
  return RANK[f.after] > RANK[f.before];
}

/** "internet → payments/svc/api 443  denied → allowed". */
export function flowLine(f: ImpactFlow): string {
  return `${f.from} → ${f.to} ${portText(f)}  ${f.before} → ${f.after}`;
}

/**
 * The one line that leads a digest, an alert or `eksnet drift`: the most serious flow the engine found
 * moved, the object it moved through, and how many more ("now open from internet: payments/svc/api 443
 * via sg-0abc; 2 more flows opened, 1 closed"). Undefined when no change moved a flow.
 */
export function impactHeadline(changes: Change[]): string | undefined {
  const pairs = changes.flatMap((c) => (c.impact ?? []).map((f) => ({ c, f })));
  if (pairs.length === 0) return undefined;
  const unique = new Map<string, { c: Change; f: ImpactFlow }>();
  for (const p of pairs) {
    const k = `${p.f.from}|${p.f.to}|${p.f.port}/${p.f.protocol}`;
    if (!unique.has(k)) unique.set(k, p);
  }
  const flows = [...unique.values()];
  const lead = leadingFlow(flows.map((p) => p.f))!;
  const via = [...new Set(pairs.filter((p) => p.f.from === lead.from && p.f.to === lead.to && p.f.port === lead.port && p.f.protocol === lead.protocol).map((p) => changeObject(p.c)))];
  const rest = flows.filter((p) => p.f !== lead);
  const opened = rest.filter((p) => isOpened(p.f)).length;
  const closed = rest.length - opened;
  const parts: string[] = [];
  if (opened) parts.push(`${opened} more flow${opened === 1 ? '' : 's'} opened`);
  if (closed) parts.push(opened ? `${closed} closed` : `${closed} more flow${closed === 1 ? '' : 's'} closed`);
  const tail = parts.join(', ');
  return `${flowPhrase(lead)} via ${via.join(', ')}${tail ? `; ${tail}` : ''}`;
}
