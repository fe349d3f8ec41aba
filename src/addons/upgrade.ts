import { createHash } from 'node:crypto';
import { DescribeAddonCommand, EKSClient, UpdateAddonCommand } from '@aws-sdk/client-eks';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import { awsRequestHandler } from '../util/aws-http';

/** Where an add-on lives: the cluster's name, region and (other accounts) the role to assume. */
export interface UpgradeTarget {
  cluster: string;
  region?: string;
  roleArn?: string;
}

export interface AddonUpgradeRequest {
  cluster: string;
  addon: string;
  /** The version the offer was made for (what the add-on ran then). */
  from: string;
  to: string;
}

export interface StartedUpdate {
  updateId: string;
  status: string;
  clientRequestToken: string;
}

/**
 * The idempotency token of one upgrade: the same (cluster, add-on, target version) always gives the same
 * token, so a Slack retry or a second click returns the update EKS already started instead of starting
 * another (UpdateAddon clientRequestToken, https://docs.aws.amazon.com/eks/latest/APIReference/API_UpdateAddon.html;
 * the SDK would otherwise fill a random UUID per call). Shaped as a UUID, the form the SDK itself sends.
 */
export function upgradeToken(cluster: string, addon: string, to: string): string {
  const h = createHash('sha256').update(`eksnet-addon-upgrade\0${cluster}\0${addon}\0${to}`).digest('hex');
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20, 32)}`;
}

/**
 * An EKS client for one cluster. The approval runs inside the Slack function, before Slack's 3-second
 * ack, so calls are short and retried once (a retried UpdateAddon carries the same token). No `endpoint`:
 * AWS_ENDPOINT_URL_EKS and the other SDK overrides stay in force.
 */
export function eksClientFor(target: UpgradeTarget, timeoutMs = 2500): EKSClient {
  return new EKSClient({
    ...(target.region ? { region: target.region } : {}),
    ...(target.roleArn
      ? { credentials: fromTemporaryCredentials({ params: { RoleArn: target.roleArn, RoleSessionName: 'eksnet-addon-upgrade' }, clientConfig: { ...(target.region ? { region: target.region } : {}), requestHandler: awsRequestHandler(timeoutMs) } }) }
      : {}),
    maxAttempts: 2,
    requestHandler: awsRequestHandler(timeoutMs),
  });
}

/** The add-on version EKS reports now (DescribeAddon), or undefined when it reports none. */
export async function currentAddonVersion(eks: EKSClient, cluster: string, addon: string): Promise<string | undefined> {
  const out = await eks.send(new DescribeAddonCommand({ clusterName: cluster, addonName: addon }));
  return out.addon?.addonVersion;
}

/**
 * Start the upgrade (UpdateAddon). resolveConflicts PRESERVE keeps fields someone changed on the
 * add-on's Kubernetes objects, where OVERWRITE would reset them to the EKS defaults and NONE may fail the
 * update (API_UpdateAddon.html, "resolveConflicts"); an upgrade should change the version, nothing else.
 */
export async function startAddonUpgrade(eks: EKSClient, req: AddonUpgradeRequest): Promise<StartedUpdate> {
  const clientRequestToken = upgradeToken(req.cluster, req.addon, req.to);
  const out = await eks.send(
    new UpdateAddonCommand({ clusterName: req.cluster, addonName: req.addon, addonVersion: req.to, resolveConflicts: 'PRESERVE', clientRequestToken }),
  );
  if (!out.update?.id) throw new Error('UpdateAddon returned no update id');
  return { updateId: out.update.id, status: out.update.status ?? 'InProgress', clientRequestToken };
}
