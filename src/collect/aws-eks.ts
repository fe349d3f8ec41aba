import {
  DescribeAddonCommand,
  DescribeAddonVersionsCommand,
  DescribeClusterCommand,
  ListAddonsCommand,
  type AddonInfo,
  type Cluster,
  type EKSClient,
} from '@aws-sdk/client-eks';
import { toCliJson } from './cli-json';
import { awsFailureReason, type Part } from './failure';
import type { Limiter } from './limiter';
import { allPages } from './pages';

/** The add-ons whose available versions `eksnet addons` compares against (CONTRACT §2). */
export const CORE_ADDONS = ['vpc-cni', 'kube-proxy', 'coredns'] as const;

/** eks describe-cluster; the caller decides what a failure means (nothing else can be found without it). */
export async function describeCluster(eks: EKSClient, name: string, run: Limiter): Promise<Cluster> {
  const out = await run(() => eks.send(new DescribeClusterCommand({ name })));
  if (!out.cluster) throw new Error(`DescribeCluster returned no cluster for ${name}`);
  return out.cluster;
}

export function clusterDocument(cluster: Cluster): Part['documents'][number] {
  return { file: 'aws/eks-describe-cluster.json', doc: { cluster: toCliJson(cluster) } };
}

/**
 * eks list-addons, describe-addon for each, and describe-addon-versions of the core add-ons for
 * the cluster's Kubernetes version (written as one `{"addons": [...]}` document).
 */
export async function collectAddons(eks: EKSClient, clusterName: string, kubernetesVersion: string | undefined, run: Limiter): Promise<Part> {
  const part: Part = { documents: [], missing: [] };
  const listed = allPages(run, async (nextToken) => {
    const out = await eks.send(new ListAddonsCommand({ clusterName, nextToken, maxResults: 100 }));
    return { items: out.addons, next: out.nextToken };
  }).then(
    async (names) => {
      part.documents.push({ file: 'aws/eks-list-addons.json', doc: { addons: names } });
      await Promise.all(
        names.map(async (addonName) => {
          try {
            const out = await run(() => eks.send(new DescribeAddonCommand({ clusterName, addonName })));
            part.documents.push({ file: `aws/eks-describe-addon-${safeName(addonName)}.json`, doc: { addon: toCliJson(out.addon) } });
          } catch (err) {
            part.missing.push({ resource: 'addon', reason: `${addonName}: ${awsFailureReason(err, 'eks:DescribeAddon')}` });
          }
        }),
      );
    },
    (err) => {
      part.missing.push({ resource: 'addons', reason: awsFailureReason(err, 'eks:ListAddons') });
    },
  );
  const versions = Promise.all(
    CORE_ADDONS.map(async (addonName) => {
      try {
        return await allPages<AddonInfo>(run, async (nextToken) => {
          const out = await eks.send(new DescribeAddonVersionsCommand({ addonName, kubernetesVersion, nextToken, maxResults: 100 }));
          return { items: out.addons, next: out.nextToken };
        });
      } catch (err) {
        part.missing.push({ resource: 'addons', reason: `versions of ${addonName}: ${awsFailureReason(err, 'eks:DescribeAddonVersions')}` });
        return undefined;
      }
    }),
  ).then((lists) => {
    const found = lists.filter((l): l is AddonInfo[] => l !== undefined);
    // Only what was read: an empty document would claim that no versions exist.
    if (found.length > 0) part.documents.push({ file: 'aws/eks-describe-addon-versions.json', doc: { addons: toCliJson(found.flat()) } });
  });
  await Promise.all([listed, versions]);
  return part;
}

/** A name safe to use in a file name. */
export function safeName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]/g, '_');
}
