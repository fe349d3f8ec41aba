import type { Addon } from '@aws-sdk/client-eks';
import type { K8sObject } from '../../../src/model/k8s';
import { configMap, netpol, pod, snapshotOf, World, workload } from './builder';

// Is NetworkPolicy enforced? CONTRACT §2 ("not-enforced") and notes aws-network-facts §6, from
// https://docs.aws.amazon.com/eks/latest/userguide/cni-network-policy-configure.html (managed add-on
// configurationValues {"enableNetworkPolicy": "true"}; self-managed: the agent's --enable-network-policy=true
// plus ConfigMap amazon-vpc-cni enable-network-policy-controller: "true") and
// https://github.com/aws/aws-network-policy-agent (agent container aws-eks-nodeagent, flag default false).

const awsNode = (agentArgs: string[] | undefined, containerName = 'aws-eks-nodeagent') =>
  workload('DaemonSet', 'kube-system/aws-node', {
    selector: { matchLabels: { 'k8s-app': 'aws-node' } },
    template: {
      spec: {
        containers: [
          { name: 'aws-node', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/amazon-k8s-cni:v1.19.2' },
          ...(agentArgs ? [{ name: containerName, args: agentArgs }] : []),
        ],
      },
    },
  });
const ds = (ref: string) => workload('DaemonSet', ref, { template: { spec: { containers: [{ name: 'agent' }] } } });
const vpcCni = (configurationValues?: string): Addon => ({ addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.1', configurationValues });

interface Case {
  objects: K8sObject[];
  addons?: Addon[];
  addonNames?: string[];
}

function build({ objects, addons = [], addonNames = [] }: Case): World {
  const snap = snapshotOf([pod('x/a', { app: 'a' }), pod('x/b'), netpol('x/deny', { podSelector: {}, ingress: [] }), ...objects]);
  snap.aws.addons.push(...addons);
  snap.aws.addonNames.push(...addonNames);
  snap.aws.cluster = { name: 'prod-eu' };
  return new World(snap);
}

describe('enforcement detection', () => {
  it.each<[string, Case, boolean, string | undefined]>([
    ['no evidence of the CNI: assumed enforced', { objects: [] }, true, undefined],
    ['agent flag =true', { objects: [awsNode(['--enable-ipv6=false', '--enable-network-policy=true'])] }, true, 'aws-network-policy-agent'],
    ['agent flag =false', { objects: [awsNode(['--enable-network-policy=false'])] }, false, undefined],
    ['agent container without the flag (default false)', { objects: [awsNode(['--enable-ipv6=false'])] }, false, undefined],
    ['bare boolean flag means true', { objects: [awsNode(['--enable-network-policy'])] }, true, 'aws-network-policy-agent'],
    ['last occurrence of the flag wins', { objects: [awsNode(['--enable-network-policy=true', '--enable-network-policy=false'])] }, false, undefined],
    ['any container whose args carry the flag', { objects: [awsNode(['--enable-network-policy=true'], 'np-agent')] }, true, 'aws-network-policy-agent'],
    ['aws-node with no agent container (VPC CNI <= 1.13)', { objects: [awsNode(undefined)] }, false, undefined],
    ['add-on configurationValues JSON true', { objects: [], addons: [vpcCni('{"enableNetworkPolicy":"true"}')] }, true, 'aws-network-policy-agent'],
    ['add-on configurationValues YAML true', { objects: [], addons: [vpcCni('enableNetworkPolicy: "true"\nenv:\n  WARM_IP_TARGET: "5"\n')] }, true, 'aws-network-policy-agent'],
    ['add-on without configurationValues', { objects: [], addons: [vpcCni()] }, false, undefined],
    ['add-on configurationValues false', { objects: [], addons: [vpcCni('{"enableNetworkPolicy":"false"}')] }, false, undefined],
    ['add-on true but running flag false: the flag wins', { objects: [awsNode(['--enable-network-policy=false'])], addons: [vpcCni('{"enableNetworkPolicy":"true"}')] }, false, undefined],
    ['add-on false but running flag true: the flag wins', { objects: [awsNode(['--enable-network-policy=true'])], addons: [vpcCni('{"enableNetworkPolicy":"false"}')] }, true, 'aws-network-policy-agent'],
    ['ConfigMap controller true with the agent flag', { objects: [configMap('kube-system/amazon-vpc-cni', { 'enable-network-policy-controller': 'true' }), awsNode(['--enable-network-policy=true'])] }, true, 'aws-network-policy-agent'],
    ['ConfigMap controller true but agent flag false', { objects: [configMap('kube-system/amazon-vpc-cni', { 'enable-network-policy-controller': 'true' }), awsNode(['--enable-network-policy=false'])] }, false, undefined],
    ['vpc-cni listed by list-addons only', { objects: [], addonNames: ['vpc-cni', 'coredns'] }, false, undefined],
    ['Calico alongside a disabled agent', { objects: [awsNode(['--enable-network-policy=false']), ds('calico-system/calico-node')] }, true, 'calico'],
    ['tigera-operator Deployment', { objects: [awsNode([]), workload('Deployment', 'tigera-operator/tigera-operator', {})] }, true, 'calico'],
    ['Cilium', { objects: [awsNode([]), ds('kube-system/cilium')] }, true, 'cilium'],
    ['kube-router', { objects: [awsNode([]), ds('kube-system/kube-router')] }, true, 'kube-router'],
    ['Antrea', { objects: [awsNode([]), ds('kube-system/antrea-agent')] }, true, 'antrea'],
    ['Weave Net', { objects: [awsNode([]), ds('kube-system/weave-net')] }, true, 'weave-net'],
  ])('%s', (_name, c, enforced, engine) => {
    const w = build(c);
    expect(w.engine.enforcement.enforced).toBe(enforced);
    expect(w.engine.enforcement.engine).toBe(engine);
    expect(w.ingress('x/a', 'x/b', 80).verdict).toBe(enforced ? 'deny' : 'not-enforced');
  });
});

describe('not-enforced layers', () => {
  const w = build({ objects: [awsNode(['--enable-network-policy=false'])], addons: [vpcCni('{"env":{"WARM_IP_TARGET":"5"}}')] });

  it('never deny, say what the policies would have done and name the fix', () => {
    const [egress, ingress] = w.check('x/a', 'x/b', 80);
    expect(egress.verdict).toBe('not-enforced');
    expect(egress.reason).toContain('would allow');
    expect(ingress.verdict).toBe('not-enforced');
    expect(ingress.reason).toContain('would deny');
    expect(ingress.reason).toContain('NetworkPolicy/x/deny');
    expect(ingress.objects).toEqual(['NetworkPolicy/x/deny']);
    const command = `aws eks update-addon --cluster-name prod-eu --addon-name vpc-cni --configuration-values '{"env":{"WARM_IP_TARGET":"5"},"enableNetworkPolicy":"true"}'`;
    expect(ingress.reason).toContain(command);
    expect(ingress.fix).toMatchObject({ kind: 'cni', text: command });
  });

  it('a disagreement between the add-on and the running flag is explained', () => {
    const ww = build({ objects: [awsNode(['--enable-network-policy=false'])], addons: [vpcCni('{"enableNetworkPolicy":"true"}')] });
    expect(ww.engine.enforcement.reason).toContain('running DaemonSet');
  });
});
