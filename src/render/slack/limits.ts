import type { Block, SlackMessage } from './types';

/**
 * Slack's message limits. Blocks per message, text per section, button value and action_id:
 * https://docs.slack.dev/reference/block-kit/blocks (50 blocks) and the Block Kit element docs
 * (section text 3000, button value 2000, action_id/block_id 255, button text 75).
 * TOTAL_TEXT: posts fail with msg_blocks_too_long at about 12-13k characters across all blocks
 * although every block is within its own limit (slackapi/bolt-js#2509, #2867); stay below it.
 */
export const LIMITS = {
  blocks: 50,
  sectionText: 3000,
  contextText: 2000,
  headerText: 150,
  totalText: 11500,
  fallbackText: 3000,
  buttonValue: 2000,
  buttonText: 75,
  actionId: 255,
  blockId: 255,
} as const;

export function truncate(text: string, max: number): string {
  if (text.length <= max) return text;
  return text.slice(0, Math.max(0, max - 1)) + '…';
}

/**
 * A ``` code block whose whole text (fences included) fits in `max`; cut lines end with a "…N more lines" line.
 * `body` is raw text: it is escaped here (Slack's rule holds inside code blocks too), so `<<'EOF'` shows as typed.
 */
export function codeBlock(body: string, max: number = LIMITS.sectionText): string {
  const clean = body.replace(/```/g, "'''").replace(/\s+$/, '');
  const full = '```\n' + escapeMrkdwn(clean) + '\n```';
  if (full.length <= max) return full;
  const lines = clean.split('\n');
  const kept: string[] = [];
  let used = 8 + 40; // fences plus room for the "more lines" note
  for (const line of lines) {
    const l = escapeMrkdwn(truncate(line, Math.floor((max - 60) / 5)));
    if (used + l.length + 1 > max) break;
    kept.push(l);
    used += l.length + 1;
  }
  kept.push(`… ${lines.length - kept.length} more lines`);
  return '```\n' + kept.join('\n') + '\n```';
}

/** Escape the three characters Slack's mrkdwn treats as control characters. */
export function escapeMrkdwn(text: string): string {
  return text.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

/** escapeMrkdwn, keeping user and channel mentions (<@U…>, <#C…>) as mentions. */
export function escapeMrkdwnKeepMentions(text: string): string {
  return escapeMrkdwn(text).replace(/&lt;([@#][A-Z0-9]+)&gt;/g, '<$1>');
}

/** The characters of text a block carries (what Slack's total-size limit counts). */
export function blockTextLength(block: Block): number {
  let n = 0;
  const visit = (v: unknown): void => {
    if (typeof v === 'string') n += v.length;
    else if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') for (const [k, x] of Object.entries(v)) if (k === 'text' || k === 'elements' || k === 'fields' || k === 'value' || k === 'accessory') visit(x);
  };
  visit(block);
  return n;
}

export function section(text: string): Block {
  return { type: 'section', text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) } };
}

export function context(text: string): Block {
  return { type: 'context', elements: [{ type: 'mrkdwn', text: truncate(text, LIMITS.contextText) }] };
}

export function header(text: string): Block {
  return { type: 'header', text: { type: 'plain_text', text: truncate(text, LIMITS.headerText), emoji: true } };
}

/**
 * Collects blocks while keeping room for a closing summary: `push` refuses a block that would take the
 * message past the block count or the total text size, so a renderer can stop and say what it left out.
 */
export class BlockBudget {
  readonly blocks: Block[] = [];
  private chars = 0;

  constructor(
    private readonly reserveBlocks = 3,
    private readonly reserveChars = 1200,
  ) {}

  fits(block: Block): boolean {
    return this.blocks.length + 1 + this.reserveBlocks <= LIMITS.blocks && this.chars + blockTextLength(block) + this.reserveChars <= LIMITS.totalText;
  }

  push(block: Block): boolean {
    if (!this.fits(block)) return false;
    this.blocks.push(block);
    this.chars += blockTextLength(block);
    return true;
  }

  /** Add blocks that must appear (summary, buttons): uses the reserve. */
  pushReserved(block: Block): void {
    this.blocks.push(block);
    this.chars += blockTextLength(block);
  }
}

/** The note closing a summarised answer: what was left out and the CLI command that prints all of it. */
export function moreNote(what: string, cliCommand: string): Block {
  return context(truncate(`${escapeMrkdwn(what)} Run \`${escapeMrkdwn(truncate(cliCommand, 1500))}\` to print everything.`, LIMITS.contextText));
}

