import type { DriftClickWork, DriftEvent } from './drift-click';
import { invokeWorkerAsync } from './worker-invoke';

/**
 * Hand a drift button click to the worker function (EKSNET_WORKER_FUNCTION), as add-on upgrade clicks are
 * (src/slack/upgrade-dispatch.ts). Without it (local runs: `npm run slack:dev`, tests) the same work runs in this
 * process; the slack function's Lambda bundle leaves the drift worker out (src/slack/esbuild-plugins.js), so there
 * the worker function must be set.
 */
export async function sendDriftWork(work: DriftClickWork, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const fn = env.EKSNET_WORKER_FUNCTION;
  if (fn) {
    const event: DriftEvent = { eksnetDrift: work };
    return invokeWorkerAsync(event, fn, { ref: work.ref, kind: work.kind });
  }
  const { handleDriftWork } = await import('./drift-worker');
  await handleDriftWork(work, env);
}
