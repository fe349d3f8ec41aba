import { LIMITS } from './limits';
import type { Block, SlackRenderOptions } from './types';

/** action_id of the "Share in channel" button on ephemeral answers. */
export const SHARE_ACTION_ID = 'eksnet_share';

/** An actions block with the "Share in channel" button, or nothing when there is no value or it is too long. */
export function shareButton(opts: SlackRenderOptions): Block | undefined {
  if (!opts.shareValue || opts.shareValue.length > LIMITS.buttonValue) return undefined;
  return {
    type: 'actions',
    elements: [{ type: 'button', action_id: SHARE_ACTION_ID, text: { type: 'plain_text', text: 'Share in channel' }, value: opts.shareValue }],
  };
}
