/**
 * Collection benchmark (issue 4, "Performance"): `collectSnapshot` against local stand-ins for the
 * EC2 Query API, the EKS REST-JSON API and the Kubernetes API (127.0.0.1 only), each call answered
 * after 20 ms, with realistic page sizes (EC2 MaxResults as the collector asks, Kubernetes limit
 * 500), serving the engine benchmark's deterministic 5,000-pod cluster (bench/generate.ts).
 * Reports API calls and wall time (target < 3 s); the last line printed is one JSON object.
 *
 * Run: npm run bench:collect
 */
import { clearCollectionCache, collectSnapshot } from '../src/collect/index';
import { generateCluster } from './generate';
import { startCloud } from './stand-ins';

const LATENCY_MS = 20;
/** `--trace`: print when each stand-in call arrived and was answered. */
const TRACE = process.argv.includes('--trace');
const trace: string[] = [];
let traceStart = 0;
const TARGET_MS = 3000;

async function main(): Promise<void> {
  const cluster = generateCluster();
  const clusterName: string = (cluster.documents.find((d) => d.file === 'eks/cluster.json')!.doc as { cluster: { name: string } }).cluster.name;
  const cloud = await startCloud(cluster, LATENCY_MS, { trace: TRACE ? (l) => trace.push(l) : undefined, start: () => traceStart });
  Object.assign(process.env, cloud.env);
  const { ec2: ec2Count, eks: eksCount, kube: kubeCount } = cloud.counts;

  const runs: number[] = [];
  let last;
  for (let i = 0; i < 3; i++) {
    clearCollectionCache();
    cloud.resetCounts();
    const t0 = performance.now();
    traceStart = t0;
    trace.length = 0;
    last = await collectSnapshot({ name: clusterName, region: 'us-east-1' }, { fresh: true });
    runs.push(performance.now() - t0);
  }
  await cloud.close();
  if (TRACE) console.log(trace.join('\n'));

  const snap = last!.snapshot;
  const apiCalls = ec2Count.calls + eksCount.calls + kubeCount.calls;
  // The first run includes loading and JIT-compiling the SDK and client (a cold Lambda); later ones are warm.
  const coldMs = Math.round(runs[0]!);
  const warmMs = Math.round(Math.min(...runs.slice(1)));
  console.log(`collected ${snap.k8s.pods.length} pods, ${snap.aws.networkInterfaces.length} ENIs, ${snap.aws.securityGroups.length} security groups`);
  console.log(`API calls per collection: ${apiCalls} (EC2 ${ec2Count.calls}, EKS ${eksCount.calls}, Kubernetes ${kubeCount.calls}); ${LATENCY_MS} ms each`);
  console.log(`  EC2: ${JSON.stringify(ec2Count.byOp)}`);
  console.log(`  Kubernetes: ${JSON.stringify(kubeCount.byOp)}`);
  console.log(`wall time: cold ${coldMs} ms, warm ${warmMs} ms (runs ${runs.map((r) => Math.round(r)).join(' / ')}; target < ${TARGET_MS} ms)`);
  if (snap.collection.missing.length > 0) console.log(`missing: ${JSON.stringify(snap.collection.missing)}`);
  console.log(
    JSON.stringify({
      bench: 'collect',
      pods: snap.k8s.pods.length,
      apiCalls,
      ec2Calls: ec2Count.calls,
      eksCalls: eksCount.calls,
      kubeCalls: kubeCount.calls,
      latencyMs: LATENCY_MS,
      wallMs: coldMs,
      warmWallMs: warmMs,
      runsMs: runs.map((r) => Math.round(r)),
      targetMs: TARGET_MS,
      withinTarget: coldMs < TARGET_MS,
      missing: snap.collection.missing.length,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
