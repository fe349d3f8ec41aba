import type { LayerResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import type { K8sIndex } from '../../resolve/cluster-index';
import type { Flow } from '../types';

/** Whether anything enforces NetworkPolicy on the cluster (see ../shared notes §6). */
export interface Enforcement {
  enforced: boolean;
  /** The engine found (`aws-network-policy-agent`, `calico`, `cilium`, ...) or undefined. */
  engine?: string;
  /** One sentence: the evidence, and when not enforced, the fix. */
  reason: string;
}

export interface NetpolEngine {
  enforcement: Enforcement;
  /** [networkpolicy-egress, networkpolicy-ingress] for one flow. */
  evaluate(flow: Flow): [LayerResult, LayerResult];
}

export function buildNetpolEngine(_snap: Snapshot, _k8s: K8sIndex): NetpolEngine {
  throw new Error('not implemented yet');
}
