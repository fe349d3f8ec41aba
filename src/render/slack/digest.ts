import type { StateInfo } from '../../../commands/types';
import { severityRank } from '../../drift/severity';
import { SEVERITY_ORDER, type Change, type Severity } from '../../model/result';
import { age, describeState } from '../text/state-line';
import { BlockBudget, context, escapeMrkdwn, header, LIMITS, moreNote, section, truncate } from './limits';
import type { Block, SlackMessage } from './types';
import { impactLead } from './impact-lead';

export const SEVERITY_ICON: Record<Severity, string> = {
  critical: ':red_circle:',
  high: ':large_orange_circle:',
  medium: ':large_yellow_circle:',
  low: ':large_blue_circle:',
  info: ':white_circle:',
};

/** What a digest compares: the cluster, its baseline and the state it was compared with. */
export interface DigestContext {
  cluster: string;
  baseline: string;
  baselineCollectedAt?: string;
  state: StateInfo;
  /** The CLI command that prints every change. */
  cliCommand: string;
  now?: number;
}

/** How many changes the digest lists before "…and N more". */
export const DIGEST_TOP = 15;

/** Worst first; within a severity, drift's own stable order (kind, id). */
export function bySeverity(changes: Change[]): Change[] {
  return changes.map((c, i) => ({ c, i })).sort((a, b) => severityRank(a.c.severity) - severityRank(b.c.severity) || a.i - b.i).map((x) => x.c);
}

export function severityCounts(changes: Change[]): Record<Severity, number> {
  const counts = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, 0])) as Record<Severity, number>;
  for (const c of changes) counts[c.severity]++;
  return counts;
}

function countsLine(counts: Record<Severity, number>): string {
  return SEVERITY_ORDER.map((s) => `${SEVERITY_ICON[s]} ${counts[s]} ${s}`).join('   ');
}

function changeLine(c: Change): string {
  return `${SEVERITY_ICON[c.severity]} *${c.kind}* \`${escapeMrkdwn(truncate(c.id, 200))}\` ${c.change} — ${escapeMrkdwn(truncate(c.summary, 500))}`;
}

function sourceLine(ctx: DigestContext): string {
  const baseline = `baseline ${ctx.baseline}${ctx.baselineCollectedAt ? ` (collected ${age(ctx.baselineCollectedAt, ctx.now)})` : ''}`;
  return `Compared ${describeState(ctx.state, ctx.now)} with ${baseline}.`;
}

/**
 * Change lines packed into sections (each ≤ 3,000 characters) while the budget lasts; returns how many
 * changes were shown.
 */
function pushChangeLines(budget: BlockBudget, changes: Change[], limit: number): number {
  let shown = 0;
  let text = '';
  const flush = (): boolean => {
    if (!text) return true;
    const ok = budget.push(section(text));
    text = '';
    return ok;
  };
  let pending = 0;
  for (const c of changes.slice(0, limit)) {
    const line = changeLine(c);
    if (text && text.length + line.length + 1 > LIMITS.sectionText - 50) {
      if (!flush()) return shown;
      shown += pending;
      pending = 0;
    }
    text += (text ? '\n' : '') + line;
    pending++;
  }
  if (flush()) shown += pending;
  return shown;
}

/** The daily digest: counts by severity, the worst changes, what could not be compared, and how to see all. */
export function renderDriftDigest(ctx: DigestContext, changes: Change[], notes: string[]): SlackMessage {
  const counts = severityCounts(changes);
  const budget = new BlockBudget();
  budget.push(header(`Drift digest — ${ctx.cluster}`));
  budget.push(context(escapeMrkdwn(sourceLine(ctx))));
  const lead = impactLead(changes);
  if (lead) budget.push(lead.block);
  if (changes.length === 0) {
    budget.push(section(':white_check_mark: No drift: the security groups, NACLs, route tables, NetworkPolicies, SecurityGroupPolicies, CNI settings and add-ons match the baseline.'));
  } else {
    budget.push(section(`*${changes.length} change${changes.length === 1 ? '' : 's'} since the baseline*\n${countsLine(counts)}`));
    const sorted = bySeverity(changes);
    const shown = pushChangeLines(budget, sorted, DIGEST_TOP);
    if (shown < sorted.length) budget.pushReserved(moreNote(`…and ${sorted.length - shown} more change${sorted.length - shown === 1 ? '' : 's'}.`, ctx.cliCommand));
  }
  if (notes.length) budget.pushReserved(context(escapeMrkdwn(notes.map((n) => `note: ${n}`).join('\n'))));
  const summary = changes.length === 0 ? 'no drift' : SEVERITY_ORDER.filter((s) => counts[s] > 0).map((s) => `${counts[s]} ${s}`).join(', ');
  return { text: `Drift digest for ${ctx.cluster}: ${lead ? `${lead.text}; ` : ''}${summary}`, blocks: budget.blocks };
}

/** The alert sent at once beside the digest when a change is critical: every critical change the message can hold. */
export function renderCriticalAlert(ctx: DigestContext, changes: Change[]): SlackMessage | undefined {
  const critical = changes.filter((c) => c.severity === 'critical');
  if (critical.length === 0) return undefined;
  const budget = new BlockBudget();
  const title = `:rotating_light: *Critical drift on ${escapeMrkdwn(ctx.cluster)}*: ${critical.length} critical change${critical.length === 1 ? '' : 's'} since the baseline`;
  budget.push(section(title));
  const lead = impactLead(critical);
  if (lead) budget.push(lead.block);
  const shown = pushChangeLines(budget, critical, critical.length);
  if (shown < critical.length) budget.pushReserved(moreNote(`…and ${critical.length - shown} more critical changes.`, ctx.cliCommand));
  else budget.pushReserved(context(escapeMrkdwn(`${sourceLine(ctx)} \`${truncate(ctx.cliCommand, 1500)}\` prints every change.`)));
  return { text: `Critical drift on ${ctx.cluster}: ${lead ? lead.text : critical.map((c) => c.summary).join('; ')}`, blocks: budget.blocks };
}

/** No baseline to compare with: say so, and how to save one (the digest never stays silent). */
export function renderNoBaseline(cluster: string, where: string | undefined): SlackMessage {
  const blocks: Block[] = [header(`Drift digest — ${cluster}`)];
  const how = where
    ? `Save one with \`eksnet baseline save --cluster ${cluster} --out ${where}\` and deploy it with eksnet (the scheduled job reads \`${where}\`).`
    : `Save one with \`eksnet baseline save --cluster ${cluster} --out baselines/${cluster}\`, then set \`baseline: baselines/${cluster}\` for the cluster in the eksnet configuration (or EKSNET_BASELINE_DIR=baselines) and deploy it.`;
  blocks.push(section(`:information_source: No drift digest for *${escapeMrkdwn(cluster)}*: there is no baseline to compare with yet. ${escapeMrkdwn(how)}`));
  return { text: `No drift digest for ${cluster}: no baseline yet. ${how}`, blocks };
}

/** A digest that could not run: one sentence and a reference for the logs. */
export function renderJobFailure(job: string, cluster: string, ref: string, hint?: string): SlackMessage {
  const why = hint ? ` (${hint})` : '';
  return { text: `:warning: eksnet could not run the ${job} for ${cluster}${why}; reference ${ref} in the eksnet logs has the details.` };
}
