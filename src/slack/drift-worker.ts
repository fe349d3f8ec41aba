import type { WebClient } from '@slack/web-api';
import type { Command } from '../../commands/types';
import { loadConfig } from '../config';
import { acceptChanges, snoozeChange, type DecisionOutcome } from '../digest/decide';
import { ACCEPT_ALL_BLOCK_ID, changeBlockId } from '../render/slack/digest';
import { context, enforceLimits, escapeMrkdwnKeepMentions } from '../render/slack/limits';
import type { Block, SlackMessage } from '../render/slack/types';
import { claimOnce } from '../state/claims';
import { openStateStore } from '../state/index';
import type { StateStore } from '../state/types';
import { describeError, log } from '../util/log';
import { checkCommandAccess, type GroupMembers } from './authorize';
import { clickScope, parseClick, refuseClick, type Click, type DriftClickWork } from './drift-click';
import { groupMembersVia } from './usergroups';
import { workerSlackClient } from './web-client';

/**
 * Accepting or snoozing drift changes changes state (CONTRACT §4): checked as the state-changing subcommand
 * `drift-accept`, so it is refused to everyone while authorization.approvers is empty, then allowed to the
 * approvers (or to authorization.commands.drift-accept when set).
 */
const DRIFT_ACCEPT = { name: 'drift-accept', readOnly: false } as Pick<Command, 'name' | 'readOnly'> as Command;

/** A worker event is handled once: its reference is claimed in the state store (a day outlives any redelivery). */
const EVENT_CLAIM_SECONDS = 24 * 3600;

export type ClickAnswer =
  /** Say this to the person who clicked only. */
  | { kind: 'ephemeral'; text: string }
  /** It was done: update the message in place (these blocks replaced by the line). */
  | { kind: 'update'; blockIds: string[]; line: string };

const hhmm = (d: Date) => `${d.toISOString().slice(11, 16)} UTC`;

/**
 * One click, decided from the store alone (any process may get it): who may (approvers), where (a channel of the
 * cluster, src/slack/scope.ts), and what the record says now. Refusals are audit events too.
 */
export async function decideClick(click: Click, deps: { env: NodeJS.ProcessEnv; members: GroupMembers; store?: StateStore; now?: Date }): Promise<ClickAnswer> {
  const store = deps.store ?? openStateStore(deps.env);
  const now = deps.now ?? new Date();
  const { cluster } = click.target;
  const config = loadConfig(deps.env);
  const refuse = async (reason: string): Promise<ClickAnswer> => ({ kind: 'ephemeral', text: await refuseClick(store, click, reason) });
  const access = await checkCommandAccess(DRIFT_ACCEPT, click.userId, config, deps.members);
  if (!access.allowed) return refuse(access.reason);
  const scope = clickScope(config, click);
  if (!scope.allowed) return refuse(scope.reason);

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

/** Tell the person who clicked, and only them (chat.postEphemeral in the digest's channel). */
async function tell(slack: WebClient, work: DriftClickWork, text: string): Promise<void> {
  if (!work.channelId) {
    log.warn('drift click answer has no channel to go to', { ref: work.ref, user: work.userId, text });
    return;
  }
  try {
    await slack.chat.postEphemeral({ channel: work.channelId, user: work.userId, text: escapeMrkdwnKeepMentions(text) });
  } catch (err) {
    log.error('could not tell the person who clicked', { ref: work.ref, user: work.userId, error: describeError(err) });
  }
}

/** Update the digest in place (chat.update), as the add-on offers are; without the message, tell the clicker instead. */
async function showDecision(slack: WebClient, work: DriftClickWork, answer: Extract<ClickAnswer, { kind: 'update' }>): Promise<void> {
  if (work.channelId && work.messageTs && work.message?.blocks) {
    const m = enforceLimits(updatedDigest(work.message, answer.blockIds, answer.line));
    try {
      await slack.chat.update({ channel: work.channelId, ts: work.messageTs, text: m.text ?? '', ...(m.blocks ? { blocks: m.blocks } : {}) });
      return;
    } catch (err) {
      log.error('could not update the digest message', { ref: work.ref, error: describeError(err) });
    }
  }
  await tell(slack, work, answer.line);
}

/**
 * The worker's part of a drift button click (handed over by src/slack/drift-actions.ts): claim the event's reference
 * (a redelivered event does nothing), decide the click (decideClick: approvers, scope, the
 * records, the conditional baseline save), then update the digest in place or tell the clicker why not. Never throws,
 * so Lambda does not retry it.
 */
export async function handleDriftWork(work: DriftClickWork, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  if (!work || typeof work !== 'object' || typeof work.ref !== 'string' || typeof work.userId !== 'string') {
    log.error('worker received a drift click that is not one');
    return;
  }
  const ref = work.ref;
  let slack: WebClient | undefined;
  try {
    slack = await workerSlackClient(env);
    const store = openStateStore(env);
    if (!(await claimOnce(store, `drift-event#${ref}`, EVENT_CLAIM_SECONDS, { user: work.userId }))) {
      log.warn('drift click delivered again; skipped', { ref });
      return;
    }
    const click = parseClick(String(work.actionId ?? ''), String(work.value ?? '').slice(0, 200), work.userId, work.channelId);
    if (!click) {
      log.warn('drift click without a usable value', { ref, user: work.userId, action: work.actionId });
      await tell(slack, work, `:warning: This button does not name a drift record eksnet can read; reference ${ref}.`);
      return;
    }
    const started = Date.now();
    const answer = await decideClick(click, { env, members: groupMembersVia(slack, { env, store }), store });
    log.info('drift click decided', { ref, user: click.userId, cluster: click.target.cluster, action: click.action, answer: answer.kind, ms: Date.now() - started });
    if (answer.kind === 'ephemeral') await tell(slack, work, answer.text);
    else await showDecision(slack, work, answer);
  } catch (err) {
    log.error('could not handle a drift button', { ref, user: work.userId, error: describeError(err) });
    if (slack) await tell(slack, work, `:warning: eksnet could not handle this click; reference ${ref} in the eksnet logs has the details.`);
  }
}
