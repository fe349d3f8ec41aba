import {
  ConditionalCheckFailedException,
  CreateTableCommand,
  DeleteItemCommand,
  DescribeTableCommand,
  DynamoDBClient,
  GetItemCommand,
  QueryCommand,
  ResourceInUseException,
  UpdateContinuousBackupsCommand,
  UpdateItemCommand,
  UpdateTimeToLiveCommand,
  type AttributeValue,
} from '@aws-sdk/client-dynamodb';
import type { S3Client } from '@aws-sdk/client-s3';
import { awsRequestHandler } from '../util/aws-http';
import { checkDocumentKey, checkKey, isLive, nowSeconds, type PutOptions, type QueryOptions, type StateStore, type StoredRecord } from './types';

const TIMEOUT_MS = 5_000;

export interface AwsStateStoreOptions {
  bucket: string;
  table: string;
  env?: NodeJS.ProcessEnv;
  now?: () => number;
}

type Item = Record<string, AttributeValue>;
type S3Sdk = typeof import('@aws-sdk/client-s3');

function toRecord<T>(item: Item): StoredRecord<T> {
  const record: StoredRecord<T> = {
    pk: item.pk!.S!,
    sk: item.sk!.S!,
    version: Number(item.version?.N ?? '0'),
    data: JSON.parse(item.data?.S ?? 'null') as T,
  };
  if (item.expiresAt?.N !== undefined) record.expiresAt = Number(item.expiresAt.N);
  return record;
}

function errorName(err: unknown): string {
  return (err as { name?: string })?.name ?? '';
}

/**
 * The AWS store: records in one DynamoDB table (partition key `pk`, sort key `sk`, TTL attribute
 * `expiresAt`) and documents in one S3 bucket. Conditions are DynamoDB condition expressions — a failed one
 * throws ConditionalCheckFailedException and writes nothing
 * (https://docs.aws.amazon.com/amazondynamodb/latest/APIReference/API_PutItem.html). S3 keys are written
 * once and never rewritten, so nothing depends on S3 conditional writes. TTL deletes "within a few days",
 * so expired items still come back from reads: every read filters them
 * (https://docs.aws.amazon.com/amazondynamodb/latest/developerguide/TTL.html).
 */
export class AwsStateStore implements StateStore {
  readonly dynamo: DynamoDBClient;
  private readonly bucket: string;
  private readonly table: string;
  private readonly now: () => number;
  private readonly env: NodeJS.ProcessEnv;
  private s3Loaded?: Promise<{ sdk: S3Sdk; client: S3Client }>;

  constructor(options: AwsStateStoreOptions) {
    this.env = options.env ?? process.env;
    this.bucket = options.bucket;
    this.table = options.table;
    this.now = options.now ?? Date.now;
    this.dynamo = new DynamoDBClient({ requestHandler: awsRequestHandler(TIMEOUT_MS) });
  }

  /**
   * The S3 client and its commands, loaded on the first document call: records (claims, the Slack replay guard)
   * need DynamoDB only, so a cold start that touches no document does not load the S3 client.
   */
  private s3(): Promise<{ sdk: S3Sdk; client: S3Client }> {
    this.s3Loaded ??= import('@aws-sdk/client-s3').then((sdk) => ({
      sdk,
      // Local S3 stand-ins (and custom endpoints generally) serve path-style URLs only.
      client: new sdk.S3Client({ requestHandler: awsRequestHandler(TIMEOUT_MS), forcePathStyle: Boolean(this.env.AWS_ENDPOINT_URL_S3 || this.env.AWS_ENDPOINT_URL) }),
    }));
    return this.s3Loaded;
  }

  describe(): string {
    return `S3 bucket ${this.bucket} and DynamoDB table ${this.table}`;
  }

