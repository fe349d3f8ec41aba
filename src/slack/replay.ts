import { claimOnce } from '../state/claims';
import type { StateStore } from '../state/types';
import { REPLAY_WINDOW_SECONDS } from './request';

/**
 * Slack signs `v0:timestamp:body`; a captured request replayed while its timestamp is still accepted would
 * verify again. The first use of a signature claims it in the durable state store (a conditional write, so
 * it holds across Lambda containers) for as long as the signature can verify — five minutes in the past plus
 * the tolerated future skew — and every later use is refused.
 */
export async function firstUseOfSignature(store: StateStore, signature: string): Promise<boolean> {
  return claimOnce(store, `slack-signature/${signature}`, REPLAY_WINDOW_SECONDS);
}
