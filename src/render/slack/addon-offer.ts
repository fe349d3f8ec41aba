import type { AddonStatus } from '../../model/result';
import { BlockBudget, context, escapeMrkdwn, header, LIMITS, section, truncate } from './limits';
import type { Block, SlackMessage } from './types';
import { confirm } from './blocks';
import { STATE_ICONS } from '../palette';

/** action_id prefix of the "Upgrade" buttons; the add-on's name follows so each button's id is unique in the message. */
export const ADDON_UPGRADE_ACTION_PREFIX = 'eksnet_addon_upgrade:';
export const ADDON_UPGRADE_ACTION = /^eksnet_addon_upgrade:/;

/** What an "Upgrade" button carries. */
export interface AddonOffer {
  cluster: string;
  addon: string;
  from: string;
  to: string;
}

export function addonActionId(addon: string): string {
  return truncate(ADDON_UPGRADE_ACTION_PREFIX + addon, LIMITS.actionId);
}

/** The button value, or undefined when it would pass Slack's 2,000-character limit. */
export function encodeOffer(offer: AddonOffer): string | undefined {
  const value = JSON.stringify({ cluster: offer.cluster, addon: offer.addon, from: offer.from, to: offer.to });
  return value.length <= LIMITS.buttonValue ? value : undefined;
}

export function parseOffer(value: string | undefined): AddonOffer | undefined {
  if (!value) return undefined;
  try {
    const v = JSON.parse(value) as Record<string, unknown>;
    const fields = [v.cluster, v.addon, v.from, v.to];
    if (fields.every((f) => typeof f === 'string' && f !== '')) return { cluster: v.cluster as string, addon: v.addon as string, from: v.from as string, to: v.to as string };
  } catch {
    // not ours
  }
  return undefined;
}

/** Upgrading an add-on restarts its pods: the button asks first (plain text: nothing to escape). */
export function upgradeConfirm(cluster: string, a: { name: string; current: string; latest: string }) {
  return confirm({
    title: `Upgrade ${a.name}?`,
    text: `Start the EKS update of ${a.name} on ${cluster} from ${a.current} to ${a.latest}. Its pods restart; EKS keeps fields changed on the add-on (resolveConflicts PRESERVE).`,
    confirm: 'Upgrade',
    deny: 'Cancel',
  });
}

function offerBlock(cluster: string, a: AddonStatus & { current: string; latest: string }): Block {
  const text = `*${escapeMrkdwn(a.name)}*  \`${escapeMrkdwn(a.current)}\` → \`${escapeMrkdwn(a.latest)}\``;
  const value = encodeOffer({ cluster, addon: a.name, from: a.current, to: a.latest });
  if (!value) return section(`${text}\n_(no button: the offer does not fit in a Slack button; run \`aws eks update-addon\` by hand)_`);
  return {
    type: 'section',
    block_id: truncate(`addon:${a.name}`, LIMITS.blockId),
    text: { type: 'mrkdwn', text: truncate(text, LIMITS.sectionText) },
    accessory: { type: 'button', action_id: addonActionId(a.name), text: { type: 'plain_text', text: 'Upgrade' }, style: 'primary', value, confirm: upgradeConfirm(cluster, a) },
  };
}

/**
 * The add-on check's offer: one "Upgrade" button per managed add-on with a newer compatible version. Self-managed
 * add-ons are listed without a button (UpdateAddon only acts on managed add-ons). Undefined when there is
 * nothing to offer.
 */
export function renderAddonOffer(cluster: string, statuses: AddonStatus[]): SlackMessage | undefined {
  const upgradable = statuses.filter((a): a is AddonStatus & { current: string; latest: string } => a.upgradeAvailable && a.current !== null && a.latest !== null);
  if (upgradable.length === 0) return undefined;
  const managed = upgradable.filter((a) => a.managed);
  const selfManaged = upgradable.filter((a) => !a.managed);
  const budget = new BlockBudget();
  budget.push(header(`Add-on upgrades available — ${cluster}`));
  let shown = 0;
  for (const a of managed) {
    if (!budget.push(offerBlock(cluster, a))) break;
    shown++;
  }
  const notes: string[] = [];
  if (shown < managed.length) notes.push(`…and ${managed.length - shown} more managed add-ons; \`eksnet addons --cluster ${cluster}\` lists them.`);
  if (selfManaged.length) {
    notes.push(`Self-managed (upgrade by hand): ${selfManaged.map((a) => `${a.name} ${a.current} → ${a.latest}`).join(', ')}.`);
  }
  if (managed.length) notes.push('Only approvers (authorization.approvers) may start an upgrade; EKS keeps fields changed on the add-on (resolveConflicts PRESERVE).');
  if (notes.length) budget.pushReserved(context(escapeMrkdwn(notes.join('\n'))));
  const names = upgradable.map((a) => `${a.name} ${a.current} → ${a.latest}`).join(', ');
  return { text: escapeMrkdwn(`Add-on upgrades available on ${cluster}: ${names}`), blocks: budget.blocks };
}

/**
 * The offer message after an approval: the clicked add-on's block says who approved and the update id;
 * the other add-ons keep their buttons. Without the original blocks, the status alone.
 */
export function renderUpgradeStarted(original: Block[] | undefined, offer: AddonOffer, userId: string, updateId: string, status: string): SlackMessage {
  const line = `${STATE_ICONS.started.slack} *${escapeMrkdwn(offer.addon)}* on ${escapeMrkdwn(offer.cluster)}: <@${userId}> approved the upgrade \`${escapeMrkdwn(offer.from)}\` → \`${escapeMrkdwn(offer.to)}\`; EKS update \`${escapeMrkdwn(updateId)}\` (${escapeMrkdwn(status)}).`;
  const text = `${escapeMrkdwn(`${offer.addon} on ${offer.cluster}:`)} <@${userId}> ${escapeMrkdwn(`approved the upgrade ${offer.from} → ${offer.to}; EKS update ${updateId} (${status}).`)}`;
  const clickedId = addonActionId(offer.addon);
  if (!original?.length) return { text, blocks: [section(line)] };
  let replaced = false;
  const blocks = original.map((b) => {
    const accessory = (b as { accessory?: { action_id?: string } }).accessory;
    if (accessory?.action_id !== clickedId) return b;
    replaced = true;
    return section(line);
  });
  if (!replaced) blocks.push(section(line));
  return { text, blocks };
}
