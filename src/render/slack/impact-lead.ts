import type { Change } from '../../model/result';
import { impactHeadline } from '../impact-lines';
import { escapeMrkdwn, section, truncate } from './limits';
import type { Block } from './types';

/**
 * The line a digest or critical alert leads with: what the changes did to traffic, as the engine found
 * it (nothing when no change moved a flow). `text` is for the notification, `block` for the message.
 */
export function impactLead(changes: Change[]): { text: string; block: Block } | undefined {
  const line = impactHeadline(changes);
  if (!line) return undefined;
  return { text: line, block: section(`:dart: *${escapeMrkdwn(truncate(line, 2500))}*`) };
}
