/**
 * Fleet benchmark (issue 14): CLUSTERS clusters (default 200) of the engine benchmark's 5,000-pod size
 * through the jobs fan-out — the real dispatcher puts one message per cluster on the queue, and CONSUMERS
 * consumer sandboxes (default 20, the event source's maximumConcurrency on Lambda) take them — against local
 * stand-ins for EC2, EKS, CloudTrail, Kubernetes and Slack (127.0.0.1, 20 ms per call). Every cluster's daily
 * drift digest is compared with a stored baseline of the same generated cluster (a quiet day).
 *
 * Each consumer is a child process running the `jobsConsumer` function's real handler (bench/fleet-sandbox.ts),
 * as each Lambda execution environment is its own process with its own memory; the queue (SQS's rules:
 * redelivery of failed messages, maxReceiveCount, then the dead-letter handler) plays in this process.
 * All the sandboxes share this machine's cores, so the wall time here is bounded by CPU; the per-cluster
 * figures (one sandbox's wall and CPU time per invocation) give the time on Lambda, where each sandbox has
 * its own: about ceil(CLUSTERS / CONSUMERS) invocations one after another.
 *
 * Reports wall time, messages, posts per channel (each cluster must be posted exactly once: nothing lost,
 * nothing twice) and peak RSS; the last line is one JSON object.
 *
 *   npm run bench:fleet                                  # 200 clusters x 5,000 pods, 20 consumers
 *   npm run bench:fleet -- --clusters 40 --consumers 20 --small   # a quicker run on 40-pod clusters
 */
import { fork, type ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import * as path from 'node:path';
import { createInterface } from 'node:readline';
import { dispatch } from '../jobs/dispatch';
import { handleDeadLetters, maxReceiveCount } from '../jobs/dlq';
import { MemoryQueue, type BatchResponse, type QueueEvent } from '../jobs/queue';
import { slackPoster } from '../src/scheduled/slack-post';
import { openStateStore } from '../src/state';
import { snapshotDocuments } from '../src/baseline/documents';
import { loadSnapshot } from '../src/snapshot/load';
import { saveStoredBaseline } from '../src/state/baselines';
import { setLogSink } from '../src/util/log';
import { generateCluster, writeCluster } from './generate';
import type { SandboxReply } from './fleet-sandbox';
import { argValue, median, peakRssMb } from './measure';
import { startCloud, startSlack } from './stand-ins';

const LATENCY_MS = 20;

function arg(name: string, fallback: number): number {
  const v = Number(argValue(name) ?? fallback);
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
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    EKSNET_CONFIG_JSON: JSON.stringify({ clusters: names.map((name) => ({ name, region: 'us-east-1', channel: `C${name.replace('-', '').toUpperCase()}` })) }),
  });
  delete process.env.EKSNET_SNAPSHOT;
  // Each cluster's stored baseline: the generated cluster as collected (a quiet day's line for each).
  const store = openStateStore(process.env);
  const documents = snapshotDocuments(await loadSnapshot(baseline), '2026-11-30T06:00:00Z');
  for (const name of names) await saveStoredBaseline(store, { cluster: name, documents, savedBy: 'bench', collectedAt: '2026-11-30T06:00:00Z' });

  setLogSink((line) => {
    if (line.includes('"level":"error"')) console.error(line);
  });
  const sandboxes = await startSandboxes(consumers, process.env);
  const queue = new MemoryQueue();
  const post = await slackPoster(process.env);
  const t0 = performance.now();
  const dispatched = await dispatch({ job: 'drift-digest', scheduledTime: new Date().toISOString() }, process.env, queue);
  const drained = await queue.drain(sandboxes.invoke, (e) => handleDeadLetters(e, { env: process.env, post, state: store }), {
    concurrency: consumers,
    batchSize: 1,
    maxReceiveCount: maxReceiveCount(process.env),
  });
  const wallMs = performance.now() - t0;
  const sandboxRss = await sandboxes.close();
  await cloud.close();
  await slack.close();
  rmSync(dir, { recursive: true, force: true });

  const perChannel = new Map<string, number>();
  for (const p of slack.posts) perChannel.set(p.channel, (perChannel.get(p.channel) ?? 0) + 1);
  const postedOnce = [...perChannel.values()].filter((n) => n === 1).length;
  const apiCalls = cloud.counts.ec2.calls + cloud.counts.eks.calls + cloud.counts.kube.calls;
  const pods = (cluster.counts as { pods: number }).pods;
  const inv = sandboxes.invocations;
  const perClusterCpuMs = Math.round(median(inv.map((i) => i.cpuMs)));
  const perClusterWallMs = Math.round(median(inv.map((i) => i.wallMs)));
  const warm = inv.filter((i) => !i.first);
  const warmCpuMs = warm.length > 0 ? Math.round(median(warm.map((i) => i.cpuMs))) : null;
  const coldCpuMs = Math.round(median(inv.filter((i) => i.first).map((i) => i.cpuMs)));
  console.log(`${clusters} clusters of ${pods} pods, ${consumers} consumer sandboxes (child processes), stand-ins answering after ${LATENCY_MS} ms`);
  console.log(`queued ${dispatched.queued.length} messages; ${drained.delivered} deliveries, ${drained.deadLettered} dead-lettered`);
  console.log(`wall time: ${(wallMs / 1000).toFixed(1)} s on this machine's ${availableParallelism()} cores; ${apiCalls} API calls (${Math.round(apiCalls / clusters)} per cluster)`);
  console.log(`per cluster (median of ${inv.length} invocations): ${perClusterCpuMs} ms CPU, ${perClusterWallMs} ms wall with ${consumers} sandboxes sharing the cores`);
  console.log(`  CPU of a sandbox's first invocation (cold): ${coldCpuMs} ms; of later ones (warm): ${warmCpuMs ?? '-'} ms`);
  console.log(`outcomes: channels posted: ${perChannel.size} of ${clusters}; posted exactly once: ${postedOnce}; posts in all: ${slack.posts.length}`);
  if (sandboxes.errors.length > 0) console.log(`errors logged: ${sandboxes.errors.length}; first: ${sandboxes.errors[0]}`);
  console.log(`peak RSS: this process ${peakRssMb()} MB, largest sandbox ${sandboxRss} MB`);
  console.log(
    JSON.stringify({
      bench: 'fleet',
      clusters,
      pods,
      consumers,
      latencyMs: LATENCY_MS,
      wallMs: Math.round(wallMs),
      perClusterCpuMs,
      perClusterWallMs,
      coldCpuMs,
      warmCpuMs,
      apiCalls,
      deliveries: drained.delivered,
      deadLettered: drained.deadLettered,
      posted: perChannel.size,
      postedOnce,
      posts: slack.posts.length,
      lost: clusters - perChannel.size,
      peakRssMb: peakRssMb(),
      sandboxPeakRssMb: sandboxRss,
    }),
  );
}

