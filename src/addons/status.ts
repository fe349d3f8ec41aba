import type { AddonStatus } from '../model/result';
import type { Snapshot } from '../model/snapshot';
import { SELF_MANAGED, selfManagedVersion } from './self-managed';
import { isNewer, newestVersion } from './version';

/** The add-ons every EKS cluster runs, managed or not (https://docs.aws.amazon.com/eks/latest/userguide/eks-add-ons.html). */
export const CORE_ADDONS = Object.keys(SELF_MANAGED);

/**
 * The newest add-on version that `describe-addon-versions` lists as compatible with the cluster's
 * Kubernetes version (`compatibilities[].clusterVersion`, https://docs.aws.amazon.com/eks/latest/APIReference/API_Compatibility.html).
 * Undefined when the cluster version or the add-on's version list is not in the snapshot.
 */
export function latestCompatible(snap: Snapshot, addonName: string): string | undefined {
  const clusterVersion = normaliseKubernetesVersion(snap.aws.cluster?.version);
  if (!clusterVersion) return undefined;
  const candidates: string[] = [];
  for (const info of snap.aws.addonVersions) {
    if (info.addonName !== addonName) continue;
    for (const v of info.addonVersions ?? []) {
      const fits = (v.compatibilities ?? []).some((c) => normaliseKubernetesVersion(c.clusterVersion) === clusterVersion);
      if (fits && v.addonVersion) candidates.push(v.addonVersion);
    }
  }
  return newestVersion(candidates);
}

/** `1.29`, `v1.29` and `1.29.0` all name Kubernetes 1.29. */
function normaliseKubernetesVersion(v: string | undefined): string | undefined {
  const m = v ? /^v?(\d+)\.(\d+)/.exec(v.trim()) : null;
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

/**
 * Each core add-on plus every managed add-on in the snapshot: the version running and the newest
 * compatible one. Managed: `describe-addon`'s addonVersion; self-managed: the kube-system workload's
 * image tag. What the snapshot does not show is null, never guessed. Sorted by name.
 */
export function addonStatuses(snap: Snapshot): AddonStatus[] {
  const managedByName = new Map(snap.aws.addons.filter((a) => a.addonName).map((a) => [a.addonName!, a]));
  const names = new Set<string>([...CORE_ADDONS, ...managedByName.keys(), ...snap.aws.addonNames]);
  return [...names].sort().map((name) => {
    const described = managedByName.get(name);
    const managed = described !== undefined || snap.aws.addonNames.includes(name);
    // A managed add-on listed by list-addons but not described: its version is unknown (the image tag
    // differs from the add-on version for some add-ons, e.g. kube-proxy's `-minimal-` images).
    const current = managed ? (described?.addonVersion ?? null) : (selfManagedVersion(snap, name) ?? null);
    const latest = latestCompatible(snap, name) ?? null;
    return { name, current, latest, upgradeAvailable: isNewer(latest, current), managed };
  });
}
