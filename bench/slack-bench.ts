// Cold-start import time and slash-command ack time of the bundled `slack` Lambda handler.
// Bundles src/slack/lambda.ts with esbuild as serverless.yml does (unminified, no source map), then, in a
// fresh Node process per run: time the require() of the bundle (module init), the first signed slash
// command (cold: app creation + snapshot load) and warm acks. Targets: init < 500 ms, warm ack < 300 ms.
// Prints figures, then one JSON line {"initMs","ackMs",...} last.
import { spawnSync } from 'node:child_process';
import { mkdtempSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import * as path from 'node:path';
import { build } from 'esbuild';
import { median } from './measure';

const ROOT = path.resolve(__dirname, '..', '..');
const RUNS = Number(process.env.BENCH_RUNS ?? 5);
const WARM = Number(process.env.BENCH_WARM ?? 30);
const QUERY = process.env.BENCH_QUERY ?? 'whoami-reach shop/frontend shop/checkout';

// Runs inside the fresh process: argv = bundle path, query, warm count. Writes one JSON line.
const CHILD = `
const { createHmac } = require('node:crypto');
const { performance } = require('node:perf_hooks');
const [bundle, query, warmCount] = process.argv.slice(2);
const secret = process.env.SLACK_SIGNING_SECRET;
let seq = 0;
function event(text) {
  const body = new URLSearchParams({ team_id: 'T1', channel_id: 'C1', user_id: 'U1', command: '/eksnet', text,
    response_url: 'https://hooks.slack.com/commands/T1/1/x', trigger_id: 't' + process.pid + '.' + (++seq) }).toString();
  const ts = Math.floor(Date.now() / 1000);
  const sig = 'v0=' + createHmac('sha256', secret).update('v0:' + ts + ':' + body).digest('hex');
  return { version: '2.0', routeKey: 'POST /slack/events', rawPath: '/slack/events', rawQueryString: '', isBase64Encoded: false,
    headers: { 'content-type': 'application/x-www-form-urlencoded', 'x-slack-request-timestamp': String(ts), 'x-slack-signature': sig },
    requestContext: { http: { method: 'POST' } }, body };
}
(async () => {
  const t0 = performance.now();
  const { handler } = require(bundle);
  const initMs = performance.now() - t0;
  const t1 = performance.now();
  const first = await handler(event(query), {});
  const coldAckMs = performance.now() - t1;
  if (first.statusCode !== 200) throw new Error('first ack: ' + first.statusCode + ' ' + first.body);
  const body = JSON.parse(first.body);
  const acks = [];
  for (let i = 0; i < Number(warmCount); i++) {
    const t = performance.now();
    const res = await handler(event(query), {});
    acks.push(performance.now() - t);
    if (res.statusCode !== 200) throw new Error('warm ack: ' + res.statusCode);
  }
  const th = performance.now();
  await handler(event('help'), {});
  const helpAckMs = performance.now() - th;
  process.stdout.write(JSON.stringify({ initMs, coldAckMs, acks, helpAckMs, headline: body.blocks && body.blocks[0].text.text }) + '\\n');
})().catch((e) => { console.error(e); process.exit(1); });
`;

function percentile(xs: number[], p: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil((p / 100) * s.length) - 1)]!;
}

async function main(): Promise<void> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-slack-bench-'));
  try {
    const bundle = path.join(dir, 'lambda.js');
    const t = Date.now();
    // The same plugins serverless.yml uses (the slack bundle leaves out the live collector and Bolt's HTTP and Socket Mode receivers).
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const plugins = require(path.join(ROOT, 'src/slack/esbuild-plugins.js'));
    await build({ entryPoints: [path.join(ROOT, 'src/slack/lambda.ts')], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: bundle, logLevel: 'warning', plugins });
    const buildMs = Date.now() - t;
    writeFileSync(path.join(dir, 'child.js'), CHILD);
    const env = {
      PATH: process.env.PATH,
      SLACK_SIGNING_SECRET: 'bench-signing-secret-0123456789',
      SLACK_BOT_TOKEN: 'xoxb-bench-0000',
      EKSNET_SNAPSHOT: process.env.EKSNET_SNAPSHOT ?? path.join(ROOT, 'demo', 'snapshot'),
      // The bench's own state store (the replay guard claims every signature there), never the user's ~/.eksnet.
      EKSNET_STATE_DIR: path.join(dir, 'state'),
      EKSNET_LOG_LEVEL: process.env.EKSNET_LOG_LEVEL ?? 'warn',
    };
    const runs: { initMs: number; coldAckMs: number; acks: number[]; helpAckMs: number; headline: string }[] = [];
    for (let i = 0; i < RUNS; i++) {
      const out = spawnSync(process.execPath, [path.join(dir, 'child.js'), bundle, QUERY, String(WARM)], { env, encoding: 'utf8', cwd: ROOT });
      if (out.status !== 0) throw new Error(`bench child failed: ${out.stderr}`);
      runs.push(JSON.parse(out.stdout.trim().split('\n').pop()!));
    }
    const initMs = median(runs.map((r) => r.initMs));
    const coldAckMs = median(runs.map((r) => r.coldAckMs));
    const warm = runs.flatMap((r) => r.acks);
    const ackMs = median(warm);
    const helpAckMs = median(runs.map((r) => r.helpAckMs));
    const kb = Math.round(statSync(bundle).size / 1024);
    console.log(`bundle: ${kb} KiB, built in ${buildMs} ms (esbuild, node20 target); snapshot ${env.EKSNET_SNAPSHOT}`);
    console.log(`machine: ${cpus().length} CPUs, load average ${loadavg()[0]!.toFixed(1)} at the end (figures scale with load)`);
    console.log(`query: /eksnet ${QUERY} → ${runs[0]!.headline}`);
    console.log(`module init (require of the bundle), median of ${RUNS} fresh processes: ${initMs.toFixed(1)} ms (target < 500)`);
    console.log(`first slash command (cold: app creation, snapshot load, answer): median ${coldAckMs.toFixed(1)} ms`);
    console.log(`warm ack with the answer: median ${ackMs.toFixed(1)} ms, p95 ${percentile(warm, 95).toFixed(1)} ms over ${warm.length} (target < 300)`);
    console.log(`warm ack of /eksnet help: median ${helpAckMs.toFixed(1)} ms`);
    console.log(JSON.stringify({ initMs: Math.round(initMs * 10) / 10, ackMs: Math.round(ackMs * 10) / 10, coldAckMs: Math.round(coldAckMs * 10) / 10, p95AckMs: Math.round(percentile(warm, 95) * 10) / 10 }));
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

main().catch((err) => {
  console.error(err);
  process.exitCode = 1;
});
