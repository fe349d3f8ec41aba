import { diff, driftReport } from '../../src/drift';
import { awsNode, cluster, configMap, sg, snap, tcp, cidrs, type SnapParts } from './builders';

type Expected = [kind: string, id: string, change: string, severity: string];
const brief = (before: SnapParts, after: SnapParts): Expected[] => diff(snap(before), snap(after)).map((c) => [c.kind, c.id, c.change, c.severity]);

// Endpoint access settings: https://docs.aws.amazon.com/eks/latest/userguide/cluster-endpoint.html
describe('ClusterConfig drift', () => {
  it.each<[string, SnapParts, Expected[]]>([
    ['endpoint made public: high', { cluster: cluster({ public: true }) }, [['ClusterConfig', 'prod-eu/endpointPublicAccess', 'modified', 'high']]],
    ['private access off: medium', { cluster: cluster({ private: false }) }, [['ClusterConfig', 'prod-eu/endpointPrivateAccess', 'modified', 'medium']]],
    ['cluster security group replaced: medium', { cluster: cluster({ sg: 'sg-other' }) }, [['ClusterConfig', 'prod-eu/clusterSecurityGroupId', 'modified', 'medium']]],
    ['version upgrade: info', { cluster: cluster({ version: '1.31' }) }, [['ClusterConfig', 'prod-eu/version', 'modified', 'info']]],
  ])('%s', (_name, after, expected) => {
    expect(brief({ cluster: cluster() }, after)).toEqual(expected);
  });

  it('publicAccessCidrs opened to the internet: high; narrowed: low; reordered: nothing', () => {
    const pub = (cidrs: string[]) => ({ cluster: cluster({ public: true, cidrs }) });
    expect(brief(pub(['203.0.113.0/24']), pub(['203.0.113.0/24', '0.0.0.0/0']))).toEqual([['ClusterConfig', 'prod-eu/publicAccessCidrs', 'modified', 'high']]);
    expect(brief(pub(['203.0.113.0/24', '198.51.100.0/24']), pub(['203.0.113.0/24']))).toEqual([['ClusterConfig', 'prod-eu/publicAccessCidrs', 'modified', 'low']]);
    expect(brief(pub(['203.0.113.0/24', '198.51.100.0/24']), pub(['198.51.100.0/24', '203.0.113.0/24']))).toEqual([]);
  });

  it('the whole internet is recognised however it is written (parsed, not string-compared), and only then', () => {
    const pub = (cidrs: string[]) => ({ cluster: cluster({ public: true, cidrs }) });
    for (const world of ['0000::/0', '::/0', '0.0.0.0/00']) {
      expect(brief(pub(['203.0.113.0/24']), pub(['203.0.113.0/24', world]))).toEqual([['ClusterConfig', 'prod-eu/publicAccessCidrs', 'modified', 'high']]);
    }
    // Negative control: a wide but partial block is a widening (medium), not the whole internet.
    expect(brief(pub(['203.0.113.0/24']), pub(['203.0.113.0/24', '0.0.0.0/1']))).toEqual([['ClusterConfig', 'prod-eu/publicAccessCidrs', 'modified', 'medium']]);
  });

  it('is not compared when one side has no describe-cluster output, and the report says so', () => {
    const report = driftReport(snap({ cluster: cluster() }), snap({}));
    expect(report.changes).toEqual([]);
    expect(report.notes).toEqual(['ClusterConfig not compared: only the baseline holds eks describe-cluster output']);
  });

  it('no drift: cluster status, health, tags, timestamps', () => {
    const c = cluster();
    expect(brief({ cluster: c }, { cluster: { ...c, status: 'UPDATING', health: { issues: [] }, tags: { a: 'b' }, createdAt: new Date(0) } })).toEqual([]);
  });
});

describe('Addon drift', () => {
  const vpcCni = (addonVersion: string, configurationValues?: string) => ({ addonName: 'vpc-cni', addonVersion, configurationValues, status: 'ACTIVE' as const });
  it.each<[string, SnapParts, SnapParts, Expected[]]>([
    ['version bump: info', { addons: [vpcCni('v1.18.0-eksbuild.1')] }, { addons: [vpcCni('v1.19.2-eksbuild.1')] }, [['Addon', 'vpc-cni', 'modified', 'info']]],
    ['configurationValues changed: medium', { addons: [vpcCni('v1', '{"env":{"WARM_IP_TARGET":"5"}}')] }, { addons: [vpcCni('v1', '{"env":{"WARM_IP_TARGET":"2"}}')] }, [['Addon', 'vpc-cni', 'modified', 'medium']]],
    ['network policy turned off in configurationValues: critical', { addons: [vpcCni('v1', '{"enableNetworkPolicy":"true"}')] }, { addons: [vpcCni('v1', '{"enableNetworkPolicy":"false"}')] }, [['Addon', 'vpc-cni', 'modified', 'critical']]],
    ['no drift: JSON configurationValues rewritten as YAML with keys reordered', { addons: [vpcCni('v1', '{"enableNetworkPolicy":"true","env":{"A":"1"}}')] }, { addons: [{ ...vpcCni('v1', 'env:\n  A: "1"\nenableNetworkPolicy: "true"\n'), status: 'DEGRADED' as const, modifiedAt: new Date(5) }] }, []],
    ['add-on removed', { addons: [{ addonName: 'kube-proxy', addonVersion: 'v1' }] }, { addons: [] }, [['Addon', 'kube-proxy', 'removed', 'medium']]],
  ])('%s', (_name, before, after, expected) => {
    expect(brief(before, after)).toEqual(expected);
  });
});

