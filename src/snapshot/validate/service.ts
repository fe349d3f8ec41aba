import { child, index, isObject, listField, objectField, Problems } from './field';
import { dns1123LabelErrors, portNameErrors, portNumErrors } from './names';

/**
 * v1 Service ports as validateServicePort and ValidateService check them (kubernetes/pkg/apis/core/validation):
 * port 1-65535; protocol TCP, UDP or SCTP (defaulted to TCP); targetPort a port number or an IANA port name;
 * nodePort a port number when set; names DNS-1123 labels, unique, and required when there is more than one
 * port; no two ports with the same port and protocol.
 */
export const SERVICE_SOURCE = 'Kubernetes ValidateService';

const PROTOCOLS = ['SCTP', 'TCP', 'UDP'] as const;

export function validateService(obj: Record<string, any>, p = new Problems(SERVICE_SOURCE)): Problems {
  const spec = objectField(p, 'spec', obj.spec);
  if (!spec) return p;
  const ports = listField(p, 'spec.ports', spec.ports);
  if (!ports) return p;
  const names = new Set<string>();
  const seen = new Set<string>();
  ports.forEach((sp, i) => {
    const at = index('spec.ports', i);
    if (!isObject(sp)) {
      p.invalid(at, sp, 'must be a ServicePort object');
      return;
    }
    if (ports.length > 1 && (sp.name === undefined || sp.name === '')) p.required(child(at, 'name'));
    else if (sp.name !== undefined && sp.name !== '') {
      if (typeof sp.name !== 'string') p.invalid(child(at, 'name'), sp.name, 'must be a string');
      else {
        for (const msg of dns1123LabelErrors(sp.name)) p.invalid(child(at, 'name'), sp.name, msg);
        if (names.has(sp.name)) p.duplicate(child(at, 'name'), sp.name);
        names.add(sp.name);
      }
    }
    if (typeof sp.port !== 'number') p.invalid(child(at, 'port'), sp.port, 'must be an integer between 1 and 65535');
    else for (const msg of portNumErrors(sp.port)) p.invalid(child(at, 'port'), sp.port, msg);
    const protocol = sp.protocol ?? 'TCP';
    if (!PROTOCOLS.includes(protocol)) p.notSupported(child(at, 'protocol'), sp.protocol, PROTOCOLS);
    if (sp.targetPort !== undefined && sp.targetPort !== null) {
      if (typeof sp.targetPort === 'number') for (const msg of portNumErrors(sp.targetPort)) p.invalid(child(at, 'targetPort'), sp.targetPort, msg);
      else if (typeof sp.targetPort === 'string') for (const msg of portNameErrors(sp.targetPort)) p.invalid(child(at, 'targetPort'), sp.targetPort, msg);
      else p.invalid(child(at, 'targetPort'), sp.targetPort, 'must be an integer or a port name');
    }
    if (sp.nodePort !== undefined && sp.nodePort !== null && sp.nodePort !== 0) {
      if (typeof sp.nodePort !== 'number') p.invalid(child(at, 'nodePort'), sp.nodePort, 'must be an integer');
      else for (const msg of portNumErrors(sp.nodePort)) p.invalid(child(at, 'nodePort'), sp.nodePort, msg);
    }
    const key = `${sp.port}/${protocol}`;
    if (seen.has(key)) p.duplicate(at, key);
    seen.add(key);
  });
  return p;
}
