import type App from '@slack/bolt/dist/App';
import { SHARE_ACTION_ID } from '../render/slack/share';
import type { SlackMessage } from '../render/slack/types';
import { enforceLimits } from '../render/slack/limits';
import { reportDispatchFailure, type ListenerDeps } from './dispatch';
import { jobWords } from './job';
import { describeError, log, newReference } from '../util/log';
import { alreadySharedMessage, failureMessage, workingMessage } from './messages';
import { createHash } from 'node:crypto';
import { claimOnce, releaseClaim } from '../state/claims';
import { openStateStore } from '../state/index';
import type { SlackJob } from './job';

/** How long a shared answer stays claimed (response_url lives 30 minutes; a day covers any retry). */
const SHARE_CLAIM_SECONDS = 24 * 3600;
import { routeInvocation, type Invocation } from './router';
import { parseShareValue, runJob } from './run';
import { groupMembersVia } from './usergroups';
import { registerApprovalListener } from './approval';
import { ADDON_UPGRADE_ACTION } from '../render/slack/addon-offer';
import { registerDriftActions } from './drift-actions';
import { DRIFT_ACTIONS } from '../render/slack/digest';

/**
 * Decide, then answer: inline answers (snapshot mode) go out as the ack itself, the cheapest reply Slack
 * allows; live work is acked with "working on it" and handed to the dispatcher, which posts the answer to
 * response_url. On Lambda the ack reaches Slack only when this listener returns, so nothing slow runs here.
 */
async function handle(
  inv: Invocation,
  members: Parameters<typeof routeInvocation>[1],
  deps: ListenerDeps,
  reply: (m: SlackMessage) => Promise<void>,
  extra: Pick<SlackJob, 'sharedBy' | 'replaceOriginal'> = {},
): Promise<'refused' | 'answered' | 'failed' | 'dispatched'> {
  let route;
  try {
    route = await routeInvocation(inv, members, deps.env);
  } catch (err) {
    log.error('could not route the command', { ref: inv.ref, user: inv.userId, error: describeError(err) });
    await reply(failureMessage(inv.text.split(/\s+/)[0] || 'help', inv.ref));
    return 'failed';
  }
  if (route.kind === 'reply') {
    await reply(route.message);
    return 'refused';
  }
  Object.assign(route.job, extra);
  if (route.inline) {
    const answer = await runJob(route.job, deps.env);
    await reply(answer);
    return answer.response_type === (route.job.share ? 'in_channel' : 'ephemeral') && answer.blocks ? 'answered' : 'failed';
  }
  await reply(workingMessage(`${inv.slash} ${jobWords(route.job)}`, route.cluster));
  try {
    await deps.dispatcher.dispatch(route.job);
    return 'dispatched';
  } catch (err) {
    await reportDispatchFailure(route.job, err);
    return 'failed';
  }
}

/** Every action id not handled by a listener above. */
const KNOWN_ELSEWHERE = new RegExp(`^(?!${escapeRegExp(SHARE_ACTION_ID)}$)(?!${ADDON_UPGRADE_ACTION.source.replace(/^\^/, '')})(?!${DRIFT_ACTIONS.source.replace(/^\^/, '')})`);

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

export function registerListeners(app: App, deps: ListenerDeps): void {
  app.command(/^\/eksnet/, async ({ command, ack, client }) => {
    const inv: Invocation = { slash: command.command, text: command.text ?? '', userId: command.user_id, channelId: command.channel_id, responseUrl: command.response_url, ref: newReference() };
    log.info('slash command', { ref: inv.ref, user: inv.userId, channel: inv.channelId, text: inv.text });
    await handle(inv, groupMembersVia(client, { env: deps.env, store: deps.store }), deps, async (m) => ack(enforceLimits(m)), { replaceOriginal: true });
  });

  // "Share in channel" on an ephemeral answer: run the same words again (re-checking who may) and post in_channel.
  app.action(SHARE_ACTION_ID, async ({ ack, body, action, respond, client }) => {
    await ack();
    const ref = newReference();
    const value = 'value' in action && typeof action.value === 'string' ? parseShareValue(action.value) : undefined;
    const responseUrl = 'response_url' in body && typeof body.response_url === 'string' ? body.response_url : undefined;
    if (!value || !responseUrl) {
      log.warn('share action without a usable value or response_url', { ref });
      return;
    }
    const inv: Invocation = {
      slash: '/eksnet',
      text: jobWords({ command: value.command, argv: [...value.argv, '--share'] }),
      userId: body.user.id,
      channelId: 'channel' in body && body.channel ? body.channel.id : undefined,
      responseUrl,
      ref,
    };
    log.info('share action', { ref, user: inv.userId, channel: inv.channelId, text: inv.text });
    // Share posts once per answer, whoever clicks and however often (Slack retries, double clicks, other
    // containers): a conditional write in the state store claims the answer before anything is posted.
    const messageTs = 'container' in body && body.container && typeof (body.container as { message_ts?: unknown }).message_ts === 'string' ? (body.container as { message_ts: string }).message_ts : responseUrl;
    const key = `share#${inv.channelId ?? '-'}#${createHash('sha256').update(`${messageTs}\n${action.type === 'button' ? action.value : ''}`).digest('hex').slice(0, 32)}`;
    let first: boolean;
    try {
      first = await claimOnce(openStateStore(deps.env), key, SHARE_CLAIM_SECONDS, { user: inv.userId });
    } catch (err) {
      log.error('could not claim the share', { ref, error: describeError(err) });
      await respond({ response_type: 'ephemeral', replace_original: false, ...failureMessage('share', ref) } as Parameters<typeof respond>[0]);
      return;
    }
    if (!first) {
      log.info('share already posted', { ref, user: inv.userId });
      await respond({ ...alreadySharedMessage(), replace_original: false } as Parameters<typeof respond>[0]);
      return;
    }
    const outcome = await handle(
      inv,
      groupMembersVia(client, { env: deps.env, store: deps.store }),
      deps,
      async (m) => {
        await respond({ ...enforceLimits(m), replace_original: false } as Parameters<typeof respond>[0]);
      },
      { sharedBy: inv.userId },
    );
    // Nothing was posted (refused, bad input, failure): let a later click share it.
    if (outcome === 'refused' || outcome === 'failed') await releaseClaim(openStateStore(deps.env), key).catch(() => undefined);
  });

  registerApprovalListener(app, deps);
  registerDriftActions(app, deps);

  // Any other button (an old message's action this version no longer knows): acknowledge it, so Slack
  // shows no error, and say so in the logs. Bolt would otherwise answer 404.
  app.action(KNOWN_ELSEWHERE, async ({ ack, body }) => {
    await ack();
    const action = 'actions' in body && Array.isArray(body.actions) ? body.actions[0] : undefined;
    log.warn('ignored an unknown Slack action', { action: (action as { action_id?: string } | undefined)?.action_id, user: body.user.id });
  });
}
