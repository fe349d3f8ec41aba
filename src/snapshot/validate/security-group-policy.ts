import { index, listField, objectField, Problems } from './field';
import { dns1123SubdomainErrors } from './names';
import { validateLabelSelector } from './selector';

/**
 * vpcresources.k8s.aws/v1beta1 SecurityGroupPolicy per its CRD's OpenAPI schema
 * (amazon-vpc-resource-controller-k8s config/crd/bases/vpcresources.k8s.aws_securitygrouppolicies.yaml):
 * spec.{podSelector, serviceAccountSelector} are label selectors (matchExpressions entries require key and
 * operator; "If the operator is In or NotIn, the values array must be non-empty. If the operator is Exists or
 * DoesNotExist, the values array must be empty"), spec.securityGroups.groupIds is a list of 1 to 16 strings.
 * Unknown fields are refused (kubectl's strict field validation) rather than pruned.
 */
export const SGP_SOURCE = 'SecurityGroupPolicy CRD schema';

export function validateSecurityGroupPolicy(obj: Record<string, any>, p = new Problems(SGP_SOURCE)): Problems {
  const name = obj.metadata?.name;
  if (typeof name === 'string') for (const msg of dns1123SubdomainErrors(name)) p.invalid('metadata.name', name, msg);
  const spec = objectField(p, 'spec', obj.spec);
  if (!spec) return p;
  p.strictFields('spec', spec, ['podSelector', 'serviceAccountSelector', 'securityGroups']);
  validateLabelSelector(p, 'spec.podSelector', spec.podSelector);
  validateLabelSelector(p, 'spec.serviceAccountSelector', spec.serviceAccountSelector);
  const groups = objectField(p, 'spec.securityGroups', spec.securityGroups);
  if (!groups) return p;
  p.strictFields('spec.securityGroups', groups, ['groupIds']);
  const ids = listField(p, 'spec.securityGroups.groupIds', groups.groupIds);
  if (!ids || groups.groupIds === undefined) return p;
  if (ids.length < 1) p.invalid('spec.securityGroups.groupIds', ids, 'should have at least 1 items');
  if (ids.length > 16) p.invalid('spec.securityGroups.groupIds', `${ids.length} items`, 'must have at most 16 items');
  ids.forEach((id, i) => {
    if (typeof id !== 'string') p.invalid(index('spec.securityGroups.groupIds', i), id, 'must be a string');
  });
  return p;
}

