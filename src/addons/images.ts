import { kubernetesMinor } from './offer-rules';

/**
 * The ECR account that hosts the EKS add-on images per region (EKS user guide, add-ons-images.html).
 * `602401143452` serves the regions not listed here that the page names; a region the page does not name has
 * no known registry, and no image update is offered for it.
 */
const DEFAULT_ACCOUNT = '602401143452';
const DEFAULT_REGIONS = [
  'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3', 'ap-south-1', 'ap-southeast-1', 'ap-southeast-2', 'ca-central-1',
  'eu-central-1', 'eu-north-1', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'sa-east-1', 'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2',
];
const OTHER_ACCOUNTS: Record<string, string> = {
  'af-south-1': '877085696533',
  'ap-east-1': '800184023465',
  'ap-east-2': '533267051163',
  'ap-south-2': '900889452093',
  'ap-southeast-3': '296578399912',
  'ap-southeast-4': '491585149902',
  'ap-southeast-5': '151610086707',
  'ap-southeast-6': '333609536671',
  'ap-southeast-7': '121268973566',
  'ca-west-1': '761377655185',
  'eu-central-2': '900612956339',
  'eu-south-1': '590381155156',
  'eu-south-2': '455263428931',
  'il-central-1': '066635153087',
  'me-central-1': '759879836304',
  'me-south-1': '558608220178',
  'cn-north-1': '918309763551',
  'cn-northwest-1': '961992271922',
  'us-gov-east-1': '151742754352',
  'us-gov-west-1': '013241004608',
};

/** `<account>.dkr.ecr.<region>.amazonaws.com` (`.amazonaws.com.cn` in the China regions), or undefined for an unknown region. */
export function registryFor(region: string | undefined): string | undefined {
  if (!region) return undefined;
  const account = DEFAULT_REGIONS.includes(region) ? DEFAULT_ACCOUNT : OTHER_ACCOUNTS[region];
  if (!account) return undefined;
  return `${account}.dkr.ecr.${region}.amazonaws.com${region.startsWith('cn-') ? '.cn' : ''}`;
}

/**
 * The image tag for a self-managed add-on at add-on version `to`:
 * - kube-proxy keeps its image type — "You must use the same image type as the previous image"
 *   (kube-proxy-add-on-self-managed-update.html): a `-minimal-` image stays minimal, written
 *   `vX.Y.Z-minimal-eksbuild.N`; from Kubernetes 1.34 no minimal images are published (eksctl: "Kube-proxy stopped
 *   publishing minimal versions after 1.34+"), so the plain tag is used there;
 * - coredns: the add-on version is the tag (`kubectl set image ... coredns:<tag>`, coredns-add-on-self-managed-update.html).
 */
export function selfManagedTag(addon: string, to: string, currentTag: string, clusterVersion: string | undefined): string {
  if (addon !== 'kube-proxy') return to;
  const minor = kubernetesMinor(clusterVersion);
  const minimalPublished = minor !== undefined && Number(minor.split('.')[1]) < 34 && minor.startsWith('1.');
  if (currentTag.includes('-minimal-') && minimalPublished) return to.replace(/-eksbuild\./, '-minimal-eksbuild.');
  return to;
}

/** The image `kubectl set image` would set: the region's EKS registry, `eks/<repository>`, the tag. */
export function selfManagedImage(repository: string, region: string | undefined, tag: string): string | undefined {
  const registry = registryFor(region);
  return registry ? `${registry}/eks/${repository}:${tag}` : undefined;
}
