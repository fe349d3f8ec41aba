import type { OfferBatchMeta, OfferRecord } from '../../addons/offers';
import { BlockBudget, context, escapeMrkdwn, header, LIMITS, section, truncate } from './limits';
import type { Block, SlackMessage } from './types';
import { confirm as confirmDialog } from './blocks';
import { STATE_ICONS } from '../palette';

/** action_id prefix of the "Upgrade" buttons; the add-on's name follows so each button's id is unique in the message. */
export const ADDON_UPGRADE_ACTION_PREFIX = 'eksnet_addon_upgrade:';
export const ADDON_UPGRADE_ACTION = /^eksnet_addon_upgrade:/;

export function addonActionId(addon: string): string {
  return truncate(ADDON_UPGRADE_ACTION_PREFIX + addon, LIMITS.actionId);
}

/** What approving does, in words: the action and its EKS/Kubernetes call. */
export function actionWords(o: OfferRecord): string {
  if (o.action === 'update-addon') return 'managed add-on: EKS UpdateAddon (resolveConflicts PRESERVE)';
  if (o.action === 'set-image') return `self-managed: set the image of ${o.workload!.kind} ${o.workload!.namespace}/${o.workload!.name} to \`${o.image}\` (as \`eksctl utils update-${o.addon}\`)`;
  return 'self-managed: migrate to the managed EKS add-on (CreateAddon, resolveConflicts OVERWRITE: changed fields go back to the EKS defaults)';
}

function duration(ms: number): string {
  const s = Math.max(0, Math.round(ms / 1000));
  if (s < 60) return `${s}s`;
  const m = Math.floor(s / 60);
  if (m < 60) return `${m}m ${s % 60}s`;
  return `${Math.floor(m / 60)}h ${m % 60}m`;
}

/** The confirm dialog (title ≤ 100, text ≤ 300, buttons ≤ 30 characters). */
function confirm(o: OfferRecord) {
  const what = o.action === 'update-addon' ? 'EKS updates the managed add-on' : o.action === 'set-image' ? `the ${o.workload!.kind} gets the image ${o.image}` : 'the add-on becomes an EKS managed add-on (OVERWRITE)';
  const second = o.required === 2 ? (o.approvals.length === 0 ? ' A second approver must confirm too.' : ' Your approval is the second: the upgrade starts.') : '';
  return confirmDialog({ title: `Upgrade ${o.addon} on ${o.cluster}?`, text: `${o.addon} ${o.from} → ${o.to}: ${what}.${second}`, confirm: 'Upgrade', deny: 'Cancel', style: 'primary' });
}

function who(o: OfferRecord): string {
  return o.approvals.map((a) => `<@${a.user}>`).join(' and ');
}

/** One offer's line: what it is, and where it stands. */
export function offerLine(o: OfferRecord, now: Date = new Date()): string {
  const head = `*${escapeMrkdwn(o.addon)}*  \`${escapeMrkdwn(o.from)}\` → \`${escapeMrkdwn(o.to)}\``;
  const elapsed = o.startedAt ? duration((o.endedAt ? Date.parse(o.endedAt) : now.getTime()) - Date.parse(o.startedAt)) : undefined;
  const update = o.updateId ? `; EKS update \`${escapeMrkdwn(o.updateId)}\`` : '';
  switch (o.state) {
    case 'open': {
      const lines = [head, escapeMrkdwn(actionWords(o)), `_compatible with Kubernetes ${escapeMrkdwn(o.evidence.clusterVersion)} (compatibilities: ${escapeMrkdwn(o.evidence.compatibilities.join(', '))})_`];
      if (o.notOffered) lines.push(`_not offered: ${escapeMrkdwn(o.notOffered)}_`);
      if (o.required === 2) lines.push(o.approvals.length ? `${STATE_ICONS.approved.slack} approved by ${who(o)} (1 of 2); a different approver must approve too` : '_needs two approvers_');
      return lines.join('\n');
    }
    case 'starting':
      return `${STATE_ICONS.waiting.slack} ${head}\napproved by ${who(o)}: starting`;
    case 'in-progress':
      return `${STATE_ICONS.started.slack} ${head}\napproved by ${who(o)}: *InProgress* (${elapsed})${update}${o.status && o.status !== 'InProgress' ? ` — ${escapeMrkdwn(o.status)}` : ''}`;
    case 'successful':
      return `${STATE_ICONS.ok.slack} ${head}\napproved by ${who(o)}: *Successful* after ${elapsed}${update}`;
    case 'failed': {
      const errors = (o.errors ?? []).map((e) => `${escapeMrkdwn(e.code)}: ${escapeMrkdwn(e.message)}`).join('; ');
      return `${STATE_ICONS.failed.slack} ${head}\napproved by ${who(o)}: *Failed*${elapsed ? ` after ${elapsed}` : ''}${update}${errors ? `\n${truncate(errors, 1500)}` : ''}`;
    }
    case 'stale':
      return `${STATE_ICONS.info.slack} ${head}\nno longer offered: ${escapeMrkdwn(o.status ?? 'the add-on changed since the offer was made')}`;
  }
}

function offerBlock(o: OfferRecord, now: Date): Block {
  const text = truncate(offerLine(o, now), LIMITS.sectionText);
  const block: Block = { type: 'section', block_id: truncate(`addon:${o.addon}`, LIMITS.blockId), text: { type: 'mrkdwn', text } };
  const expired = Date.parse(o.expiresAt) <= now.getTime();
  if (o.state === 'open' && !expired) {
    (block as { accessory?: unknown }).accessory = { type: 'button', action_id: addonActionId(o.addon), text: { type: 'plain_text', text: 'Upgrade' }, style: 'primary', value: o.id, confirm: confirm(o) };
  }
  return block;
}

/**
 * The add-on check's offer message, and every later state of it (rendered again from the offer records after each
 * change, so all containers show the same thing): one block per offer, with an "Upgrade" button (carrying only the
 * offer id, with a confirm dialog) while the offer is open; notes say why newer versions are not offered.
 */
export function renderOfferMessage(meta: OfferBatchMeta, offers: OfferRecord[], now: Date = new Date()): SlackMessage {
  const budget = new BlockBudget();
  budget.push(header(`Add-on upgrades — ${meta.cluster}`));
  const sorted = [...offers].sort((a, b) => a.addon.localeCompare(b.addon));
  let shown = 0;
  for (const o of sorted) {
    if (!budget.push(offerBlock(o, now))) break;
    shown++;
  }
  const notes: string[] = [];
  if (shown < sorted.length) notes.push(`…and ${sorted.length - shown} more; \`eksnet addons --cluster ${meta.cluster}\` lists them.`);
  notes.push(...meta.notes);
  const first = sorted[0];
  if (first) notes.push(`Offers expire ${first.expiresAt.slice(0, 10)}. Only the cluster's approvers may start an upgrade${first.required === 2 ? ', and two different approvers must approve' : ''}.`);
  if (notes.length) budget.pushReserved(context(escapeMrkdwn(notes.join('\n'))));
  const summary = sorted.map((o) => `${o.addon} ${o.from} → ${o.to} (${o.state})`).join(', ');
  return { text: escapeMrkdwn(`Add-on upgrades on ${meta.cluster}: ${summary}`), blocks: budget.blocks };
}

/** A plain section for messages in the offer's thread (verification). */
export function threadMessage(text: string): SlackMessage {
  return { text, blocks: [section(text)] };
}
