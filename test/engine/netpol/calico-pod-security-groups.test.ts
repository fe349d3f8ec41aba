import type { K8sObject, Pod } from '../../../src/model/k8s';
import { networkpolicyNotEnforced } from '../../../src/posture/checks/networkpolicy-not-enforced';
import { awsNode as postureAwsNode, compliantWorld, ids, pod as posturePod, run } from '../../posture/world';
import { netpol, pod, snapshotOf, World, workload } from './builder';

// Amazon EKS User Guide, security groups for pods
// (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html): "To use Calico network policy
// with Pods that have associated security groups, you must use version 1.11.0 or later of the Amazon VPC CNI
// plugin and set POD_SECURITY_GROUP_ENFORCING_MODE=standard. Otherwise, traffic flow to and from Pods with
// associated security groups are not subjected to Calico network policy enforcement and are limited to Amazon EC2
// security group enforcement only." POD_SECURITY_GROUP_ENFORCING_MODE defaults to strict (VPC CNI README).

const calico = workload('DaemonSet', 'calico-system/calico-node', { template: { spec: { containers: [{ name: 'calico-node' }] } } });
const awsNode = (mode?: string) =>
  workload('DaemonSet', 'kube-system/aws-node', {
    template: { spec: { containers: [{ name: 'aws-node', env: mode ? [{ name: 'POD_SECURITY_GROUP_ENFORCING_MODE', value: mode }] : [] }] } },
  });
const withSgs = (p: Pod): Pod => ({ ...p, metadata: { ...p.metadata, annotations: { 'vpc.amazonaws.com/pod-eni': '[{"eniId":"eni-0branch","privateIp":"10.1.9.9","vlanId":1}]' } } });

function build(extra: K8sObject[]): World {
  return new World(
    snapshotOf([
      withSgs(pod('x/db', { app: 'db' }, { ip: '10.1.9.9' })),
      pod('x/web', { app: 'web' }),
      netpol('x/deny-all', { podSelector: {}, policyTypes: ['Ingress', 'Egress'] }),
      ...extra,
    ]),
  );
}

describe('Calico and pods with security groups', () => {
  it.each([
    ['strict mode (default, unset)', undefined],
    ['strict mode (explicit)', 'strict'],
  ])('%s: the pod\'s NetworkPolicy layers are not-enforced, with the documented reason', (_name, mode) => {
    const w = build([calico, awsNode(mode)]);
    const [, ingress] = w.check('x/web', 'x/db', 5432);
    expect(ingress.verdict).toBe('not-enforced');
    expect(ingress.reason).toContain('would deny this flow');
    expect(ingress.reason).toContain('Calico does not apply NetworkPolicy to pod x/db');
    expect(ingress.reason).toContain('limited to Amazon EC2 security group enforcement only');
    const [egress] = w.check('x/db', 'x/web', 80);
    expect(egress.verdict).toBe('not-enforced');
    // The other pod is an ordinary Calico pod: its own policies still apply.
    expect(w.check('x/web', 'x/db', 5432)[0].verdict).toBe('deny');
    expect(w.check('x/db', 'x/web', 80)[1].verdict).toBe('deny');
    // The fast path agrees: only the ordinary pod's side can deny.
    expect(w.engine.admits(w.flow('x/web', 'x/db', 5432))).toBe(false);
    const webDb = build([calico, awsNode(mode), netpol('x/web-out', { podSelector: { matchLabels: { app: 'web' } }, egress: [{}], policyTypes: ['Egress'] })]);
    expect(webDb.engine.admits(webDb.flow('x/web', 'x/db', 5432))).toBe(true);
  });

  it('standard mode: Calico enforces the pod\'s policies', () => {
    const w = build([calico, awsNode('standard')]);
    expect(w.check('x/web', 'x/db', 5432)[1].verdict).toBe('deny');
  });

  it('the VPC CNI network policy agent (not Calico): enforced as usual', () => {
    const agent = workload('DaemonSet', 'kube-system/aws-node', {
      template: { spec: { containers: [{ name: 'aws-node' }, { name: 'aws-eks-nodeagent', args: ['--enable-network-policy=true'] }] } },
    });
    expect(build([agent]).check('x/web', 'x/db', 5432)[1].verdict).toBe('deny');
  });

  it('a pod whose IP is on a branch ENI counts even without the annotation', () => {
    const snap = snapshotOf([pod('x/db', { app: 'db' }, { ip: '10.1.9.9' }), pod('x/web'), netpol('x/deny-all', { podSelector: {}, policyTypes: ['Ingress'] }), calico]);
    snap.aws.networkInterfaces.push({ NetworkInterfaceId: 'eni-0branch', InterfaceType: 'branch', PrivateIpAddress: '10.1.9.9', PrivateIpAddresses: [{ PrivateIpAddress: '10.1.9.9', Primary: true }] });
    expect(new World(snap).check('x/web', 'x/db', 5432)[1].verdict).toBe('not-enforced');
  });
});

describe('posture: networkpolicy-not-enforced names the policies Calico skips for such pods', () => {
  it('Noncompliance: a policy selecting a strict-mode pod with security groups under Calico', () => {
    const s = compliantWorld();
    s.k8s.daemonSets = [postureAwsNode({ POD_SECURITY_GROUP_ENFORCING_MODE: 'strict' }), calico as never];
    s.k8s.pods.push(posturePod('shop/db', { app: 'db' }, '10.0.1.30', 'n1', {}, { 'vpc.amazonaws.com/pod-eni': '[{"eniId":"eni-0b"}]' }));
    const f = run(networkpolicyNotEnforced, s);
    expect(ids(f)).toEqual(['networkpolicy-not-enforced high NetworkPolicy/shop/default-deny']);
    expect(f[0]!.summary).toContain('selects pod shop/db with their own security groups in strict mode');
    expect(f[0]!.fix).toContain('POD_SECURITY_GROUP_ENFORCING_MODE=standard');
  });
  it('Compliance: standard mode', () => {
    const s = compliantWorld();
    s.k8s.daemonSets = [postureAwsNode({ POD_SECURITY_GROUP_ENFORCING_MODE: 'standard' }), calico as never];
    s.k8s.pods.push(posturePod('shop/db', { app: 'db' }, '10.0.1.30', 'n1', {}, { 'vpc.amazonaws.com/pod-eni': '[{"eniId":"eni-0b"}]' }));
    expect(run(networkpolicyNotEnforced, s)).toEqual([]);
  });
});
