import { createHash } from 'node:crypto';
import {
  CreateAddonCommand,
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  DescribeUpdateCommand,
  EKSClient,
  UpdateAddonCommand,
  type Cluster,
} from '@aws-sdk/client-eks';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsRequestHandler } from '../util/aws-http';
import type { ListedVersion } from './offer-rules';
import type { OfferRecord, WorkloadRef } from './offers';
import { imageTag } from './self-managed';

/** Where an upgrade runs: the cluster, its region, the upgrader role, and who approved (for the session name). */
export interface UpgradeTarget {
  cluster: string;
  region?: string;
  /** The role meant for upgrades (per-cluster `upgradeRoleArn`, else EKSNET_UPGRADE_ROLE_ARN); never the reader role. */
  roleArn: string;
  /** The Slack user who approved: part of the role session name, so CloudTrail names them. */
  userId: string;
  timeoutMs: number;
}

/**
 * The idempotency token of one offer's upgrade (UpdateAddon / CreateAddon `clientRequestToken`: "A unique,
 * case-sensitive identifier that you provide to ensure the idempotency of the request",
 * https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html). The SDK would otherwise fill a random
 * UUID per call, so a retried or redelivered start would be a second update. Shaped as a UUID, as the SDK sends it.
 */
export function upgradeToken(offerId: string): string {
  const h = createHash('sha256').update(`eksnet-addon-upgrade\0${offerId}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * The role session name: `eksnet-<Slack user id>` (AssumeRole RoleSessionName, `[\w+=,.@-]{2,64}`). CloudTrail shows
 * it as the last segment of the assumed-role ARN and as `Username` in LookupEvents, so every change names its approver.
 */
export function sessionName(userId: string): string {
  return `eksnet-${userId.replace(/[^\w+=,.@-]/g, '_')}`.slice(0, 64);
}

export interface UpgradeClients {
  eks: EKSClient;
  credentials: AwsCredentialIdentityProvider;
  region?: string;
  destroy(): void;
}

/**
 * EKS with the upgrader role's credentials. Every call (AssumeRole included) has a timeout that fires
 * (awsRequestHandler: throwOnRequestTimeout); the SDK's standard retries (AWS_MAX_ATTEMPTS) cover throttling, and a
 * retried start carries the same token. No `endpoint`: AWS_ENDPOINT_URL_EKS / _STS stay in force.
 */
export function upgradeClients(t: UpgradeTarget): UpgradeClients {
  const region = t.region ? { region: t.region } : {};
  const credentials = fromTemporaryCredentials({
    params: { RoleArn: t.roleArn, RoleSessionName: sessionName(t.userId), DurationSeconds: 3600 },
    clientConfig: { ...region, requestHandler: awsRequestHandler(t.timeoutMs) },
  });
  const eks = new EKSClient({ ...region, credentials, requestHandler: awsRequestHandler(t.timeoutMs) });
  return { eks, credentials, region: t.region, destroy: () => eks.destroy() };
}

/** The managed add-on's version and status, or undefined when EKS manages no such add-on (a self-managed one). */
export async function describeManagedAddon(eks: EKSClient, cluster: string, addon: string): Promise<{ version?: string; status?: string; issues: { code: string; message: string }[] } | undefined> {
  try {
    const out = await eks.send(new DescribeAddonCommand({ clusterName: cluster, addonName: addon }));
    return {
      version: out.addon?.addonVersion,
      status: out.addon?.status,
      issues: (out.addon?.health?.issues ?? []).map((i) => ({ code: i.code ?? 'Unknown', message: i.message ?? '' })),
    };
  } catch (err) {
    if ((err as { name?: string }).name === 'ResourceNotFoundException') return undefined;
    throw err;
  }
}

export async function describeCluster(eks: EKSClient, cluster: string): Promise<Cluster> {
  const out = await eks.send(new DescribeClusterCommand({ name: cluster }));
  if (!out.cluster) throw new Error(`DescribeCluster returned no cluster for ${cluster}`);
  return out.cluster;
}

/** DescribeAddonVersions for one add-on and Kubernetes version, every page. */
export async function addonVersions(eks: EKSClient, addon: string, kubernetesVersion: string): Promise<ListedVersion[]> {
  const out: ListedVersion[] = [];
  let nextToken: string | undefined;
  do {
    const page = await eks.send(new DescribeAddonVersionsCommand({ addonName: addon, kubernetesVersion, nextToken }));
    for (const info of page.addons ?? []) {
      for (const v of info.addonVersions ?? []) {
        if (v.addonVersion) out.push({ addonVersion: v.addonVersion, clusterVersions: (v.compatibilities ?? []).map((c) => c.clusterVersion ?? '').filter(Boolean) });
      }
    }
    nextToken = page.nextToken;
  } while (nextToken);
  return out;
}

export interface StartedUpdate {
  updateId?: string;
  status: string;
}

/**
 * Start a managed add-on's update. resolveConflicts PRESERVE keeps fields someone changed on the add-on's Kubernetes
 * objects, where OVERWRITE would reset them and NONE may fail the update (API_UpdateAddon.html, "resolveConflicts").
 */
export async function startAddonUpdate(eks: EKSClient, offer: OfferRecord): Promise<StartedUpdate> {
  const out = await eks.send(
    new UpdateAddonCommand({ clusterName: offer.cluster, addonName: offer.addon, addonVersion: offer.to, resolveConflicts: 'PRESERVE', clientRequestToken: upgradeToken(offer.id) }),
  );
  if (!out.update?.id) throw new Error('UpdateAddon returned no update id');
  return { updateId: out.update.id, status: out.update.status ?? 'InProgress' };
}

/**
 * Migrate a self-managed add-on to the managed one: CreateAddon with resolveConflicts OVERWRITE, without which
 * "creation of the Amazon EKS add-on fails with an error message" (creating-an-add-on.html).
 */
export async function createManagedAddon(eks: EKSClient, offer: OfferRecord): Promise<StartedUpdate> {
  const out = await eks.send(
    new CreateAddonCommand({ clusterName: offer.cluster, addonName: offer.addon, addonVersion: offer.to, resolveConflicts: 'OVERWRITE', clientRequestToken: upgradeToken(offer.id) }),
  );
  return { status: out.addon?.status ?? 'CREATING' };
}

/** DescribeUpdate: status InProgress | Failed | Cancelled | Successful, and the error details of a failed one. */
export async function describeUpdate(eks: EKSClient, offer: OfferRecord, updateId: string): Promise<{ status: string; errors: { code: string; message: string }[] }> {
  const out = await eks.send(new DescribeUpdateCommand({ name: offer.cluster, updateId, addonName: offer.addon }));
  return {
    status: out.update?.status ?? 'InProgress',
    errors: (out.update?.errors ?? []).map((e) => ({ code: e.errorCode ?? 'Unknown', message: e.errorMessage ?? '' })),
  };
}

// ---------- self-managed add-ons through the Kubernetes API ----------

type KubeConfig = import('@kubernetes/client-node').KubeConfig;

/** A KubeConfig for the cluster: KUBECONFIG when set (CONTRACT §3), else its endpoint and an IAM token made with the upgrader's credentials. */
export async function upgradeKubeConfig(env: NodeJS.ProcessEnv, clients: UpgradeClients, cluster: string): Promise<KubeConfig> {
  const { kubeConfigFromEnv, kubeConfigForCluster } = await import('../collect/kubeconfig');
  const fromEnv = kubeConfigFromEnv(env);
  if (fromEnv) return fromEnv;
  const described = await describeCluster(clients.eks, cluster);
  const { makeEksToken } = await import('../collect/eks-token');
  const region = clients.region ?? (await clients.eks.config.region());
  const token = await makeEksToken({ clusterName: cluster, region, credentials: clients.credentials });
  return kubeConfigForCluster(described, token.token);
}

function withTimeout<T>(p: Promise<T>, ms: number, what: string): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(Object.assign(new Error(`${what}: no answer within ${ms} ms`), { name: 'TimeoutError' })), ms);
  });
  return Promise.race([p, timeout]).finally(() => clearTimeout(timer));
}

async function appsApi(kc: KubeConfig) {
  const { AppsV1Api } = await import('@kubernetes/client-node');
  return kc.makeApiClient(AppsV1Api);
}

async function readWorkload(kc: KubeConfig, w: WorkloadRef, timeoutMs: number): Promise<any> {
  const apps = await appsApi(kc);
  const req = { name: w.name, namespace: w.namespace };
  return withTimeout<any>(w.kind === 'DaemonSet' ? apps.readNamespacedDaemonSet(req) : apps.readNamespacedDeployment(req), timeoutMs, `read ${w.kind} ${w.namespace}/${w.name}`);
}

/** The image tag the workload's add-on container runs now. */
export async function workloadImageTag(kc: KubeConfig, w: WorkloadRef, timeoutMs: number): Promise<string | undefined> {
  const obj = await readWorkload(kc, w, timeoutMs);
  const c = (obj?.spec?.template?.spec?.containers ?? []).find((x: { name?: string }) => x.name === w.container);
  return imageTag(c?.image);
}

/**
 * Set the add-on container's image the way `eksctl utils update-kube-proxy|update-coredns --approve` write it: read
 * the object, change the image, replace it (PUT; eksctl's `DaemonSets().Update`). The PUT carries the object's
 * resourceVersion, so a concurrent change makes it fail (409) instead of being overwritten. Returns the generation
 * the rollout must reach.
 */
export async function setWorkloadImage(kc: KubeConfig, w: WorkloadRef, expectedTag: string, image: string, timeoutMs: number): Promise<{ generation?: number; alreadySet: boolean }> {
  const apps = await appsApi(kc);
  const obj = await readWorkload(kc, w, timeoutMs);
  const container = (obj?.spec?.template?.spec?.containers ?? []).find((x: { name?: string }) => x.name === w.container);
  if (!container) throw new Error(`${w.kind} ${w.namespace}/${w.name} has no container ${w.container}`);
  if (container.image === image) return { generation: obj.metadata?.generation, alreadySet: true };
  if (imageTag(container.image) !== expectedTag) throw Object.assign(new Error(`${w.kind} ${w.namespace}/${w.name} runs ${imageTag(container.image) ?? 'no tag'} now`), { name: 'StaleOfferError' });
  container.image = image;
  const req = { name: w.name, namespace: w.namespace, body: obj };
  const out: any = await withTimeout<any>(w.kind === 'DaemonSet' ? apps.replaceNamespacedDaemonSet(req) : apps.replaceNamespacedDeployment(req), timeoutMs, `replace ${w.kind} ${w.namespace}/${w.name}`);
  return { generation: out?.metadata?.generation, alreadySet: false };
}

/**
 * Rollout status as `kubectl rollout status` judges it: the controller has observed the new generation and every
 * replica (scheduled pod) is updated and available.
 */
export async function rolloutStatus(kc: KubeConfig, w: WorkloadRef, timeoutMs: number): Promise<{ done: boolean; detail: string }> {
  const obj = await readWorkload(kc, w, timeoutMs);
  const s = obj?.status ?? {};
  const observed = (s.observedGeneration ?? 0) >= (obj?.metadata?.generation ?? 0);
  if (w.kind === 'DaemonSet') {
    const desired = s.desiredNumberScheduled ?? 0;
    const updated = s.updatedNumberScheduled ?? 0;
    const available = s.numberAvailable ?? 0;
    return { done: observed && updated >= desired && available >= desired, detail: `${updated} of ${desired} pods updated, ${available} available` };
  }
  const desired = obj?.spec?.replicas ?? 1;
  const updated = s.updatedReplicas ?? 0;
  const available = s.availableReplicas ?? 0;
  return { done: observed && updated >= desired && available >= desired && (s.replicas ?? desired) <= desired, detail: `${updated} of ${desired} replicas updated, ${available} available` };
}
