import { escapeControl } from '../../util/escape';
import { BadInputError } from '../../util/errors';
import { validateEc2List, validatePrefixListEntries } from './ec2';
import { validateK8sObject } from './kubernetes';

export { validateK8sObject, validateEc2List, validatePrefixListEntries };

/**
 * An object the Kubernetes API server or the EC2 API would refuse: bad input (exit 2), one line naming the
 * file, the object and the rule — never analysed, since skipping or repairing it could turn a deny into an allow.
 */
export class InvalidObjectError extends BadInputError {
  constructor(origin: string, objectAndProblem: string) {
    super(`${escapeControl(origin)}: ${objectAndProblem}`);
  }
}

/** `Kind namespace/name` of a Kubernetes object, escaped. */
export function k8sObjectName(obj: Record<string, any>): string {
  const meta = typeof obj.metadata === 'object' && obj.metadata !== null ? obj.metadata : {};
  const name = typeof meta.name === 'string' ? meta.name : '(no name)';
  const ns = typeof meta.namespace === 'string' ? meta.namespace + '/' : '';
  return escapeControl(`${String(obj.kind)} ${ns}${name}`);
}

/** Throw InvalidObjectError when the Kubernetes object breaks its API's validation. */
export function assertValidK8sObject(obj: Record<string, any>, origin: string): void {
  const problem = validateK8sObject(obj);
  if (problem) throw new InvalidObjectError(origin, `${k8sObjectName(obj)}: ${problem}`);
}

/** Throw InvalidObjectError when an EC2 result list holds an object EC2 would refuse (the message names `Key[i] (id)`). */
export function assertValidEc2List(key: string, items: unknown, origin: string): void {
  const problem = validateEc2List(key, items);
  if (problem) throw new InvalidObjectError(origin, problem);
}
