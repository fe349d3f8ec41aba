import { invokeWorker, type UpgradeWork } from './upgrade-events';

/**
 * Hand upgrade work to the worker function (EKSNET_WORKER_FUNCTION, see invokeWorker). Without it (local runs) the
 * work runs in this process; the slack function's Lambda bundle leaves the upgrade worker out
 * (src/slack/esbuild-plugins.js), so there the worker function must be set.
 */
export async function sendUpgradeWork(work: UpgradeWork, env: NodeJS.ProcessEnv = process.env): Promise<void> {
  const fn = env.EKSNET_WORKER_FUNCTION;
  if (fn) return invokeWorker(work, fn);
  const { handleUpgradeWork } = await import('./upgrade-worker');
  await handleUpgradeWork(work, env);
}
