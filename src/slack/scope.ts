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
  /**
   * A button on a message eksnet posted (a drift digest, an add-on offer): the click changes state where the
   * message was posted, so the channel must be one of the cluster's channels (its own `channel`, or a `channels`
   * entry listing it) even when `channels` is not configured. Without `channels`, a slash command may name any
   * configured cluster from any channel; a button never acts from a channel that does not reach its cluster.
   */
  button?: boolean;
}

const list = (names: string[]) => names.map((n) => escapeControl(n)).join(', ');

/** The channels that reach `cluster`: its own `channel`, and every `channels` entry that lists it or defaults to it. */
function channelsOf(config: EksnetConfig, cluster: string): string[] {
  const own = config.clusters.find((c) => c.name === cluster)?.channel;
  const listed = Object.entries(config.channels)
    .filter(([, e]) => e.clusters.includes(cluster) || e.defaultCluster === cluster)
    .map(([id]) => id);
  return [...new Set([...(own ? [own] : []), ...listed])].sort();
}

/** Why a button naming `cluster` does nothing in this channel, naming where it does act (Slack channel mentions). */
function buttonElsewhere(config: EksnetConfig, cluster: string): string {
  const where = channelsOf(config, cluster);
  const name = escapeControl(cluster);
  if (where.length === 0) return `${name} has no Slack channel in the eksnet configuration (clusters[].channel or channels), so its buttons act nowhere`;
  return `${name} is decided only in ${where.map((id) => (/^[CG][A-Z0-9]+$/.test(id) ? `<#${id}>` : escapeControl(id))).join(', ')} (the channels configured for it), not in this channel`;
}

function unknownCluster(config: EksnetConfig, name: string): ScopeDecision {
  return {
    allowed: false,
    reason: config.clusters.length > 0 ? `cluster ${escapeControl(name)} is not in the eksnet configuration (clusters: ${list(config.clusters.map((c) => c.name))})` : `cluster ${escapeControl(name)} is not in the eksnet configuration, which lists no clusters`,
  };
}

/**
 * Which cluster a Slack request may reach — the one check slash commands, "Share" and every button call:
 * - `channels` configured: an unlisted channel reaches nothing; a listed one only its clusters (default: its
 *   defaultCluster, or its only cluster); a cluster's own `channel` counts as listed for that cluster;
 * - `clusters` configured: nothing outside them is reachable from Slack;
 * - no cluster configured at all: a live cluster cannot be named from Slack (fail closed);
 * - the region and role are the configuration's: a `--region` that differs is refused, never used;
 * - a button (`button`) acts only in a channel of its cluster, whether or not `channels` is configured.
 */
export function resolveSlackScope(config: EksnetConfig, req: ScopeRequest): ScopeDecision {
  const channels = config.channels;
  let name = req.cluster;
  // A button names its cluster (from a record): one that is not configured is refused as such, wherever clicked.
  if (req.button && name !== undefined && !config.clusters.some((c) => c.name === name)) return unknownCluster(config, name);
  if (Object.keys(channels).length > 0 || req.button) {
    // A cluster's own `channel` (where its digests and offers are posted) counts as a channel of that cluster.
    const own = req.channelId === undefined ? [] : config.clusters.filter((c) => c.channel === req.channelId).map((c) => c.name);
    const listed = req.channelId !== undefined && Object.hasOwn(channels, req.channelId) ? channels[req.channelId] : undefined;
    const entry = listed ? { ...listed, clusters: [...new Set([...listed.clusters, ...own])] } : own.length > 0 ? { clusters: own, defaultCluster: undefined } : undefined;
    if (!entry) {
      if (req.button && name !== undefined) return { allowed: false, reason: buttonElsewhere(config, name) };
      return { allowed: false, reason: 'this channel is not configured to query any cluster (channels in the eksnet configuration)' };
    }
    name ??= entry.defaultCluster ?? (entry.clusters.length === 1 ? entry.clusters[0] : undefined);
    if (name === undefined) return { allowed: false, reason: `this channel may query ${list(entry.clusters) || 'no cluster'}; name one with --cluster NAME` };
    if (!entry.clusters.includes(name) && entry.defaultCluster !== name) {
      if (req.button) return { allowed: false, reason: buttonElsewhere(config, name) };
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
  if (!known) return unknownCluster(config, name);
  const region = known.region ?? req.defaultRegion;
  if (req.region !== undefined && req.region !== region) {
    return { allowed: false, reason: `cluster ${escapeControl(known.name)} is configured in ${region ? escapeControl(region) : 'the deployment\'s region'}; --region ${escapeControl(req.region)} cannot be chosen from Slack` };
  }
  return { allowed: true, cluster: { name: known.name, region, roleArn: known.roleArn } };
}
