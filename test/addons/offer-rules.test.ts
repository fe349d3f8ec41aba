// What an add-on offer may propose, per the EKS documentation (../shared/notes/eks-addon-upgrade-facts.md §2).
import { decideOffer, type ListedVersion } from '../../src/addons/offer-rules';
import { registryFor, selfManagedImage, selfManagedTag } from '../../src/addons/images';

const v = (addonVersion: string, ...clusterVersions: string[]): ListedVersion => ({ addonVersion, clusterVersions });

describe('decideOffer', () => {
  // API_Compatibility: compatibilities[].clusterVersion lists the Kubernetes versions an add-on version supports.
  it('offers only versions whose compatibilities include the cluster version, and says why a newer one is not offered', () => {
    const d = decideOffer('kube-proxy', 'v1.31.2-eksbuild.3', '1.31', [v('v1.32.0-eksbuild.2', '1.32'), v('v1.31.3-eksbuild.2', '1.31'), v('v1.31.2-eksbuild.3', '1.31')]);
    expect(d).toMatchObject({ kind: 'offer', to: 'v1.31.3-eksbuild.2', evidence: { clusterVersion: '1.31', compatibilities: ['1.31'] } });
    expect(d.kind === 'offer' && d.notOffered).toBe('v1.32.0-eksbuild.2 is newer but not compatible with Kubernetes 1.31');
  });

  it('nothing compatible and newer: no offer, with the reason', () => {
    const d = decideOffer('coredns', 'v1.11.4-eksbuild.2', '1.31', [v('v1.12.1-eksbuild.1', '1.33')]);
    expect(d).toEqual({ kind: 'none', reason: 'v1.12.1-eksbuild.1 is newer but not compatible with Kubernetes 1.31 (its compatibilities: 1.33)' });
  });

  it('never offers a downgrade, even when only older versions are compatible', () => {
    const d = decideOffer('vpc-cni', 'v1.19.2-eksbuild.5', '1.31', [v('v1.19.0-eksbuild.1', '1.31'), v('v1.18.6-eksbuild.1', '1.31')]);
    expect(d).toEqual({ kind: 'none', reason: 'no newer version is listed' });
  });

  // managing-vpc-cni.html: "We recommend that you update one minor version at a time."
  it('VPC CNI: one minor version at a time; a longer way is offered as its first step', () => {
    const d = decideOffer('vpc-cni', 'v1.16.4-eksbuild.2', '1.29', [v('v1.19.2-eksbuild.5', '1.29'), v('v1.18.6-eksbuild.1', '1.29'), v('v1.17.1-eksbuild.1', '1.29'), v('v1.17.0-eksbuild.1', '1.29'), v('v1.16.5-eksbuild.1', '1.29')]);
    expect(d).toMatchObject({ kind: 'offer', to: 'v1.17.1-eksbuild.1' });
    expect(d.kind === 'offer' && d.notOffered).toBe('v1.19.2-eksbuild.5 is newer, but the VPC CNI is updated one minor version at a time; this is the first step');
  });

  it('VPC CNI: within the same minor when the next minor is not compatible', () => {
    const d = decideOffer('vpc-cni', 'v1.18.3-eksbuild.1', '1.30', [v('v1.19.2-eksbuild.5', '1.31'), v('v1.18.6-eksbuild.1', '1.30')]);
    expect(d).toMatchObject({ kind: 'offer', to: 'v1.18.6-eksbuild.1' });
  });

  // kube-proxy-add-on-self-managed-update.html: same skew policy as Kubernetes; kube-proxy must not be newer than kube-apiserver.
  it('kube-proxy: never ahead of the cluster minor, even when a listing claims compatibility', () => {
    const d = decideOffer('kube-proxy', 'v1.29.0-minimal-eksbuild.1', '1.29', [v('v1.30.7-eksbuild.2', '1.29', '1.30'), v('v1.29.11-eksbuild.2', '1.29')]);
    expect(d).toMatchObject({ kind: 'offer', to: 'v1.29.11-eksbuild.2' });
    expect(d.kind === 'offer' && d.notOffered).toBe('v1.30.7-eksbuild.2 is newer than the cluster\'s Kubernetes 1.29; kube-proxy must not be newer than the API server');
  });

  // managing-coredns.html table: 1.29–1.32 → v1.11; 1.33/1.34 → v1.12; 1.28 → v1.10.
  it('coredns: the minor version the EKS table names for the cluster version', () => {
    const d = decideOffer('coredns', 'v1.10.1-eksbuild.18', '1.28', [v('v1.11.4-eksbuild.2', '1.28', '1.29'), v('v1.10.1-eksbuild.38', '1.28')]);
    expect(d).toMatchObject({ kind: 'offer', to: 'v1.10.1-eksbuild.38' });
    expect(d.kind === 'offer' && d.notOffered).toBe('v1.11.4-eksbuild.2 is beyond CoreDNS v1.10, the version the EKS table names for Kubernetes 1.28');
  });

  it('an unknown cluster version or running version offers nothing, saying why', () => {
    expect(decideOffer('coredns', 'v1.11.3-eksbuild.2', undefined, [v('v1.11.4-eksbuild.2', '1.31')]).kind).toBe('none');
    expect(decideOffer('coredns', 'latest', '1.31', [v('v1.11.4-eksbuild.2', '1.31')])).toEqual({ kind: 'none', reason: 'the running version `latest` is not a version eksnet can compare' });
  });
});

// add-ons-images.html: the ECR account per region; kube-proxy-add-on-self-managed-update.html: "You must use the same image type as the previous image".
describe('self-managed images', () => {
  it('uses the region\'s EKS registry account and DNS suffix', () => {
    expect(registryFor('eu-west-1')).toBe('602401143452.dkr.ecr.eu-west-1.amazonaws.com');
    expect(registryFor('af-south-1')).toBe('877085696533.dkr.ecr.af-south-1.amazonaws.com');
    expect(registryFor('cn-north-1')).toBe('918309763551.dkr.ecr.cn-north-1.amazonaws.com.cn');
    expect(registryFor('xx-nowhere-1')).toBeUndefined();
  });

  it('kube-proxy keeps the minimal image type below 1.34 and uses the plain tag from 1.34', () => {
    expect(selfManagedTag('kube-proxy', 'v1.29.11-eksbuild.2', 'v1.29.0-minimal-eksbuild.1', '1.29')).toBe('v1.29.11-minimal-eksbuild.2');
    expect(selfManagedTag('kube-proxy', 'v1.29.11-eksbuild.2', 'v1.29.0-eksbuild.1', '1.29')).toBe('v1.29.11-eksbuild.2');
    expect(selfManagedTag('kube-proxy', 'v1.34.1-eksbuild.2', 'v1.33.5-minimal-eksbuild.2', '1.34')).toBe('v1.34.1-eksbuild.2');
    expect(selfManagedImage('coredns', 'us-east-1', 'v1.11.4-eksbuild.24')).toBe('602401143452.dkr.ecr.us-east-1.amazonaws.com/eks/coredns:v1.11.4-eksbuild.24');
  });
});
