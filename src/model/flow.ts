import type { Pod } from './k8s';
import type { LayerResult, Protocol } from './result';
import { parseAddress, type Address } from './cidr';
import { objectKey, podIps } from './cluster-index';

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

/** A pod's addresses, and the endpoint built for each (one object per pod and IP, so per-endpoint caches hold). */
const endpoints = new WeakMap<Pod, { ips: Address[]; built: Endpoint[] }>();

/** The flow endpoint for a pod: its first IP of the wanted family (else its primary IP). Pods are never modified after load. */
export function podEndpoint(pod: Pod, family?: 4 | 6): Endpoint | undefined {
  let known = endpoints.get(pod);
  if (!known) endpoints.set(pod, (known = { ips: podAddresses(pod), built: [] }));
  const i = family ? Math.max(0, known.ips.findIndex((a) => a.family === family)) : 0;
  const address = known.ips[i];
  if (!address) return undefined;
  return (known.built[i] ??= {
    label: objectKey(pod),
    address,
    pod,
    namespace: pod.metadata.namespace ?? 'default',
    nodeName: pod.spec?.nodeName,
    hostNetwork: pod.spec?.hostNetwork === true,
  });
}

/** The pod's IPs; for a hostNetwork pod that reports none, its node's. */
function podAddresses(pod: Pod): Address[] {
  const ips = podIps(pod).map((ip) => parseAddress(ip)).filter((a): a is Address => !!a);
  if (pod.spec?.hostNetwork === true && ips.length === 0 && pod.status?.hostIP) {
    const a = parseAddress(pod.status.hostIP);
    if (a) ips.push(a);
  }
  return ips;
}

export function addressEndpoint(address: Address): Endpoint {
  return { label: address.text, address };
}
