import type { AuditData, AuditDetail } from '../../../commands/audit';
import type { CommandResult } from '../../../commands/types';
import type { AuditEvent } from '../../state/audit';
import { actorMrkdwn } from './baseline';
import { BlockBudget, escapeMrkdwn, moreNote, section, truncate } from './limits';
import { shareButton } from './share';
import type { SlackMessage, SlackRenderOptions } from './types';

const OUTCOME_ICON: Record<string, string> = { ok: ':white_check_mark:', refused: ':no_entry:', failed: ':x:', pending: ':hourglass_flowing_sand:' };

function eventLine(e: AuditEvent): string {
  const t = Date.parse(e.at);
  const when = Number.isNaN(t) ? escapeMrkdwn(e.at) : `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(e.at)}>`;
  const icon = OUTCOME_ICON[e.outcome] ?? ':grey_question:';
  return `${icon} ${when} ${actorMrkdwn(e.actor)} *${escapeMrkdwn(e.action)}* \`${escapeMrkdwn(e.cluster)}\` ${escapeMrkdwn(truncate(e.subject, 200))} — ${escapeMrkdwn(e.outcome)}\n${escapeMrkdwn(truncate(e.detail, 600))}`;
}

/** `/eksnet audit`: newest first, one section per event for as long as the message has room. */
export function renderAuditSlack(result: CommandResult<AuditData>, opts: SlackRenderOptions): SlackMessage {
  const { events } = result.data;
  const d = (result.detail ?? {}) as AuditDetail;
  const scope = `${d.cluster ? ` for \`${escapeMrkdwn(d.cluster)}\`` : ''}${d.since ? ` since ${escapeMrkdwn(d.since)}` : ''}`;
  const budget = new BlockBudget();
  budget.push(section(events.length ? `*Audit trail*${scope}: ${events.length} event${events.length === 1 ? '' : 's'}, newest first` : `*Audit trail*${scope}: no events`));
  let shown = 0;
  for (const e of events) {
    if (!budget.push(section(eventLine(e)))) break;
    shown++;
  }
  if (shown < events.length) budget.pushReserved(moreNote(`…and ${events.length - shown} older events.`, opts.cliCommand));
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: `Audit trail: ${events.length} events`, blocks: budget.blocks };
}
