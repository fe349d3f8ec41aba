// `eksnet jobs run JOB [--cluster C] [--at TIME]` (CONTRACT §2): the scheduled job now, same code, same
// idempotency key as a scheduled run at --at; bad input exit 2 with one line.
import nock from 'nock';
import { snapshotDocuments } from '../../src/baseline/documents';
import { main, type CliIo } from '../../src/cli';
import { saveStoredBaseline } from '../../src/state/baselines';
import { LocalStateStore } from '../../src/state/local';
import { loadSnapshot } from '../../src/snapshot/load';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { BOT_TOKEN, captureLogs, SIGNING_SECRET, SLACK_API, isolateEnv } from '../slack/helpers';
import { DEMO_SNAPSHOT, demoCopy, freshStateDir, openSshToWorld, slackPosts } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'SLACK_SECRETS_SSM_PREFIX', 'EKSNET_STATE_DIR', 'EKSNET_STATE_BUCKET', 'EKSNET_STATE_TABLE'];
const clearEnv = isolateEnv(ENV_KEYS);
let logs: ReturnType<typeof captureLogs>;

async function cli(...argv: string[]): Promise<{ code: number; out: string; err: string }> {
  let out = '';
  let err = '';
  const io: CliIo = { stdout: (t) => void (out += t), stderr: (t) => void (err += t), readStdin: async () => '', env: process.env };
  const code = await main(argv, io);
  return { code, out, err };
}

beforeEach(async () => {
  clearEnv();
  Object.assign(process.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/`, EKSNET_STATE_DIR: freshStateDir() });
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'demo-eks', channel: 'C0PROD' }, { name: 'other', channel: 'C0OTHER' }] });
  const store = new LocalStateStore(process.env.EKSNET_STATE_DIR!);
  const docs = snapshotDocuments(await loadSnapshot(DEMO_SNAPSHOT), '2026-11-26T06:00:00Z');
  await saveStoredBaseline(store, { cluster: 'demo-eks', documents: docs, savedBy: 'local:ci', collectedAt: '2026-11-26T06:00:00Z' });
  process.env.EKSNET_SNAPSHOT = demoCopy(openSshToWorld);
  clearSecretsCache();
  logs = captureLogs(setLogSink);
});
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

describe('eksnet jobs run', () => {
  it('runs the digest for one cluster now; run twice for the same --at it posts once, and --json says so', async () => {
    const posted = slackPosts(SLACK_API);
    const first = await cli('jobs', 'run', 'drift-digest', '--cluster', 'demo-eks', '--at', '2026-11-27T07:00:00Z', '--json');
    expect(first.code).toBe(0);
    expect(JSON.parse(first.out)).toEqual({ job: 'drift-digest', at: '2026-11-27T07:00:00.000Z', clusters: [{ cluster: 'demo-eks', outcome: 'posted', posted: 2 }] });
    expect(posted.map((p) => p.channel)).toEqual(['C0PROD', 'C0PROD']);

    const second = await cli('jobs', 'run', 'drift-digest', '--cluster', 'demo-eks', '--at', '2026-11-27T07:00:00Z');
    expect(second.code).toBe(0);
    expect(second.out).toBe('drift-digest at 2026-11-27T07:00:00.000Z:\n  demo-eks: already done for this time (nothing posted again) — 0 messages delivered\n');
    // A scheduled delivery of the same time (the same key) posts nothing either; a time without a zone is UTC.
    expect((await cli('jobs', 'run', 'drift-digest', '--cluster', 'demo-eks', '--at', '2026-11-27T09:30')).out).toContain('already done');
    expect(posted).toHaveLength(2);
  });

  it('bad input is exit 2 with one line naming it', async () => {
    expect(await cli('jobs', 'run', 'drift-digest', '--at', 'yesterday')).toEqual({ code: 2, out: '', err: 'eksnet: --at "yesterday" is not an ISO 8601 time (e.g. 2026-11-27T07:00:00Z)\n' });
    expect(await cli('jobs', 'run', 'defrag')).toEqual({ code: 2, out: '', err: 'eksnet: unknown job "defrag" (jobs: drift-digest, drift-check, addon-check)\n' });
    expect((await cli('jobs', 'start', 'drift-digest')).err).toBe('eksnet: usage: eksnet jobs run JOB [--cluster C] [--at TIME]\n');
    expect((await cli('jobs', 'run', 'drift-digest', '--cluster', 'nope')).err).toBe('eksnet: cluster nope has no channel in the eksnet configuration (clusters[].channel), so no job reports on it\n');
  });
});
