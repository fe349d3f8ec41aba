import type { Snapshot } from '../model/snapshot';
import { selfManagedImage, selfManagedTag } from './images';
import { decideOffer, listedVersions } from './offer-rules';
import { offerId, type OfferBatchMeta, type OfferRecord } from './offers';
import { SELF_MANAGED, selfManagedVersion } from './self-managed';
import { CORE_ADDONS } from './status';

export interface OfferSettings {
  cluster: string;
  channel: string;
  region?: string;
  batch: string;
  required: 1 | 2;
  ttlDays: number;
  now?: Date;
}

/** The cluster's region: the configuration's, else the one in the cluster's ARN. */
function regionOf(snap: Snapshot, configured: string | undefined): string | undefined {
  if (configured) return configured;
  const arn = snap.aws.cluster?.arn;
  return arn?.split(':')[3] || snap.collection.region || undefined;
}

/**
 * The offers for one cluster, from its collected state: managed add-ons get UpdateAddon; self-managed kube-proxy and
 * coredns get the region's image (as `eksctl utils update-kube-proxy|update-coredns` set it), a self-managed VPC CNI
 * (or a self-managed add-on in a region without a known registry) the migration to the managed add-on. Versions follow
 * `decideOffer`; an add-on with a newer version that is not offered becomes a note saying why.
 */
export function buildOffers(snap: Snapshot, s: OfferSettings): { meta: OfferBatchMeta; offers: OfferRecord[] } {
  const now = s.now ?? new Date();
  const region = regionOf(snap, s.region);
  const clusterVersion = snap.aws.cluster?.version;
  const managed = new Map(snap.aws.addons.filter((a) => a.addonName).map((a) => [a.addonName!, a]));
  const names = [...new Set([...CORE_ADDONS, ...managed.keys()])].sort();
  const offers: OfferRecord[] = [];
  const notes: string[] = [];
  for (const name of names) {
    const described = managed.get(name);
    const isManaged = described !== undefined || snap.aws.addonNames.includes(name);
    const current = isManaged ? described?.addonVersion : selfManagedVersion(snap, name);
    if (!current) continue;
    const decision = decideOffer(name, current, clusterVersion, listedVersions(snap.aws.addonVersions, name));
    if (decision.kind === 'none') {
      if (decision.reason !== 'no newer version is listed') notes.push(`${name} ${current}: nothing offered — ${decision.reason}.`);
      continue;
    }
    const base = {
      id: offerId(s.batch, name),
      batch: s.batch,
      cluster: s.cluster,
      channel: s.channel,
      ...(region ? { region } : {}),
      addon: name,
      managed: isManaged,
      from: current,
      to: decision.to,
      evidence: decision.evidence,
      ...(decision.notOffered ? { notOffered: decision.notOffered } : {}),
      createdAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + s.ttlDays * 86_400_000).toISOString(),
      required: s.required,
      state: 'open' as const,
      approvals: [],
    };
    if (isManaged) {
      offers.push({ ...base, action: 'update-addon' });
      continue;
    }
    const where = SELF_MANAGED[name]!;
    const image = name === 'vpc-cni' ? undefined : selfManagedImage(where.repository, region, selfManagedTag(name, decision.to, current, clusterVersion));
    const workload = { kind: where.kind, namespace: 'kube-system', name: where.name, container: where.container };
    offers.push(image ? { ...base, action: 'set-image', image, workload } : { ...base, action: 'create-addon', workload });
  }
  return { meta: { batch: s.batch, cluster: s.cluster, channel: s.channel, createdAt: now.toISOString(), notes }, offers };
}
