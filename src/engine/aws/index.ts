import type { LayerResult } from '../../model/result';
import type { Snapshot } from '../../model/snapshot';
import type { K8sIndex } from '../../resolve/cluster-index';
import type { Flow } from '../types';

export interface AwsEngine {
  /**
   * The AWS layers of one flow, in packet order:
   * security-group-egress, nacl-outbound, route, nacl-inbound, security-group-ingress, nacl-return.
   */
  evaluate(flow: Flow): LayerResult[];
}

export function buildAwsEngine(_snap: Snapshot, _k8s: K8sIndex): AwsEngine {
  throw new Error('not implemented yet');
}
