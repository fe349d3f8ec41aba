import type { Severity } from '../../model/result';
import { SEVERITY_ICONS } from '../palette';
import type { Fixes } from '../summary';
import { codeBlock, escapeMrkdwn, LIMITS, section, truncate } from './limits';
import type { Block } from './types';

// Building blocks every eksnet message shares (the answers, posture, the digest, the add-on offer), so they look
// and behave alike: the severity palette, fixes as code to copy, repeated findings grouped, confirm dialogs.

/** Slack's limits on a confirmation dialog (title 100, text 300, buttons 30 characters). */
const CONFIRM = { title: 100, text: 300, button: 30 } as const;

/** A confirmation object for a button (https://docs.slack.dev/reference/block-kit/composition-objects/confirmation-dialog-object). */
export interface ConfirmDialog {
  title: { type: 'plain_text'; text: string };
  text: { type: 'plain_text'; text: string };
  confirm: { type: 'plain_text'; text: string };
  deny: { type: 'plain_text'; text: string };
  style?: 'primary' | 'danger';
}

/** The dialog a consequential button asks before acting; plain text, so nothing needs escaping. */
export function confirm(opts: { title: string; text: string; confirm: string; deny?: string; style?: 'primary' | 'danger' }): ConfirmDialog {
  return {
    title: { type: 'plain_text', text: truncate(opts.title, CONFIRM.title) },
    text: { type: 'plain_text', text: truncate(opts.text, CONFIRM.text) },
    confirm: { type: 'plain_text', text: truncate(opts.confirm, CONFIRM.button) },
    deny: { type: 'plain_text', text: truncate(opts.deny ?? 'Cancel', CONFIRM.button) },
    ...(opts.style ? { style: opts.style } : {}),
  };
}

export function severityIcon(s: Severity): string {
  return SEVERITY_ICONS[s].slack;
}

/** The fix as code to copy: one code block per kind (kubectl, aws), each within a section's limit. */
export function fixBlocks(fixes: Fixes, title = '*Fix*'): Block[] {
  const parts: string[] = [];
  if (fixes.kubectl) parts.push(fixes.kubectl);
  if (fixes.aws.length) parts.push(fixes.aws.join('\n'));
  for (const o of fixes.other) parts.push(`# ${o.description}\n${o.text}`);
  return parts.map((p, i) => section(`${i === 0 ? title + '\n' : ''}${codeBlock(p, LIMITS.sectionText - 20)}`));
}

/** Items that say the same thing about different objects, as one group. */
export interface RepeatGroup<T> {
  sample: T;
  items: T[];
  objects: string[];
}

/** Group items by `key` (the same check, severity and fix shape), keeping first-seen order; objects sorted. */
export function groupRepeated<T>(items: T[], key: (t: T) => string, object: (t: T) => string): RepeatGroup<T>[] {
  const groups = new Map<string, RepeatGroup<T>>();
  for (const it of items) {
    const k = key(it);
    const g = groups.get(k);
    if (g) {
      g.items.push(it);
      g.objects.push(object(it));
    } else groups.set(k, { sample: it, items: [it], objects: [object(it)] });
  }
  for (const g of groups.values()) g.objects.sort();
  return [...groups.values()];
}

/** "3 namespaces without default deny: data, monitoring, batch" — escaped, names cut to fit with a count. */
export function groupLine(count: number, what: string, names: string[], maxChars = 600): string {
  let shown = names.length;
  const text = (n: number) => names.slice(0, n).join(', ') + (n < names.length ? ` and ${names.length - n} more` : '');
  while (shown > 1 && text(shown).length > maxChars) shown--;
  return `${count} ${escapeMrkdwn(what)}: ${escapeMrkdwn(text(shown))}`;
}
