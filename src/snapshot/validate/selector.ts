import { child, index, isObject, listField, type Problems } from './field';
import { labelValueErrors, qualifiedNameErrors } from './names';

const OPERATORS = ['In', 'NotIn', 'Exists', 'DoesNotExist'] as const;

/** Labels (metadata.labels, matchLabels): a map of qualified-name keys to label values (ValidateLabels). */
export function validateLabels(p: Problems, path: string, labels: unknown): void {
  if (labels === undefined || labels === null) return;
  if (!isObject(labels)) {
    p.invalid(path, labels, 'must be a map of string keys to string values');
    return;
  }
  for (const [key, value] of Object.entries(labels)) {
    for (const msg of qualifiedNameErrors(key)) p.invalid(path, key, msg);
    if (typeof value !== 'string') {
      p.invalid(`${path}.${key}`, value, 'must be a string');
      continue;
    }
    for (const msg of labelValueErrors(value)) p.invalid(`${path}.${key}`, value, msg);
  }
}

/**
 * A metav1.LabelSelector as ValidateLabelSelector (apimachinery/pkg/apis/meta/v1/validation) checks it:
 * matchLabels as labels; each matchExpressions entry a qualified key, a known operator, values required for
 * In/NotIn and forbidden for Exists/DoesNotExist, each value a label value. Unknown fields are errors (strict).
 */
export function validateLabelSelector(p: Problems, path: string, selector: unknown): void {
  if (selector === undefined || selector === null) return;
  if (!isObject(selector)) {
    p.invalid(path, selector, 'must be a label selector object');
    return;
  }
  p.strictFields(path, selector, ['matchLabels', 'matchExpressions']);
  validateLabels(p, child(path, 'matchLabels'), selector.matchLabels);
  const exprs = listField(p, child(path, 'matchExpressions'), selector.matchExpressions);
  exprs?.forEach((req, i) => {
    const at = index(child(path, 'matchExpressions'), i);
    if (!isObject(req)) {
      p.invalid(at, req, 'must be a label selector requirement object');
      return;
    }
    p.strictFields(at, req, ['key', 'operator', 'values']);
    if (typeof req.key !== 'string') p.required(child(at, 'key'));
    else for (const msg of qualifiedNameErrors(req.key)) p.invalid(child(at, 'key'), req.key, msg);
    const values = listField(p, child(at, 'values'), req.values);
    switch (req.operator) {
      case 'In':
      case 'NotIn':
        if (values && values.length === 0) p.required(child(at, 'values'), "must be specified when `operator` is 'In' or 'NotIn'");
        break;
      case 'Exists':
      case 'DoesNotExist':
        if (values && values.length > 0) p.forbidden(child(at, 'values'), "may not be specified when `operator` is 'Exists' or 'DoesNotExist'");
        break;
      default:
        if (req.operator === undefined) p.required(child(at, 'operator'));
        else p.notSupported(child(at, 'operator'), req.operator, OPERATORS);
    }
    values?.forEach((v, j) => {
      if (typeof v !== 'string') p.invalid(index(child(at, 'values'), j), v, 'must be a string');
      else for (const msg of labelValueErrors(v)) p.invalid(index(child(at, 'values'), j), v, msg);
    });
  });
}
