import type { Cluster } from '@aws-sdk/client-eks';
import type { KubeConfig } from '@kubernetes/client-node';
import type { Snapshot } from '../model/snapshot';
import { snapshotFromDocuments } from '../snapshot/load';
import { EksnetError, errorMessage } from '../util/errors';
import { makeAwsClients } from './aws-clients';
import { collectEc2, EC2_RESOURCES } from './aws-ec2';
import { clusterDocument, collectAddons, describeCluster } from './aws-eks';
import { CollectionCache } from './cache';
import { eksToken } from './eks-token';
import { awsFailureReason, isSetupError, type Missing, type Part } from './failure';
import { collectKube, KUBE_RESOURCES, type KubeOptions } from './kube';
import { kubeConfigForCluster, kubeConfigFromEnv } from './kubeconfig';
import { createLimiter, type Limiter } from './limiter';

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

export interface CollectOptions {
  /** Collect anew even when a recent collection is cached. */
  fresh?: boolean;
  /** How long a warm process reuses a collection (default 60 s). */
  cacheSeconds?: number;
  /** Per-request timeout for AWS and Kubernetes calls (default 10 s, or EKSNET_HTTP_TIMEOUT_MS). */
  timeoutMs?: number;
  /** Calls in flight at once (default 8). */
  concurrency?: number;
  /** Attempts per Kubernetes call (AWS calls use the SDK's, AWS_MAX_ATTEMPTS; default 3). */
  kubeMaxAttempts?: number;
  env?: NodeJS.ProcessEnv;
}

export const DEFAULT_CACHE_SECONDS = 60;
const DEFAULT_TIMEOUT_MS = 10_000;
const DEFAULT_CONCURRENCY = 8;

const cache = new CollectionCache<Collected>();

/** Collect a live cluster's traffic controls through the AWS SDK and the Kubernetes API. */
export async function collectSnapshot(target: ClusterTarget, opts: CollectOptions = {}): Promise<Collected> {
  const env = opts.env ?? process.env;
  const key = JSON.stringify([target.name, target.region ?? '', target.roleArn ?? '', env.KUBECONFIG ?? '']);
  return cache.get(key, opts.cacheSeconds ?? DEFAULT_CACHE_SECONDS, opts.fresh === true, () => collectLive(target, opts, env));
}

/** Forget cached collections (tests; a long-lived process that wants everything anew). */
export function clearCollectionCache(): void {
  cache.clear();
}

function positiveNumber(value: string | undefined): number | undefined {
  const n = Number(value);
  return value && Number.isFinite(n) && n > 0 ? n : undefined;
}

function allMissing(resources: string[], reason: string): Missing[] {
  return resources.map((resource) => ({ resource, reason }));
}

