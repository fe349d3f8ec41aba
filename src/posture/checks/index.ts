import type { PostureCheck } from '../types';
import { addonOutdated } from './addon-outdated';
import { endpointPrivateAccessOff, endpointPublicAccess, endpointPublicOpenToWorld } from './endpoint';
import { externalSnatInPublicSubnet } from './external-snat-in-public-subnet';
import { naclBlocksEphemeralReturn } from './nacl-blocks-ephemeral-return';
import { naclDeniesSgAllowed } from './nacl-denies-sg-allowed';
import { namespaceWithoutDefaultDeny } from './namespace-without-default-deny';
import { networkpolicyNotEnforced } from './networkpolicy-not-enforced';
import { networkpolicySelectsNoPods } from './networkpolicy-selects-no-pods';
import { nodeInPublicSubnet } from './node-in-public-subnet';
import { podInPublicSubnet } from './pod-in-public-subnet';
import { podSgInPublicSubnet } from './pod-sg-in-public-subnet';
import { privateSubnetNoEgress } from './private-subnet-no-egress';
import { sgOpenToWorld } from './sg-open-to-world';
import { sgRuleStaleReference } from './sg-rule-stale-reference';
import { sgpBlocksKubeletProbes } from './sgp-blocks-kubelet-probes';
import { sgpGroupMissing } from './sgp-group-missing';
import { sgpSelectsNoPods } from './sgp-selects-no-pods';
import { sgpTcpEarlyDemux } from './sgp-tcp-early-demux';
import { sgpWithoutPodEni } from './sgp-without-pod-eni';
import { subnetAutoAssignPublicIp } from './subnet-auto-assign-public-ip';

/** Every posture check, in the order of issue 5 (output order is decided by sortFindings). */
export const CHECKS: PostureCheck[] = [
  nodeInPublicSubnet,
  podInPublicSubnet,
  subnetAutoAssignPublicIp,
  privateSubnetNoEgress,
  endpointPublicAccess,
  endpointPublicOpenToWorld,
  endpointPrivateAccessOff,
  externalSnatInPublicSubnet,
  podSgInPublicSubnet,
  sgOpenToWorld,
  sgRuleStaleReference,
  naclBlocksEphemeralReturn,
  naclDeniesSgAllowed,
  namespaceWithoutDefaultDeny,
  networkpolicyNotEnforced,
  networkpolicySelectsNoPods,
  sgpSelectsNoPods,
  sgpWithoutPodEni,
  sgpBlocksKubeletProbes,
  sgpTcpEarlyDemux,
  sgpGroupMissing,
  addonOutdated,
];
