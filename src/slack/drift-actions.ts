import type App from '@slack/bolt/dist/App';
import type { Command } from '../../commands/types';
import { loadConfig } from '../config';
import { acceptChanges, snoozeChange, type DecisionOutcome } from '../digest/decide';
import { ACCEPT_ALL_BLOCK_ID, changeBlockId, DRIFT_ACCEPT_ACTION, DRIFT_ACCEPT_ALL_ACTION, DRIFT_ACTIONS, DRIFT_SNOOZE_ACTION } from '../render/slack/digest';
import { context, enforceLimits, escapeMrkdwn } from '../render/slack/limits';
import type { Block, SlackMessage } from '../render/slack/types';
import { openStateStore } from '../state';
import { recordAudit } from '../state/audit';
import type { StateStore } from '../state/types';
import { checkCommandAccess, type GroupMembers } from './authorize';
import type { ListenerDeps } from './dispatch';
import { describeError, log, newReference } from '../util/log';
import { groupMembersVia } from './usergroups';

/**
 * Accepting or snoozing drift changes changes state (CONTRACT §4): checked as the state-changing subcommand
 * `drift-accept`, so it is refused to everyone while authorization.approvers is empty, then allowed to the
 * approvers (or to authorization.commands.drift-accept when set).
 */
const DRIFT_ACCEPT = { name: 'drift-accept', readOnly: false } as Pick<Command, 'name' | 'readOnly'> as Command;

/** What a button names: a change record, or a digest record (for "Accept all"). */
export type ButtonTarget = { type: 'change'; cluster: string; key: string; hash: string } | { type: 'digest'; cluster: string; day: string };

/** `change:<cluster>:<key>.<hash>` (src/scheduled/drift-digest.ts) or `digest:<cluster>:<day>`. */
export function parseButtonValue(value: string | undefined): ButtonTarget | undefined {
  const change = /^change:([A-Za-z0-9][A-Za-z0-9_-]*):([0-9a-f]+)\.([0-9a-f]+)$/.exec(value ?? '');
  if (change) return { type: 'change', cluster: change[1]!, key: change[2]!, hash: change[3]! };
  const digest = /^digest:([A-Za-z0-9][A-Za-z0-9_-]*):(\d{4}-\d{2}-\d{2})$/.exec(value ?? '');
  return digest ? { type: 'digest', cluster: digest[1]!, day: digest[2]! } : undefined;
}

export interface Click {
  action: 'accept' | 'snooze' | 'accept-all';
  target: ButtonTarget;
  userId: string;
  channelId?: string;
}

export type ClickAnswer =
  /** Say this to the person who clicked only. */
  | { kind: 'ephemeral'; text: string }
  /** It was done: update the message in place (these blocks replaced by the line). */
  | { kind: 'update'; blockIds: string[]; line: string };

const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/**
 * One click, decided from the store alone (any process may get it): who may (approvers), where (the
 * cluster's own channel), and what the record says now. Refusals are audit events too.
 */