function clampBlock(block: Block): Block | undefined {
  const b = JSON.parse(JSON.stringify(block)) as Record<string, any>;
  if (b.text?.text) b.text.text = truncate(b.text.text, b.type === 'header' ? LIMITS.headerText : LIMITS.sectionText);
  if (Array.isArray(b.elements)) {
    for (const e of b.elements) {
      if (typeof e.text === 'string') e.text = truncate(e.text, LIMITS.contextText);
      if (e.text?.text) e.text.text = truncate(e.text.text, LIMITS.buttonText);
      if (typeof e.action_id === 'string' && e.action_id.length > LIMITS.actionId) e.action_id = e.action_id.slice(0, LIMITS.actionId);
    }
    // A button whose value is over the limit cannot be sent; drop it rather than fail the message.
    b.elements = b.elements.filter((e: any) => !(typeof e.value === 'string' && e.value.length > LIMITS.buttonValue));
    if (b.type === 'actions' && b.elements.length === 0) return undefined;
  }
  if (typeof b.block_id === 'string') b.block_id = b.block_id.slice(0, LIMITS.blockId);
  return b as Block;
}

/**
 * The last line of defence, applied to every message eksnet sends: clamps every text, drops over-long
 * button values, and cuts blocks past the count or total size limits (saying so).
 */
export function enforceLimits(message: SlackMessage): SlackMessage {
  const out: SlackMessage = { ...message, text: truncate(message.text, LIMITS.fallbackText) };
  if (!message.blocks) return out;
  const blocks = message.blocks.map(clampBlock).filter((b): b is Block => b !== undefined);
  let total = blocks.reduce((n, b) => n + blockTextLength(b), 0);
  let cut = 0;
  while (blocks.length > LIMITS.blocks || (total > LIMITS.totalText && blocks.length > 1)) {
    total -= blockTextLength(blocks.pop()!);
    cut++;
  }
  if (cut > 0) {
    const note = context(`…${cut} more block${cut > 1 ? 's' : ''} left out to fit Slack's message limits.`);
    if (blocks.length >= LIMITS.blocks || total + blockTextLength(note) > LIMITS.totalText) total -= blockTextLength(blocks.pop()!);
    blocks.push(note);
  }
  out.blocks = blocks;
  return out;
}

/** Whether a message is within every limit eksnet knows of (used by tests and as a guard). */
export function limitViolations(message: SlackMessage): string[] {
  const problems: string[] = [];
  const blocks = (message.blocks ?? []) as any[];
  if (message.text.length > LIMITS.fallbackText) problems.push(`text ${message.text.length} > ${LIMITS.fallbackText}`);
  if (blocks.length > LIMITS.blocks) problems.push(`${blocks.length} blocks > ${LIMITS.blocks}`);
  const total = blocks.reduce((n, b) => n + blockTextLength(b), 0);
  if (total > LIMITS.totalText) problems.push(`total block text ${total} > ${LIMITS.totalText}`);
  blocks.forEach((b, i) => {
    if (b.text?.text && b.text.text.length > LIMITS.sectionText) problems.push(`block ${i} text ${b.text.text.length} > ${LIMITS.sectionText}`);
    for (const e of b.elements ?? []) {
      if (typeof e.text === 'string' && e.text.length > LIMITS.sectionText) problems.push(`block ${i} element text too long`);
      if (typeof e.value === 'string' && e.value.length > LIMITS.buttonValue) problems.push(`block ${i} button value ${e.value.length} > ${LIMITS.buttonValue}`);
      if (typeof e.action_id === 'string' && e.action_id.length > LIMITS.actionId) problems.push(`block ${i} action_id too long`);
      if (e.text?.text && e.text.text.length > LIMITS.buttonText) problems.push(`block ${i} button text too long`);
    }
  });
  return problems;
}
