import type { Pod } from '../../src/model/k8s';
import { sgpGroupMissing } from '../../src/posture/checks/sgp-group-missing';
import { sgpTcpEarlyDemux } from '../../src/posture/checks/sgp-tcp-early-demux';
import { awsNode, compliantWorld, eni, ids, markPresent, pod, run, sg, sgp } from './world';

// DISABLE_TCP_EARLY_DEMUX: "If you're using liveness or readiness probes, then you also need to disable TCP early
// demux, so that the kubelet can connect to Pods on branch network interfaces using TCP"
// (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-pods-deployment.html).

const BRANCH_ANNOTATION = { 'vpc.amazonaws.com/pod-eni': JSON.stringify([{ eniId: 'eni-branch', privateIp: '10.0.1.77', vlanId: 1 }]) };
const readiness = { containers: [{ name: 'app', ports: [{ name: 'http', containerPort: 8080 }], readinessProbe: { httpGet: { port: 'http' } } }] } as Partial<Pod['spec']>;

/** shop/api has its own security group (branch ENI eni-branch) and a readiness probe; init env as given. */
function demuxWorld(initEnv: Record<string, string> | undefined, podSpec: Partial<Pod['spec']> = readiness) {
  const s = compliantWorld();
  const ds = awsNode({ ENABLE_POD_ENI: 'true' });
  if (initEnv) ds.spec!.template!.spec!.initContainers = [{ name: 'aws-vpc-cni-init', env: Object.entries(initEnv).map(([name, value]) => ({ name, value })) }];
  s.k8s.daemonSets = [ds];
  s.aws.networkInterfaces.push(eni('eni-branch', 'subnet-priv', '10.0.1.77', ['sg-pod'], { InterfaceType: 'branch' }));
  s.k8s.pods.push(pod('shop/api', { app: 'api' }, '10.0.1.77', 'n1', podSpec, BRANCH_ANNOTATION));
  s.k8s.securityGroupPolicies.push(sgp('shop/api-sg', { podSelector: { matchLabels: { app: 'api' } }, securityGroups: { groupIds: ['sg-pod'] } }));
  return markPresent(s);
}

describe('sgp-tcp-early-demux', () => {
  it('Noncompliance 1: a pod with security groups and a readiness probe, DISABLE_TCP_EARLY_DEMUX unset', () => {
    const f = run(sgpTcpEarlyDemux, demuxWorld(undefined));
    expect(ids(f)).toEqual(['sgp-tcp-early-demux high vpc-cni']);
    expect(f[0]!.summary).toContain('shop/api');
    expect(f[0]!.summary).toContain('DISABLE_TCP_EARLY_DEMUX unset');
    expect(f[0]!.fix).toContain('"name":"DISABLE_TCP_EARLY_DEMUX","value":"true"}],"name":"aws-vpc-cni-init"');
  });
  it('Noncompliance 2: set to false, managed add-on: the fix is update-addon with init.env', () => {
    const s = demuxWorld({ DISABLE_TCP_EARLY_DEMUX: 'false' });
    s.aws.addons.push({ addonName: 'vpc-cni', addonVersion: 'v1.18.3-eksbuild.1' });
    const f = run(sgpTcpEarlyDemux, s);
    expect(f[0]!.summary).toContain('DISABLE_TCP_EARLY_DEMUX=false');
    expect(f[0]!.fix).toContain(`--configuration-values '{"init":{"env":{"DISABLE_TCP_EARLY_DEMUX":"true"}}}'`);
  });
  it('Compliance 1: DISABLE_TCP_EARLY_DEMUX=true on the aws-vpc-cni-init container', () => {
    expect(run(sgpTcpEarlyDemux, demuxWorld({ DISABLE_TCP_EARLY_DEMUX: 'true' }))).toEqual([]);
  });
  it('Compliance 2: without the DaemonSet, the managed add-on\'s init.env sets it', () => {
    const s = demuxWorld(undefined);
    s.k8s.daemonSets = [];
    s.aws.addons.push({ addonName: 'vpc-cni', configurationValues: '{"init":{"env":{"DISABLE_TCP_EARLY_DEMUX":"true"}}}' });
    expect(run(sgpTcpEarlyDemux, s)).toEqual([]);
  });
  it('negative control: the pod has no probe (or only an exec probe), so early demux does not matter', () => {
    expect(run(sgpTcpEarlyDemux, demuxWorld(undefined, { containers: [{ name: 'app' }] }))).toEqual([]);
    expect(run(sgpTcpEarlyDemux, demuxWorld(undefined, { containers: [{ name: 'app', livenessProbe: { exec: { command: ['true'] } } }] } as unknown as Partial<Pod['spec']>))).toEqual([]);
  });
  it('negative control: a probed pod on the node\'s own interface (no security groups of its own)', () => {
    const s = compliantWorld();
    s.k8s.pods[0] = pod('shop/web', { app: 'web' }, '10.0.1.20', 'n1', readiness);
    expect(run(sgpTcpEarlyDemux, s)).toEqual([]);
  });
});

// A SecurityGroupPolicy's groups must exist in the cluster's VPC for the branch ENI to be created:
// https://docs.aws.amazon.com/eks/latest/userguide/sg-pods-example-deployment.html
describe('sgp-group-missing', () => {
  const world = (groupIds: string[]) => {
    const s = compliantWorld();
    s.k8s.securityGroupPolicies.push(sgp('shop/web-sg', { podSelector: { matchLabels: { app: 'web' } }, securityGroups: { groupIds } }));
    return markPresent(s);
  };
  it('Noncompliance 1: a group that does not exist', () => {
    const f = run(sgpGroupMissing, world(['sg-pod', 'sg-deleted']));
    expect(ids(f)).toEqual(['sgp-group-missing high SecurityGroupPolicy/shop/web-sg']);
    expect(f[0]!.summary).toContain('sg-deleted does not exist');
    expect(f[0]!.summary).not.toContain('sg-pod ');
  });
  it('Noncompliance 2: a group of another VPC', () => {
    const s = world(['sg-other-vpc']);
    s.aws.securityGroups.push(sg('sg-other-vpc', [], { VpcId: 'vpc-2' }));
    expect(run(sgpGroupMissing, s)[0]!.summary).toContain("sg-other-vpc belongs to another VPC than the cluster's vpc-1");
  });
  it('Compliance 1: every group exists in the cluster VPC', () => {
    expect(run(sgpGroupMissing, world(['sg-pod', 'sg-node']))).toEqual([]);
  });
  it('negative control: security groups could not be collected — not evaluated, not "missing"', () => {
    const s = world(['sg-pod']);
    s.collection.missing.push({ resource: 'SecurityGroups', reason: 'AccessDenied' });
    expect(ids(run(sgpGroupMissing, s))).toEqual(['check-not-evaluated info demo (sgp-group-missing)']);
  });
});
