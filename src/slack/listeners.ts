import type App from '@slack/bolt/dist/App';
import { SHARE_ACTION_ID } from '../render/slack/share';
import type { SlackMessage } from '../render/slack/types';
import { enforceLimits } from '../render/slack/limits';
import { reportDispatchFailure, type ListenerDeps } from './dispatch';
import { jobWords } from './job';
import { describeError, log, newReference } from '../util/log';
import { failureMessage, workingMessage } from './messages';
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
async function handle(inv: Invocation, members: Parameters<typeof routeInvocation>[1], deps: ListenerDeps, reply: (m: SlackMessage) => Promise<void>): Promise<void> {
  let route;
  try {
    route = await routeInvocation(inv, members, deps.env);
  } catch (err) {
    log.error('could not route the command', { ref: inv.ref, user: inv.userId, error: describeError(err) });
    await reply(failureMessage(inv.text.split(/\s+/)[0] || 'help', inv.ref));
    return;
  }
  if (route.kind === 'reply') {
    await reply(route.message);
    return;
  }
  if (route.inline) {
    await reply(await runJob(route.job, deps.env));
    return;
  }
  await reply(workingMessage(`${inv.slash} ${jobWords(route.job)}`, route.cluster));
  try {
    await deps.dispatcher.dispatch(route.job);
  } catch (err) {
    await reportDispatchFailure(route.job, err);
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
    await handle(inv, groupMembersVia(client, { env: deps.env, store: deps.store }), deps, async (m) => ack(enforceLimits(m)));
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
    await handle(inv, groupMembersVia(client, { env: deps.env, store: deps.store }), deps, async (m) => {
      await respond({ ...enforceLimits(m), replace_original: false } as Parameters<typeof respond>[0]);
    });
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
