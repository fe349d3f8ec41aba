import type { Snapshot } from '../../model/snapshot';
import { Cidr } from '../../model/cidr';

/**
 * The Amazon VPC CNI settings that change how pod traffic meets the VPC, read from the running
 * aws-node DaemonSet (notes §4, §5; https://github.com/aws/amazon-vpc-cni-k8s/blob/master/README.md).
 */
export interface CniConfig {
  /** AWS_VPC_K8S_CNI_EXTERNALSNAT=true: pods keep their own IP when leaving the VPC. */
  externalSnat: boolean;
  /** AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS: off-VPC destinations that keep the pod IP. */
  excludeSnatCidrs: Cidr[];
  /** POD_SECURITY_GROUP_ENFORCING_MODE, default strict when unset. */
  podSecurityGroupMode: 'strict' | 'standard';
  /** Whether an aws-node DaemonSet was found (otherwise the CNI defaults are assumed). */
  fromDaemonSet: boolean;
}

export function readCniConfig(snap: Snapshot): CniConfig {
  const ds = snap.k8s.daemonSets.find(
    (d) => d.metadata.name === 'aws-node' && (d.metadata.namespace ?? 'kube-system') === 'kube-system',
  );
  const containers = ds?.spec?.template?.spec?.containers ?? [];
  const container = containers.find((c) => c.name === 'aws-node') ?? containers[0];
  const env = new Map<string, string>();
  for (const e of container?.env ?? []) if (typeof e.value === 'string') env.set(e.name, e.value);
  const excluded = (env.get('AWS_VPC_K8S_CNI_EXCLUDE_SNAT_CIDRS') ?? '')
    .split(',')
    .map((s) => Cidr.tryParse(s.trim()))
    .filter((c): c is Cidr => c !== undefined);
  return {
    externalSnat: (env.get('AWS_VPC_K8S_CNI_EXTERNALSNAT') ?? 'false').trim().toLowerCase() === 'true',
    excludeSnatCidrs: excluded,
    podSecurityGroupMode:
      (env.get('POD_SECURITY_GROUP_ENFORCING_MODE') ?? 'strict').trim().toLowerCase() === 'standard' ? 'standard' : 'strict',
    fromDaemonSet: ds !== undefined,
  };
}
