import { isObject, Problems } from './field';
import { NETWORK_POLICY_SOURCE, validateNetworkPolicy } from './networkpolicy';
import { SGP_SOURCE, validateSecurityGroupPolicy } from './security-group-policy';
import { SERVICE_SOURCE, validateService } from './service';
import { validateLabelSelector, validateLabels } from './selector';
import { checkShape, K8S_SHAPES } from './shape';

const WORKLOADS = new Set(['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet']);

/**
 * The first rule a Kubernetes object of a kind eksnet reads breaks, or undefined when the API server would
 * accept it. Every kind: metadata.name a non-empty string, labels and annotations string maps
 * (ValidateObjectMeta). NetworkPolicy, SecurityGroupPolicy and Service have their own rules; workloads'
 * selectors and pod-template labels are checked as label selectors and labels.
 */
export function validateK8sObject(obj: Record<string, any>): string | undefined {
  const kind = String(obj.kind);
  const p = new Problems(kind === 'NetworkPolicy' ? NETWORK_POLICY_SOURCE : kind === 'SecurityGroupPolicy' ? SGP_SOURCE : kind === 'Service' ? SERVICE_SOURCE : 'Kubernetes ValidateObjectMeta');
  const meta = obj.metadata;
  if (!isObject(meta)) {
    p.required('metadata');
    return p.first;
  }
  if (typeof meta.name !== 'string' || meta.name === '') {
    p.required('metadata.name', 'name or generateName is required');
    return p.first;
  }
  if (meta.namespace !== undefined && typeof meta.namespace !== 'string') p.invalid('metadata.namespace', meta.namespace, 'must be a string');
  validateLabels(p, 'metadata.labels', meta.labels);
  if (meta.annotations !== undefined && meta.annotations !== null) {
    if (!isObject(meta.annotations)) p.invalid('metadata.annotations', meta.annotations, 'must be a map of string keys to string values');
    else for (const [k, v] of Object.entries(meta.annotations)) if (typeof v !== 'string') p.invalid(`metadata.annotations.${k}`, v, 'must be a string');
  }
  if (p.first) return p.first;
  const shape = K8S_SHAPES[kind];
  if (shape) checkShape(p, '', obj, shape);
  if (p.first) return p.first;
  if (kind === 'NetworkPolicy') return validateNetworkPolicy(obj, p).first;
  if (kind === 'SecurityGroupPolicy') return validateSecurityGroupPolicy(obj, p).first;
  if (kind === 'Service') return validateService(obj, p).first;
  if (WORKLOADS.has(kind) && isObject(obj.spec)) {
    validateLabelSelector(p, 'spec.selector', obj.spec.selector);
    if (isObject(obj.spec.template) && isObject(obj.spec.template.metadata)) validateLabels(p, 'spec.template.metadata.labels', obj.spec.template.metadata.labels);
  }
  return p.first;
}
