import type { StateInfo } from '../../../commands/types';
import { severityRank } from '../../drift/severity';
import { SEVERITY_ORDER, type Change, type Severity } from '../../model/result';
import { age, describeState } from '../text/state-line';
import { BlockBudget, context, escapeMrkdwn, header, LIMITS, moreNote, section, truncate } from './limits';
import type { Block, SlackMessage } from './types';
import { slackSeverity, STATE_ICONS } from '../palette';

/** The one severity palette (src/render/palette.ts), as Slack emoji. */
export const SEVERITY_ICON: Record<Severity, string> = Object.fromEntries(SEVERITY_ORDER.map((s) => [s, slackSeverity(s)])) as Record<Severity, string>;

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

/** A change, with who made it when known (src/drift/attribution.ts, as the jobs word it). */
export type AttributedChange = Change & { changedBy?: string };

function byLine(changedBy: string | undefined): string {
  return changedBy ? `\n      _${escapeMrkdwn(truncate(changedBy, 300))}_` : '';
}

function changeLine(c: AttributedChange): string {
  return `${SEVERITY_ICON[c.severity]} *${c.kind}* \`${escapeMrkdwn(truncate(c.id, 200))}\` ${c.change} — ${escapeMrkdwn(truncate(c.summary, 500))}${byLine(c.changedBy)}`;
}

function sourceLine(ctx: DigestContext): string {
  const baseline = `baseline ${ctx.baseline}${ctx.baselineCollectedAt ? ` (collected ${age(ctx.baselineCollectedAt, ctx.now)})` : ''}`;
  return `Compared ${describeState(ctx.state, ctx.now)} with ${baseline}.`;
}

/**
 * Change lines packed into sections (each ≤ 3,000 characters) while the budget lasts; returns how many
 * changes were shown.
 */