export async function decideClick(click: Click, deps: { env: NodeJS.ProcessEnv; members: GroupMembers; store?: StateStore; now?: Date }): Promise<ClickAnswer> {
  const store = deps.store ?? openStateStore(deps.env);
  const now = deps.now ?? new Date();
  const { cluster } = click.target;
  const action = click.action === 'snooze' ? 'drift-snooze' : 'drift-accept';
  const subject = click.target.type === 'change' ? click.target.key : `digest ${click.target.day}`;
  const config = loadConfig(deps.env);
  const refuse = async (reason: string): Promise<ClickAnswer> => {
    await recordAudit(store, { actor: click.userId, action, cluster, subject, detail: reason, outcome: 'refused' });
    log.warn('drift button refused', { user: click.userId, cluster, action, reason });
    return { kind: 'ephemeral', text: `:no_entry: eksnet did not ${click.action === 'snooze' ? 'snooze' : 'accept'} this: ${reason}.` };
  };
  const access = await checkCommandAccess(DRIFT_ACCEPT, click.userId, config, deps.members);
  if (!access.allowed) return refuse(access.reason);
  const clusterConfig = config.clusters.find((c) => c.name === cluster);
  if (!clusterConfig) return refuse(`cluster ${cluster} is not in the eksnet configuration`);
  if (!clusterConfig.channel || clusterConfig.channel !== click.channelId) return refuse(`${cluster}'s drift is decided in its own channel${clusterConfig.channel ? ` (<#${clusterConfig.channel}>)` : ''}, not here`);

  let outcome: DecisionOutcome;
  let blockIds: string[];
  if (click.target.type === 'digest') {
    const digest = (await store.getRecord<{ items: { key: string; hash: string }[] }>(`digest#${cluster}`, click.target.day))?.data;
    if (!digest) return { kind: 'ephemeral', text: ':information_source: This digest is no longer in eksnet\'s records; the next digest has buttons.' };
    outcome = await acceptChanges(store, cluster, digest.items, click.userId, now);
    blockIds = outcome.kind === 'accepted' ? [...outcome.records.map((r) => changeBlockId(r.key)), ACCEPT_ALL_BLOCK_ID] : [];
  } else if (click.action === 'snooze') {
    outcome = await snoozeChange(store, cluster, click.target, click.userId, now);
    blockIds = [changeBlockId(click.target.key)];
  } else {
    outcome = await acceptChanges(store, cluster, [click.target], click.userId, now);
    blockIds = [changeBlockId(click.target.key)];
  }
  if (outcome.kind === 'nothing') return { kind: 'ephemeral', text: `:information_source: Nothing done: ${outcome.reason}.` };
  if (outcome.kind === 'snoozed') {
    return { kind: 'update', blockIds, line: `:zzz: Snoozed until ${outcome.until.slice(0, 10)} by <@${click.userId}> at ${hhmm(now)}` };
  }
  const what = outcome.records.length === 1 ? 'Accepted' : `${outcome.records.length} changes accepted`;
  return { kind: 'update', blockIds, line: `:white_check_mark: ${what} into baseline v${outcome.version} by <@${click.userId}> at ${hhmm(now)}` };
}

/** The digest with the decided changes' buttons replaced by who did what (the rest untouched). */
export function updatedDigest(original: { text?: string; blocks?: Block[] }, blockIds: string[], line: string): SlackMessage {
  const ids = new Set(blockIds);
  const blocks = (original.blocks ?? []).map((b) => (b.block_id && ids.has(b.block_id) ? { ...context(line), block_id: b.block_id } : b));
  return { text: original.text ?? 'Drift digest', blocks };
}

const ACTION_OF: Record<string, Click['action']> = { [DRIFT_ACCEPT_ACTION]: 'accept', [DRIFT_SNOOZE_ACTION]: 'snooze', [DRIFT_ACCEPT_ALL_ACTION]: 'accept-all' };

/**
 * The digest's buttons. Acked first; the decision reads the store, and the message is updated in place
 * through response_url (replace_original), or the person who clicked is told why nothing happened.
 */
export function registerDriftActions(app: App, deps: ListenerDeps): void {
  app.action(DRIFT_ACTIONS, async ({ ack, body, action, respond, client }) => {
    await ack();
    const ref = newReference();
    const userId = body.user.id;
    const actionId = 'action_id' in action ? action.action_id : '';
    const target = parseButtonValue('value' in action && typeof action.value === 'string' ? action.value : undefined);
    const ephemeral = async (text: string) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwn(text).replace(/&lt;([@#][A-Z0-9]+)&gt;/g, '<$1>') } as Parameters<typeof respond>[0]);
    };
    try {
      if (!target || !ACTION_OF[actionId]) {
        log.warn('drift button without a usable value', { ref, user: userId, action: actionId });
        await ephemeral(`:warning: This button does not name a drift record eksnet can read; reference ${ref}.`);
        return;
      }
      const channelId = 'channel' in body && body.channel ? body.channel.id : undefined;
      log.info('drift button clicked', { ref, user: userId, channel: channelId ?? null, action: actionId, target });
      const answer = await decideClick({ action: ACTION_OF[actionId]!, target, userId, channelId }, { env: deps.env, members: groupMembersVia(client) });
      if (answer.kind === 'ephemeral') {
        await ephemeral(answer.text);
        return;
      }
      const message = 'message' in body && body.message ? (body.message as { text?: string; blocks?: Block[] }) : {};
      await respond({ ...enforceLimits(updatedDigest(message, answer.blockIds, answer.line)), replace_original: true } as Parameters<typeof respond>[0]);
    } catch (err) {
      log.error('could not handle a drift button', { ref, user: userId, error: describeError(err) });
      await ephemeral(`:warning: eksnet could not handle this click; reference ${ref} in the eksnet logs has the details.`).catch(() => undefined);
    }
  });
}
