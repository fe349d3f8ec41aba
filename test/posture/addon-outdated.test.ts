import { addonOutdated } from '../../src/posture/checks/addon-outdated';
import { awsNode, compliantWorld, ids, run } from './world';

// Keep add-ons at the newest compatible version: https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html

function world(current: string, managed: boolean) {
  const s = compliantWorld();
  s.aws.addonVersions.push(
    { addonName: 'vpc-cni', addonVersions: [{ addonVersion: 'v1.19.2-eksbuild.1', compatibilities: [{ clusterVersion: '1.29' }] }] },
    { addonName: 'kube-proxy', addonVersions: [{ addonVersion: 'v1.29.3-eksbuild.2', compatibilities: [{ clusterVersion: '1.29' }] }] },
    { addonName: 'coredns', addonVersions: [{ addonVersion: 'v1.11.1-eksbuild.9', compatibilities: [{ clusterVersion: '1.29' }] }] },
  );
  s.aws.addons.push({ addonName: 'kube-proxy', addonVersion: 'v1.29.3-eksbuild.2' }, { addonName: 'coredns', addonVersion: 'v1.11.1-eksbuild.9' });
  if (managed) s.aws.addons.push({ addonName: 'vpc-cni', addonVersion: current });
  else s.k8s.daemonSets = [awsNode({}, `602401143452.dkr.ecr.eu-west-1.amazonaws.com/amazon-k8s-cni:${current}`)];
  return s;
}

describe('addon-outdated', () => {
  it('Noncompliance 1: managed vpc-cni behind: update-addon to the newest compatible version', () => {
    const f = run(addonOutdated, world('v1.18.3-eksbuild.1', true));
    expect(ids(f)).toEqual(['addon-outdated low vpc-cni']);
    expect(f[0]!.fix).toBe('aws eks update-addon --cluster-name demo --addon-name vpc-cni --addon-version v1.19.2-eksbuild.1 --resolve-conflicts PRESERVE');
  });
  it('Noncompliance 2: self-managed vpc-cni behind (from the aws-node image)', () => {
    const f = run(addonOutdated, world('v1.18.3-eksbuild.1', false));
    expect(ids(f)).toEqual(['addon-outdated low vpc-cni']);
    expect(f[0]!.fix).toContain('aws eks create-addon --cluster-name demo --addon-name vpc-cni --addon-version v1.19.2-eksbuild.1');
  });
  it('Compliance: everything at the newest compatible version', () => {
    expect(run(addonOutdated, world('v1.19.2-eksbuild.1', true))).toEqual([]);
  });
  it('not evaluated (naming the add-ons) without describe-addon-versions', () => {
    const s = world('v1.18.3-eksbuild.1', true);
    s.aws.addonVersions = [];
    const f = run(addonOutdated, s);
    expect(ids(f)).toEqual(['check-not-evaluated info demo (addon-outdated)']);
    expect(f[0]!.summary).toContain('describe-addon-versions');
    expect(f[0]!.summary).toContain('vpc-cni');
  });
});
