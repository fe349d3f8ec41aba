import type { EksnetConfig } from '../config';
import { escapeControl } from '../util/escape';

/** A cluster as the configuration fixes it: name, region and role (never taken from a Slack user's flags). */
export interface ScopedCluster {
  name: string;
  region?: string;
  roleArn?: string;
}

export type ScopeDecision =
  /** `cluster` undefined: nothing live to query (snapshot mode, or no cluster configured and none asked for). */
  | { allowed: true; cluster?: ScopedCluster }
  | { allowed: false; reason: string };

export interface ScopeRequest {
  /** The channel the command or button came from. */
  channelId?: string;
  /** --cluster, or the cluster a button names. */
  cluster?: string;
  /** --region, when given. */
  region?: string;
  /** EKSNET_SNAPSHOT answers: no live cluster is reached, so only the channel rule applies. */
  snapshotMode?: boolean;
  /** The deployment's own region (AWS_REGION), used for a configured cluster without one. */
  defaultRegion?: string;
}

const list = (names: string[]) => names.map((n) => escapeControl(n)).join(', ');

/**
 * Which cluster a Slack request may reach — the one check slash commands, "Share" and every button call:
 * - `channels` configured: an unlisted channel reaches nothing; a listed one only its clusters (default: its
 *   defaultCluster, or its only cluster); a cluster's own `channel` counts as listed for that cluster;
 * - `clusters` configured: nothing outside them is reachable from Slack;
 * - no cluster configured at all: a live cluster cannot be named from Slack (fail closed);
 * - the region and role are the configuration's: a `--region` that differs is refused, never used.
 */
export function resolveSlackScope(config: EksnetConfig, req: ScopeRequest): ScopeDecision {
  const channels = config.channels;
  let name = req.cluster;
  if (Object.keys(channels).length > 0) {
    // A cluster's own `channel` (where its digests and offers are posted) counts as a channel of that cluster.
    const own = req.channelId === undefined ? [] : config.clusters.filter((c) => c.channel === req.channelId).map((c) => c.name);
    const listed = req.channelId !== undefined && Object.hasOwn(channels, req.channelId) ? channels[req.channelId] : undefined;
    const entry = listed ? { ...listed, clusters: [...new Set([...listed.clusters, ...own])] } : own.length > 0 ? { clusters: own, defaultCluster: undefined } : undefined;
    if (!entry) return { allowed: false, reason: 'this channel is not configured to query any cluster (channels in the eksnet configuration)' };
    name ??= entry.defaultCluster ?? (entry.clusters.length === 1 ? entry.clusters[0] : undefined);
    if (name === undefined) return { allowed: false, reason: `this channel may query ${list(entry.clusters) || 'no cluster'}; name one with --cluster NAME` };
    if (!entry.clusters.includes(name) && entry.defaultCluster !== name) {
      return { allowed: false, reason: `this channel may query only ${list(entry.clusters) || 'its default cluster'}, not ${escapeControl(name)}` };
    }
  }
  if (req.snapshotMode) return { allowed: true };
  name ??= config.defaultCluster;
  if (name === undefined) {
    if (req.region !== undefined) return { allowed: false, reason: '--region chooses a live cluster, and no cluster is configured' };
    return { allowed: true };
  }
  const known = config.clusters.find((c) => c.name === name);
  if (!known) {
    return {
      allowed: false,
      reason: config.clusters.length > 0 ? `cluster ${escapeControl(name)} is not in the eksnet configuration (clusters: ${list(config.clusters.map((c) => c.name))})` : `cluster ${escapeControl(name)} is not in the eksnet configuration, which lists no clusters`,
    };
  }
  const region = known.region ?? req.defaultRegion;
  if (req.region !== undefined && req.region !== region) {
    return { allowed: false, reason: `cluster ${escapeControl(known.name)} is configured in ${region ? escapeControl(region) : 'the deployment\'s region'}; --region ${escapeControl(req.region)} cannot be chosen from Slack` };
  }
  return { allowed: true, cluster: { name: known.name, region, roleArn: known.roleArn } };
}
