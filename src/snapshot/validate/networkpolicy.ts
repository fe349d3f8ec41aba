import { child, index, isObject, listField, objectField, Problems } from './field';
import { cidrWithin, dns1123SubdomainErrors, parseCidr, portNameErrors, portNumErrors } from './names';
import { validateLabelSelector } from './selector';

/**
 * networking.k8s.io/v1 NetworkPolicy as the API server validates it: ValidateNetworkPolicy in
 * kubernetes/pkg/apis/networking/validation/validation.go (name a DNS subdomain; podSelector; each rule's
 * ports and peers; policyTypes), with kubectl's strict field validation (an unknown field is an error, so a
 * misspelt `policyType:` is not silently dropped).
 */
export const NETWORK_POLICY_SOURCE = 'Kubernetes ValidateNetworkPolicy';

const PROTOCOLS = ['TCP', 'UDP', 'SCTP'] as const;
const POLICY_TYPES = ['Ingress', 'Egress'] as const;

/** ValidateNetworkPolicyPort. */
function validatePort(p: Problems, path: string, port: unknown): void {
  if (!isObject(port)) {
    p.invalid(path, port, 'must be a NetworkPolicyPort object');
    return;
  }
  p.strictFields(path, port, ['protocol', 'port', 'endPort']);
  if (port.protocol !== undefined && port.protocol !== null && !PROTOCOLS.includes(port.protocol)) {
    p.notSupported(child(path, 'protocol'), port.protocol, PROTOCOLS);
  }
  const endPort = port.endPort;
  if (endPort !== undefined && endPort !== null && typeof endPort !== 'number') p.invalid(child(path, 'endPort'), endPort, 'must be an integer');
  if (port.port !== undefined && port.port !== null) {
    if (typeof port.port === 'number') {
      for (const msg of portNumErrors(port.port)) p.invalid(child(path, 'port'), port.port, msg);
      if (typeof endPort === 'number') {
        if (endPort < port.port) p.invalid(child(path, 'endPort'), endPort, 'must be greater than or equal to `port`');
        for (const msg of portNumErrors(endPort)) p.invalid(child(path, 'endPort'), endPort, msg);
      }
    } else if (typeof port.port === 'string') {
      if (endPort !== undefined && endPort !== null) p.invalid(child(path, 'endPort'), endPort, 'may not be specified when `port` is non-numeric');
      for (const msg of portNameErrors(port.port)) p.invalid(child(path, 'port'), port.port, msg);
    } else {
      p.invalid(child(path, 'port'), port.port, 'must be an integer or a port name');
    }
  } else if (endPort !== undefined && endPort !== null) {
    p.invalid(child(path, 'endPort'), endPort, 'may not be specified when `port` is not specified');
  }
}

/** ValidateIPBlock: cidr required and a CIDR; each except a CIDR that is a strict subset of cidr. */
function validateIpBlock(p: Problems, path: string, block: Record<string, any>): void {
  p.strictFields(path, block, ['cidr', 'except']);
  if (block.cidr === undefined || block.cidr === null || block.cidr === '') {
    p.required(child(path, 'cidr'));
    return;
  }
  const cidr = typeof block.cidr === 'string' ? parseCidr(block.cidr) : undefined;
  if (!cidr) {
    p.invalid(child(path, 'cidr'), block.cidr, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
    return;
  }
  listField(p, child(path, 'except'), block.except)?.forEach((text, i) => {
    const at = index(child(path, 'except'), i);
    const except = typeof text === 'string' ? parseCidr(text) : undefined;
    if (!except) p.invalid(at, text, 'must be a valid CIDR value, (e.g. 10.9.8.0/24 or 2001:db8::/64)');
    else if (!cidrWithin(except, cidr) || except.prefix <= cidr.prefix) p.invalid(at, text, 'must be a strict subset of `cidr`');
  });
}

/** ValidateNetworkPolicyPeer: exactly a selector pair or an ipBlock. */
function validatePeer(p: Problems, path: string, peer: unknown): void {
  if (!isObject(peer)) {
    p.invalid(path, peer, 'must be a NetworkPolicyPeer object');
    return;
  }
  p.strictFields(path, peer, ['podSelector', 'namespaceSelector', 'ipBlock']);
  let peers = 0;
  if (peer.podSelector !== undefined && peer.podSelector !== null) {
    peers++;
    validateLabelSelector(p, child(path, 'podSelector'), peer.podSelector);
  }
  if (peer.namespaceSelector !== undefined && peer.namespaceSelector !== null) {
    peers++;
    validateLabelSelector(p, child(path, 'namespaceSelector'), peer.namespaceSelector);
  }
  const block = objectField(p, child(path, 'ipBlock'), peer.ipBlock);
  if (peer.ipBlock !== undefined && peer.ipBlock !== null) {
    peers++;
    if (block) validateIpBlock(p, child(path, 'ipBlock'), block);
  }
  if (peers === 0) p.required(path, 'must specify a peer');
  else if (peers > 1 && peer.ipBlock !== undefined && peer.ipBlock !== null) p.forbidden(path, 'may not specify both ipBlock and another peer');
}

function validateRules(p: Problems, path: string, rules: unknown, peersKey: 'from' | 'to'): void {
  listField(p, path, rules)?.forEach((rule, i) => {
    const at = index(path, i);
    if (!isObject(rule)) {
      p.invalid(at, rule, 'must be a rule object');
      return;
    }
    p.strictFields(at, rule, ['ports', peersKey]);
    listField(p, child(at, 'ports'), rule.ports)?.forEach((port, j) => validatePort(p, index(child(at, 'ports'), j), port));
    listField(p, child(at, peersKey), rule[peersKey])?.forEach((peer, j) => validatePeer(p, index(child(at, peersKey), j), peer));
  });
}

export function validateNetworkPolicy(obj: Record<string, any>, p = new Problems(NETWORK_POLICY_SOURCE)): Problems {
  const name = obj.metadata?.name;
  if (typeof name === 'string') for (const msg of dns1123SubdomainErrors(name)) p.invalid('metadata.name', name, msg);
  const spec = obj.spec;
  if (spec === undefined || spec === null) return p;
  if (!isObject(spec)) {
    p.invalid('spec', spec, 'must be a NetworkPolicySpec object');
    return p;
  }
  p.strictFields('spec', spec, ['podSelector', 'ingress', 'egress', 'policyTypes']);
  validateLabelSelector(p, 'spec.podSelector', spec.podSelector);
  validateRules(p, 'spec.ingress', spec.ingress, 'from');
  validateRules(p, 'spec.egress', spec.egress, 'to');
  const types = listField(p, 'spec.policyTypes', spec.policyTypes);
  if (types && types.length > POLICY_TYPES.length) p.invalid('spec.policyTypes', types, 'may not specify more than two policyTypes');
  else types?.forEach((t, i) => {
    if (!POLICY_TYPES.includes(t as (typeof POLICY_TYPES)[number])) p.notSupported(index('spec.policyTypes', i), t, POLICY_TYPES);
  });
  return p;
}
