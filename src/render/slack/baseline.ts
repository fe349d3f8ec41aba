import type { BaselineData, BaselineDetail, BaselineHistoryJson, BaselineJson, BaselineSaveData } from '../../../commands/baseline';
import type { CommandResult } from '../../../commands/types';
import { BlockBudget, context, escapeMrkdwn, moreNote, section, truncate } from './limits';
import { shareButton } from './share';
import type { SlackMessage, SlackRenderOptions } from './types';

/** A Slack user id shows as a mention; `local:<user>` and `eksnet` as text. */
export function actorMrkdwn(actor: string): string {
  return /^[UW][A-Z0-9]+$/.test(actor) ? `<@${actor}>` : `\`${escapeMrkdwn(actor)}\``;
}

function dateMrkdwn(iso: string): string {
  const t = Date.parse(iso);
  // <!date^…> shows the time in the reader's time zone, with the ISO text as the fallback.
  return Number.isNaN(t) ? escapeMrkdwn(iso) : `<!date^${Math.floor(t / 1000)}^{date_short_pretty} {time}|${escapeMrkdwn(iso)}>`;
}

function baselineLine(b: BaselineJson, reason?: string): string {
  const why = reason && reason !== 'save' ? ` — _${escapeMrkdwn(truncate(reason, 300))}_` : '';
  return `*v${b.version}* saved ${dateMrkdwn(b.savedAt)} by ${actorMrkdwn(b.savedBy)} · data collected ${dateMrkdwn(b.collectedAt)} · ${b.objects} objects${why}`;
}

/** `baseline save|show|history` as Block Kit: one section per baseline, newest first, within Slack's limits. */
export function renderBaselineSlack(result: CommandResult<BaselineData>, opts: SlackRenderOptions): SlackMessage {
  const detail = result.detail as BaselineDetail | undefined;
  const budget = new BlockBudget();
  if (detail?.verb === 'save') {
    const b = result.data as BaselineJson;
    budget.push(section(`:floppy_disk: Saved baseline *v${b.version}* of \`${escapeMrkdwn(b.cluster)}\` — drift now compares against it.`));
    budget.push(context(baselineLine(b)));
    // No "Share in channel" button: sharing re-runs the words, and a second save would be a second version.
    return { text: `Saved baseline v${b.version} of ${b.cluster}`, blocks: budget.blocks };
  }
  if (detail?.verb === 'show') {
    const b = result.data as BaselineJson;
    budget.push(section(`*Baseline of \`${escapeMrkdwn(b.cluster)}\`*\n${baselineLine(b, detail.reasons[b.version])}`));
  } else if (detail?.verb === 'history') {
    const { baselines } = result.data as BaselineHistoryJson;
    const cluster = escapeMrkdwn(detail.cluster);
    if (baselines.length === 0) {
      budget.push(section(`No baseline saved for \`${cluster}\` yet. An approver saves one with \`/eksnet baseline save\`.`));
    } else {
      budget.push(section(`*Baselines of \`${cluster}\`*: ${baselines.length}, newest first (v${baselines[0]!.version} is current)`));
      let shown = 0;
      for (const b of baselines) {
        if (!budget.push(section(baselineLine(b, detail.reasons[b.version])))) break;
        shown++;
      }
      if (shown < baselines.length) budget.pushReserved(moreNote(`…and ${baselines.length - shown} older baselines.`, opts.cliCommand));
    }
  } else {
    const d = result.data as BaselineSaveData;
    budget.push(section(`Saved baseline ${escapeMrkdwn(d.baseline)} (${d.files} files).`));
  }
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: detail?.verb === 'history' ? `Baselines of ${detail.cluster}` : `Baseline of ${detail?.cluster ?? 'the cluster'}`, blocks: budget.blocks };
}
