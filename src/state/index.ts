import { defaultStateDir, LocalStateStore } from './local';
import type { StateStore } from './types';

export type { StateStore, StoredRecord, PutOptions, QueryOptions } from './types';

/**
 * The store CONTRACT §5 names: S3 + DynamoDB when EKSNET_STATE_BUCKET and EKSNET_STATE_TABLE are set,
 * else the local directory EKSNET_STATE_DIR (default ~/.eksnet).
 */
export function openStateStore(env: NodeJS.ProcessEnv = process.env): StateStore {
  if (env.EKSNET_STATE_BUCKET || env.EKSNET_STATE_TABLE) {
    if (!env.EKSNET_STATE_BUCKET || !env.EKSNET_STATE_TABLE) {
      throw new Error('state: set both EKSNET_STATE_BUCKET and EKSNET_STATE_TABLE (or neither, for the local directory)');
    }
    // The AWS implementation is loaded only where it is configured, so local runs never load its SDK clients.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { AwsStateStore } = require('./aws') as typeof import('./aws');
    return new AwsStateStore({ bucket: env.EKSNET_STATE_BUCKET, table: env.EKSNET_STATE_TABLE, env });
  }
  return new LocalStateStore(defaultStateDir(env));
}
