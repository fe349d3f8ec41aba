// Tiny in-code snapshots for the NetworkPolicy engine tests.
import type { ContainerPort, K8sObject, NetworkPolicy, Pod, Workload } from '../../../src/model/k8s';
import type { LayerResult, Protocol } from '../../../src/model/result';
import { emptySnapshot, type Snapshot } from '../../../src/model/snapshot';
import { buildK8sIndex, podIps } from '../../../src/model/cluster-index';
import { INTERNET_ADDRESS, parseAddress } from '../../../src/model/cidr';
import { buildNetpolEngine, type NetpolEngine } from '../../../src/engine/netpol';
import type { Endpoint, Flow } from '../../../src/model/flow';

let nextIp = 1;

function split(ref: string): [string, string] {
  const i = ref.indexOf('/');
  return i < 0 ? ['default', ref] : [ref.slice(0, i), ref.slice(i + 1)];
}

export interface PodOptions {
  ip?: string;
  ports?: ContainerPort[];
  hostNetwork?: boolean;
  hostIP?: string;
  owner?: { kind: string; name: string };
}

/** `pod('x/a', {app: 'a'})`: a running pod with an IP (auto-assigned unless given). */
export function pod(ref: string, labels: Record<string, string> = {}, opts: PodOptions = {}): Pod {
  const [namespace, name] = split(ref);
  const hostIP = opts.hostIP ?? '192.168.100.10';
  const ip = opts.hostNetwork ? hostIP : (opts.ip ?? `10.1.${Math.floor(nextIp / 250)}.${(nextIp++ % 250) + 1}`);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name,
      namespace,
      labels,
      ...(opts.owner ? { ownerReferences: [{ ...opts.owner, controller: true }] } : {}),
    },
    spec: {
      hostNetwork: opts.hostNetwork,
      containers: [{ name: 'main', ports: opts.ports }],
    },
    status: { phase: 'Running', podIP: ip, podIPs: [{ ip }], hostIP },
  };
}

export function namespace(name: string, labels: Record<string, string> = {}): K8sObject {
  return { apiVersion: 'v1', kind: 'Namespace', metadata: { name, labels } };
}

/** `netpol('x/deny', {podSelector: {}, ingress: []})`. */
export function netpol(ref: string, spec: NetworkPolicy['spec']): NetworkPolicy {
  const [ns, name] = split(ref);
  return { apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: ns }, spec };
}

export function workload(kind: 'Deployment' | 'ReplicaSet' | 'StatefulSet' | 'DaemonSet', ref: string, spec: Workload['spec'], extra: Partial<K8sObject['metadata']> = {}): Workload {
  const [ns, name] = split(ref);
  return { apiVersion: 'apps/v1', kind, metadata: { name, namespace: ns, ...extra }, spec };
}

export function configMap(ref: string, data: Record<string, string>): K8sObject {
  const [ns, name] = split(ref);
  return { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name, namespace: ns }, data };
}

/** Puts each object into the snapshot list for its kind. */
export function snapshotOf(objects: K8sObject[]): Snapshot {
  const snap = emptySnapshot('test');
  for (const o of objects) {
    switch (o.kind) {
      case 'Namespace': snap.k8s.namespaces.push(o); break;
      case 'Pod': snap.k8s.pods.push(o as Pod); break;
      case 'NetworkPolicy': snap.k8s.networkPolicies.push(o as NetworkPolicy); break;
      case 'Deployment': snap.k8s.deployments.push(o as Workload); break;
      case 'ReplicaSet': snap.k8s.replicaSets.push(o as Workload); break;
      case 'StatefulSet': snap.k8s.statefulSets.push(o as Workload); break;
      case 'DaemonSet': snap.k8s.daemonSets.push(o as Workload); break;
      case 'ConfigMap': snap.k8s.configMaps.push(o); break;
      default: throw new Error(`builder: unsupported kind ${o.kind}`);
    }
    snap.present.add(o.kind as never);
  }
  return snap;
}

export class World {
  readonly engine: NetpolEngine;
  private readonly k8s;

  constructor(readonly snap: Snapshot) {
    this.k8s = buildK8sIndex(snap);
    this.engine = buildNetpolEngine(snap, this.k8s);
  }

  /** A pod key (`x/a`), an IP literal or `internet`. */
  endpoint(ref: string): Endpoint {
    if (ref === 'internet') return { label: 'internet', address: INTERNET_ADDRESS };
    const p = this.k8s.podByKey.get(ref);
    if (p) {
      return {
        label: ref,
        address: parseAddress(podIps(p)[0]!)!,
        pod: p,
        namespace: p.metadata.namespace,
        hostNetwork: p.spec.hostNetwork === true,
      };
    }
    const address = parseAddress(ref);
    if (!address) throw new Error(`builder: ${ref} is neither a pod nor an address`);
    return { label: ref, address };
  }

  flow(from: string, to: string, port: number, protocol: Protocol = 'TCP'): Flow {
    return { src: this.endpoint(from), dst: this.endpoint(to), port, protocol };
  }

  /** [egress, ingress]. */
  check(from: string, to: string, port: number, protocol: Protocol = 'TCP'): [LayerResult, LayerResult] {
    return this.engine.evaluate(this.flow(from, to, port, protocol));
  }

  egress(from: string, to: string, port: number, protocol: Protocol = 'TCP'): LayerResult {
    return this.check(from, to, port, protocol)[0];
  }

  ingress(from: string, to: string, port: number, protocol: Protocol = 'TCP'): LayerResult {
    return this.check(from, to, port, protocol)[1];
  }
}

export function world(...objects: K8sObject[]): World {
  return new World(snapshotOf(objects));
}
