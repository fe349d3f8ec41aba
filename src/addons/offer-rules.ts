import { compareAddonVersions, parseAddonVersion, type AddonVersion } from './version';

/** One version DescribeAddonVersions lists for an add-on, with the Kubernetes versions it supports. */
export interface ListedVersion {
  addonVersion: string;
  clusterVersions: string[];
}

/** Why the version offered is what it is: shown in the offer and kept in the offer record. */
export interface OfferEvidence {
  /** The cluster's Kubernetes version (major.minor) the compatibilities were matched against. */
  clusterVersion: string;
  /** The offered version's `compatibilities[].clusterVersion` from DescribeAddonVersions. */
  compatibilities: string[];
  /** The rules applied, one short sentence each, with the documentation they follow. */
  rules: string[];
}

export type OfferDecision =
  | { kind: 'offer'; to: string; evidence: OfferEvidence; notOffered?: string }
  | { kind: 'none'; reason: string };

/** `1.29`, `v1.29` and `1.29.0` all name Kubernetes 1.29. */
export function kubernetesMinor(v: string | undefined | null): string | undefined {
  const m = v ? /^v?(\d+)\.(\d+)/.exec(v.trim()) : null;
  return m ? `${Number(m[1])}.${Number(m[2])}` : undefined;
}

const DOCS = {
  compat: 'https://docs.aws.amazon.com/eks/latest/APIReference/API_Compatibility.html',
  vpcCni: 'https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html',
  kubeProxy: 'https://docs.aws.amazon.com/eks/latest/userguide/managing-kube-proxy.html',
  coredns: 'https://docs.aws.amazon.com/eks/latest/userguide/managing-coredns.html',
};

/**
 * CoreDNS minor versions by cluster version, from the EKS user guide's table (managing-coredns.html, late 2025):
 * 1.34 and 1.33 → v1.12; 1.32–1.29 → v1.11; 1.28 → v1.10. A cluster version not in the table is bounded by
 * `compatibilities` alone.
 */
export const COREDNS_MINOR_BY_CLUSTER: Record<string, string> = {
  '1.34': '1.12',
  '1.33': '1.12',
  '1.32': '1.11',
  '1.31': '1.11',
  '1.30': '1.11',
  '1.29': '1.11',
  '1.28': '1.10',
};

const minorOf = (v: AddonVersion) => v.core.major * 1000 + v.core.minor;

/**
 * What may be offered for one add-on running `current` on a cluster of Kubernetes `clusterVersion`, following the
 * EKS documentation:
 * - only versions whose `compatibilities` include the cluster's version (API_Compatibility);
 * - never a downgrade: only versions newer than `current`;
 * - VPC CNI: "We recommend that you update one minor version at a time" (managing-vpc-cni.html) — a longer way
 *   is offered as its first step, the newest build of the next minor version (or of the current one when the next
 *   minor is not available);
 * - kube-proxy: "the same compatibility and skew policy as Kubernetes", never newer than the API server
 *   (kube-proxy-add-on-self-managed-update.html; https://kubernetes.io/releases/version-skew-policy/#kube-proxy);
 * - CoreDNS: the minor version the EKS table names for the cluster's version (managing-coredns.html).
 * When a newer version exists but is not offered, `notOffered` (or `reason`) says why.
 */
