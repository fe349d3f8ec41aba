import type { Pod } from '../../src/model/k8s';
import { sgpBlocksKubeletProbes } from '../../src/posture/checks/sgp-blocks-kubelet-probes';
import { sgpSelectsNoPods } from '../../src/posture/checks/sgp-selects-no-pods';
import { sgpWithoutPodEni } from '../../src/posture/checks/sgp-without-pod-eni';
import { awsNode, compliantWorld, eni, ids, markPresent, pod, run, sg, sgp } from './world';

// Security groups for pods: https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html,
// https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html (ENABLE_POD_ENI),
// https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html (selectors; node SG for probes).

function sgpWorld(env: Record<string, string> = { ENABLE_POD_ENI: 'true' }) {
  const s = compliantWorld();
  s.k8s.daemonSets = [awsNode(env)];
  s.k8s.securityGroupPolicies.push(sgp('shop/web-sg', { podSelector: { matchLabels: { app: 'web' } }, securityGroups: { groupIds: ['sg-pod'] } }));
  return markPresent(s);
}

describe('sgp-selects-no-pods', () => {
  it('Noncompliance 1: pod selector matches nothing', () => {
    const s = sgpWorld();
    s.k8s.securityGroupPolicies.push(sgp('shop/db-sg', { podSelector: { matchLabels: { app: 'db' } }, securityGroups: { groupIds: ['sg-db'] } }));
    const f = run(sgpSelectsNoPods, s);
    expect(ids(f)).toEqual(['sgp-selects-no-pods low SecurityGroupPolicy/shop/db-sg']);
    expect(f[0]!.summary).toContain('sg-db');
  });
  it('Noncompliance 2: hostNetwork pods never get pod security groups', () => {
    const s = sgpWorld();
    s.k8s.pods[0]!.spec.hostNetwork = true;
    expect(ids(run(sgpSelectsNoPods, s))).toEqual(['sgp-selects-no-pods low SecurityGroupPolicy/shop/web-sg']);
  });
  it('Compliance 1: the pod selector matches shop/web', () => {
    expect(run(sgpSelectsNoPods, sgpWorld())).toEqual([]);
  });
  it('Compliance 2: a service account selector matches through the pod\'s service account labels', () => {
    const s = sgpWorld();
    s.k8s.securityGroupPolicies = [sgp('shop/by-sa', { serviceAccountSelector: { matchLabels: { role: 'web' } }, securityGroups: { groupIds: ['sg-pod'] } })];
    s.k8s.serviceAccounts.push({ apiVersion: 'v1', kind: 'ServiceAccount', metadata: { name: 'web', namespace: 'shop', labels: { role: 'web' } } });
    (s.k8s.pods[0] as Pod).spec.serviceAccountName = 'web';
    expect(run(sgpSelectsNoPods, markPresent(s))).toEqual([]);
    (s.k8s.pods[0] as Pod).spec.serviceAccountName = 'other';
    expect(ids(run(sgpSelectsNoPods, s))).toEqual(['sgp-selects-no-pods low SecurityGroupPolicy/shop/by-sa']);
  });
});

describe('sgp-without-pod-eni', () => {
  it('Noncompliance 1: ENABLE_POD_ENI unset', () => {
    const f = run(sgpWithoutPodEni, sgpWorld({}));
    expect(ids(f)).toEqual(['sgp-without-pod-eni high vpc-cni']);
    expect(f[0]!.summary).toContain('aws-node runs with ENABLE_POD_ENI unset,');
    expect(f[0]!.fix).toContain('ENABLE_POD_ENI=true');
  });
  it('Noncompliance 2: ENABLE_POD_ENI=false, managed add-on: fix via update-addon', () => {
    const s = sgpWorld({ ENABLE_POD_ENI: 'false' });
    s.aws.addons.push({ addonName: 'vpc-cni', addonVersion: 'v1.18.3-eksbuild.1' });
    const f = run(sgpWithoutPodEni, s)[0]!;
    expect(f.fix).toContain(`--configuration-values '{"env":{"ENABLE_POD_ENI":"true"}}'`);
    expect(f.summary).toContain('aws-node runs with ENABLE_POD_ENI=false,');
  });
  it('Compliance: ENABLE_POD_ENI=true', () => {
    expect(run(sgpWithoutPodEni, sgpWorld())).toEqual([]);
  });
});

describe('sgp-blocks-kubelet-probes', () => {
  function probedWorld(podRules: ReturnType<typeof sg>['IpPermissions'], env: Record<string, string> = { ENABLE_POD_ENI: 'true' }) {
    const s = sgpWorld(env);
    s.aws.securityGroups = s.aws.securityGroups.filter((g) => g.GroupId !== 'sg-pod');
    s.aws.securityGroups.push(sg('sg-pod', podRules));
    s.aws.networkInterfaces.push(eni('eni-branch1', 'subnet-priv', '10.0.1.41', ['sg-pod'], { InterfaceType: 'branch' }));
    const p = pod('shop/api', { app: 'api' }, '10.0.1.41', 'n1', {
      containers: [{ name: 'api', ports: [{ name: 'health', containerPort: 8081 }], readinessProbe: { httpGet: { port: 'health' } }, livenessProbe: { tcpSocket: { port: 8080 } } }],
    }, { 'vpc.amazonaws.com/pod-eni': JSON.stringify([{ eniId: 'eni-branch1', privateIp: '10.0.1.41', vlanId: 1 }]) });
    s.k8s.pods.push(p);
    return s;
  }
  it('Noncompliance 1: the pod SG admits the node SG on 8080 only — the named readiness port 8081 is blocked', () => {
    const f = run(sgpBlocksKubeletProbes, probedWorld([{ IpProtocol: 'tcp', FromPort: 8080, ToPort: 8080, UserIdGroupPairs: [{ GroupId: 'sg-node' }] }]));
    expect(ids(f)).toEqual(['sgp-blocks-kubelet-probes high sg-pod']);
    expect(f[0]!.summary).toContain('shop/api');
    expect(f[0]!.fix).toBe('aws ec2 authorize-security-group-ingress --group-id sg-pod --protocol tcp --port 8081 --source-group sg-node');
  });
  it('Noncompliance 2: a rule from another group does not admit the node', () => {
    const f = run(sgpBlocksKubeletProbes, probedWorld([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-lb' }] }]));
    expect(f[0]!.summary).toContain('8080, 8081');
  });
  it('Compliance 1: the node SG is admitted on every port', () => {
    expect(run(sgpBlocksKubeletProbes, probedWorld([{ IpProtocol: '-1', UserIdGroupPairs: [{ GroupId: 'sg-node' }] }]))).toEqual([]);
  });
  it('Compliance 2: a CIDR that holds the node IP admits the kubelet', () => {
    expect(run(sgpBlocksKubeletProbes, probedWorld([{ IpProtocol: 'tcp', FromPort: 8000, ToPort: 9000, IpRanges: [{ CidrIp: '10.0.1.0/24' }] }]))).toEqual([]);
  });
  it('Compliance 3: standard mode does not enforce SGs on same-node traffic', () => {
    expect(run(sgpBlocksKubeletProbes, probedWorld([], { ENABLE_POD_ENI: 'true', POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }))).toEqual([]);
  });
  it('not evaluated for a pod whose node is not in the snapshot', () => {
    const s = probedWorld([]);
    s.k8s.pods[1]!.spec.nodeName = 'ghost';
    expect(ids(run(sgpBlocksKubeletProbes, s))).toEqual(['check-not-evaluated info demo (sgp-blocks-kubelet-probes)']);
  });
});
