import { invokeWorkerAsync } from './worker-invoke';

/** An "Upgrade" click, as the slack function hands it to the worker: nothing from the button but the raw value. */
export interface UpgradeClick {
  kind: 'click';
  ref: string;
  /** The button's value as it came (an offer id, or whatever a tampered payload carries), at most 200 characters. */
  offerId: string;
  userId: string;
  channelId?: string;
  messageTs?: string;
  /** When Slack delivered the click. */
  at: string;
}

/** A later worker run following an update that outlasted the previous run. */
export interface UpgradeFollow {
  kind: 'follow';
  ref: string;
  offerId: string;
  run: number;
}

export type UpgradeWork = UpgradeClick | UpgradeFollow;

export interface UpgradeEvent {
  eksnetUpgrade: UpgradeWork;
}

/** Queue upgrade work for the worker function `fn` (src/slack/worker-invoke.ts). */
export async function invokeWorker(work: UpgradeWork, fn: string): Promise<void> {
  const event: UpgradeEvent = { eksnetUpgrade: work };
  await invokeWorkerAsync(event, fn, { ref: work.ref, kind: work.kind });
}
