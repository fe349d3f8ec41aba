import type { ClusterConfig, EksnetConfig } from '../config';

export type ScheduledCluster = ClusterConfig & { channel: string };

/** The clusters the jobs report on: those with a Slack `channel` in the configuration. */
export function scheduledClusters(config: EksnetConfig): ScheduledCluster[] {
  return config.clusters.filter((c): c is ScheduledCluster => typeof c.channel === 'string' && c.channel !== '');
}
