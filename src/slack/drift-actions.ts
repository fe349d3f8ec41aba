import type App from '@slack/bolt/dist/App';
import { ConfigError, loadConfig } from '../config';
import { DRIFT_ACTIONS } from '../render/slack/digest';
import { escapeMrkdwnKeepMentions } from '../render/slack/limits';
import type { Block } from '../render/slack/types';
import { openStateStore } from '../state';
import type { ListenerDeps } from './dispatch';
import { clickScope, parseClick, refuseClick, type DriftClickWork } from './drift-click';
import { sendDriftWork } from './drift-dispatch';
import { misconfiguredMessage } from './messages';
import { describeError, log, newReference } from '../util/log';

/**
 * The message travels with the click to the worker, to be updated in place. An asynchronous Invoke takes at most 1 MB
 * (https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html); a digest is far smaller (Slack's 50 blocks, ~12k
 * characters), but one that is not is left out, and the worker then tells the clicker instead of updating it.
 */
const MESSAGE_MAX_BYTES = 512 * 1024;

function carried(message: { text?: string; blocks?: Block[] } | undefined): DriftClickWork['message'] {
  if (!message) return undefined;
  const m = { text: message.text, blocks: message.blocks };
  return Buffer.byteLength(JSON.stringify(m)) <= MESSAGE_MAX_BYTES ? m : undefined;
}

/**
 * The digest's buttons (Accept into baseline, Accept all, Snooze 7 days). Acked at once: the `slack` function only
 * answers what it can from the configuration — a button eksnet did not make, or a click from a channel that is not
 * one of the cluster's (src/slack/scope.ts, audited as a refusal) — and hands everything else to the worker function
 * (src/slack/drift-dispatch.ts), which checks the approver (user groups may need Slack), decides from the records,
 * saves the baseline and updates the message in place (src/slack/drift-worker.ts). On Lambda the HTTP answer waits
 * for this listener (AwsLambdaReceiver awaits processEvent), so nothing here waits on more than the configuration,
 * one audit write for a refusal, or the asynchronous invoke, whose timeout fires.
 */
export function registerDriftActions(app: App, deps: ListenerDeps): void {
  app.action(DRIFT_ACTIONS, async ({ ack, body, action, respond }) => {
    await ack();
    const ref = newReference();
    const userId = body.user.id;
    const actionId = 'action_id' in action ? action.action_id : '';
    const value = 'value' in action && typeof action.value === 'string' ? action.value.slice(0, 200) : '';
    const b = body as { channel?: { id?: string }; container?: { channel_id?: string; message_ts?: string }; message?: { ts?: string; text?: string; blocks?: Block[] } };
    const channelId = b.channel?.id ?? b.container?.channel_id;
    const ephemeral = async (text: string) => {
      await respond({ response_type: 'ephemeral', replace_original: false, text: escapeMrkdwnKeepMentions(text) } as Parameters<typeof respond>[0]);
    };
    try {
      const click = parseClick(actionId, value, userId, channelId);
      if (!click) {
        log.warn('drift button without a usable value', { ref, user: userId, action: actionId });
        await ephemeral(`:warning: This button does not name a drift record eksnet can read; reference ${ref}.`);
        return;
      }
      log.info('drift button clicked', { ref, user: userId, channel: channelId ?? null, action: actionId, target: click.target });
      let config;
      try {
        config = loadConfig(deps.env);
      } catch (err) {
        if (!(err instanceof ConfigError)) throw err;
        await respond({ ...misconfiguredMessage(err), replace_original: false } as Parameters<typeof respond>[0]);
        return;
      }
      const scope = clickScope(config, click);
      if (!scope.allowed) {
        await ephemeral(await refuseClick(deps.store ?? openStateStore(deps.env), click, scope.reason));
        return;
      }
      const work: DriftClickWork = {
        kind: 'drift-click',
        ref,
        actionId,
        value,
        userId,
        channelId,
        messageTs: b.container?.message_ts ?? b.message?.ts,
        message: carried(b.message),
        at: new Date().toISOString(),
      };
      try {
        await sendDriftWork(work, deps.env);
      } catch (err) {
        log.error('could not hand the drift click to the worker', { ref, user: userId, error: describeError(err) });
        await ephemeral(`:warning: eksnet could not take this click (the worker did not accept it); nothing was changed. Reference ${ref}.`);
      }
    } catch (err) {
      log.error('could not handle a drift button', { ref, user: userId, error: describeError(err) });
      await ephemeral(`:warning: eksnet could not handle this click; reference ${ref} in the eksnet logs has the details.`).catch(() => undefined);
    }
  });
}
