import type { Pod } from '../../model/k8s';
import type { CheckFinding } from '../pack';
import { compileSelector } from '../../resolve/selector';
import type { PostureContext } from '../context';
import { notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// A SecurityGroupPolicy matches the pods of its namespace by spec.podSelector and/or spec.serviceAccountSelector
// (labels of the pod's ServiceAccount); hostNetwork pods never get pod security groups
// (https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html;
// https://github.com/aws/amazon-vpc-resource-controller-k8s/blob/master/apis/vpcresources/v1beta1/securitygrouppolicy_types.go).
export const sgpSelectsNoPods: PostureCheck = {
  id: 'sgp-selects-no-pods',
  run(ctx: PostureContext): CheckFinding[] {
    const failed = ctx.collectionFailed('SecurityGroupPolicy');
    if (failed) return [notEvaluated(ctx, this.id, failed)];
    const policies = ctx.snap.k8s.securityGroupPolicies;
    if (policies.length === 0) return [];
    const lacking = ctx.lacking(['Pod']);
    if (lacking) return [notEvaluated(ctx, this.id, lacking)];
    const saLabels = new Map(ctx.snap.k8s.serviceAccounts.map((sa) => [`${sa.metadata.namespace ?? 'default'}/${sa.metadata.name}`, sa.metadata.labels ?? {}]));
    const findings: CheckFinding[] = [];
    for (const sgp of policies) {
      const ns = sgp.metadata.namespace ?? 'default';
      const object = `SecurityGroupPolicy/${ns}/${sgp.metadata.name}`;
      const { podSelector, serviceAccountSelector } = sgp.spec ?? {};
      if (!podSelector && !serviceAccountSelector) continue; // rejected by the CRD's validation
      if (serviceAccountSelector && !ctx.snap.present.has('ServiceAccount')) {
        findings.push(notEvaluated(ctx, this.id, `${object} selects by service account and the snapshot holds no ServiceAccount`));
        continue;
      }
      const podMatches = podSelector ? compileSelector(podSelector) : () => true;
      const saMatches = serviceAccountSelector ? compileSelector(serviceAccountSelector) : () => true;
      const selected = (p: Pod) =>
        !p.spec?.hostNetwork &&
        podMatches(p.metadata.labels ?? {}) &&
        (!serviceAccountSelector || saMatches(saLabels.get(`${ns}/${p.spec?.serviceAccountName ?? 'default'}`)));
      if ((ctx.k8s.podsByNamespace.get(ns) ?? []).some(selected)) continue;
      const groups = sgp.spec?.securityGroups?.groupIds ?? [];
      findings.push({
        id: this.id,
        object,
        summary: `SecurityGroupPolicy ${ns}/${sgp.metadata.name}${groups.length ? ` (${groups.join(', ')})` : ''} selects no running pod in ${ns}, so its security groups protect nothing — check its selectors against the pods' (and service accounts') labels (Amazon EKS User Guide: security groups for pods).`,
        fix: `kubectl get pods,serviceaccounts -n ${ns} --show-labels, then fix the selector (kubectl edit securitygrouppolicy -n ${ns} ${sgp.metadata.name}) or delete the policy if its workload is gone`,
      });
    }
    return findings;
  },
};
