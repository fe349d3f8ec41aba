import type App from '@slack/bolt/dist/App';
import { ADDON_UPGRADE_ACTION } from '../render/slack/addon-offer';
import type { ListenerDeps } from './dispatch';
import { describeError, log, newReference } from '../util/log';
import { sendUpgradeWork } from './upgrade-dispatch';
import type { UpgradeClick } from './upgrade-events';

/**
 * The "Upgrade" buttons of the add-on offers. The click is acked at once and handed to the worker function with
 * nothing but the button's raw value (an offer id), who clicked, and where: the worker checks it against the offer
 * record in the state store (channel, expiry, approvers, still current, still valid) and does the work. On Lambda
 * the HTTP answer waits for this listener (AwsLambdaReceiver awaits processEvent), so the only call here is the
 * asynchronous invoke, whose timeout fires.
 */
export function registerApprovalListener(app: App, deps: ListenerDeps): void {
  app.action(ADDON_UPGRADE_ACTION, async ({ ack, body, action, respond }) => {
    await ack();
    const ref = newReference();
    const b = body as { channel?: { id?: string }; container?: { channel_id?: string; message_ts?: string }; message?: { ts?: string } };
    const click: UpgradeClick = {
      kind: 'click',
      ref,
      offerId: 'value' in action && typeof action.value === 'string' ? action.value.slice(0, 200) : '',
      userId: body.user.id,
      channelId: b.channel?.id ?? b.container?.channel_id,
      messageTs: b.container?.message_ts ?? b.message?.ts,
      at: new Date().toISOString(),
    };
    log.info('add-on upgrade clicked', { ref, user: click.userId, channel: click.channelId, value: click.offerId });
    try {
      await sendUpgradeWork(click, deps.env);
    } catch (err) {
      log.error('could not hand the upgrade click to the worker', { ref, user: click.userId, error: describeError(err) });
      await respond({ response_type: 'ephemeral', replace_original: false, text: `:warning: eksnet could not take this upgrade click (the worker did not accept it); nothing was changed. Reference ${ref}.` } as Parameters<typeof respond>[0]).catch(() => undefined);
    }
  });
}
