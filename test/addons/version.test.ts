import { compareAddonVersions, isNewer, newestVersion, parseAddonVersion } from '../../src/addons/version';
import { imageTag } from '../../src/addons/self-managed';

// EKS add-on versions are vMAJOR.MINOR.PATCH-eksbuild.N (https://docs.aws.amazon.com/eks/latest/userguide/updating-an-add-on.html):
// compared on major.minor.patch, then the eksbuild number as a number (eksbuild.10 is newer than eksbuild.9).

describe('add-on version ordering', () => {
  it.each([
    ['v1.19.2-eksbuild.1', 'v1.19.0-eksbuild.5', 1],
    ['v1.19.2-eksbuild.10', 'v1.19.2-eksbuild.9', 1],
    ['v1.19.2-eksbuild.1', 'v1.19.2-eksbuild.1', 0],
    ['v1.9.0-eksbuild.1', 'v1.10.0-eksbuild.1', -1],
    ['v1.29.0-minimal-eksbuild.1', 'v1.29.0-eksbuild.2', -1],
    ['v1.19.2', 'v1.19.2-eksbuild.1', -1],
  ])('%s vs %s → %d', (a, b, sign) => {
    expect(Math.sign(compareAddonVersions(parseAddonVersion(a)!, parseAddonVersion(b)!))).toBe(sign);
  });
  it('rejects text without major.minor.patch', () => {
    expect(parseAddonVersion('latest')).toBeUndefined();
    expect(parseAddonVersion('v1.19')).toBeUndefined();
  });
  it('newestVersion picks numerically, skipping unparseable entries', () => {
    expect(newestVersion(['v1.19.2-eksbuild.9', 'garbage', 'v1.19.2-eksbuild.10', 'v1.18.9-eksbuild.30'])).toBe('v1.19.2-eksbuild.10');
  });
  it('isNewer is false when either side is unknown', () => {
    expect(isNewer('v1.19.2-eksbuild.1', null)).toBe(false);
    expect(isNewer(null, 'v1.19.2-eksbuild.1')).toBe(false);
    expect(isNewer('v1.19.2-eksbuild.2', 'v1.19.2-eksbuild.1')).toBe(true);
  });
});

describe('image tags of self-managed add-ons', () => {
  it.each([
    ['602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1', 'v1.18.3-eksbuild.1'],
    ['602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.29.0-minimal-eksbuild.1', 'v1.29.0-minimal-eksbuild.1'],
    ['registry.local:5000/eks/coredns:v1.11.1-eksbuild.4@sha256:abcd', 'v1.11.1-eksbuild.4'],
    ['registry.local:5000/eks/coredns', undefined],
    ['coredns', undefined],
  ])('%s → %s', (image, tag) => {
    expect(imageTag(image)).toBe(tag);
  });
});
