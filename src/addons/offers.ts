import { randomBytes } from 'node:crypto';
import type { StateStore, StoredRecord } from '../state/types';
import type { OfferEvidence } from './offer-rules';

/**
 * What an approved offer does:
 * - `update-addon`: UpdateAddon on a managed add-on;
 * - `set-image`: a self-managed kube-proxy/coredns gets the image for the cluster's region and version, written
 *   through the Kubernetes API as `eksctl utils update-kube-proxy|update-coredns --approve` do (read, set the
 *   container's image, replace the DaemonSet/Deployment);
 * - `create-addon`: a self-managed add-on becomes the managed add-on (CreateAddon, resolveConflicts OVERWRITE: the
 *   EKS user guide's migration path, creating-an-add-on.html). Used for the VPC CNI, whose self-managed update is
 *   "kubectl apply" of a whole release manifest, not an image change (vpc-cni-self-managed-update.html).
 */
export type OfferAction = 'update-addon' | 'set-image' | 'create-addon';

export type OfferState = 'open' | 'starting' | 'in-progress' | 'successful' | 'failed' | 'stale';

export interface WorkloadRef {
  kind: 'DaemonSet' | 'Deployment';
  namespace: string;
  name: string;
  container: string;
}

export interface OfferRecord {
  id: string;
  batch: string;
  cluster: string;
  channel: string;
  region?: string;
  addon: string;
  managed: boolean;
  action: OfferAction;
  from: string;
  to: string;
  /** set-image: the image written and the workload it goes to. */
  image?: string;
  workload?: WorkloadRef;
  evidence: OfferEvidence;
  /** Why a newer version than `to` is not offered, when one exists. */
  notOffered?: string;
  createdAt: string;
  expiresAt: string;
  /** Approvals needed (1, or 2 for two-person approval). */
  required: 1 | 2;
  state: OfferState;
  approvals: { user: string; at: string }[];
  /** The Slack message that shows the offer (learnt from the first click). */
  message?: { channel: string; ts: string };
  executedBy?: string;
  updateId?: string;
  startedAt?: string;
  endedAt?: string;
  /** The last status seen (EKS update status, add-on status, rollout). */
  status?: string;
  errors?: { code: string; message: string }[];
  followUps?: number;
}

export interface OfferBatchMeta {
  batch: string;
  cluster: string;
  channel: string;
  createdAt: string;
  /** Add-ons with a newer version that is not offered, and why. */
  notes: string[];
}

const partition = (batch: string) => `upgrade-offers#${batch}`;
const OFFER_SK = (id: string) => `offer#${id}`;
/** Records outlive the offer by 30 days, so a late click is told "expired", not "unknown". */
const RETAIN_AFTER_EXPIRY_SECONDS = 30 * 24 * 3600;

/** Offer ids: `<16 hex batch>.<add-on name>`; anything else is not an offer id. */
const ID = /^([0-9a-f]{16})\.([a-z0-9][a-z0-9-]{0,62})$/;

export function newBatchId(): string {
  return randomBytes(8).toString('hex');
}

export function offerId(batch: string, addon: string): string {
  return `${batch}.${addon}`;
}

export function parseOfferId(value: unknown): { batch: string; addon: string } | undefined {
  if (typeof value !== 'string') return undefined;
  const m = ID.exec(value);
  return m ? { batch: m[1]!, addon: m[2]! } : undefined;
}

function ttlFor(expiresAt: string): number {
  return Math.max(60, Math.ceil((Date.parse(expiresAt) - Date.now()) / 1000)) + RETAIN_AFTER_EXPIRY_SECONDS;
}

/** Store a batch (one Slack message) of offers; every write is insert-only. */
export async function saveOfferBatch(store: StateStore, meta: OfferBatchMeta, offers: OfferRecord[]): Promise<void> {
  const ttl = ttlFor(offers[0]?.expiresAt ?? new Date().toISOString());
  for (const o of offers) {
    const written = await store.putRecord(partition(meta.batch), OFFER_SK(o.id), o, { ifAbsent: true, ttlSeconds: ttl });
    if (!written) throw new Error(`offer ${o.id} already exists`);
  }
  await store.putRecord(partition(meta.batch), 'meta', meta, { ifAbsent: true, ttlSeconds: ttl });
}

export async function getOffer(store: StateStore, id: string): Promise<StoredRecord<OfferRecord> | undefined> {
  const parsed = parseOfferId(id);
  if (!parsed) return undefined;
  return store.getRecord<OfferRecord>(partition(parsed.batch), OFFER_SK(id));
}

/**
 * Change an offer only if nobody changed it since `current` was read (optimistic concurrency on the record's
 * version): the new record, or undefined when another click, container or run got there first.
 */
export async function updateOffer(store: StateStore, current: StoredRecord<OfferRecord>, next: OfferRecord): Promise<StoredRecord<OfferRecord> | undefined> {
  return store.putRecord(partition(next.batch), OFFER_SK(next.id), next, { ifVersion: current.version, ttlSeconds: ttlFor(next.expiresAt) });
}

export async function loadBatch(store: StateStore, batch: string): Promise<{ meta?: OfferBatchMeta; offers: OfferRecord[] }> {
  const records = await store.queryRecords<OfferRecord | OfferBatchMeta>(partition(batch));
  const meta = records.find((r) => r.sk === 'meta')?.data as OfferBatchMeta | undefined;
  const offers = records.filter((r) => r.sk.startsWith('offer#')).map((r) => r.data as OfferRecord);
  return { meta, offers };
}

export function isTerminal(state: OfferState): boolean {
  return state === 'successful' || state === 'failed' || state === 'stale';
}
