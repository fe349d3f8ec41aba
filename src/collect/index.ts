import type { Snapshot } from '../model/snapshot';

export interface ClusterTarget {
  name: string;
  region?: string;
  /** Role to assume (clusters in other accounts). */
  roleArn?: string;
}

/** One document of a snapshot as `eksnet snapshot --out` writes it: a relative file name and its JSON. */
export interface SnapshotDocument {
  file: string;
  doc: unknown;
}

export interface Collected {
  snapshot: Snapshot;
  documents: SnapshotDocument[];
  collectedAt: string;
}

/** Collect a live cluster's traffic controls through the AWS SDK and the Kubernetes API. */
export async function collectSnapshot(_target: ClusterTarget, _opts: { fresh?: boolean; cacheSeconds?: number } = {}): Promise<Collected> {
  throw new Error('not implemented yet');
}
