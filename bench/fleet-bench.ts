/**
 * Fleet benchmark (issue 14): CLUSTERS clusters (default 200) of the engine benchmark's 5,000-pod size
 * through the jobs fan-out — the dispatcher puts one message per cluster on the queue, CONSUMERS consumers
 * (default 20, the event source's maximumConcurrency on Lambda) take them — against local stand-ins for EC2,
 * EKS, Kubernetes and Slack (127.0.0.1, 20 ms per call). Every cluster's daily drift digest is compared with
 * a baseline of the same generated cluster. Reports wall time, messages, posts per channel (each cluster
 * must be posted exactly once: nothing lost, nothing twice) and peak RSS; the last line is one JSON object.
 *
 * Here all consumers share one Node process (one event loop, this machine's cores); on Lambda each is its
 * own sandbox, so the wall time here is an upper bound set by CPU, not by the fan-out.
 *
 *   npm run bench:fleet                                  # 200 clusters x 5,000 pods, 20 consumers
 *   npm run bench:fleet -- --clusters 40 --consumers 20 --small   # a quicker run on 40-pod clusters
 */
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { runScheduledJob } from '../jobs/local';
import { MemoryQueue } from '../jobs/queue';
import { slackPoster } from '../src/scheduled/slack-post';
import { openStateStore } from '../src/state';
import { snapshotDocuments } from '../src/baseline/documents';
import { loadSnapshot } from '../src/snapshot/load';
import { saveStoredBaseline } from '../src/state/baselines';
import { setLogSink } from '../src/util/log';
import { generateCluster, writeCluster } from './generate';
import { startCloud, startSlack } from './stand-ins';

const LATENCY_MS = 20;

function arg(name: string, fallback: number): number {
  const at = process.argv.indexOf(name);
  const v = at >= 0 ? Number(process.argv[at + 1]) : fallback;
  if (!Number.isInteger(v) || v < 1) throw new Error(`${name} must be a whole number from 1`);
  return v;
}

async function main(): Promise<void> {
  const clusters = arg('--clusters', 200);
  const consumers = arg('--consumers', 20);
  const small = process.argv.includes('--small');
  const cluster = small
    ? generateCluster({ namespaces: 2, podsPerNamespace: 20, servicesPerNamespace: 2, policiesPerNamespace: 2, nodes: 4, securityGroups: 8, securityGroupRules: 30, subnets: 9 })
    : generateCluster();
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-fleet-bench-'));
  const baseline = path.join(dir, 'baseline');
  writeCluster(baseline, cluster);
  const cloud = await startCloud(cluster, LATENCY_MS);
  const slack = await startSlack(LATENCY_MS);
  const names = Array.from({ length: clusters }, (_, i) => `fleet-${String(i + 1).padStart(3, '0')}`);
  Object.assign(process.env, cloud.env, {
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SLACK_BOT_TOKEN: 'xoxb-bench-0000',
    SLACK_API_URL: slack.apiUrl,
    EKSNET_STATE_DIR: path.join(dir, 'state'),
    EKSNET_CONFIG_JSON: JSON.stringify({ clusters: names.map((name) => ({ name, region: 'us-east-1', channel: `C${name.replace('-', '').toUpperCase()}` })) }),
  });
  delete process.env.EKSNET_SNAPSHOT;
  // Each cluster's stored baseline: the generated cluster as collected (a quiet day's line for each).
  const store = openStateStore(process.env);
  const documents = snapshotDocuments(await loadSnapshot(baseline), '2026-11-30T06:00:00Z');
  for (const name of names) await saveStoredBaseline(store, { cluster: name, documents, savedBy: 'bench', collectedAt: '2026-11-30T06:00:00Z' });
  const errors: string[] = [];
  setLogSink((line) => {
    if (line.includes('"level":"error"')) errors.push(line);
  });

  const queue = new MemoryQueue();
  const post = await slackPoster(process.env);
  const t0 = performance.now();
  const summary = await runScheduledJob({ job: 'drift-digest', scheduledTime: new Date().toISOString() }, process.env, post, store, { concurrency: consumers, queue });
  const wallMs = performance.now() - t0;
  await cloud.close();
  await slack.close();

  const perChannel = new Map<string, number>();
  for (const p of slack.posts) perChannel.set(p.channel, (perChannel.get(p.channel) ?? 0) + 1);
  const postedOnce = [...perChannel.values()].filter((n) => n === 1).length;
  const posted = summary.clusters.filter((c) => c.posted > 0).length;
  const apiCalls = cloud.counts.ec2.calls + cloud.counts.eks.calls + cloud.counts.kube.calls;
  const peakRssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  const pods = (cluster.counts as { pods: number }).pods;
  console.log(`${clusters} clusters of ${pods} pods, ${consumers} consumers, stand-ins answering after ${LATENCY_MS} ms`);
  console.log(`wall time: ${(wallMs / 1000).toFixed(1)} s (${(wallMs / clusters).toFixed(0)} ms per cluster); ${apiCalls} API calls (${Math.round(apiCalls / clusters)} per cluster)`);
  console.log(`outcomes: ${posted} posted of ${clusters}; channels posted exactly once: ${postedOnce} of ${clusters}; posts in all: ${slack.posts.length}`);
  if (errors.length > 0) console.log(`errors logged: ${errors.length}; first: ${errors[0]}`);
  console.log(`peak RSS: ${peakRssMb} MB`);
  console.log(JSON.stringify({ bench: 'fleet', clusters, pods, consumers, latencyMs: LATENCY_MS, wallMs: Math.round(wallMs), apiCalls, posted, postedOnce, posts: slack.posts.length, lost: clusters - perChannel.size, peakRssMb }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
