import type { Workload } from '../../src/model/k8s';
import { namespaceWithoutDefaultDeny } from '../../src/posture/checks/namespace-without-default-deny';
import { networkpolicyNotEnforced } from '../../src/posture/checks/networkpolicy-not-enforced';
import { networkpolicySelectsNoPods } from '../../src/posture/checks/networkpolicy-selects-no-pods';
import { compliantWorld, ids, namespace, netpol, pod, run } from './world';

// Default deny: https://kubernetes.io/docs/concepts/services-networking/network-policies/#default-policies

describe('namespace-without-default-deny', () => {
  it('Noncompliance 1: a namespace with no policy at all is medium, kube-system is skipped', () => {
    const s = compliantWorld();
    s.k8s.namespaces.push(namespace('billing'), namespace('kube-public'), namespace('kube-node-lease'));
    const f = run(namespaceWithoutDefaultDeny, s);
    expect(ids(f)).toEqual(['namespace-without-default-deny medium billing']);
    expect(f[0]!.fix).toContain('namespace: billing');
    expect(f[0]!.fix).toContain('policyTypes: [Ingress, Egress]');
  });
  it('Noncompliance 2: a namespace seen only through its pods counts too', () => {
    const s = compliantWorld();
    s.k8s.pods.push(pod('orphans/x', {}, '10.0.1.21', 'n1'));
    expect(ids(run(namespaceWithoutDefaultDeny, s))).toEqual(['namespace-without-default-deny medium orphans']);
  });
  it('Noncompliance 3: ingress default-deny only (no policyTypes, no egress rules = Ingress) leaves egress open: low', () => {
    const s = compliantWorld();
    s.k8s.networkPolicies = [netpol('shop/deny-in', {})];
    const f = run(namespaceWithoutDefaultDeny, s);
    expect(ids(f)).toEqual(['namespace-without-default-deny low shop']);
    expect(f[0]!.summary).toContain('Egress');
  });
  it('Noncompliance 4: a policy selecting only some pods is not a default deny', () => {
    const s = compliantWorld();
    s.k8s.networkPolicies = [netpol('shop/web-only', { app: 'web' }, ['Ingress', 'Egress'])];
    expect(ids(run(namespaceWithoutDefaultDeny, s))).toEqual(['namespace-without-default-deny medium shop']);
  });
  it('Noncompliance 5: an allow-all policy (podSelector {}, ingress: [{}], egress: [{}]) opens every pod; it is no default deny', () => {
    const s = compliantWorld();
    const allowAll = netpol('shop/allow-all', {}, ['Ingress', 'Egress']);
    allowAll.spec.ingress = [{}];
    allowAll.spec.egress = [{}];
    s.k8s.networkPolicies = [allowAll];
    expect(ids(run(namespaceWithoutDefaultDeny, s))).toEqual(['namespace-without-default-deny medium shop']);
  });
  it('Noncompliance 6: `egress: []` without policyTypes is Ingress only (SetDefaults_NetworkPolicy: Egress iff len(egress) != 0)', () => {
    // kubernetes pkg/apis/networking/v1/defaults.go; https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
    const s = compliantWorld();
    const p = netpol('shop/deny', {});
    p.spec.egress = [];
    s.k8s.networkPolicies = [p];
    const f = run(namespaceWithoutDefaultDeny, s);
    expect(ids(f)).toEqual(['namespace-without-default-deny low shop']);
    expect(f[0]!.fix).toContain('policyTypes: [Egress]');
  });
  it('Compliance 2: default deny for ingress alongside a policy with egress rules and an explicit egress deny', () => {
    const s = compliantWorld();
    const egressDeny = netpol('shop/deny-out', {}, ['Egress']);
    egressDeny.spec.egress = [];
    s.k8s.networkPolicies = [netpol('shop/deny-in', {}), egressDeny];
    expect(run(namespaceWithoutDefaultDeny, s)).toEqual([]);
  });
  it('the default namespace is reported only while it holds pods', () => {
    const s = compliantWorld();
    s.k8s.namespaces.push(namespace('default'));
    expect(run(namespaceWithoutDefaultDeny, s)).toEqual([]);
    s.k8s.pods.push(pod('default/stray', {}, '10.0.1.22', 'n1'));
    expect(ids(run(namespaceWithoutDefaultDeny, s))).toEqual(['namespace-without-default-deny medium default']);
  });
  it('an empty default namespace is still reported when pods could not be read', () => {
    const s = compliantWorld();
    s.k8s.namespaces.push(namespace('default'));
    s.k8s.pods = [];
    s.present.delete('Pod');
    s.collection.missing.push({ resource: 'Pod', reason: 'forbidden' });
    expect(ids(run(namespaceWithoutDefaultDeny, s))).toEqual(['namespace-without-default-deny medium default']);
  });
  it('Compliance: podSelector {} for Ingress and Egress', () => {
    expect(run(namespaceWithoutDefaultDeny, compliantWorld())).toEqual([]);
  });
  it('not evaluated when NetworkPolicies could not be collected', () => {
    const s = compliantWorld();
    s.collection.missing.push({ resource: 'NetworkPolicy', reason: 'forbidden: list networkpolicies' });
    expect(ids(run(namespaceWithoutDefaultDeny, s))).toEqual(['check-not-evaluated info demo (namespace-without-default-deny)']);
  });
});

