// A fleet through the fan-out: the dispatcher puts one message per (job, cluster) on the queue, consumers
// collect each cluster from local stand-ins (EC2, EKS, Kubernetes, Slack on 127.0.0.1, 20 ms per call) and
// post its digest. SQS semantics: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html (partial batch
// responses, "at least once" delivery), SendMessageBatch takes at most 10 entries
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/APIReference/API_SendMessageBatch.html).
import { createHash } from 'node:crypto';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { generateCluster, writeCluster } from '../../bench/generate';
import { listen, startCloud, startSlack, urlOf, shut, type CloudStandIns, type SlackStandIn } from '../../bench/stand-ins';
import { consume, deadLetter } from '../../jobs/consumer';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { runScheduledJob } from '../../jobs/local';
import { MemoryQueue, type JobMessage } from '../../jobs/queue';
import { slackPoster } from '../../src/scheduled/slack-post';
import { openStateStore } from '../../src/state';
import { snapshotDocuments } from '../../src/baseline/documents';
import { clearCollectionCache } from '../../src/collect/index';
import { loadSnapshot } from '../../src/snapshot/load';
import { saveStoredBaseline } from '../../src/state/baselines';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { BOT_TOKEN, captureLogs, isolateEnv, SIGNING_SECRET } from '../slack/helpers';

const LATENCY_MS = 20;
const DAY = '2026-12-01T07:00:00Z';
const ENV_KEYS = [
  'SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER',
  'EKSNET_BASELINE_DIR', 'SLACK_SECRETS_SSM_PREFIX', 'EKSNET_HTTP_TIMEOUT_MS', 'EKSNET_STATE_DIR', 'EKSNET_JOBS_QUEUE_URL', 'EKSNET_CLUSTER_DEADLINE_SECONDS', 'EKSNET_JOBS_MAX_RECEIVE_COUNT',
  'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_REGION', 'AWS_EC2_METADATA_DISABLED', 'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE', 'AWS_ENDPOINT_URL_SQS', 'AWS_ENDPOINT_URL_EC2', 'AWS_ENDPOINT_URL_EKS', 'AWS_ENDPOINT_URL_CLOUDTRAIL', 'KUBECONFIG', 'AWS_PROFILE',
];
const clearEnv = isolateEnv(ENV_KEYS);

// A small cluster (40 pods); the 200-cluster, 5,000-pod run is bench/fleet-bench.ts.
const small = generateCluster({ namespaces: 2, podsPerNamespace: 20, servicesPerNamespace: 2, policiesPerNamespace: 2, nodes: 4, securityGroups: 8, securityGroupRules: 30, subnets: 9 });
const baseline = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-fleet-')), 'baseline');
writeCluster(baseline, small);

let cloud: CloudStandIns;
let slack: SlackStandIn;
let logs: ReturnType<typeof captureLogs>;

const names = (n: number) => Array.from({ length: n }, (_, i) => `fleet-${String(i + 1).padStart(2, '0')}`);
const channelOf = (cluster: string) => `C${cluster.toUpperCase().replace(/-/g, '')}`;

/** The clusters in the configuration, each with its stored baseline (the generated cluster as collected). */
async function configure(clusters: string[]): Promise<void> {
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: clusters.map((name) => ({ name, region: 'us-east-1', channel: channelOf(name) })) });
  const documents = snapshotDocuments(await loadSnapshot(baseline), '2026-11-30T06:00:00Z');
  const store = openStateStore(process.env);
  for (const cluster of clusters) await saveStoredBaseline(store, { cluster, documents, savedBy: 'U0ALICE', collectedAt: '2026-11-30T06:00:00Z' });
}

/** Posts per channel. */
function postsByChannel(): Map<string, string[]> {
  const m = new Map<string, string[]>();
  for (const p of slack.posts) m.set(p.channel, [...(m.get(p.channel) ?? []), p.text]);
  return m;
}

