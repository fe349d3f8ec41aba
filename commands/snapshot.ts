import { loadConfig } from '../src/config';
import type { MissingResource } from '../src/model/snapshot';
import { pickCluster } from './source';
import { BadInputError, EksnetError } from '../src/util/errors';
import type { Command } from './types';

export interface SnapshotData {
  /** The directory written. */
  out: string;
  /** Files written, relative to `out`, sorted. */
  files: string[];
  /** What the collection could not read (also in `eksnet-collection.json`). */
  missing: MissingResource[];
}

/** `eksnet snapshot --out DIR`: the live cluster's state in the CONTRACT §1 format. */
export const snapshotCommand: Command<SnapshotData> = {
  name: 'snapshot',
  summary: "Write the live cluster's traffic controls as a snapshot directory (kubectl- and aws-CLI-shaped files).",
  usage: 'snapshot --out DIR [--cluster NAME] [--region REGION]',
  examples: ['snapshot --out ./incident-4711', 'snapshot --out ./snap --cluster prod --region eu-west-1'],
  readOnly: true,
  async run(args, ctx) {
    if (args.words.length > 0) throw new BadInputError(`snapshot takes no arguments (got ${args.words.join(' ')})`);
    const out = args.flags.out;
    if (typeof out !== 'string' || out === '') throw new BadInputError('snapshot needs --out DIR (the directory to write)');
    // With --snapshot or EKSNET_SNAPSHOT (CONTRACT §3: every command reads it), re-write that snapshot.
    if (typeof args.flags.snapshot === 'string' || ctx.env.EKSNET_SNAPSHOT) {
      const state = await ctx.loadState(args);
      const { writeSnapshot } = await import('../src/collect/write');
      const { snapshotDocuments } = await import('../src/baseline/documents');
      const documents = snapshotDocuments(state.snapshot, state.info.collectedAt ?? new Date().toISOString());
      const files = await writeSnapshot(out, documents);
      return { command: 'snapshot', data: { out, files, missing: state.info.missing }, state: state.info, exitCode: 0, notices: [] };
    }
    const target = pickCluster(args, loadConfig(ctx.env));
    if (!target) {
      throw new EksnetError('snapshot: no cluster to collect: give --cluster NAME (and --region), or configure EKSNET_CLUSTER or EKSNET_CONFIG');
    }
    // Loaded on use: the AWS SDK and Kubernetes client stay out of every other command's start-up.
    const { collectSnapshot } = await import('../src/collect/index');
    const { writeSnapshot } = await import('../src/collect/write');
    const collected = await collectSnapshot(target, { fresh: true, env: ctx.env });
    const files = await writeSnapshot(out, collected.documents);
    const missing = collected.snapshot.collection.missing;
    const notices = missing.map((m) => `could not read ${m.resource}: ${m.reason}`);
    if (missing.length > 0) notices.push(`the snapshot in ${out} is partial: the layers that need these are not evaluated`);
    return {
      command: 'snapshot',
      data: { out, files, missing },
      state: {
        mode: 'live',
        source: target.name,
        cluster: target.name,
        region: collected.snapshot.collection.region ?? target.region,
        collectedAt: collected.collectedAt,
        missing,
      },
      exitCode: 0,
      notices,
    };
  },
};
