import { createHash } from 'node:crypto';
import type { SlackMessage } from '../render/slack/types';
import { describeError, log } from '../util/log';
import type { StateStore } from '../state/types';
import type { PostMessage } from './slack-post';

/**
 * Messages jobs post go through an outbox in the state store, so nothing is lost and nothing is posted twice:
 *
 * - `enqueue` writes the message (a document) and its record (partition `outbox`, key = the message's
 *   deterministic key) with a conditional write: a retried run enqueues nothing new.
 * - `deliver` takes a short lease on the record (conditional write), posts, and marks it sent; a failed
 *   post leaves it pending — each message on its own, so one message getting through never drops another.
 * - `flush` (at the start of every job run) delivers whatever earlier runs could not.
 *
 * The one window left: a process that dies after Slack accepted a post and before it is marked sent; the
 * lease then expires and the next run posts it again (Slack's chat.postMessage has no idempotency key).
 */
export interface OutboxRecord {
  key: string;
  channel: string;
  /** Document key of the message body. */
  body: string;
  createdAt: string;
  status: 'pending' | 'sending' | 'sent' | 'failed';
  attempts: number;
  leaseUntil?: string;
  lastError?: string;
  sentAt?: string;
  ts?: string;
}

const PARTITION = 'outbox';
const LEASE_MS = 5 * 60_000;
/** Sent messages are remembered this long (a redelivered event within it finds them sent). */
const SENT_TTL_SECONDS = 14 * 24 * 3600;
/** After this many failed deliveries (e.g. a channel that no longer exists) a message stops being retried. */
const MAX_ATTEMPTS = 48;

export type Delivery = 'sent' | 'already-sent' | 'busy' | 'pending' | 'failed';

export class Outbox {
  constructor(
    private readonly store: StateStore,
    private readonly post: PostMessage,
    private readonly now: () => Date = () => new Date(),
  ) {}

  /** Queue a message under its key; false when that key was queued before (by this run or an earlier attempt). */
  async enqueue(key: string, channel: string, message: SlackMessage): Promise<boolean> {
    if (await this.store.getRecord(PARTITION, key)) return false;
    const body = `outbox/${createHash('sha256').update(key).digest('hex')}.json`;
    await this.store.putDocument(body, JSON.stringify(message));
    const record: OutboxRecord = { key, channel, body, createdAt: this.now().toISOString(), status: 'pending', attempts: 0 };
    return (await this.store.putRecord(PARTITION, key, record, { ifAbsent: true })) !== undefined;
  }

  async get(key: string): Promise<OutboxRecord | undefined> {
    return (await this.store.getRecord<OutboxRecord>(PARTITION, key))?.data;
  }

  /** Deliver one queued message (at most once across concurrent runs). */
  async deliver(key: string): Promise<Delivery> {
    const current = await this.store.getRecord<OutboxRecord>(PARTITION, key);
    if (!current) return 'failed';
    const r = current.data;
    if (r.status === 'sent') return 'already-sent';
    if (r.status === 'failed') return 'failed';
    const t = this.now();
    if (r.status === 'sending' && r.leaseUntil && Date.parse(r.leaseUntil) > t.getTime()) return 'busy';
    const leased = await this.store.putRecord<OutboxRecord>(PARTITION, key, { ...r, status: 'sending', leaseUntil: new Date(t.getTime() + LEASE_MS).toISOString() }, { ifVersion: current.version });
    if (!leased) return 'busy';
    const body = await this.store.getDocument(r.body);
    if (body === undefined) {
      await this.store.putRecord<OutboxRecord>(PARTITION, key, { ...r, status: 'failed', lastError: 'message body missing from the store' }, { ifVersion: leased.version });
      return 'failed';
    }
    try {
      const { ts } = await this.post(r.channel, JSON.parse(body) as SlackMessage);
      await this.store.putRecord<OutboxRecord>(PARTITION, key, { ...r, status: 'sent', attempts: r.attempts + 1, sentAt: this.now().toISOString(), ...(ts ? { ts } : {}) }, { ifVersion: leased.version, ttlSeconds: SENT_TTL_SECONDS });
      log.info('message delivered', { key, channel: r.channel, attempts: r.attempts + 1 });
      return 'sent';
    } catch (err) {
      const attempts = r.attempts + 1;
      const status = attempts >= MAX_ATTEMPTS ? 'failed' : 'pending';
      const lastError = (err as Error)?.message ?? String(err);
      await this.store.putRecord<OutboxRecord>(PARTITION, key, { ...r, status, attempts, lastError }, { ifVersion: leased.version });
      log.error(status === 'failed' ? 'message given up after repeated failures' : 'message not delivered; kept for the next run', { key, channel: r.channel, attempts, error: describeError(err) });
      return status;
    }
  }

  /** Deliver every message earlier runs left pending (oldest first). */
  async flush(): Promise<{ sent: number; pending: number }> {
    const records = (await this.store.queryRecords<OutboxRecord>(PARTITION)).map((r) => r.data).filter((r) => r.status === 'pending' || r.status === 'sending');
    records.sort((a, b) => a.createdAt.localeCompare(b.createdAt) || a.key.localeCompare(b.key));
    let sent = 0;
    let pending = 0;
    for (const r of records) {
      const outcome = await this.deliver(r.key);
      if (outcome === 'sent') sent++;
      else if (outcome === 'pending') pending++;
    }
    if (records.length) log.info('outbox flushed', { sent, pending });
    return { sent, pending };
  }
}
