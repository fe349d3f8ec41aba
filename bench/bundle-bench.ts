/**
 * Bundle benchmark (issue 14, "Lean bundles"): `osls package` as for a deployment, then per function the
 * zipped size (what Lambda downloads) and the module init time (require() of its bundle in a fresh Node
 * process: what every cold start pays before the handler runs), median of BENCH_RUNS (default 5).
 * Targets on this machine: slack < 2 MB zipped and < 250 ms init; every other function < 5 MB zipped.
 * The last line printed is one JSON object.
 *
 * Run: npm run bench:bundles
 */
import { spawnSync } from 'node:child_process';
import { statSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import * as path from 'node:path';
import { packageService, ROOT } from './package';
import { median } from './measure';

const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const MB = 1024 * 1024;
const TARGETS: Record<string, { zipMb: number; initMs?: number }> = { slack: { zipMb: 2, initMs: 250 } };
const DEFAULT_TARGET = { zipMb: 5 };

// Runs in the fresh process: time the require() of the bundle (argv[1]), wall clock and CPU (user + system:
// what the process itself spent, which a loaded machine inflates far less than the wall clock).
const CHILD = `const { performance } = require('node:perf_hooks'); const c = process.cpuUsage(); const t = performance.now(); require(process.argv[1]); const wall = performance.now() - t; const u = process.cpuUsage(c); process.stdout.write(JSON.stringify({ wall, cpu: (u.user + u.system) / 1000 }));`;

function initMs(bundle: string): { wall: number; cpu: number } {
  const env = {
    PATH: process.env.PATH,
    SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
    SLACK_BOT_TOKEN: 'xoxb-bench-0000',
    AWS_REGION: 'eu-west-1',
    EKSNET_LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const runs: { wall: number; cpu: number }[] = [];
  for (let i = 0; i < RUNS; i++) {
    const out = spawnSync(process.execPath, ['-e', CHILD, bundle], { env, encoding: 'utf8', cwd: ROOT });
    if (out.status !== 0) throw new Error(`require(${bundle}) failed: ${out.stderr}`);
    runs.push(JSON.parse(out.stdout));
  }
  return { wall: median(runs.map((r) => r.wall)), cpu: median(runs.map((r) => r.cpu)) };
}

async function main(): Promise<void> {
  const t = Date.now();
  const pkg = await packageService('bench');
  console.log(`osls package: ${((Date.now() - t) / 1000).toFixed(0)} s`);
  const functions = Object.values(pkg.template.Resources as Record<string, any>)
    .filter((r) => r.Type === 'AWS::Lambda::Function')
    .map((r) => {
      const key: string = r.Properties.Code.S3Key;
      const name = path.basename(key, '.zip');
      const handlerFile = String(r.Properties.Handler).replace(/\.[^.]+$/, '');
      return { name, zip: path.join(pkg.dir, `${name}.zip`), bundle: pkg.bundle(handlerFile) };
    })
    .sort((a, b) => a.name.localeCompare(b.name));
  const initCache = new Map<string, { wall: number; cpu: number }>();
  const rows = functions.map((f) => {
    const init = initCache.get(f.bundle) ?? initMs(f.bundle);
    initCache.set(f.bundle, init);
    const target = TARGETS[f.name] ?? DEFAULT_TARGET;
    const zipMb = statSync(f.zip).size / MB;
    const ok = zipMb < target.zipMb && (target.initMs === undefined || init.wall < target.initMs);
    return { fn: f.name, zipMb: Math.round(zipMb * 100) / 100, bundleMb: Math.round((statSync(f.bundle).size / MB) * 100) / 100, initMs: Math.round(init.wall), initCpuMs: Math.round(init.cpu), target, ok };
  });
  console.log(`machine: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} (init times scale with load); median of ${RUNS} fresh processes`);
  console.log('function          zipped    bundle    init (wall / CPU)   target');
  for (const r of rows) {
    const target = `< ${r.target.zipMb} MB${r.target.initMs ? `, < ${r.target.initMs} ms` : ''}`;
    console.log(`${r.fn.padEnd(16)} ${r.zipMb.toFixed(2).padStart(5)} MB  ${r.bundleMb.toFixed(2).padStart(5)} MB  ${String(r.initMs).padStart(5)} / ${String(r.initCpuMs).padStart(4)} ms   ${target}  ${r.ok ? 'ok' : 'MISSED'}`);
  }
  console.log(JSON.stringify({ bench: 'bundles', functions: Object.fromEntries(rows.map((r) => [r.fn, { zipMb: r.zipMb, bundleMb: r.bundleMb, initMs: r.initMs, initCpuMs: r.initCpuMs, ok: r.ok }])) }));
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
