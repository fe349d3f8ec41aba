import { externalSnatInPublicSubnet } from '../../src/posture/checks/external-snat-in-public-subnet';
import { podSgInPublicSubnet } from '../../src/posture/checks/pod-sg-in-public-subnet';
import { awsNode, compliantWorld, eni, ids, node, routeTable, run, subnet } from './world';

// External SNAT breaks pods' internet access in public subnets: https://docs.aws.amazon.com/eks/latest/userguide/external-snat.html
// Pods with security groups in public subnets (strict mode): https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html

function publicNodeWorld(env: Record<string, string>) {
  const s = compliantWorld();
  s.k8s.daemonSets = [awsNode(env)];
  s.aws.networkInterfaces.push(eni('eni-n2', 'subnet-pub', '10.0.101.10', ['sg-node'], { Attachment: { InstanceId: 'i-2', DeviceIndex: 0 } }));
  s.k8s.nodes.push(node('n2', 'i-2', '10.0.101.10'));
  return s;
}

describe('external-snat-in-public-subnet', () => {
  it('Noncompliance 1: external SNAT on with nodes in a public subnet', () => {
    const f = run(externalSnatInPublicSubnet, publicNodeWorld({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' }));
    // The setting itself (one object) and each affected subnet.
    expect(ids(f)).toEqual(['external-snat-in-public-subnet high vpc-cni', 'external-snat-in-public-subnet high subnet-pub']);
    expect(f[0]!.summary).toContain("in the aws-node DaemonSet's environment");
    expect(f[0]!.summary).toContain('1 public subnet(s) (subnet-pub)');
    expect(f[1]!.fix).toContain('AWS_VPC_K8S_CNI_EXTERNALSNAT=false');
  });
  it('Noncompliance 2: set in the managed add-on\'s configuration values (no DaemonSet in the snapshot), two public subnets', () => {
    const s = publicNodeWorld({});
    s.k8s.daemonSets = [];
    s.aws.addons.push({ addonName: 'vpc-cni', configurationValues: 'env:\n  AWS_VPC_K8S_CNI_EXTERNALSNAT: "true"\n' });
    s.aws.subnets.push(subnet('subnet-pub2', '10.0.102.0/24'));
    s.aws.routeTables.push(routeTable('rtb-pub2', 'subnet-pub2', [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }]));
    s.aws.networkInterfaces.push(eni('eni-n3', 'subnet-pub2', '10.0.102.10', ['sg-node'], { Attachment: { InstanceId: 'i-3', DeviceIndex: 0 } }));
    s.k8s.nodes.push(node('n3', 'i-3', '10.0.102.10'));
    const f = run(externalSnatInPublicSubnet, s);
    expect(ids(f).sort()).toEqual(['external-snat-in-public-subnet high subnet-pub', 'external-snat-in-public-subnet high subnet-pub2', 'external-snat-in-public-subnet high vpc-cni']);
    expect(f.find((x) => x.object === 'vpc-cni')!.summary).toContain("in the vpc-cni add-on's configuration values");
    expect(f[0]!.fix).toContain('aws eks update-addon');
  });
  it('Compliance 1: default SNAT in a public subnet', () => {
    expect(run(externalSnatInPublicSubnet, publicNodeWorld({}))).toEqual([]);
  });
  it('Compliance 2: external SNAT with nodes only in private subnets behind NAT', () => {
    const s = compliantWorld();
    s.k8s.daemonSets = [awsNode({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'true' })];
    expect(run(externalSnatInPublicSubnet, s)).toEqual([]);
  });
  it('negative control: external SNAT on, but the DaemonSet says false where the add-on says true: the running DaemonSet wins', () => {
    const s = publicNodeWorld({ AWS_VPC_K8S_CNI_EXTERNALSNAT: 'false' });
    s.aws.addons.push({ addonName: 'vpc-cni', configurationValues: '{"env":{"AWS_VPC_K8S_CNI_EXTERNALSNAT":"true"}}' });
    expect(run(externalSnatInPublicSubnet, s)).toEqual([]);
  });
  it('without aws-node the setting is unknown: not evaluated', () => {
    const s = publicNodeWorld({});
    s.k8s.daemonSets = [{ ...s.k8s.daemonSets[0]!, metadata: { name: 'other', namespace: 'kube-system' } }];
    expect(ids(run(externalSnatInPublicSubnet, s))).toEqual(['check-not-evaluated info demo (external-snat-in-public-subnet)']);
  });
});

describe('pod-sg-in-public-subnet', () => {
  const withBranch = (env: Record<string, string>) => {
    const s = compliantWorld();
    s.k8s.daemonSets = [awsNode({ ENABLE_POD_ENI: 'true', ...env })];
    s.aws.networkInterfaces.push(eni('eni-branch', 'subnet-pub', '10.0.101.77', ['sg-pod'], { InterfaceType: 'branch' }));
    return s;
  };
  it('Noncompliance 1: a branch ENI in a public subnet in strict mode (the default)', () => {
    const f = run(podSgInPublicSubnet, withBranch({}));
    expect(ids(f)).toEqual(['pod-sg-in-public-subnet medium subnet-pub']);
    expect(f[0]!.summary).toContain('eni-branch');
  });
  it('Compliance 1: standard mode SNATs these pods to the node', () => {
    expect(run(podSgInPublicSubnet, withBranch({ POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }))).toEqual([]);
  });
  it('Compliance 2: branch ENI in a private subnet', () => {
    const s = compliantWorld();
    s.aws.networkInterfaces.push(eni('eni-branch', 'subnet-priv', '10.0.1.77', ['sg-pod'], { InterfaceType: 'branch' }));
    expect(run(podSgInPublicSubnet, s)).toEqual([]);
  });
});