  async init(): Promise<string[]> {
    const done: string[] = [];
    try {
      await this.dynamo.send(
        new CreateTableCommand({
          TableName: this.table,
          AttributeDefinitions: [
            { AttributeName: 'pk', AttributeType: 'S' },
            { AttributeName: 'sk', AttributeType: 'S' },
          ],
          KeySchema: [
            { AttributeName: 'pk', KeyType: 'HASH' },
            { AttributeName: 'sk', KeyType: 'RANGE' },
          ],
          BillingMode: 'PAY_PER_REQUEST',
          SSESpecification: { Enabled: true },
        }),
      );
      done.push(`created table ${this.table}`);
    } catch (err) {
      if (!(err instanceof ResourceInUseException || errorName(err) === 'ResourceInUseException')) throw err;
      done.push(`table ${this.table} exists`);
    }
    for (let i = 0; i < 60; i++) {
      const t = await this.dynamo.send(new DescribeTableCommand({ TableName: this.table }));
      if (t.Table?.TableStatus === 'ACTIVE') break;
      await new Promise((r) => setTimeout(r, 1000));
    }
    await this.optional(done, 'time to live on expiresAt', () =>
      this.dynamo.send(new UpdateTimeToLiveCommand({ TableName: this.table, TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true } })),
    );
    await this.optional(done, 'point-in-time recovery', () =>
      this.dynamo.send(
        new UpdateContinuousBackupsCommand({ TableName: this.table, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } }),
      ),
    );
    const { sdk, client: s3 } = await this.s3();
    const { CreateBucketCommand, PutBucketEncryptionCommand, PutBucketVersioningCommand, PutPublicAccessBlockCommand } = sdk;
    try {
      await s3.send(new CreateBucketCommand({ Bucket: this.bucket }));
      done.push(`created bucket ${this.bucket}`);
    } catch (err) {
      if (!['BucketAlreadyOwnedByYou', 'BucketAlreadyExists'].includes(errorName(err))) throw err;
      done.push(`bucket ${this.bucket} exists`);
    }
    await this.optional(done, 'bucket versioning', () =>
      s3.send(new PutBucketVersioningCommand({ Bucket: this.bucket, VersioningConfiguration: { Status: 'Enabled' } })),
    );
    await this.optional(done, 'bucket public access block', () =>
      s3.send(
        new PutPublicAccessBlockCommand({
          Bucket: this.bucket,
          PublicAccessBlockConfiguration: { BlockPublicAcls: true, IgnorePublicAcls: true, BlockPublicPolicy: true, RestrictPublicBuckets: true },
        }),
      ),
    );
    await this.optional(done, 'bucket default encryption', () =>
      s3.send(
        new PutBucketEncryptionCommand({
          Bucket: this.bucket,
          ServerSideEncryptionConfiguration: { Rules: [{ ApplyServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
        }),
      ),
    );
    return done;
  }

  /** Settings some endpoints (local stand-ins) do not implement: reported, not fatal. */
  private async optional(done: string[], what: string, fn: () => Promise<unknown>): Promise<void> {
    try {
      await fn();
      done.push(`${what}: on`);
    } catch (err) {
      done.push(`${what}: not set (${errorName(err) || 'error'}: ${(err as Error).message.split('\n')[0]})`);
    }
  }

  async getRecord<T>(pk: string, sk: string): Promise<StoredRecord<T> | undefined> {
    const out = await this.dynamo.send(
      new GetItemCommand({ TableName: this.table, Key: { pk: { S: checkKey('partition', pk) }, sk: { S: checkKey('sort', sk) } }, ConsistentRead: true }),
    );
    if (!out.Item) return undefined;
    const record = toRecord<T>(out.Item);
    return isLive(record, this.now()) ? record : undefined;
  }

  async putRecord<T>(pk: string, sk: string, data: T, options: PutOptions = {}): Promise<StoredRecord<T> | undefined> {
    const now = nowSeconds(this.now());
    const names: Record<string, string> = { '#v': 'version', '#d': 'data', '#e': 'expiresAt' };
    const values: Item = { ':zero': { N: '0' }, ':one': { N: '1' }, ':d': { S: JSON.stringify(data ?? null) } };
    let update = 'SET #v = if_not_exists(#v, :zero) + :one, #d = :d';
    if (options.ttlSeconds !== undefined) {
      update += ', #e = :e';
      values[':e'] = { N: String(now + options.ttlSeconds) };
    } else {
      update += ' REMOVE #e';
    }
    const conditions: string[] = [];
    if (options.ifAbsent || options.ifVersion !== undefined) values[':now'] = { N: String(now) };
    if (options.ifAbsent) conditions.push('(attribute_not_exists(#v) OR #e <= :now)');
    if (options.ifVersion !== undefined) {
      conditions.push('(#v = :expected AND (attribute_not_exists(#e) OR #e > :now))');
      values[':expected'] = { N: String(options.ifVersion) };
    }
    try {
      const out = await this.dynamo.send(
        new UpdateItemCommand({
          TableName: this.table,
          Key: { pk: { S: checkKey('partition', pk) }, sk: { S: checkKey('sort', sk) } },
          UpdateExpression: update,
          ConditionExpression: conditions.length ? conditions.join(' AND ') : undefined,
          ExpressionAttributeNames: names,
          ExpressionAttributeValues: values,
          ReturnValues: 'ALL_NEW',
        }),
      );
      return toRecord<T>(out.Attributes!);
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || errorName(err) === 'ConditionalCheckFailedException') return undefined;
      throw err;
    }
  }

  async deleteRecord(pk: string, sk: string, options: { ifVersion?: number } = {}): Promise<boolean> {
    try {
      await this.dynamo.send(
        new DeleteItemCommand({
          TableName: this.table,
          Key: { pk: { S: checkKey('partition', pk) }, sk: { S: checkKey('sort', sk) } },
          ...(options.ifVersion !== undefined
            ? {
                ConditionExpression: '#v = :expected AND (attribute_not_exists(#e) OR #e > :now)',
                ExpressionAttributeNames: { '#v': 'version', '#e': 'expiresAt' },
                ExpressionAttributeValues: { ':expected': { N: String(options.ifVersion) }, ':now': { N: String(nowSeconds(this.now())) } },
              }
            : {}),
        }),
      );
      return true;
    } catch (err) {
      if (err instanceof ConditionalCheckFailedException || errorName(err) === 'ConditionalCheckFailedException') return false;
      throw err;
    }
  }

  async queryRecords<T>(pk: string, options: QueryOptions = {}): Promise<StoredRecord<T>[]> {
    const values: Item = { ':pk': { S: checkKey('partition', pk) } };
    let key = 'pk = :pk';
    if (options.prefix !== undefined && options.prefix !== '') {
      key += ' AND begins_with(sk, :p)';
      values[':p'] = { S: options.prefix };
    } else if (options.from !== undefined) {
      key += ' AND sk >= :f';
      values[':f'] = { S: options.from };
    }
    const out: StoredRecord<T>[] = [];
    let start: Item | undefined;
    do {
      const page = await this.dynamo.send(
        new QueryCommand({
          TableName: this.table,
          KeyConditionExpression: key,
          ExpressionAttributeValues: values,
          ScanIndexForward: !options.newestFirst,
          ConsistentRead: true,
          ExclusiveStartKey: start,
        }),
      );
      for (const item of page.Items ?? []) {
        const record = toRecord<T>(item);
        if (!isLive(record, this.now())) continue;
        if (options.from !== undefined && record.sk < options.from) continue;
        out.push(record);
        if (options.limit !== undefined && out.length >= options.limit) return out;
      }
      start = page.LastEvaluatedKey;
    } while (start);
    return out;
  }

  async putDocument(key: string, body: string): Promise<void> {
    const { sdk, client } = await this.s3();
    const { PutObjectCommand } = sdk;
    await client.send(
      new PutObjectCommand({ Bucket: this.bucket, Key: checkDocumentKey(key), Body: body, ContentType: 'application/json', ServerSideEncryption: 'AES256' }),
    );
  }

  async getDocument(key: string): Promise<string | undefined> {
    const { sdk, client } = await this.s3();
    const { GetObjectCommand, NoSuchKey } = sdk;
    try {
      const out = await client.send(new GetObjectCommand({ Bucket: this.bucket, Key: checkDocumentKey(key) }));
      return await out.Body!.transformToString('utf8');
    } catch (err) {
      if (err instanceof NoSuchKey || ['NoSuchKey', 'NotFound'].includes(errorName(err))) return undefined;
      throw err;
    }
  }

  async listDocuments(prefix: string): Promise<string[]> {
    const { sdk, client } = await this.s3();
    const { ListObjectsV2Command } = sdk;
    const keys: string[] = [];
    let token: string | undefined;
    do {
      const page = await client.send(new ListObjectsV2Command({ Bucket: this.bucket, Prefix: prefix, ContinuationToken: token }));
      for (const o of page.Contents ?? []) if (o.Key) keys.push(o.Key);
      token = page.IsTruncated ? page.NextContinuationToken : undefined;
    } while (token);
    return keys.sort();
  }
}
