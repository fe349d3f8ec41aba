import { existsSync } from 'node:fs';
import * as path from 'node:path';
import type { CommandArgs, LoadedState, StateInfo } from './types';
import { loadConfig, type EksnetConfig } from '../src/config';
import { loadSnapshot } from '../src/snapshot/load';
import type { Snapshot } from '../src/model/snapshot';
import { BadInputError } from '../src/util/errors';

/** The package's root directory (holds package.json), from src/ under Jest or dist/src after the build. */
function packageRoot(): string {
  let dir = __dirname;
  while (!existsSync(path.join(dir, 'package.json'))) {
    const up = path.dirname(dir);
    if (up === dir) return process.cwd();
    dir = up;
  }
  return dir;
}

/** The bundled demo snapshot (a realistic EKS cluster), used when nothing else is configured. */
export function demoSnapshotPath(): string {
  return path.join(packageRoot(), 'demo', 'snapshot');
}

const snapshotCache = new Map<string, Promise<Snapshot>>();

function cachedSnapshot(p: string): Promise<Snapshot> {
  let s = snapshotCache.get(p);
  if (!s) {
    s = loadSnapshot(p);
    snapshotCache.set(p, s);
    s.catch(() => snapshotCache.delete(p));
  }
  return s;
}

function infoFromSnapshot(mode: StateInfo['mode'], source: string, snap: Snapshot): StateInfo {
  return {
    mode,
    source,
    cluster: snap.collection.cluster ?? snap.aws.cluster?.name,
    region: snap.collection.region,
    collectedAt: snap.collection.collectedAt,
    missing: snap.collection.missing,
    warnings: snap.warnings,
  };
}

function flag(args: CommandArgs, name: string): string | undefined {
  const v = args.flags[name];
  return typeof v === 'string' ? v : undefined;
}

/**
 * Pick what to analyse (CONTRACT §2-3): --snapshot, else EKSNET_SNAPSHOT, else the live cluster
 * (--cluster or the configured default), else the bundled demo snapshot.
 */
export async function loadState(args: CommandArgs, env: NodeJS.ProcessEnv = process.env): Promise<LoadedState> {
  const snapshotPath = flag(args, 'snapshot') ?? env.EKSNET_SNAPSHOT;
  if (snapshotPath) {
    const snapshot = await cachedSnapshot(path.resolve(snapshotPath));
    return { snapshot, info: infoFromSnapshot('snapshot', snapshotPath, snapshot) };
  }
  const config = loadConfig(env);
  const target = pickCluster(args, config);
  if (target) {
    const { collectSnapshot } = await import('../src/collect/index');
    const collected = await collectSnapshot(target, { fresh: args.flags.fresh === true, cacheSeconds: config.cacheSeconds });
    const info = infoFromSnapshot('live', target.name, collected.snapshot);
    return { snapshot: collected.snapshot, info: { ...info, cluster: target.name, region: target.region, collectedAt: collected.collectedAt } };
  }
  const demo = demoSnapshotPath();
  const snapshot = await cachedSnapshot(demo);
  return { snapshot, info: infoFromSnapshot('demo', 'bundled demo snapshot', snapshot) };
}

export function pickCluster(args: CommandArgs, config: EksnetConfig): { name: string; region?: string; roleArn?: string } | undefined {
  const name = flag(args, 'cluster') ?? config.defaultCluster;
  if (!name) return undefined;
  const known = config.clusters.find((c) => c.name === name);
  if (!known && config.clusters.length > 0 && !flag(args, 'cluster')) {
    throw new BadInputError(`cluster ${name} is not configured`);
  }
  const region = flag(args, 'region') ?? known?.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION;
  return { name, region, roleArn: known?.roleArn };
}
