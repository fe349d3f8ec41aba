import * as path from 'node:path';
import { loadSnapshot } from '../../src/snapshot/load';
import type { Snapshot } from '../../src/model/snapshot';
import { consistencyProblems, selectedPods } from './consistency';

const DEMO = path.join(__dirname, '..', '..', 'demo', 'snapshot');

describe('bundled demo snapshot (demo/snapshot)', () => {
  let snap: Snapshot;
  beforeAll(async () => {
    snap = await loadSnapshot(DEMO);
  });

  it('loads with no warnings and every kind of document recognised', () => {
    expect(snap.warnings).toEqual([]);
    for (const key of ['SecurityGroups', 'NetworkAcls', 'Subnets', 'RouteTables', 'NetworkInterfaces', 'Vpcs', 'Reservations',
      'NatGateways', 'InternetGateways', 'PrefixLists', 'Entries', 'cluster', 'addon', 'addons'] as const) {
      expect(snap.present.has(key)).toBe(true);
    }
    expect(snap.aws.cluster?.name).toBe('demo-eks');
    expect(snap.aws.cluster?.version).toBe('1.31');
    expect(snap.collection.region).toBe('us-west-2');
    expect(snap.aws.addons.map((a) => a.addonName).sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
    expect(snap.aws.addonNames.sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
    expect(snap.aws.addonVersions.map((a) => a.addonName).sort()).toEqual(['coredns', 'kube-proxy', 'vpc-cni']);
  });

  it('is internally consistent: pod IPs on one ENI of their node subnet, nodes are instances, Services select pods', () => {
    expect(consistencyProblems(snap)).toEqual([]);
  });

  it('consistency check catches a pod whose IP no ENI holds and a Service that selects nothing', async () => {
    const broken = await loadSnapshot(DEMO);
    const pod = broken.k8s.pods.find((p) => p.metadata.name === 'postgres-0')!;
    pod.status = { ...pod.status, podIP: '10.0.99.250', podIPs: [{ ip: '10.0.99.250' }] };
    broken.k8s.services.find((s) => s.metadata.name === 'cart')!.spec.selector = { app: 'no-such-app' };
    expect(consistencyProblems(broken)).toEqual([
      'Pod data/postgres-0: IP 10.0.99.250 held by 0 ENIs',
      'Service shop/cart: selects no pod',
    ]);
  });

  it('has the scenario the README describes', () => {
    const k = snap.k8s;
    expect(k.nodes).toHaveLength(4);
    expect(new Set(snap.aws.subnets.map((s) => s.AvailabilityZone))).toEqual(new Set(['us-west-2a', 'us-west-2b', 'us-west-2c']));
    expect(k.namespaces.map((n) => n.metadata.name)).toEqual(expect.arrayContaining(['kube-system', 'shop', 'data', 'pci', 'monitoring']));
    // Pods read from a PodList take their kind from the list.
    expect(k.pods.every((p) => p.kind === 'Pod')).toBe(true);
    expect(k.securityGroupPolicies.map((p) => `${p.metadata.namespace}/${p.metadata.name}`).sort()).toEqual(['pci/card-vault', 'shop/payments']);
    // One node uses prefix delegation, branch ENIs carry the pod security groups.
    expect(snap.aws.networkInterfaces.filter((e) => (e.Ipv4Prefixes ?? []).length > 0)).toHaveLength(1);
    expect(snap.aws.networkInterfaces.filter((e) => e.InterfaceType === 'branch').map((e) => e.Groups?.map((g) => g.GroupId))).toEqual([
      ['sg-0ba1d5ec000000004'],
      ['sg-0ca4d5ec000000005'],
    ]);
    // The network-policy agent is on in the running DaemonSet.
    const awsNode = k.daemonSets.find((d) => d.metadata.name === 'aws-node')!;
    const agent = awsNode.spec.template!.spec!.containers.find((c) => c.name === 'aws-eks-nodeagent')!;
    expect(agent.args).toContain('--enable-network-policy=true');
    // The custom NACL of the us-west-2c private subnet leaves 32768-49151 closed on the way out.
    const custom = snap.aws.networkAcls.find((a) => !a.IsDefault)!;
    const outboundTcp = custom.Entries!.filter((e) => e.Egress && e.Protocol === '6' && e.RuleAction === 'allow');
    expect(outboundTcp.some((e) => e.PortRange!.From! <= 32768 && e.PortRange!.To! >= 32768)).toBe(false);
    expect(outboundTcp.some((e) => e.PortRange!.From === 49152)).toBe(true);
    for (const svc of ['checkout', 'payments', 'frontend', 'cart']) {
      expect(selectedPods(snap, k.services.find((s) => s.metadata.name === svc && s.metadata.namespace === 'shop')!).length).toBeGreaterThan(0);
    }
  });
});
