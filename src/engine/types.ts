import type { Pod } from '../model/k8s';
import type { LayerResult, Protocol } from '../model/result';
import type { Address } from './cidr';

/**
 * One end of a flow: a pod (with the IP chosen for the flow) or a bare address.
 * `address === INTERNET_ADDRESS` stands for "an arbitrary public IPv4 address" (the word `internet`).
 */
export interface Endpoint {
  /** "NAMESPACE/POD" or the IP text, as CONTRACT §2 prints flows. */
  label: string;
  address: Address;
  pod?: Pod;
  namespace?: string;
  /** Node the pod runs on (spec.nodeName). */
  nodeName?: string;
  hostNetwork?: boolean;
}

/** One (source, destination, port) triple, after Service → pod and port-name resolution. */
export interface Flow {
  src: Endpoint;
  dst: Endpoint;
  /** Destination port actually connected to (the pod's target port after Service resolution). */
  port: number;
  protocol: Protocol;
  /** The port name the user or Service targetPort used, when it was a name (NetworkPolicy can match it). */
  portName?: string;
}

export type LayerEvaluator = (flow: Flow) => LayerResult[];
