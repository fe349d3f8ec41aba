import type { CommandResult } from '../../../commands/types';
import { renderText } from '../text/index';
import { describeState } from '../text/state-line';
import { BlockBudget, codeBlock, context, escapeMrkdwn, LIMITS, moreNote } from './limits';
import { shareButton } from './share';
import type { Block, SlackMessage, SlackRenderOptions } from './types';

/** Split text into code blocks of at most `max` characters each, on line boundaries. */
export function textChunks(text: string, max = LIMITS.sectionText - 10): string[] {
  const chunks: string[] = [];
  let cur = '';
  for (const raw of text.replace(/\s+$/, '').split('\n')) {
    const line = raw.length > max ? raw.slice(0, max - 1) + '…' : raw;
    if (cur && cur.length + line.length + 1 > max) {
      chunks.push(cur);
      cur = '';
    }
    cur += (cur ? '\n' : '') + line;
  }
  if (cur) chunks.push(cur);
  return chunks;
}

/** Text (or JSON) in code blocks, cut to Slack's limits with the CLI command that prints everything. */
export function renderPreformatted(title: string, body: string, opts: SlackRenderOptions, state?: CommandResult['state']): SlackMessage {
  const budget = new BlockBudget();
  const stateLine = describeState(state);
  if (stateLine) budget.push(context(escapeMrkdwn(stateLine)));
  const chunks = textChunks(body);
  let shownLines = 0;
  let shown = 0;
  for (const chunk of chunks) {
    const block: Block = { type: 'section', text: { type: 'mrkdwn', text: codeBlock(chunk) } };
    if (!budget.push(block)) break;
    shown++;
    shownLines += chunk.split('\n').length;
  }
  if (shown < chunks.length) {
    const total = body.replace(/\s+$/, '').split('\n').length;
    budget.pushReserved(moreNote(`…and ${total - shownLines} more lines.`, opts.cliCommand));
  }
  const share = shareButton(opts);
  if (share) budget.pushReserved(share);
  return { text: title, blocks: budget.blocks };
}

/** The renderer for commands without a Block Kit renderer of their own: their text output in code blocks. */
export function renderGenericSlack(result: CommandResult, opts: SlackRenderOptions): SlackMessage {
  return renderPreformatted(`eksnet ${result.command}`, renderText(result), opts, result.state);
}
