// Digest benchmark (issue 8): the engine benchmark's 5,000-pod cluster (bench/generate.ts) from the state
// store to posted messages. The baseline is stored as `eksnet baseline save` stores it (local state
// directory); the current state is the same cluster with 40 changes (one critical); Slack is a local HTTP
// stand-in. Each step runs in a fresh Node process (as a Lambda invocation may): the first digest (alert +
// digest, everything new), the next day's digest (still open), and accepting one change into the baseline.
// Prints wall time and peak RSS per step, then one JSON line.
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { snapshotDocuments } from '../src/baseline/documents';
import { saveStoredBaseline } from '../src/state/baselines';
import { LocalStateStore } from '../src/state/local';
import { loadSnapshot } from '../src/snapshot/load';
import { generateCluster, writeCluster } from './generate';

interface Step {
  step: string;
  ms: number;
  maxRssMiB: number;
  detail: unknown;
}

/** The cluster after 40 changes: 30 security group rules (one SSH from the internet), 10 NetworkPolicies deleted. */
function drifted(): ReturnType<typeof generateCluster> {
  const cluster = generateCluster();
  const sgs = (cluster.documents.find((d) => d.file === 'aws/security-groups.json')!.doc as { SecurityGroups: any[] }).SecurityGroups;
  sgs[0].IpPermissions.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] });
  for (let i = 1; i < 30; i++) sgs[i].IpPermissions.push({ IpProtocol: 'tcp', FromPort: 30000 + i, ToPort: 30000 + i, IpRanges: [{ CidrIp: '10.0.0.0/16' }] });
  const policies = (cluster.documents.find((d) => d.file === 'k8s/networkpolicies.json')!.doc as { items: unknown[] }).items;
  policies.splice(0, 10);
  return cluster;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-digest-bench-'));
  const posts: number[] = [];
  const slack = createServer((req, res) => {
    let size = 0;
    req.on('data', (c: Buffer) => (size += c.length));
    req.on('end', () => {
      if (req.url?.includes('chat.postMessage')) posts.push(size);
      res.writeHead(200, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ ok: true, ts: `1700000000.${String(posts.length).padStart(6, '0')}` }));
    });
  });
  await new Promise<void>((r) => slack.listen(0, '127.0.0.1', () => r()));
  try {
    const baseDir = path.join(dir, 'baseline');
    const currentDir = path.join(dir, 'current');
    const stateDir = path.join(dir, 'state');
    const base = generateCluster();
    writeCluster(baseDir, base);
    writeCluster(currentDir, drifted());
    const store = new LocalStateStore(stateDir);
    const snap = await loadSnapshot(baseDir);
    const documents = snapshotDocuments(snap, '2026-11-26T06:00:00Z');
    await saveStoredBaseline(store, { cluster: 'bench-5k', documents, savedBy: 'local:bench', collectedAt: '2026-11-26T06:00:00Z' });
    const baselineMiB = JSON.stringify(documents).length / 1024 / 1024;

    const env = {
      PATH: process.env.PATH,
      EKSNET_STATE_DIR: stateDir,
      EKSNET_SNAPSHOT: currentDir,
      SLACK_BOT_TOKEN: 'xoxb-bench-0000',
      SLACK_SIGNING_SECRET: 'bench',
      SLACK_API_URL: `http://127.0.0.1:${(slack.address() as AddressInfo).port}/api/`,
      EKSNET_CONFIG_JSON: JSON.stringify({ clusters: [{ name: 'bench-5k', channel: 'C0BENCH' }], authorization: { approvers: ['U0BENCH'] } }),
      EKSNET_LOG_LEVEL: 'warn',
      AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
    };
    const child = path.join(__dirname, 'digest-bench-child.js');
    const step = async (name: string, time = ''): Promise<Step> => {
      // Async spawn: the Slack stand-in in this process must keep answering.
      const out = await new Promise<string>((resolve, reject) => {
        execFile(process.execPath, [child, name, time], { env, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => (err ? reject(new Error(stderr || String(err))) : resolve(stdout)));
      });
      return JSON.parse(out.trim().split('\n').pop()!) as Step;
    };
    const first = await step('digest', '2026-11-27T07:00:00Z');
    const firstPosts = posts.splice(0);
    const second = await step('digest', '2026-11-28T07:00:00Z');
    const secondPosts = posts.splice(0);
    const accept = await step('accept');

    console.log(`cluster: ${base.counts.pods} pods, ${base.counts.services} Services, ${base.counts.networkPolicies} NetworkPolicies, ${base.counts.securityGroups} security groups / ${base.counts.securityGroupRules} rules; stored baseline ${baselineMiB.toFixed(1)} MiB of JSON`);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} (figures scale with load); store: local state directory; Slack: local HTTP stand-in`);
    console.log(`first digest (40 changes, all new; alert + digest): ${first.ms.toFixed(0)} ms, peak RSS ${first.maxRssMiB.toFixed(0)} MiB, ${firstPosts.length} messages (${firstPosts.map((b) => `${(b / 1024).toFixed(1)} KiB`).join(', ')}) → ${JSON.stringify(first.detail)}`);
    console.log(`next day's digest (still open): ${second.ms.toFixed(0)} ms, peak RSS ${second.maxRssMiB.toFixed(0)} MiB, ${secondPosts.length} message`);
    console.log(`accept one change into the baseline (derive, verify, save v2): ${accept.ms.toFixed(0)} ms, peak RSS ${accept.maxRssMiB.toFixed(0)} MiB → ${JSON.stringify(accept.detail)}`);
    console.log(JSON.stringify({ digestMs: Math.round(first.ms), digestPeakRssMiB: Math.round(first.maxRssMiB), nextDayMs: Math.round(second.ms), acceptMs: Math.round(accept.ms), acceptPeakRssMiB: Math.round(accept.maxRssMiB) }));
  } finally {
    slack.close();
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
