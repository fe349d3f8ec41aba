/**
 * Engine benchmark (issue 2): a generated 5,000-pod cluster, timed end to end through the same code the
 * CLI runs. Prints a table, then one JSON line: {"loadMs","pairMs","mapMs","batchQps","matrixMs","peakRssMb"}.
 *
 *   npm run bench            # table + JSON line
 *   npm run bench -- --json  # the JSON line only
 *   npm run bench -- --scale 10 --json   # a cluster 10 times larger (issue 14): 50,000 pods, 10,000 Services,
 *                                        # 20,000 NetworkPolicies, 3,000 security groups with 50,000 rules
 *
 * At a scale above 1 the Service matrix (every Service pair: 100 times the work at 10x) is left out unless
 * `--matrix` asks for it; the JSON line then says "matrixMs": null.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { spawnSync } from 'node:child_process';
import { prng } from './generate/random';
import { loadSnapshot } from '../src/snapshot/load';
import { evaluateFlow, reachEngine, reachResult } from '../src/engine/reach';
import { planQuery } from '../src/resolve/flows';
import { servicePods } from '../src/resolve/reference';
import { reachMap } from '../src/engine/reach-map';
import { serviceMatrix } from '../src/engine/matrix';
import { parseBatchLine } from '../commands/whoami-reach';
import { argValue, peakRssMb } from './measure';

const TARGETS = { loadMs: 1500, pairMs: 50, mapMs: 2000, batchQps: 1000, matrixMs: 10000, peakRssMb: 400 };
/** At 10x (issue 14): it must still fit a Lambda. */
const SCALED_TARGETS = { loadMs: 5000, pairMs: 50, mapMs: 5000, batchQps: 1000, matrixMs: Infinity, peakRssMb: 2048 };

async function main(): Promise<void> {
  const jsonOnly = process.argv.includes('--json');
  const scale = Number(argValue('--scale') ?? 1);
  if (!Number.isInteger(scale) || scale < 1) {
    console.error(`--scale must be a whole number from 1 (got ${argValue('--scale')})`);
    process.exitCode = 2;
    return;
  }
  const withMatrix = scale === 1 || process.argv.includes('--matrix');
  const targets = scale === 1 ? TARGETS : SCALED_TARGETS;
  const log = (s: string) => {
    if (!jsonOnly) console.log(s);
  };
  // Generate in a child process, so this process's memory is eksnet's alone.
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-bench-'));
  const gen = spawnSync(process.execPath, [path.join(__dirname, 'generate.js'), dir, '--scale', String(scale)], { stdio: ['ignore', 'ignore', 'inherit'] });
  if (gen.status !== 0) throw new Error('generating the benchmark cluster failed');

  let t = performance.now();
  const snapshot = await loadSnapshot(dir);
  const engine = reachEngine(snapshot);
  const loadMs = performance.now() - t;
  rmSync(dir, { recursive: true, force: true });
  log(`cluster: ${snapshot.k8s.pods.length} pods, ${snapshot.k8s.services.length} services, ${snapshot.k8s.networkPolicies.length} policies, ${snapshot.aws.securityGroups.length} security groups`);

  // Two Services backed by exactly 10 pods each, in different namespaces.
  const tenPod = engine.k8s.services.filter((s) => servicePods(engine.k8s, s).length === 10);
  const first = tenPod[0]!;
  const second = tenPod.find((s) => s.metadata.namespace !== first.metadata.namespace)!;
  const [a, b] = [first, second].map((s) => `${s.metadata.namespace}/${s.metadata.name}`) as [string, string];
  const [aNs, aName] = a.split('/');
  const [bNs, bName] = b.split('/');
  t = performance.now();
  const plan = planQuery(engine, `${aNs}/svc/${aName}`, `${bNs}/svc/${bName}`);
  const pair = reachResult(plan.flows.map((f) => evaluateFlow(engine, f)));
  JSON.stringify(pair);
  const pairMs = performance.now() - t;
  log(`pair ${a} → ${b}: ${pair.flows.length} flows, ${pair.verdict}`);

  t = performance.now();
  const map = reachMap(engine, `${aNs}/svc/${aName}`);
  const mapMs = performance.now() - t;
  log(`reach map of ${a}: ${map.reaches.length} services out, ${map.reachedBy.length} in`);

  // Batch: 10,000 random Service/pod pairs, each answered as --batch --json answers it.
  const rand = prng(42);
  const services = engine.k8s.services;
  const pods = engine.k8s.pods;
  const lines: string[] = [];
  for (let i = 0; i < 10_000; i++) {
    const s = services[Math.floor(rand() * services.length)]!;
    const p = pods[Math.floor(rand() * pods.length)]!;
    const svcRef = `${s.metadata.namespace}/svc/${s.metadata.name}`;
    const podRef = `${p.metadata.namespace}/po/${p.metadata.name}`;
    lines.push(rand() < 0.5 ? `${podRef} ${svcRef}` : `${svcRef} ${podRef} ${p.spec.containers[0]?.ports?.[0]?.containerPort ?? 8080}`);
  }
  t = performance.now();
  let bytes = 0;
  for (const line of lines) {
    const q = parseBatchLine(line);
    const r = reachResult(planQuery(engine, q.from, q.to, q.port).flows.map((f) => evaluateFlow(engine, f)));
    bytes += JSON.stringify(r).length;
  }
  const batchMs = performance.now() - t;
  const batchQps = Math.round((lines.length / batchMs) * 1000);
  log(`  (peak RSS so far ${peakRssMb()} MB)`);
  log(`batch: ${lines.length} queries in ${batchMs.toFixed(0)} ms (${(bytes / 1e6).toFixed(1)} MB of JSON)`);

  let matrixMs: number | null = null;
  if (withMatrix) {
    log(`  (peak RSS so far ${peakRssMb()} MB)`);
    t = performance.now();
    const matrix = serviceMatrix(engine);
    matrixMs = performance.now() - t;
    let reachable = 0;
    for (const c of matrix.cells()) if (c.verdict !== 'denied') reachable++;
    log(`matrix: ${matrix.size} service pairs, ${reachable} reachable`);
  } else log(`matrix: left out at scale ${scale} (--matrix runs it)`);

  const figures = {
    loadMs: Math.round(loadMs),
    pairMs: Math.round(pairMs * 10) / 10,
    mapMs: Math.round(mapMs),
    batchQps,
    matrixMs: matrixMs === null ? null : Math.round(matrixMs),
    peakRssMb: peakRssMb(),
  };
  if (!jsonOnly) {
    console.log('');
    console.log('figure      value     target');
    for (const [k, v] of Object.entries(figures)) {
      if (v === null) continue;
      const target = targets[k as keyof typeof targets];
      const ok = k === 'batchQps' ? v >= target : v <= target;
      console.log(`${k.padEnd(11)} ${String(v).padStart(7)}   ${k === 'batchQps' ? '≥' : '<'} ${target}  ${ok ? 'ok' : 'MISSED'}`);
    }
  }
  console.log(JSON.stringify(figures));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
