import * as path from 'node:path';
import type { Change } from '../src/model/result';
import type { Snapshot } from '../src/model/snapshot';
import { snapshotFromBaseline } from '../src/baseline/documents';
import { driftReport } from '../src/drift';
import { attributeChanges, type Attribution } from '../src/drift/attribution';
import { loadSnapshot } from '../src/snapshot/load';
import { baselineHistory, loadStoredBaseline } from '../src/state/baselines';
import { BadInputError, ExplainedError } from '../src/util/errors';
import { noBaselineMessage } from './baseline';
import { clusterFor, stateStore } from './state-access';
import type { Command, CommandArgs, CommandContext, LoadedState } from './types';

/** Exactly what `eksnet drift --json` prints (CONTRACT §2). */
export interface DriftData {
  changes: Change[];
}

export interface DriftDetail {
  baseline: string;
  /** When the baseline was collected, if it says. */
  baselineCollectedAt?: string;
  current: string;
  notes: string[];
  /** Who made each change, keyed by `attributionKey(change)` (text and Slack answers; not in --json). */
  attribution?: Record<string, Attribution>;
}

/** `--baseline`: all digits is the version of a stored baseline; anything else a snapshot path (CONTRACT §2). */
export function isStoredVersion(value: string): boolean {
  return /^\d+$/.test(value);
}

interface Baseline {
  snapshot: Snapshot;
  /** "stored baseline v3 of prod" or the path. */
  label: string;
  warnings: string[];
}

async function storedBaseline(args: CommandArgs, ctx: CommandContext, version: number | undefined): Promise<Baseline> {
  const cluster = await clusterFor(args, ctx);
  const store = stateStore(ctx);
  const stored = await loadStoredBaseline(store, cluster, version);
  if (!stored) {
    if (version === undefined) throw new ExplainedError(`${noBaselineMessage(cluster)}, or compare against a snapshot with --baseline PATH`);
    const newest = (await baselineHistory(store, cluster))[0];
    throw new BadInputError(`cluster ${cluster} has no baseline version ${version} (${newest ? `versions 1-${newest.version}; see eksnet baseline history` : 'none saved yet'})`);
  }
  const label = `v${stored.meta.version} of ${cluster} (stored)`;
  const snapshot = snapshotFromBaseline(label, stored.documents);
  return { snapshot, label, warnings: snapshot.warnings };
}

/** Timeout of each CloudTrail call (ms). */
const CLOUDTRAIL_TIMEOUT_MS = 10_000;

/**
 * Who made each change. CloudTrail is asked only about a live cluster, in its Region and with the
 * cluster's role; a snapshot may come from anywhere, so its AWS changes stay "unknown".
 */
export async function attribution(changes: Change[], state: LoadedState, since: string | undefined, ctx: Pick<CommandContext, 'env'>): Promise<Record<string, Attribution>> {
  const now = new Date();
  const sinceDate = since && !Number.isNaN(Date.parse(since)) ? new Date(since) : undefined;
  let cloudtrail: import('@aws-sdk/client-cloudtrail').CloudTrailClient | undefined;
  if (state.info.mode === 'live') {
    const [{ CloudTrailClient }, { awsRequestHandler }, { clusterCredentials }, { loadConfig }] = await Promise.all([
      import('@aws-sdk/client-cloudtrail'),
      import('../src/util/aws-http'),
      import('../src/collect/aws-clients'),
      import('../src/config'),
    ]);
    const roleArn = loadConfig(ctx.env).clusters.find((c) => c.name === state.info.cluster)?.roleArn;
    const credentials = clusterCredentials({ region: state.info.region, roleArn });
    cloudtrail = new CloudTrailClient({
      ...(state.info.region ? { region: state.info.region } : {}),
      ...(credentials ? { credentials } : {}),
      requestHandler: awsRequestHandler(CLOUDTRAIL_TIMEOUT_MS),
    });
  }
  const found = await attributeChanges(changes, state.snapshot, {
    cloudtrail,
    now,
    ...(sinceDate ? { since: sinceDate } : {}),
    noCloudTrailReason: 'not looked up for a snapshot',
  });
  return Object.fromEntries(found);
}

export const driftCommand: Command<DriftData> = {
  name: 'drift',
  summary: 'What changed in the cluster\'s traffic controls since its baseline (stored, or a snapshot), worst first, and who changed it.',
  usage: 'drift [--baseline VERSION|PATH] [--cluster C] [--snapshot PATH]',
  examples: ['drift --cluster prod', 'drift --baseline 3 --json', 'drift --baseline baseline/ --snapshot today/ --json'],
  readOnly: true,
  async run(args, ctx) {
    if (args.words.length > 0) throw new BadInputError(`drift takes no words (got ${args.words.join(' ')}); use --baseline VERSION|PATH`);
    const given = args.flags.baseline;
    if (given !== undefined && (typeof given !== 'string' || given === '')) throw new BadInputError('--baseline needs a stored version or a snapshot path');
    // The stored baseline first: with none saved there is nothing to compare, so nothing is collected.
    let baseline: Baseline;
    if (given === undefined || isStoredVersion(given)) {
      const version = given === undefined ? undefined : Number(given);
      if (version !== undefined && version < 1) throw new BadInputError('--baseline must be a baseline version number (1, 2, …) or a path');
      baseline = await storedBaseline(args, ctx, version);
    } else {
      const snapshot = await loadSnapshot(path.resolve(given));
      baseline = { snapshot, label: given, warnings: snapshot.warnings };
    }
    const state = await ctx.loadState(args);
    const report = driftReport(baseline.snapshot, state.snapshot);
    const notices = [...baseline.warnings.map((w) => `baseline: ${w}`), ...report.notes];
    const detail: DriftDetail = {
      baseline: baseline.label,
      baselineCollectedAt: baseline.snapshot.collection.collectedAt,
      current: state.info.source,
      notes: report.notes,
    };
    // --json prints exactly the contract's fields, so it makes no CloudTrail calls.
    if (args.flags.json !== true && report.changes.length > 0) {
      detail.attribution = await attribution(report.changes, state, baseline.snapshot.collection.collectedAt, ctx);
    }
    return {
      command: 'drift',
      data: { changes: report.changes },
      state: state.info,
      exitCode: 0,
      notices,
      detail,
    };
  },
};
