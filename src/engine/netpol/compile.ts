import type { NetworkPolicy, NetworkPolicyPeer, NetworkPolicyPort } from '../../model/k8s';
import type { Protocol } from '../../model/result';
import { Cidr } from '../../model/cidr';
import { CompiledSelector } from '../../model/selector';
import { kubeProtocol } from '../../model/protocol';

// Compiled form of networking.k8s.io/v1 NetworkPolicy; field meanings from
// https://kubernetes.io/docs/reference/kubernetes-api/policy-resources/network-policy-v1/

export type Direction = 'ingress' | 'egress';

export interface CompiledPort {
  protocol: Protocol | string;
  /** undefined = every port of the protocol. */
  port?: number;
  /** Inclusive upper end of a range starting at `port`. */
  endPort?: number;
  /** A named port, resolved on the destination pod's container ports. */
  name?: string;
  /** `name/protocol`, the key of the destination pod's named ports (built once, not per flow). */
  namedKey?: string;
}

export type CompiledPeer =
  | { kind: 'ipBlock'; cidr: Cidr | undefined; except: Cidr[] }
  | {
      kind: 'pods';
      /** undefined = every pod of the namespaces selected. */
      podSelector?: CompiledSelector;
      /** undefined = the policy's own namespace. */
      namespaceSelector?: CompiledSelector;
    };

export interface CompiledRule {
  /** undefined = every peer (`from`/`to` empty or missing). */
  peers?: CompiledPeer[];
  /** undefined = every port (`ports` empty or missing). */
  ports?: CompiledPort[];
}

export interface CompiledPolicy {
  /** `NetworkPolicy/NAMESPACE/NAME`. */
  id: string;
  namespace: string;
  podSelector: CompiledSelector;
  affects: Record<Direction, boolean>;
  rules: Record<Direction, CompiledRule[]>;
  source: NetworkPolicy;
}

export function policyId(np: NetworkPolicy): string {
  return `NetworkPolicy/${np.metadata.namespace ?? 'default'}/${np.metadata.name}`;
}

export function compilePolicy(np: NetworkPolicy): CompiledPolicy {
  const spec = np.spec ?? ({} as NetworkPolicy['spec']);
  // policyTypes default (SetDefaults_NetworkPolicy, kubernetes pkg/apis/networking/v1/defaults.go):
  // Ingress always, Egress iff len(spec.egress) != 0 — an empty `egress: []` does not isolate egress.
  const types = spec.policyTypes && spec.policyTypes.length > 0 ? spec.policyTypes : defaultPolicyTypes(spec);
  return {
    id: policyId(np),
    namespace: np.metadata.namespace ?? 'default',
    podSelector: new CompiledSelector(spec.podSelector ?? {}),
    affects: { ingress: types.includes('Ingress'), egress: types.includes('Egress') },
    rules: {
      ingress: (spec.ingress ?? []).map((r) => compileRule(r?.from, r?.ports)),
      egress: (spec.egress ?? []).map((r) => compileRule(r?.to, r?.ports)),
    },
    source: np,
  };
}

function defaultPolicyTypes(spec: NetworkPolicy['spec']): ('Ingress' | 'Egress')[] {
  return Array.isArray(spec.egress) && spec.egress.length > 0 ? ['Ingress', 'Egress'] : ['Ingress'];
}

function compileRule(peers: NetworkPolicyPeer[] | undefined, ports: NetworkPolicyPort[] | undefined): CompiledRule {
  return {
    peers: peers && peers.length > 0 ? peers.map(compilePeer) : undefined,
    ports: ports && ports.length > 0 ? ports.map(compilePort) : undefined,
  };
}

function compilePeer(peer: NetworkPolicyPeer): CompiledPeer {
  if (peer?.ipBlock) {
    return {
      kind: 'ipBlock',
      cidr: Cidr.tryParse(peer.ipBlock.cidr),
      except: (peer.ipBlock.except ?? []).map((e) => Cidr.tryParse(e)).filter((c): c is Cidr => c !== undefined),
    };
  }
  if (!peer?.podSelector && !peer?.namespaceSelector) {
    // The API server rejects a peer with no field set; such a peer selects nothing.
    return { kind: 'pods', podSelector: CompiledSelector.nothing() };
  }
  return {
    kind: 'pods',
    podSelector: peer.podSelector ? new CompiledSelector(peer.podSelector) : undefined,
    namespaceSelector: peer.namespaceSelector ? new CompiledSelector(peer.namespaceSelector) : undefined,
  };
}

function compilePort(p: NetworkPolicyPort): CompiledPort {
  // Anything other than TCP/UDP/SCTP (rejected by the API server) stays as written and matches no flow.
  const protocol = kubeProtocol(p?.protocol);
  const port = p?.port;
  if (port === undefined || port === null) return { protocol };
  if (typeof port === 'number') return { protocol, port, endPort: typeof p.endPort === 'number' ? p.endPort : undefined };
  // IntOrString: a numeric string as kubectl may print it is a number; anything else is a name.
  if (/^\d+$/.test(port)) return { protocol, port: Number(port), endPort: typeof p.endPort === 'number' ? p.endPort : undefined };
  return { protocol, name: port, namedKey: `${port}/${protocol}` };
}
