import type { EksnetConfig } from '../config';
import { DRIFT_ACCEPT_ACTION, DRIFT_ACCEPT_ALL_ACTION, DRIFT_SNOOZE_ACTION } from '../render/slack/digest';
import type { Block } from '../render/slack/types';
import { recordAudit } from '../state/audit';
import type { StateStore } from '../state/types';
import { log } from '../util/log';
import { resolveSlackScope, type ScopeDecision } from './scope';

/**
 * A click on a drift digest's button, as both functions see it: the `slack` function parses it and checks its scope
 * (answered at once), the `worker` function decides it (approvers, the records, the baseline). Nothing here reads
 * more than the configuration; the one write is a refusal's audit event.
 */

/** What a button names: a change record, or a digest record (for "Accept all"). */
export type ButtonTarget = { type: 'change'; cluster: string; key: string; hash: string } | { type: 'digest'; cluster: string; day: string };

/** `change:<cluster>:<key>.<hash>` (src/scheduled/drift-digest.ts) or `digest:<cluster>:<day>`. */
export function parseButtonValue(value: string | undefined): ButtonTarget | undefined {
  const change = /^change:([A-Za-z0-9][A-Za-z0-9_-]*):([0-9a-f]+)\.([0-9a-f]+)$/.exec(value ?? '');
  if (change) return { type: 'change', cluster: change[1]!, key: change[2]!, hash: change[3]! };
  const digest = /^digest:([A-Za-z0-9][A-Za-z0-9_-]*):(\d{4}-\d{2}-\d{2})$/.exec(value ?? '');
  return digest ? { type: 'digest', cluster: digest[1]!, day: digest[2]! } : undefined;
}

export type ClickAction = 'accept' | 'snooze' | 'accept-all';

/** The button's action id → what it does. */
export const ACTION_OF: Readonly<Record<string, ClickAction>> = { [DRIFT_ACCEPT_ACTION]: 'accept', [DRIFT_SNOOZE_ACTION]: 'snooze', [DRIFT_ACCEPT_ALL_ACTION]: 'accept-all' };

export interface Click {
  action: ClickAction;
  target: ButtonTarget;
  userId: string;
  channelId?: string;
}

/** A click parsed from the button's action id and raw value; undefined when either is not one eksnet makes. */
export function parseClick(actionId: string, value: string | undefined, userId: string, channelId: string | undefined): Click | undefined {
  const action = Object.hasOwn(ACTION_OF, actionId) ? ACTION_OF[actionId] : undefined;
  const target = parseButtonValue(value);
  return action && target ? { action, target, userId, channelId } : undefined;
}

/**
 * The drift click as the `slack` function hands it to the `worker` function (src/slack/drift-dispatch.ts): the
 * button's raw action id and value (the worker parses them again), who clicked, where, and the message to update.
 */
export interface DriftClickWork {
  kind: 'drift-click';
  ref: string;
  actionId: string;
  /** The button's value as it came, at most 200 characters. */
  value: string;
  userId: string;
  channelId?: string;
  /** The digest message's ts (chat.update updates it in place). */
  messageTs?: string;
  /** The digest as Slack sent it with the click: the decided blocks are replaced in this copy. */
  message?: { text?: string; blocks?: Block[] };
  /** When Slack delivered the click. */
  at: string;
}

export interface DriftEvent {
  eksnetDrift: DriftClickWork;
}

/**
 * A digest's buttons act on their cluster from the channels of that cluster only (src/slack/scope.ts, the rule slash
 * commands follow, with `button`): the cluster's own channel or a `channels` entry listing it.
 */
export function clickScope(config: EksnetConfig, click: Click): ScopeDecision {
  return resolveSlackScope(config, { channelId: click.channelId, cluster: click.target.cluster, button: true });
}

/** The audit action of a click: accepting (one or all) or snoozing. */
export const auditAction = (click: Pick<Click, 'action'>) => (click.action === 'snooze' ? 'drift-snooze' : 'drift-accept');

/** A refused click: an audit event (outcome `refused`), a log line, and the sentence for the person who clicked. */
export async function refuseClick(store: StateStore, click: Click, reason: string): Promise<string> {
  const { cluster } = click.target;
  const subject = click.target.type === 'change' ? click.target.key : `digest ${click.target.day}`;
  await recordAudit(store, { actor: click.userId, action: auditAction(click), cluster, subject, detail: reason, outcome: 'refused' });
  log.warn('drift button refused', { user: click.userId, cluster, action: auditAction(click), reason });
  return `:no_entry: eksnet did not ${click.action === 'snooze' ? 'snooze' : 'accept'} this: ${reason}.`;
}
