import type { Container, Pod } from '../model/k8s';
import { podEndpoint } from '../model/flow';
import type { EniInfo } from '../engine/aws/placement';
import type { PostureContext } from './context';

/** A pod with its own security groups: its branch ENI, placed by the engine (pod-eni annotation, else its IP). */
export interface BranchPod {
  pod: Pod;
  /** NAMESPACE/NAME. */
  name: string;
  eni: EniInfo;
}

/** Running pods that the engine places on a branch ENI (security groups for pods, notes §5). */
export function podsWithSecurityGroups(ctx: PostureContext): BranchPod[] {
  const out: BranchPod[] = [];
  for (const pod of ctx.k8s.pods) {
    if (pod.spec?.hostNetwork) continue;
    const ep = podEndpoint(pod);
    if (!ep) continue;
    const placed = ctx.placement.place(ep);
    if (!placed.branch || placed.side.kind !== 'eni') continue;
    out.push({ pod, name: `${pod.metadata.namespace ?? 'default'}/${pod.metadata.name}`, eni: placed.side.eni });
  }
  return out;
}

/** TCP ports the kubelet probes (httpGet, tcpSocket, grpc); named ports resolve on the container. */
export function probePorts(pod: Pod): number[] {
  const ports = new Set<number>();
  for (const c of pod.spec?.containers ?? []) {
    for (const probe of [c.livenessProbe, c.readinessProbe, c.startupProbe]) {
      if (!probe) continue;
      for (const p of [probe.httpGet?.port, probe.tcpSocket?.port, probe.grpc?.port]) {
        const n = resolvePort(c, p);
        if (n !== undefined) ports.add(n);
      }
    }
  }
  return [...ports].sort((a, b) => a - b);
}

/** Does any container have a liveness or readiness probe (exec probes included: they are not network probes). */
export function hasNetworkProbe(pod: Pod): boolean {
  return (pod.spec?.containers ?? []).some((c) =>
    [c.livenessProbe, c.readinessProbe].some((p) => p && (p.httpGet || p.tcpSocket || p.grpc)),
  );
}

function resolvePort(c: Container, port: number | string | undefined): number | undefined {
  if (port === undefined) return undefined;
  if (typeof port === 'number') return port;
  if (/^\d+$/.test(port)) return Number(port);
  return c.ports?.find((p) => p.name === port)?.containerPort;
}
