import type { Workload } from '../../src/model/k8s';
import { emptySnapshot, type AddonVersionsInfo, type Snapshot } from '../../src/model/snapshot';
import { addonStatuses } from '../../src/addons/status';

// Newest version compatible with the cluster: describe-addon-versions compatibilities[].clusterVersion
// (https://docs.aws.amazon.com/eks/latest/APIReference/API_Compatibility.html, https://docs.aws.amazon.com/eks/latest/userguide/addon-compat.html).

const versions = (addonName: string, list: [string, string[]][]): AddonVersionsInfo => ({
  addonName,
  addonVersions: list.map(([addonVersion, clusters]) => ({ addonVersion, compatibilities: clusters.map((clusterVersion) => ({ clusterVersion })) })),
});

function workload(kind: 'DaemonSet' | 'Deployment', name: string, container: string, image: string): Workload {
  return {
    apiVersion: 'apps/v1',
    kind,
    metadata: { name, namespace: 'kube-system' },
    spec: { template: { spec: { containers: [{ name: container, image }] } } },
  };
}

function snapshot(): Snapshot {
  const s = emptySnapshot('test');
  s.aws.cluster = { name: 'demo', version: '1.29' };
  s.aws.addonVersions.push(
    versions('vpc-cni', [
      ['v1.20.0-eksbuild.1', ['1.30', '1.31']],
      ['v1.19.2-eksbuild.10', ['1.29', '1.30']],
      ['v1.19.2-eksbuild.9', ['1.29']],
    ]),
    versions('kube-proxy', [
      ['v1.30.0-eksbuild.3', ['1.30']],
      ['v1.29.3-eksbuild.2', ['1.29']],
    ]),
    versions('coredns', [['v1.11.1-eksbuild.9', ['1.29']]]),
  );
  return s;
}

describe('addonStatuses', () => {
  it('managed: current from describe-addon; latest only among versions compatible with the cluster (1.29)', () => {
    const s = snapshot();
    s.aws.addons.push({ addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.9' });
    const vpcCni = addonStatuses(s).find((a) => a.name === 'vpc-cni');
    expect(vpcCni).toEqual({ name: 'vpc-cni', current: 'v1.19.2-eksbuild.9', latest: 'v1.19.2-eksbuild.10', upgradeAvailable: true, managed: true });
  });
  it('self-managed: current from the kube-system workload image tags', () => {
    const s = snapshot();
    s.k8s.daemonSets.push(
      workload('DaemonSet', 'aws-node', 'aws-node', '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.18.3-eksbuild.1'),
      workload('DaemonSet', 'kube-proxy', 'kube-proxy', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.29.3-minimal-eksbuild.2'),
    );
    s.k8s.deployments.push(workload('Deployment', 'coredns', 'coredns', '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.1-eksbuild.9'));
    expect(addonStatuses(s)).toEqual([
      { name: 'coredns', current: 'v1.11.1-eksbuild.9', latest: 'v1.11.1-eksbuild.9', upgradeAvailable: false, managed: false },
      { name: 'kube-proxy', current: 'v1.29.3-minimal-eksbuild.2', latest: 'v1.29.3-eksbuild.2', upgradeAvailable: false, managed: false },
      { name: 'vpc-cni', current: 'v1.18.3-eksbuild.1', latest: 'v1.19.2-eksbuild.10', upgradeAvailable: true, managed: false },
    ]);
  });
  it('unknown data is null, never a guess: no workload, no cluster version, managed but not described', () => {
    const s = snapshot();
    delete s.aws.cluster!.version;
    s.aws.addonNames.push('coredns', 'aws-ebs-csi-driver');
    const all = addonStatuses(s);
    expect(all.map((a) => a.name)).toEqual(['aws-ebs-csi-driver', 'coredns', 'kube-proxy', 'vpc-cni']);
    for (const a of all) {
      expect(a.current).toBeNull();
      expect(a.latest).toBeNull();
      expect(a.upgradeAvailable).toBe(false);
    }
    expect(all.find((a) => a.name === 'coredns')!.managed).toBe(true);
    expect(all.find((a) => a.name === 'vpc-cni')!.managed).toBe(false);
  });
  it('an add-on with no compatible version has latest null', () => {
    const s = snapshot();
    s.aws.cluster!.version = '1.33';
    expect(addonStatuses(s).every((a) => a.latest === null)).toBe(true);
  });
});
