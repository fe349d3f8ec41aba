import { promises as fs } from 'node:fs';
import * as path from 'node:path';
import type { ClusterConfig, EksnetConfig } from '../src/config';

export type ScheduledCluster = ClusterConfig & { channel: string };

/** The clusters the jobs report on: those with a Slack `channel` in the configuration. */
export function scheduledClusters(config: EksnetConfig): ScheduledCluster[] {
  return config.clusters.filter((c): c is ScheduledCluster => typeof c.channel === 'string' && c.channel !== '');
}

/**
 * Where a cluster's baseline is: its `baseline` in the configuration, else EKSNET_BASELINE_DIR/<cluster>.
 * Relative paths are relative to the working directory (on Lambda, the deployment package's root).
 */
export function baselineDirFor(cluster: ClusterConfig, env: NodeJS.ProcessEnv): string | undefined {
  if (cluster.baseline) return cluster.baseline;
  return env.EKSNET_BASELINE_DIR ? path.join(env.EKSNET_BASELINE_DIR, cluster.name) : undefined;
}

/** A baseline exists when the path is a file or a non-empty directory. */
export async function baselineExists(where: string): Promise<boolean> {
  try {
    const st = await fs.stat(where);
    return st.isFile() || (st.isDirectory() && (await fs.readdir(where)).length > 0);
  } catch {
    return false;
  }
}
