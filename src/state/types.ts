/**
 * The state store (CONTRACT §5): small records with conditional writes (DynamoDB on AWS, JSON files
 * locally) and larger documents (S3 objects on AWS, files locally). Every invocation may run in a fresh
 * process, so anything that must survive — a claim, an approval, a posted digest, a baseline — lives here.
 *
 * Records are addressed by a partition key and a sort key, as in one DynamoDB table
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/data-modeling-foundations.html).
 * Each record carries a version that every write increments; conditional writes compare it
 * (optimistic concurrency), so "exactly once" never depends on a process's memory.
 */
export interface StoredRecord<T = unknown> {
  pk: string;
  sk: string;
  /** 1 for a new record, incremented by every write. */
  version: number;
  data: T;
  /** Epoch seconds after which the record counts as absent (DynamoDB TTL attribute `expiresAt`). */
  expiresAt?: number;
}

export interface PutOptions {
  /** Write only when no live (unexpired) record holds the key. */
  ifAbsent?: boolean;
  /** Write only when the record's current version is this one. */
  ifVersion?: number;
  /** The record expires this many seconds from now (a TTL; expired records read as absent). */
  ttlSeconds?: number;
}

export interface QueryOptions {
  /** Only sort keys that start with this. */
  prefix?: string;
  /** Only sort keys >= this (e.g. an ISO timestamp). */
  from?: string;
  /** Descending sort-key order (newest first for time-ordered keys). */
  newestFirst?: boolean;
  limit?: number;
}

export interface StateStore {
  /** One line for logs and `eksnet state` output: where the state lives (never a secret). */
  describe(): string;
  getRecord<T>(pk: string, sk: string): Promise<StoredRecord<T> | undefined>;
  /** The record written, or undefined when a condition failed (nothing was written). */
  putRecord<T>(pk: string, sk: string, data: T, options?: PutOptions): Promise<StoredRecord<T> | undefined>;
  /** False when `ifVersion` did not match (nothing was deleted). Deleting an absent record is true. */
  deleteRecord(pk: string, sk: string, options?: { ifVersion?: number }): Promise<boolean>;
  /** Live records of one partition, in sort-key order. */
  queryRecords<T>(pk: string, options?: QueryOptions): Promise<StoredRecord<T>[]>;
  /** Documents: write them under keys that are never rewritten (S3 here has no conditional writes we rely on). */
  putDocument(key: string, body: string): Promise<void>;
  getDocument(key: string): Promise<string | undefined>;
  /** Keys under a prefix, sorted. */
  listDocuments(prefix: string): Promise<string[]>;
  /** Create what the store needs when missing (bucket, table, directory); safe to repeat. */
  init(): Promise<string[]>;
}

/** A condition that failed because another writer got there first. */
export class ConditionFailedError extends Error {
  override readonly name = 'ConditionFailedError';
}

export function nowSeconds(now: number = Date.now()): number {
  return Math.floor(now / 1000);
}

export function isLive(record: { expiresAt?: number }, now: number = Date.now()): boolean {
  return record.expiresAt === undefined || record.expiresAt > nowSeconds(now);
}

/** Keys may not be empty, nor hold control characters; document keys are relative paths without `..`. */
export function checkKey(kind: string, key: string): string {
  if (typeof key !== 'string' || key.length === 0 || key.length > 1024 || /[\u0000-\u001f\u007f]/.test(key)) {
    throw new Error(`state ${kind} key ${JSON.stringify(key)} is not valid`);
  }
  return key;
}

export function checkDocumentKey(key: string): string {
  checkKey('document', key);
  const parts = key.split('/');
  if (key.startsWith('/') || parts.some((p) => p === '' || p === '.' || p === '..')) {
    throw new Error(`state document key ${JSON.stringify(key)} must be a relative path without empty, "." or ".." parts`);
  }
  return key;
}