interface Sandboxes {
  /** The consumer the queue drains into: the event goes to a free sandbox. */
  invoke(event: QueueEvent): Promise<BatchResponse>;
  invocations: { wallMs: number; cpuMs: number; first: boolean }[];
  /** Lines the sandboxes logged at level error. */
  errors: string[];
  /** Stop every sandbox; the largest peak RSS among them (MB). */
  close(): Promise<number>;
}

async function startSandboxes(n: number, env: NodeJS.ProcessEnv): Promise<Sandboxes> {
  const errors: string[] = [];
  const invocations: Sandboxes['invocations'] = [];
  const free: ChildProcess[] = [];
  const waiting: ((c: ChildProcess) => void)[] = [];
  const pending = new Map<number, (r: SandboxReply) => void>();
  let seq = 0;
  const children = await Promise.all(
    Array.from({ length: n }, () => {
      const child = fork(path.join(__dirname, 'fleet-sandbox.js'), [], { env, stdio: ['ignore', 'pipe', 'inherit', 'ipc'] });
      createInterface({ input: child.stdout! }).on('line', (line) => {
        if (line.includes('"level":"error"')) errors.push(line);
      });
      child.on('message', (r: SandboxReply) => pending.get(r.id)?.(r));
      // The sandbox's first message says its handler is loaded (a cold start, before any event).
      return new Promise<ChildProcess>((resolve) => child.once('message', () => resolve(child)));
    }),
  );
  free.push(...children);
  const acquire = (): Promise<ChildProcess> => {
    const c = free.pop();
    return c ? Promise.resolve(c) : new Promise((resolve) => waiting.push(resolve));
  };
  const release = (c: ChildProcess) => {
    const w = waiting.shift();
    if (w) w(c);
    else free.push(c);
  };
  return {
    invocations,
    errors,
    async invoke(event) {
      const child = await acquire();
      const id = ++seq;
      try {
        const reply = await new Promise<SandboxReply>((resolve) => {
          pending.set(id, resolve);
          child.send({ id, event });
        });
        pending.delete(id);
        invocations.push({ wallMs: reply.wallMs, cpuMs: reply.cpuMs, first: reply.first });
        if (reply.error) throw new Error(reply.error);
        return { batchItemFailures: reply.batchItemFailures ?? [] };
      } finally {
        release(child);
      }
    },
    async close() {
      const rss = await Promise.all(
        children.map(
          (c) =>
            new Promise<number>((resolve) => {
              c.once('message', (r: { rssMb?: number }) => resolve(r.rssMb ?? 0));
              c.send({ id: -1, exit: true });
            }),
        ),
      );
      return Math.max(0, ...rss);
    },
  };
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