// Enforcement needs the VPC CNI network policy agent (or Calico/Cilium): https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy.html
describe('networkpolicy-not-enforced', () => {
  const agentOff = (s: ReturnType<typeof compliantWorld>) => {
    const ds = s.k8s.daemonSets[0]! as Workload;
    ds.spec.template!.spec!.containers[1]!.args = ['--enable-network-policy=false'];
    return s;
  };
  it('Noncompliance 1: policies exist, the agent runs with --enable-network-policy=false', () => {
    const f = run(networkpolicyNotEnforced, agentOff(compliantWorld()));
    expect(ids(f)).toEqual(['networkpolicy-not-enforced high demo']);
    expect(f[0]!.fix).toContain('aws eks update-addon --cluster-name demo --addon-name vpc-cni');
  });
  it('Compliance 1: agent enabled', () => {
    expect(run(networkpolicyNotEnforced, compliantWorld())).toEqual([]);
  });
  it('Compliance 2: not enforced but no policies to enforce', () => {
    const s = agentOff(compliantWorld());
    s.k8s.networkPolicies = [];
    expect(run(networkpolicyNotEnforced, s)).toEqual([]);
  });
});

// A policy applies to the pods its podSelector selects: https://kubernetes.io/docs/concepts/services-networking/network-policies/#networkpolicy-resource
describe('networkpolicy-selects-no-pods', () => {
  it('Noncompliance 1: a selector no pod matches', () => {
    const s = compliantWorld();
    s.k8s.networkPolicies.push(netpol('shop/api-typo', { app: 'apii' }));
    expect(ids(run(networkpolicySelectsNoPods, s))).toEqual(['networkpolicy-selects-no-pods low NetworkPolicy/shop/api-typo']);
  });
  it('Noncompliance 2: pods of another namespace do not count', () => {
    const s = compliantWorld();
    s.k8s.networkPolicies.push(netpol('billing/web', { app: 'web' }));
    expect(ids(run(networkpolicySelectsNoPods, s))).toEqual(['networkpolicy-selects-no-pods low NetworkPolicy/billing/web']);
  });
  it('Compliance: selectors that match running pods (empty selector included)', () => {
    const s = compliantWorld();
    s.k8s.networkPolicies.push(netpol('shop/web', { app: 'web' }));
    expect(run(networkpolicySelectsNoPods, s)).toEqual([]);
  });
  it('not evaluated without pods in the snapshot', () => {
    const s = compliantWorld();
    s.k8s.pods = [];
    s.present.delete('Pod');
    expect(ids(run(networkpolicySelectsNoPods, s))).toEqual(['check-not-evaluated info demo (networkpolicy-selects-no-pods)']);
  });
});