// aws-node settings: https://github.com/aws/amazon-vpc-cni-k8s#cni-configuration-variables ; agent flag
// --enable-network-policy (default false): https://github.com/aws/aws-network-policy-agent
describe('CniConfig drift', () => {
  const env = { AWS_VPC_K8S_CNI_EXTERNALSNAT: 'false', WARM_ENI_TARGET: '1' };
  const base: SnapParts = { objects: [awsNode(env)] };
  it.each<[string, SnapParts, Expected[]]>([
    ['network-policy agent disabled: critical', { objects: [awsNode(env, ['--enable-network-policy=false'])] }, [['CniConfig', 'aws-node/enable-network-policy', 'modified', 'critical']]],
    ['agent flag dropped (defaults to false): critical', { objects: [awsNode(env, [])] }, [['CniConfig', 'aws-node/enable-network-policy', 'modified', 'critical']]],
    ['external SNAT toggled: high', { objects: [awsNode({ ...env, AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' })] }, [['CniConfig', 'aws-node/AWS_VPC_K8S_CNI_EXTERNALSNAT', 'modified', 'high']]],
    ['pod security group mode set: medium', { objects: [awsNode({ ...env, POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' })] }, [['CniConfig', 'aws-node/POD_SECURITY_GROUP_ENFORCING_MODE', 'added', 'medium']]],
    ['a tuning variable changed: low', { objects: [awsNode({ ...env, WARM_ENI_TARGET: '2' })] }, [['CniConfig', 'aws-node/WARM_ENI_TARGET', 'modified', 'low']]],
    ['image bumped: info', { objects: [awsNode(env, undefined, 'x/amazon-k8s-cni:v1.20.0')] }, [['CniConfig', 'aws-node/image', 'modified', 'info']]],
    ['no drift: env order changed', { objects: [awsNode({ WARM_ENI_TARGET: '1', AWS_VPC_K8S_CNI_EXTERNALSNAT: 'false' })] }, []],
  ])('%s', (_name, after, expected) => {
    expect(brief(base, after)).toEqual(expected);
  });

  it('agent flag disabled while Calico still enforces: not critical', () => {
    const calico = { apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: { name: 'calico-node', namespace: 'calico-system' }, spec: {} };
    expect(brief({ objects: [awsNode(env), calico] }, { objects: [awsNode(env, ['--enable-network-policy=false']), calico] })).toEqual([
      ['CniConfig', 'aws-node/enable-network-policy', 'modified', 'medium'],
    ]);
  });

  it('amazon-vpc-cni ConfigMap keys', () => {
    const cm = (v: string) => configMap('kube-system/amazon-vpc-cni', { 'enable-network-policy-controller': v, 'enable-windows-ipam': 'false' });
    expect(brief({ objects: [cm('true')] }, { objects: [cm('false')] })).toEqual([['CniConfig', 'amazon-vpc-cni/enable-network-policy-controller', 'modified', 'critical']]);
  });
});

describe('resources the collection could not read', () => {
  const group = sg('sg-0abc', [tcp(22, 22, cidrs('10.0.0.0/8'))]);
  it('are not reported as removed, and the report says why', () => {
    const report = driftReport(snap({ securityGroups: [group] }), snap({ missing: [{ resource: 'SecurityGroups', reason: 'UnauthorizedOperation' }] }));
    expect(report.changes).toEqual([]);
    expect(report.notes.join('\n')).toMatch(/SecurityGroup objects absent from the current state are not reported as removed.*UnauthorizedOperation/);
  });
  it('are not reported as added when the baseline missed them', () => {
    const report = driftReport(snap({ missing: [{ resource: 'SecurityGroups', reason: 'AccessDenied' }] }), snap({ securityGroups: [group] }));
    expect(report.changes).toEqual([]);
  });
});
