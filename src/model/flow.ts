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

/** Endpoints already built, per pod and wanted family (0: none): one object per pod, so per-endpoint caches hold. */
const endpoints = new WeakMap<Pod, (Endpoint | null)[]>();

/** The flow endpoint for a pod: its first IP of the wanted family (else its primary IP). Pods are never modified after load. */
export function podEndpoint(pod: Pod, family?: 4 | 6): Endpoint | undefined {
  let byFamily = endpoints.get(pod);
  if (!byFamily) endpoints.set(pod, (byFamily = []));
  const slot = family ?? 0;
  let ep = byFamily[slot];
  if (ep === undefined) byFamily[slot] = ep = buildPodEndpoint(pod, family) ?? null;
  return ep ?? undefined;
}

function buildPodEndpoint(pod: Pod, family?: 4 | 6): Endpoint | undefined {
  const ips = podIps(pod).map((ip) => parseAddress(ip)).filter((a): a is Address => !!a);
  const hostNetwork = pod.spec?.hostNetwork === true;
  if (hostNetwork && ips.length === 0 && pod.status?.hostIP) {
    const a = parseAddress(pod.status.hostIP);
    if (a) ips.push(a);
  }
  const address = (family ? ips.find((a) => a.family === family) : undefined) ?? ips[0];
  if (!address) return undefined;
  return {
    label: objectKey(pod),
    address,
    pod,
    namespace: pod.metadata.namespace ?? 'default',
    nodeName: pod.spec?.nodeName,
    hostNetwork,
  };
}

export function addressEndpoint(address: Address): Endpoint {
  return { label: address.text, address };
}