function pushChangeLines(budget: BlockBudget, changes: AttributedChange[], limit: number): number {
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

/** action_ids of the digest's buttons; each button's value is only the id of a record in the state store. */
export const DRIFT_ACCEPT_ACTION = 'eksnet_drift_accept';
export const DRIFT_SNOOZE_ACTION = 'eksnet_drift_snooze';
export const DRIFT_ACCEPT_ALL_ACTION = 'eksnet_drift_accept_all';
export const DRIFT_ACTIONS = /^eksnet_drift_(accept|snooze|accept_all)$/;
/** block_id of a change's buttons (`drift:<change key>`) and of "Accept all". */
export const changeBlockId = (key: string) => `drift:${key}`;
export const ACCEPT_ALL_BLOCK_ID = 'drift-all';

/** One change of a digest: what it is, its record's id for the buttons, and how it stands. */
export interface DigestItem {
  change: Change;
  /** The change's record key (src/digest/lifecycle.ts). */
  key: string;
  /** The button value: the record's id. */
  recordId: string;
  firstSeen: string;
  /** The frequent check already alerted it in this form at this time. */
  alertedAt?: string;
  /** Who made it, when known ("changed by … at …"). */
  changedBy?: string;
}

export interface DigestSections {
  new: DigestItem[];
  open: DigestItem[];
  resolved: Change[];
  snoozed: number;
  /** Value of "Accept all" (the digest record's id). */
  acceptAllId?: string;
}

const hhmm = (iso: string) => `${iso.slice(11, 16)} UTC`;

function daysOpen(firstSeen: string, now = Date.now()): string {
  const days = Math.floor((now - Date.parse(firstSeen)) / 86_400_000);
  return days <= 0 ? 'open since today' : `open ${days} day${days === 1 ? '' : 's'}`;
}

function itemLine(item: DigestItem, open: boolean, now?: number): string {
  const c = item.change;
  const head = `${SEVERITY_ICON[c.severity]} *${c.kind}* \`${escapeMrkdwn(truncate(c.id, 200))}\` ${c.change}`;
  // Alerted already: the alert carried the text; the digest only points at it.
  if (item.alertedAt && !open) return `${head} — alerted at ${hhmm(item.alertedAt)}${byLine(item.changedBy)}`;
  return `${head}${open ? ` _(${daysOpen(item.firstSeen, now)})_` : ''} — ${escapeMrkdwn(truncate(c.summary, 500))}${byLine(item.changedBy)}`;
}

function buttons(item: DigestItem): Block {
  return {
    type: 'actions',
    block_id: changeBlockId(item.key),
    elements: [
      { type: 'button', action_id: DRIFT_ACCEPT_ACTION, text: { type: 'plain_text', text: 'Accept into baseline' }, style: 'primary', value: item.recordId },
      { type: 'button', action_id: DRIFT_SNOOZE_ACTION, text: { type: 'plain_text', text: 'Snooze 7 days' }, value: item.recordId },
    ],
  };
}

/**
 * The daily digest: what is NEW since the last digest, what is STILL OPEN (with its age), what was
 * RESOLVED; each listed change with "Accept into baseline" and "Snooze 7 days", and "Accept all".
 */
export function renderDriftDigest(ctx: DigestContext, sections: DigestSections, notes: string[]): SlackMessage {
  const listed = [...sections.new, ...sections.open];
  const counts = severityCounts(listed.map((i) => i.change));
  const budget = new BlockBudget(4, 1500);
  budget.push(header(`Drift digest — ${ctx.cluster}`));
  budget.push(context(escapeMrkdwn(sourceLine(ctx))));
  const parts = [`*${sections.new.length} new*`, `*${sections.open.length} still open*`, `*${sections.resolved.length} resolved*`];
  if (sections.snoozed) parts.push(`${sections.snoozed} snoozed`);
  budget.push(section(`${parts.join(' · ')}${listed.length ? `\n${countsLine(counts)}` : ''}`));
  let shown = 0;
  const shownItems: DigestItem[] = [];
  const list = (title: string, items: DigestItem[], open: boolean) => {
    if (!items.length) return;
    if (!budget.push(section(title))) return;
    for (const item of bySeverityItems(items)) {
      if (!budget.fits(section(itemLine(item, open, ctx.now))) || budget.blocks.length + 2 + 4 > LIMITS.blocks) return;
      budget.push(section(itemLine(item, open, ctx.now)));
      budget.push(buttons(item));
      shownItems.push(item);
      shown++;
    }
  };
  list('*New since the last digest*', sections.new, false);
  list('*Still open*', sections.open, true);
  if (sections.resolved.length) {
    const lines = sections.resolved.slice(0, 10).map((c) => `:white_check_mark: *${c.kind}* \`${escapeMrkdwn(truncate(c.id, 200))}\` — back to the baseline`);
    if (sections.resolved.length > 10) lines.push(`…and ${sections.resolved.length - 10} more`);
    budget.push(section(`*Resolved*\n${lines.join('\n')}`));
  }
  if (shown < listed.length) budget.pushReserved(moreNote(`…and ${listed.length - shown} more change${listed.length - shown === 1 ? '' : 's'} (no buttons here).`, ctx.cliCommand));
  if (sections.acceptAllId && shownItems.length > 1) {
    budget.pushReserved({
      type: 'actions',
      block_id: ACCEPT_ALL_BLOCK_ID,
      elements: [{ type: 'button', action_id: DRIFT_ACCEPT_ALL_ACTION, text: { type: 'plain_text', text: `Accept all ${shownItems.length} into baseline` }, value: sections.acceptAllId, confirm: acceptAllConfirm(shownItems.length) }],
    });
  }
  if (notes.length) budget.pushReserved(context(escapeMrkdwn(truncate(notes.map((n) => `note: ${n}`).join('\n'), 1500))));
  const summary = [`${sections.new.length} new`, `${sections.open.length} still open`, `${sections.resolved.length} resolved`].join(', ');
  return { text: escapeMrkdwn(`Drift digest for ${ctx.cluster}: ${summary}`), blocks: budget.blocks };
}

function acceptAllConfirm(n: number) {
  return {
    title: { type: 'plain_text' as const, text: 'Accept all into the baseline?' },
    text: { type: 'plain_text' as const, text: `The cluster's baseline will gain these ${n} changes (and nothing else).` },
    confirm: { type: 'plain_text' as const, text: 'Accept all' },
    deny: { type: 'plain_text' as const, text: 'Cancel' },
  };
}

function bySeverityItems(items: DigestItem[]): DigestItem[] {
  return items.map((item, i) => ({ item, i })).sort((a, b) => severityRank(a.item.change.severity) - severityRank(b.item.change.severity) || a.i - b.i).map((x) => x.item);
}

/** A quiet day (nothing new, open or resolved): one line. */
export function renderQuietDay(ctx: DigestContext, snoozed: number): SlackMessage {
  const text = `:white_check_mark: ${ctx.cluster}: no drift from baseline ${ctx.baseline}${snoozed ? ` (${snoozed} snoozed change${snoozed === 1 ? '' : 's'} not shown)` : ''}.`;
  return { text: escapeMrkdwn(text), blocks: [section(escapeMrkdwn(text).replace(/^:white_check_mark: ([^:]+):/, ':white_check_mark: *$1*:'))] };
}

/** The alert sent at once for new critical changes: every one the message can hold. */
export function renderCriticalAlert(ctx: DigestContext, critical: AttributedChange[]): SlackMessage | undefined {
  if (critical.length === 0) return undefined;
  const budget = new BlockBudget();
  const title = `${STATE_ICONS.alert.slack} *Critical drift on ${escapeMrkdwn(ctx.cluster)}*: ${critical.length} new critical change${critical.length === 1 ? '' : 's'} since the baseline`;
  budget.push(section(title));
  const shown = pushChangeLines(budget, critical, critical.length);
  if (shown < critical.length) budget.pushReserved(moreNote(`…and ${critical.length - shown} more critical changes.`, ctx.cliCommand));
  else budget.pushReserved(context(escapeMrkdwn(`${sourceLine(ctx)} \`${truncate(ctx.cliCommand, 1500)}\` prints every change; the daily digest has buttons to accept or snooze them.`)));
  return { text: escapeMrkdwn(`Critical drift on ${ctx.cluster}: ${critical.map((c) => c.summary).join('; ')}`), blocks: budget.blocks };
}

/** No baseline to compare with: say so, and how to save one (the digest never stays silent). */
export function renderNoBaseline(cluster: string): SlackMessage {
  const how = `Save one from Slack with \`/eksnet baseline save --cluster ${cluster}\` (approvers), or with \`eksnet baseline save --cluster ${cluster}\`.`;
  const blocks: Block[] = [header(`Drift digest — ${cluster}`)];
  blocks.push(section(`${STATE_ICONS.info.slack} No drift digest for *${escapeMrkdwn(cluster)}*: there is no baseline to compare with yet. ${escapeMrkdwn(how)}`));
  return { text: escapeMrkdwn(`No drift digest for ${cluster}: no baseline yet. ${how}`), blocks };
}

/** A drift run that could not compare: why, never "no drift". */
export function renderDriftFailure(cluster: string, why: string, ref: string): SlackMessage {
  return { text: `${STATE_ICONS.warning.slack} ${escapeMrkdwn(`drift check failed: ${why} (cluster ${cluster}; reference ${ref} in the eksnet logs has the details).`)}` };
}

/** A job that could not run: one sentence and a reference for the logs. */
export function renderJobFailure(job: string, cluster: string, ref: string, hint?: string): SlackMessage {
  const why = hint ? ` (${hint})` : '';
  return { text: `${STATE_ICONS.warning.slack} ${escapeMrkdwn(`eksnet could not run the ${job} for ${cluster}${why}; reference ${ref} in the eksnet logs has the details.`)}` };
}
