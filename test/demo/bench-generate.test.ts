import { generateCluster, type GeneratedCluster } from '../../bench/generate';
import type { Snapshot } from '../../src/model/snapshot';
import { snapshotFromDocuments } from '../../src/snapshot/load';
import { consistencyProblems, selectedPods } from './consistency';

const load = (cluster: GeneratedCluster): Snapshot =>
  snapshotFromDocuments('bench', cluster.documents.map((d) => ({ doc: d.doc, origin: d.file })));

describe('bench/generate.ts: the deterministic large cluster', () => {
  let cluster: GeneratedCluster;
  let snap: Snapshot;
  beforeAll(() => {
    cluster = generateCluster();
    snap = load(cluster);
  });

  it('loads through the snapshot recogniser with no warnings and the benchmark sizes', () => {
    expect(snap.warnings).toEqual([]);
    expect(snap.k8s.pods).toHaveLength(5000);
    expect(snap.k8s.services).toHaveLength(1000);
    expect(snap.k8s.networkPolicies).toHaveLength(2000);
    expect(snap.aws.securityGroups).toHaveLength(300);
    const rules = snap.aws.securityGroups
      .flatMap((g) => [...(g.IpPermissions ?? []), ...(g.IpPermissionsEgress ?? [])])
      .reduce((n, p) => n + (p.IpRanges ?? []).length + (p.Ipv6Ranges ?? []).length + (p.PrefixListIds ?? []).length + (p.UserIdGroupPairs ?? []).length, 0);
    expect(rules).toBe(5000);
    expect(snap.aws.subnets).toHaveLength(60);
    expect(snap.k8s.nodes).toHaveLength(200);
    expect(snap.aws.instances).toHaveLength(200);
    expect(snap.k8s.namespaces.length).toBeGreaterThanOrEqual(50);
    expect(snap.aws.networkAcls.filter((a) => !a.IsDefault).length).toBeGreaterThan(0);
    expect(snap.aws.natGateways.length).toBeGreaterThan(0);
    expect(snap.aws.internetGateways).toHaveLength(1);
    expect(cluster.counts).toMatchObject({ pods: 5000, services: 1000, networkPolicies: 2000, securityGroups: 300, securityGroupRules: 5000, subnets: 60, nodes: 200 });
  });

  it('is internally consistent: every pod IP on exactly one ENI (or /28 prefix) of its node subnet', () => {
    expect(consistencyProblems(snap)).toEqual([]);
    expect(snap.aws.networkInterfaces.some((e) => (e.Ipv4Prefixes ?? []).length > 0)).toBe(true);
    expect(snap.aws.networkInterfaces.some((e) => e.InterfaceType === 'branch')).toBe(true);
  });

  it('names two 10-pod Services in different namespaces for the pair benchmark', () => {
    const [a, b] = cluster.tenPodServices;
    expect(a.split('/')[0]).not.toBe(b.split('/')[0]);
    for (const ref of [a, b]) {
      const [ns, name] = ref.split('/');
      const svc = snap.k8s.services.find((s) => s.metadata.namespace === ns && s.metadata.name === name)!;
      expect(selectedPods(snap, svc)).toHaveLength(10);
    }
    const sizes = snap.k8s.services.map((s) => selectedPods(snap, s).length);
    expect(sizes.reduce((x, y) => x + y, 0) / sizes.length).toBeCloseTo(5, 0);
  });

  it('turns the network-policy agent on in the aws-node DaemonSet', () => {
    const agent = snap.k8s.daemonSets
      .find((d) => d.metadata.name === 'aws-node')!
      .spec.template!.spec!.containers.find((c) => c.name === 'aws-eks-nodeagent')!;
    expect(agent.args).toContain('--enable-network-policy=true');
  });

  it('is deterministic for a seed and differs for another seed', () => {
    const small = { namespaces: 3, nodes: 6, securityGroups: 30, securityGroupRules: 300, policiesPerNamespace: 30 };
    const text = (c: GeneratedCluster): string => JSON.stringify(c.documents);
    expect(text(generateCluster(small))).toBe(text(generateCluster(small)));
    expect(text(generateCluster({ ...small, seed: 7 }))).not.toBe(text(generateCluster(small)));
    expect(consistencyProblems(load(generateCluster(small)))).toEqual([]);
  });
});
