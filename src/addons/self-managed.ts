import type { Container, Workload } from '../model/k8s';
import type { Snapshot } from '../model/snapshot';

/** Where a self-managed core add-on runs in kube-system, and which container's image carries its version. */
interface SelfManagedLocation {
  kind: 'DaemonSet' | 'Deployment';
  name: string;
  container: string;
  /** Image repository name (last path segment before the tag), to find the container when it is renamed. */
  repository: string;
}

// Manifests: https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html (aws-node, amazon-k8s-cni),
// https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html (kube-proxy),
// https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html (coredns Deployment).
export const SELF_MANAGED: Record<string, SelfManagedLocation> = {
  'vpc-cni': { kind: 'DaemonSet', name: 'aws-node', container: 'aws-node', repository: 'amazon-k8s-cni' },
  'kube-proxy': { kind: 'DaemonSet', name: 'kube-proxy', container: 'kube-proxy', repository: 'kube-proxy' },
  coredns: { kind: 'Deployment', name: 'coredns', container: 'coredns', repository: 'coredns' },
};

/**
 * The tag of a container image reference: `602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1`
 * → `v1.18.3-eksbuild.1`. A digest (`@sha256:…`) is dropped; a registry port (`host:5000/x`) is not a tag.
 */
export function imageTag(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const withoutDigest = image.split('@')[0]!;
  const lastSlash = withoutDigest.lastIndexOf('/');
  const colon = withoutDigest.indexOf(':', lastSlash + 1);
  if (colon < 0) return undefined;
  const tag = withoutDigest.slice(colon + 1);
  return tag || undefined;
}

function imageRepository(image: string | undefined): string | undefined {
  if (!image) return undefined;
  const path = image.split('@')[0]!;
  const name = path.slice(path.lastIndexOf('/') + 1);
  return name.split(':')[0];
}

export function findWorkload(snap: Snapshot, kind: 'DaemonSet' | 'Deployment', name: string): Workload | undefined {
  const list = kind === 'DaemonSet' ? snap.k8s.daemonSets : snap.k8s.deployments;
  return list.find((w) => w.metadata.name === name && (w.metadata.namespace ?? 'default') === 'kube-system');
}

/** The version a self-managed core add-on runs, from its kube-system workload's image tag; undefined when unknown. */
export function selfManagedVersion(snap: Snapshot, addonName: string): string | undefined {
  const where = SELF_MANAGED[addonName];
  if (!where) return undefined;
  const workload = findWorkload(snap, where.kind, where.name);
  const containers: Container[] = workload?.spec?.template?.spec?.containers ?? [];
  const container =
    containers.find((c) => c.name === where.container) ?? containers.find((c) => imageRepository(c.image) === where.repository);
  return imageTag(container?.image);
}