beforeAll(async () => {
  cloud = await startCloud(small, LATENCY_MS);
  slack = await startSlack(LATENCY_MS);
});
afterAll(async () => {
  await cloud.close();
  await slack.close();
});
beforeEach(() => {
  clearEnv();
  nock.enableNetConnect('127.0.0.1');
  Object.assign(process.env, cloud.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: slack.apiUrl });
  // Each test its own state store: claims and outbox start empty.
  process.env.EKSNET_STATE_DIR = mkdtempSync(path.join(tmpdir(), 'eksnet-fleet-state-'));
  slack.posts.length = 0;
  cloud.hang.clear();
  cloud.resetCounts();
  clearSecretsCache();
  clearCollectionCache();
  resetJobsHandler();
  logs = captureLogs(setLogSink);
});
afterEach(() => logs.restore());

/** A queue that delivers every message twice, as an SQS standard queue may. */
class TwiceQueue extends MemoryQueue {
  override async send(messages: JobMessage[]): Promise<void> {
    await super.send([...messages, ...messages]);
  }
}

describe('fleet', () => {
  it('20 clusters through the dispatcher and 20 concurrent consumers: every message delivered, each cluster posted once although each message came twice', async () => {
    const clusters = names(20);
    await configure(clusters);
    const post = await slackPoster(process.env);
    const summary = await runScheduledJob({ job: 'drift-digest', scheduledTime: DAY }, process.env, post, openStateStore(process.env), { concurrency: 20, queue: new TwiceQueue() });

    expect(summary.clusters.map((c) => c.cluster)).toEqual(clusters);
    // Each cluster's run went out once: the stand-ins serve the cluster its baseline was saved from, so each
    // digest is a quiet day's one line (digest.quietDays defaults to "line"), and none of them came twice.
    expect(summary.clusters.every((c) => c.outcome === 'quiet' && c.posted === 1)).toBe(true);
    const byChannel = postsByChannel();
    expect([...byChannel.keys()].sort()).toEqual(clusters.map(channelOf).sort());
    for (const c of summary.clusters) {
      const texts = byChannel.get(channelOf(c.cluster))!;
      expect(texts).toHaveLength(c.posted);
      expect(new Set(texts).size).toBe(texts.length);
      for (const t of texts) expect(t).toContain(c.cluster);
    }
    // Each cluster collected once: the duplicate delivery stopped at its claim, before collecting.
    expect(cloud.counts.eks.byOp['/clusters/{name}']).toBe(20);
  }, 180_000);

  it('on Lambda: the dispatcher sends SendMessageBatch of at most 10 to the queue, resends what SQS refused, and the consumer function answers each message once', async () => {
    const clusters = names(12);
    await configure(clusters);
    const held: { id: string; body: string }[] = [];
    const batches: number[] = [];
    let refuseOnce = true;
    const sqs = await listen(5, (req, body) => {
      expect(req.headers['x-amz-target']).toBe('AmazonSQS.SendMessageBatch');
      const input = JSON.parse(body) as { QueueUrl: string; Entries: { Id: string; MessageBody: string }[] };
      batches.push(input.Entries.length);
      const Successful: object[] = [];
      const Failed: object[] = [];
      for (const e of input.Entries) {
        if (refuseOnce) {
          refuseOnce = false;
          Failed.push({ Id: e.Id, SenderFault: false, Code: 'InternalError', Message: 'try again' });
          continue;
        }
        const id = `msg-${held.length + 1}`;
        held.push({ id, body: e.MessageBody });
        Successful.push({ Id: e.Id, MessageId: id, MD5OfMessageBody: createHash('md5').update(e.MessageBody).digest('hex') });
      }
      return { status: 200, type: 'application/x-amz-json-1.0', body: JSON.stringify({ Successful, Failed }) };
    });
    try {
      process.env.EKSNET_JOBS_QUEUE_URL = `${urlOf(sqs)}/111122223333/eksnet-test-jobs`;
      process.env.AWS_ENDPOINT_URL_SQS = urlOf(sqs);
      const summary = await handler({ job: 'drift-digest', scheduledTime: DAY, executionId: 'e-1' });
      expect(summary.queued).toEqual(clusters);
      expect(summary.clusters).toEqual([]);
      // 12 messages: 10, the one refused entry alone, then 2.
      expect(batches).toEqual([10, 1, 2]);
      expect(held.map((h) => JSON.parse(h.body).cluster).sort()).toEqual(clusters);
      expect(JSON.parse(held[0]!.body)).toEqual({ job: 'drift-digest', cluster: expect.any(String), scheduledTime: DAY, executionId: 'e-1' });

      // The event source: batches of one, 20 at once, and two messages delivered a second time.
      const deliveries = [...held, held[0]!, held[7]!];
      const answers = await Promise.all(
        Array.from({ length: 20 }, async () => {
          const out: string[] = [];
          for (let d = deliveries.shift(); d; d = deliveries.shift()) {
            const res = await consume({ Records: [{ messageId: d.id, body: d.body, attributes: { ApproximateReceiveCount: '1' } }] }, { getRemainingTimeInMillis: () => 300_000 });
            out.push(...res.batchItemFailures.map((f) => f.itemIdentifier));
          }
          return out;
        }),
      );
      expect(answers.flat()).toEqual([]);
      const byChannel = postsByChannel();
      expect(byChannel.size).toBe(12);
      for (const name of clusters) {
        const texts = byChannel.get(channelOf(name))!;
        expect(texts.length).toBeGreaterThanOrEqual(1);
        expect(new Set(texts).size).toBe(texts.length);
      }
    } finally {
      await shut(sqs);
    }
  }, 180_000);

  it('a cluster whose collection hangs fails alone, by its deadline, with its reason; after its retries the channel hears it once', async () => {
    const clusters = names(3);
    await configure(clusters);
    cloud.hang.add('fleet-02');
    // A call that hangs longer than any per-request timeout (here 60 s): only the deadline ends the run.
    process.env.EKSNET_HTTP_TIMEOUT_MS = '60000';
    process.env.EKSNET_CLUSTER_DEADLINE_SECONDS = '8';
    process.env.EKSNET_JOBS_MAX_RECEIVE_COUNT = '2';
    const post = await slackPoster(process.env);
    const started = performance.now();
    const summary = await runScheduledJob({ job: 'drift-digest', scheduledTime: DAY }, process.env, post, openStateStore(process.env), { concurrency: 3 });
    const wallMs = performance.now() - started;

    expect(summary.clusters.map((c) => [c.cluster, c.outcome])).toEqual([
      ['fleet-01', 'quiet'],
      ['fleet-02', 'failed'],
      ['fleet-03', 'quiet'],
    ]);
    // Two attempts of 8 s each, the other clusters meanwhile: in time, not after the 60 s HTTP timeout.
    expect(wallMs).toBeGreaterThanOrEqual(16_000);
    expect(wallMs).toBeLessThan(50_000);
    const byChannel = postsByChannel();
    for (const c of summary.clusters.filter((x) => x.cluster !== 'fleet-02')) expect(byChannel.get(channelOf(c.cluster))).toHaveLength(c.posted);
    expect(byChannel.get(channelOf('fleet-02'))).toEqual([
      ':x: drift check for fleet-02 failed 2 times; the last attempt: the drift check for fleet-02 did not finish within 8 s. It runs again at its next schedule.',
    ]);
    expect(logs.lines.filter((l) => l.includes('cluster run passed its deadline'))).toHaveLength(2);

    // The hung call answers at last: the abandoned run may not post after its deadline.
    cloud.hang.clear();
    await new Promise((r) => setTimeout(r, 300));
    expect(postsByChannel().get(channelOf('fleet-02'))).toHaveLength(1);
  }, 120_000);

  it('the dead-letter function posts once for a message SQS delivers to it twice', async () => {
    await configure(['fleet-01']);
    process.env.EKSNET_JOBS_MAX_RECEIVE_COUNT = '3';
    const body = JSON.stringify({ job: 'drift-digest', cluster: 'fleet-01', scheduledTime: '2026-12-02T07:00:00Z' });
    const first = await deadLetter({ Records: [{ messageId: 'd-1', body }] });
    resetJobsHandler(); // a fresh container: only the durable claim remembers
    const second = await deadLetter({ Records: [{ messageId: 'd-1', body }] });
    expect([first, second]).toEqual([{ batchItemFailures: [] }, { batchItemFailures: [] }]);
    expect(slack.posts).toEqual([{ channel: channelOf('fleet-01'), text: ':x: drift check for fleet-01 failed 3 times. It runs again at its next schedule.' }]);
  });
});
