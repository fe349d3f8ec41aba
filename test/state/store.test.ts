import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { randomUUID } from 'node:crypto';
import { LocalStateStore } from '../../src/state/local';
import { AwsStateStore } from '../../src/state/aws';
import { openStateStore } from '../../src/state';
import { stateStoreContract } from './contract';
import { applyEnv, startLocalAws, type LocalAws } from './local-servers';

stateStoreContract('local directory', async () => {
  let now = Date.now();
  const store = new LocalStateStore(mkdtempSync(path.join(tmpdir(), 'eksnet-state-')), () => now);
  await store.init();
  return { store, setNow: (ms) => (now = ms) };
});

let aws: LocalAws;
let restore: () => void;
beforeAll(async () => {
  aws = await startLocalAws();
  restore = applyEnv(aws.env);
});
afterAll(async () => {
  restore();
  await aws.stop();
});

stateStoreContract('S3 + DynamoDB (dynalite, s3rver)', async () => {
  let now = Date.now();
  // A fresh table and bucket per test: names DynamoDB and S3 accept (3+ characters, lower case for S3).
  const id = randomUUID().slice(0, 8);
  const store = new AwsStateStore({ bucket: `eksnet-${id}`, table: `eksnet-${id}`, env: process.env, now: () => now });
  await store.init();
  return { store, setNow: (ms) => (now = ms) };
});

describe('openStateStore', () => {
  it('uses the local directory unless both AWS variables are set', () => {
    expect(openStateStore({ EKSNET_STATE_DIR: '/tmp/x' }).describe()).toBe('local directory /tmp/x');
    expect(openStateStore({ EKSNET_STATE_BUCKET: 'b', EKSNET_STATE_TABLE: 't' }).describe()).toBe('S3 bucket b and DynamoDB table t');
    expect(() => openStateStore({ EKSNET_STATE_BUCKET: 'b' })).toThrow(/both EKSNET_STATE_BUCKET and EKSNET_STATE_TABLE/);
  });
});
