import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

/**
 * Real local servers that speak the DynamoDB and S3 APIs (dynalite, s3rver — npm packages, no downloads),
 * on loopback, so the AWS state store is tested through the real SDK clients. The environment they return is
 * what a process needs to use them: the SDK's standard endpoint overrides and dummy credentials.
 */
export interface LocalAws {
  env: Record<string, string>;
  stop(): Promise<void>;
}

export async function startLocalAws(names: { bucket?: string; table?: string } = {}): Promise<LocalAws> {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const dynalite = require('dynalite') as (opts: object) => import('node:net').Server;
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const S3rver = require('s3rver') as new (opts: object) => { run(): Promise<AddressInfo>; close(): Promise<void> };
  const dynamo = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve) => dynamo.listen(0, '127.0.0.1', () => resolve()));
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-s3-'));
  const s3 = new S3rver({ port: 0, address: '127.0.0.1', silent: true, directory: dir });
  const s3Address = await s3.run();
  const env = {
    AWS_ENDPOINT_URL_DYNAMODB: `http://127.0.0.1:${(dynamo.address() as AddressInfo).port}`,
    AWS_ENDPOINT_URL_S3: `http://127.0.0.1:${s3Address.port}`,
    AWS_REGION: 'us-east-1',
    AWS_ACCESS_KEY_ID: 'S3RVER',
    AWS_SECRET_ACCESS_KEY: 'S3RVER',
    EKSNET_STATE_BUCKET: names.bucket ?? 'eksnet-state-test',
    EKSNET_STATE_TABLE: names.table ?? 'eksnet-state-test',
  };
  return {
    env,
    async stop() {
      await new Promise<void>((resolve) => dynamo.close(() => resolve()));
      await s3.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Set the variables for this process (the SDK reads endpoint overrides from process.env) and undo them. */
export function applyEnv(env: Record<string, string>): () => void {
  const before = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  Object.assign(process.env, env);
  return () => {
    for (const [k, v] of Object.entries(before)) {
      if (v === undefined) delete process.env[k];
      else process.env[k] = v;
    }
  };
}