export function decideOffer(addon: string, current: string, clusterVersionText: string | undefined, listed: ListedVersion[]): OfferDecision {
  const clusterVersion = kubernetesMinor(clusterVersionText);
  if (!clusterVersion) return { kind: 'none', reason: 'the cluster\'s Kubernetes version is unknown, so no version can be checked for compatibility' };
  const running = parseAddonVersion(current);
  if (!running) return { kind: 'none', reason: `the running version \`${current}\` is not a version eksnet can compare` };

  const parsed = listed
    .map((l) => ({ l, v: parseAddonVersion(l.addonVersion) }))
    .filter((x): x is { l: ListedVersion; v: AddonVersion } => x.v !== undefined);
  const newer = parsed.filter((x) => compareAddonVersions(x.v, running) > 0).sort((a, b) => compareAddonVersions(b.v, a.v));
  if (newer.length === 0) return { kind: 'none', reason: 'no newer version is listed' };
  const rules = [`compatibilities include Kubernetes ${clusterVersion} (${DOCS.compat})`, 'newer than the running version: never a downgrade'];

  const compatible = newer.filter((x) => x.l.clusterVersions.some((c) => kubernetesMinor(c) === clusterVersion));
  const newestListed = newer[0]!;
  if (compatible.length === 0) {
    return { kind: 'none', reason: `${newestListed.l.addonVersion} is newer but not compatible with Kubernetes ${clusterVersion} (its compatibilities: ${newestListed.l.clusterVersions.join(', ') || 'none'})` };
  }
  let allowed = compatible;
  let why: string | undefined;
  const clusterMinor = parseAddonVersion(`${clusterVersion}.0`)!;

  if (addon === 'vpc-cni') {
    rules.push(`one minor version at a time (${DOCS.vpcCni})`);
    const nextMinor = allowed.filter((x) => x.v.core.major === running.core.major && x.v.core.minor === running.core.minor + 1);
    const sameMinor = allowed.filter((x) => x.v.core.major === running.core.major && x.v.core.minor === running.core.minor);
    const step = nextMinor.length ? nextMinor : sameMinor;
    if (step.length === 0) {
      return { kind: 'none', reason: `${allowed[0]!.l.addonVersion} is more than one minor version ahead of ${current}, and no version of the next minor is compatible; the VPC CNI is updated one minor version at a time` };
    }
    if (step[0] !== allowed[0]) why = `${allowed[0]!.l.addonVersion} is newer, but the VPC CNI is updated one minor version at a time; this is the first step`;
    allowed = step;
  } else if (addon === 'kube-proxy') {
    rules.push(`not newer than the cluster's Kubernetes minor version (${DOCS.kubeProxy})`);
    const within = allowed.filter((x) => minorOf(x.v) <= minorOf(clusterMinor));
    if (within.length === 0) return { kind: 'none', reason: `${allowed[0]!.l.addonVersion} would be newer than the cluster's Kubernetes ${clusterVersion}; kube-proxy must not be newer than the API server` };
    if (within[0] !== allowed[0]) why = `${allowed[0]!.l.addonVersion} is newer than the cluster's Kubernetes ${clusterVersion}; kube-proxy must not be newer than the API server`;
    allowed = within;
  } else if (addon === 'coredns') {
    const tableMinor = COREDNS_MINOR_BY_CLUSTER[clusterVersion];
    if (tableMinor) {
      rules.push(`CoreDNS v${tableMinor} for Kubernetes ${clusterVersion} per the EKS table (${DOCS.coredns})`);
      const cap = parseAddonVersion(`${tableMinor}.0`)!;
      const within = allowed.filter((x) => minorOf(x.v) <= minorOf(cap));
      if (within.length === 0) return { kind: 'none', reason: `${allowed[0]!.l.addonVersion} is beyond CoreDNS v${tableMinor}, the version the EKS table names for Kubernetes ${clusterVersion}` };
      if (within[0] !== allowed[0]) why = `${allowed[0]!.l.addonVersion} is beyond CoreDNS v${tableMinor}, the version the EKS table names for Kubernetes ${clusterVersion}`;
      allowed = within;
    }
  }
  if (!why && newestListed !== allowed[0] && !compatible.includes(newestListed)) {
    why = `${newestListed.l.addonVersion} is newer but not compatible with Kubernetes ${clusterVersion}`;
  }
  const chosen = allowed[0]!;
  return { kind: 'offer', to: chosen.l.addonVersion, evidence: { clusterVersion, compatibilities: chosen.l.clusterVersions, rules }, ...(why ? { notOffered: why } : {}) };
}

/** The versions of one add-on in a DescribeAddonVersions answer (or a snapshot's copy of it). */
export function listedVersions(infos: { addonName?: string; addonVersions?: { addonVersion?: string; compatibilities?: { clusterVersion?: string }[] }[] }[], addon: string): ListedVersion[] {
  const out: ListedVersion[] = [];
  for (const info of infos) {
    if (info.addonName !== addon) continue;
    for (const v of info.addonVersions ?? []) {
      if (v.addonVersion) out.push({ addonVersion: v.addonVersion, clusterVersions: (v.compatibilities ?? []).map((c) => c.clusterVersion ?? '').filter(Boolean) });
    }
  }
  return out;
}
