import type { types } from '@slack/bolt';

export type Block = types.KnownBlock;

/** A message for response_url, an ack body or chat.postMessage (the fields eksnet uses). */
export interface SlackMessage {
  response_type?: 'ephemeral' | 'in_channel';
  replace_original?: boolean;
  /** Delete the message this response_url belongs to ("as the sole attribute" besides text). */
  delete_original?: boolean;
  /** Fallback text (notifications, screen readers); also the whole message when there are no blocks. */
  text: string;
  blocks?: Block[];
}

export interface SlackRenderOptions {
  /** The CLI command that prints the whole answer, shown when a message had to be summarised. */
  cliCommand: string;
  /** Value for a "Share in channel" button (omitted when absent or too long). */
  shareValue?: string;
}