async function collectLive(target: ClusterTarget, opts: CollectOptions, env: NodeJS.ProcessEnv): Promise<Collected> {
  const collectedAt = new Date().toISOString();
  const timeoutMs = opts.timeoutMs ?? positiveNumber(env.EKSNET_HTTP_TIMEOUT_MS) ?? DEFAULT_TIMEOUT_MS;
  const stop = new AbortController();
  const kubeOpts: KubeOptions = { timeoutMs, maxAttempts: opts.kubeMaxAttempts ?? 3, signal: stop.signal };
  let kubeInFlight: Promise<unknown> | undefined;
  const run = createLimiter(opts.concurrency ?? DEFAULT_CONCURRENCY);
  const aws = makeAwsClients(target, timeoutMs);
  try {
    let region: string;
    try {
      region = await aws.eks.config.region();
    } catch (err) {
      throw new EksnetError(`cannot collect cluster ${target.name}: no AWS region (set --region, the cluster's region in the config, or AWS_REGION)`, { cause: err });
    }
    let kcFromEnv: KubeConfig | undefined;
    try {
      kcFromEnv = kubeConfigFromEnv(env);
    } catch (err) {
      throw new EksnetError(`cannot read KUBECONFIG: ${errorMessage(err)}`, { cause: err });
    }
    // DescribeCluster is on the critical path (EC2 needs its VPC id), so it takes a slot first.
    const describing = describeCluster(aws.eks, target.name, run);
    describing.catch(() => undefined);
    // With KUBECONFIG the Kubernetes side needs nothing from AWS, so it starts at once.
    const kubeFromEnv = kcFromEnv ? collectKube(kcFromEnv, run, kubeOpts) : undefined;
    kubeInFlight = kubeFromEnv?.catch(() => undefined);

    const parts: Part[] = [];
    let cluster: Cluster | undefined;
    try {
      cluster = await describing;
      parts.push({ documents: [clusterDocument(cluster)], missing: [] });
    } catch (err) {
      if (isSetupError(err)) throw new EksnetError(`cannot collect cluster ${target.name}: ${errorMessage(err)}`, { cause: err });
      if ((err as { name?: string }).name === 'ResourceNotFoundException') {
        throw new EksnetError(`cluster ${target.name} not found in ${region}: ${errorMessage(err)}`, { cause: err });
      }
      const reason = awsFailureReason(err, 'eks:DescribeCluster');
      if (!kubeFromEnv) throw new EksnetError(`cannot collect cluster ${target.name}: ${reason}`, { cause: err });
      const because = `needs the cluster's VPC from DescribeCluster, which failed: ${reason}`;
      parts.push({ documents: [], missing: [{ resource: 'cluster', reason }, ...allMissing(EC2_RESOURCES, because), ...allMissing(['addons'], because)] });
    }

    const work: Promise<Part>[] = [];
    if (cluster) {
      const vpcId = cluster.resourcesVpcConfig?.vpcId;
      work.push(
        vpcId ? collectEc2(aws.ec2, vpcId, run) : Promise.resolve({ documents: [], missing: allMissing(EC2_RESOURCES, 'DescribeCluster gave no VPC id') }),
      );
      work.push(collectAddons(aws.eks, target.name, cluster.version, run));
    }
    work.push(kubeFromEnv ?? kubeThroughEks(cluster!, target, region, aws.credentials, run, kubeOpts));
    parts.push(...(await Promise.all(work)));

    const documents = parts.flatMap((p) => p.documents);
    const missing = parts.flatMap((p) => p.missing).sort((a, b) => a.resource.localeCompare(b.resource) || a.reason.localeCompare(b.reason));
    // Neither EKS nor the Kubernetes API answered: that is no cluster at all (CONTRACT §2: exit 1), not a partial snapshot.
    const missingNames = new Set(missing.map((m) => m.resource));
    if (!cluster && KUBE_RESOURCES.every((r) => missingNames.has(r))) {
      const eks = missing.find((m) => m.resource === 'cluster')?.reason ?? 'DescribeCluster failed';
      const kube = missing.find((m) => KUBE_RESOURCES.includes(m.resource))?.reason ?? 'no answer';
      throw new EksnetError(`cannot collect cluster ${target.name}: neither EKS (${eks}) nor the Kubernetes API (${kube}) answered`);
    }
    documents.push({ file: 'eksnet-collection.json', doc: { EksnetCollection: { cluster: target.name, region, collectedAt, missing } } });
    documents.sort((a, b) => a.file.localeCompare(b.file));
    const snapshot = snapshotFromDocuments(
      `live:${target.name}`,
      documents.map((d) => ({ doc: d.doc, origin: `live:${target.name}/${d.file}` })),
    );
    return { snapshot, documents, collectedAt };
  } catch (err) {
    // Leave nothing running behind a failed collection.
    stop.abort();
    await kubeInFlight;
    throw err;
  } finally {
    aws.eks.destroy();
    aws.ec2.destroy();
  }
}

/** The Kubernetes side through the cluster's own endpoint and CA with an IAM token (no KUBECONFIG). */
async function kubeThroughEks(
  cluster: Cluster,
  target: ClusterTarget,
  region: string,
  credentials: Parameters<typeof eksToken>[0]['credentials'],
  run: Limiter,
  kubeOpts: KubeOptions,
): Promise<Part> {
  let kc: KubeConfig;
  try {
    const token = await eksToken({ clusterName: target.name, region, credentials, cacheKey: `${target.roleArn ?? ''}|${region}|${target.name}` });
    kc = kubeConfigForCluster(cluster, token);
  } catch (err) {
    return { documents: [], missing: allMissing(KUBE_RESOURCES, `no Kubernetes credentials: ${errorMessage(err)}`) };
  }
  return collectKube(kc, run, kubeOpts);
}
