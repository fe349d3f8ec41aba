import { addonStatuses } from '../../addons/status';
import type { CheckFinding } from '../pack';
import type { PostureContext } from '../context';
import { listSome, notEvaluated } from '../findings';
import type { PostureCheck } from '../types';

// Keep add-ons at the newest version compatible with the cluster's Kubernetes version
// (https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html;
// https://docs.aws.amazon.com/eks/latest/userguide/managing-vpc-cni.html).
export const addonOutdated: PostureCheck = {
  id: 'addon-outdated',
  run(ctx: PostureContext): CheckFinding[] {
    const statuses = addonStatuses(ctx.snap);
    const findings: CheckFinding[] = [];
    const unknown: string[] = [];
    for (const a of statuses) {
      if (a.current === null || a.latest === null) {
        unknown.push(`${a.name} (${a.current === null ? 'running version' : 'newest compatible version'} unknown)`);
        continue;
      }
      if (!a.upgradeAvailable) continue;
      findings.push({
        id: this.id,
        object: a.name,
        summary: `${a.name} runs ${a.current} but ${a.latest} is the newest version compatible with Kubernetes ${ctx.snap.aws.cluster?.version}; add-on updates carry security and networking fixes (Amazon EKS User Guide: update an Amazon EKS add-on).`,
        fix: a.managed
          ? `aws eks update-addon --cluster-name ${ctx.clusterName} --addon-name ${a.name} --addon-version ${a.latest} --resolve-conflicts PRESERVE`
          : `aws eks create-addon --cluster-name ${ctx.clusterName} --addon-name ${a.name} --addon-version ${a.latest} --resolve-conflicts OVERWRITE (moves the self-managed ${a.name} to the managed add-on at the newest version)`,
      });
    }
    if (unknown.length > 0) {
      const why = !ctx.snap.aws.cluster?.version
        ? "the cluster's Kubernetes version is not in the snapshot (eks describe-cluster)"
        : ctx.snap.aws.addonVersions.length === 0
          ? 'the snapshot holds no eks describe-addon-versions output'
          : 'the snapshot does not show every version';
      findings.push(notEvaluated(ctx, this.id, `${why}: ${listSome(unknown, 5)}`));
    }
    return findings;
  },
};
