// One step of the digest benchmark in a fresh process (as on Lambda): argv[2] = 'digest' | 'accept',
// argv[3] = scheduled time. Prints one JSON line: wall time of the step and the process's peak RSS.
import { performance } from 'node:perf_hooks';
import { partition, type ChangeRecord } from '../src/digest/lifecycle';
import { acceptChanges } from '../src/digest/decide';
import { runScheduledJob } from '../src/scheduled/run';
import { slackPoster } from '../src/scheduled/slack-post';
import { openStateStore } from '../src/state';

async function main(): Promise<void> {
  const [step, time] = process.argv.slice(2);
  const store = openStateStore(process.env);
  const t0 = performance.now();
  let detail: unknown;
  if (step === 'digest') {
    const summary = await runScheduledJob({ job: 'drift-digest', scheduledTime: time }, process.env, await slackPoster(process.env), store);
    detail = summary.clusters;
  } else {
    const records = await store.queryRecords<ChangeRecord>(partition('bench-5k'));
    const open = records.map((r) => r.data).filter((r) => r.status === 'open' && r.kind === 'SecurityGroupRule');
    const outcome = await acceptChanges(store, 'bench-5k', [{ key: open[0]!.key, hash: open[0]!.hash }], 'U0BENCH');
    detail = outcome.kind === 'accepted' ? { accepted: open[0]!.id, version: outcome.version } : outcome;
  }
  const ms = performance.now() - t0;
  process.stdout.write(JSON.stringify({ step, ms, maxRssMiB: process.resourceUsage().maxRSS / 1024, detail }) + '\n');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
