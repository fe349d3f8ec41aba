import type { NetworkPolicy } from '../../src/model/k8s';
import type { Snapshot } from '../../src/model/snapshot';
import { reachEngine } from '../../src/engine/reach';
import { objectKey } from '../../src/model/cluster-index';
import { ProbeEvaluator, serviceRef, serviceTargets, type Probe, type ProbeSource } from '../../src/impact/probes';
import { allTraffic, entry, World } from '../engine/aws/world';
import { generatedDocuments, toSnapshot, withChangesOfEveryKind } from './generated';
import { scopedAndFull, service } from './compare';

// The impact's evaluator answers a Service → Service cell without looking at each pod flow when
// NetworkPolicy settles it: the whole-namespace shortcut, and the class shortcut — the sources' egress
// policies admit none of the targets, or the targets' ingress policies none of the sources, decided on
// one pod per distinct policy class. Every answer must be the one evaluating every pod flow, layer by
// layer, gives (https://kubernetes.io/docs/concepts/services-networking/network-policies/: a flow needs
// the source's egress and the destination's ingress to allow it).

/** Every Service → Service cell (each Service port) of a snapshot: the shortcut answer and the full one. */
function cells(snap: Snapshot): { cell: string; classes: string | undefined; full: string | undefined }[] {
  const engine = reachEngine(snap);
  const classes = new ProbeEvaluator(engine, 'classes');
  const full = new ProbeEvaluator(engine, 'full');
  const services = [...engine.k8s.services].sort((a, b) => objectKey(a).localeCompare(objectKey(b)));
  const sources = new Map(services.map((s) => [objectKey(s), { kind: 'service', key: objectKey(s) } as ProbeSource]));
  const out: { cell: string; classes: string | undefined; full: string | undefined }[] = [];
  for (const a of services) {
    for (const b of services) {
      if (a === b) continue;
      for (const dst of serviceTargets(b)) {
        if (dst.kind !== 'service') continue;
        const p: Probe = { from: serviceRef(objectKey(a)), to: serviceRef(objectKey(b)), port: dst.port, protocol: dst.protocol, src: sources.get(objectKey(a))!, dst };
        out.push({ cell: `${p.from} → ${p.to} ${p.port}`, classes: classes.verdict(p), full: full.verdict(p) });
      }
    }
  }
  return out;
}

const labelled = (snap: Snapshot, pod: string, labels: Record<string, string>) => {
  snap.k8s.pods.find((p) => `${p.metadata.namespace}/${p.metadata.name}` === pod)!.metadata.labels = labels;
};
const policy = (name: string, spec: NetworkPolicy['spec']): NetworkPolicy => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec });

/**
 * Services whose pods differ in what NetworkPolicy reads, each time with the pod that lets traffic
 * through listed second: a shortcut that judged a Service by its first pod would answer `denied`.
 * - web → api: api-1 admits nothing, api-2 (tier=open) admits web pods with canary=yes: only web-2.
 * - api → web: api-1 (egress=locked) may send nothing, api-2 is not isolated for egress.
 * - batch → web: batch may send only to web pods with canary=yes: web-2.
 */
function splitClasses(): Snapshot {
  const w = new World()
    .subnet('subnet-a', '10.0.1.0/24')
    .sg('sg-all', [allTraffic({ cidr: '10.0.0.0/16' })])
    .node('node-a', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-all'] })
    .node('node-b', { subnet: 'subnet-a', ip: '10.0.1.11', groups: ['sg-all'] })
    .node('node-c', { subnet: 'subnet-a', ip: '10.0.1.12', groups: ['sg-all'] })
    .pod('shop/web-1', { node: 'node-a', ip: '10.0.1.21' })
    .pod('shop/web-2', { node: 'node-a', ip: '10.0.1.22' })
    .pod('shop/api-1', { node: 'node-b', ip: '10.0.1.31' })
    .pod('shop/api-2', { node: 'node-b', ip: '10.0.1.32' })
    .pod('shop/batch-1', { node: 'node-c', ip: '10.0.1.41' });
  const s = w.snap;
  labelled(s, 'shop/web-1', { app: 'web' });
  labelled(s, 'shop/web-2', { app: 'web', canary: 'yes' });
  labelled(s, 'shop/api-1', { app: 'api', egress: 'locked' });
  labelled(s, 'shop/api-2', { app: 'api', tier: 'open' });
  labelled(s, 'shop/batch-1', { app: 'batch' });
  s.k8s.namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'shop', labels: { 'kubernetes.io/metadata.name': 'shop' } } });
  s.k8s.services.push(service('web'), service('api'), service('batch'));
  s.k8s.networkPolicies.push(
    policy('api-deny', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] }),
    policy('api-open', { podSelector: { matchLabels: { tier: 'open' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ podSelector: { matchLabels: { canary: 'yes' } } }] }] }),
    policy('locked', { podSelector: { matchLabels: { egress: 'locked' } }, policyTypes: ['Egress'] }),
    policy('batch-out', { podSelector: { matchLabels: { app: 'batch' } }, policyTypes: ['Egress'], egress: [{ to: [{ podSelector: { matchLabels: { canary: 'yes' } } }] }] }),
  );
  s.aws.addons.push({ addonName: 'vpc-cni', addonVersion: 'v1.19.2-eksbuild.1', configurationValues: '{"enableNetworkPolicy":"true"}' });
  return s;
}

describe('the evaluator shortcuts agree with evaluating every pod flow', () => {
  it('on Services whose pods differ in what NetworkPolicy reads (the pod that admits listed second)', () => {
    const all = cells(splitClasses());
    for (const c of all) expect(c).toEqual({ cell: c.cell, classes: c.full, full: c.full });
    const verdict = (cell: string) => all.find((c) => c.cell === cell)?.full;
    expect(verdict('shop/svc/web → shop/svc/api 80')).toBe('partial');
    expect(verdict('shop/svc/api → shop/svc/web 80')).toBe('partial');
    expect(verdict('shop/svc/batch → shop/svc/web 80')).toBe('partial');
    expect(verdict('shop/svc/batch → shop/svc/api 80')).toBe('denied');
  });

  it.each([
    ['before', () => toSnapshot(generatedDocuments(), 'before')],
    ['after the changes of every kind', () => toSnapshot(withChangesOfEveryKind(generatedDocuments()), 'after')],
  ])('on every Service → Service cell of the generated cluster, %s', (_, build) => {
    const all = cells(build());
    expect(all.filter((c) => c.classes !== c.full)).toEqual([]);
    // Both answers occur, so the comparison can fail either way.
    expect(all.some((c) => c.full === 'denied')).toBe(true);
    expect(all.some((c) => c.full !== undefined && c.full !== 'denied')).toBe(true);
  });
});

/**
 * splitClasses plus namespace ops (trusted=yes) with a probe Service, which api-2's policy admits through
 * a namespaceSelector. The policy also names an ipBlock no pod is in, so no whole-namespace shortcut
 * settles its cells: their verdicts come from the memo.
 */
function withTrustedNamespace(): Snapshot {
  const s = splitClasses();
  s.k8s.namespaces.push({ apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'ops', labels: { 'kubernetes.io/metadata.name': 'ops', trusted: 'yes' } } });
  const probe = structuredClone(s.k8s.pods.find((p) => p.metadata.name === 'batch-1')!);
  probe.metadata = { name: 'probe-1', namespace: 'ops', labels: { app: 'probe' } };
  probe.status = { ...probe.status, podIP: '10.0.1.51', podIPs: [{ ip: '10.0.1.51' }] };
  s.k8s.pods.push(probe);
  s.aws.networkInterfaces.find((e) => e.NetworkInterfaceId === 'eni-node-c')!.PrivateIpAddresses!.push({ PrivateIpAddress: '10.0.1.51', Primary: false });
  s.k8s.services.push(service('probe', 'ops'));
  const open = s.k8s.networkPolicies.find((n) => n.metadata.name === 'api-open')!;
  open.spec.ingress = [{ from: [{ podSelector: { matchLabels: { canary: 'yes' } } }, { namespaceSelector: { matchLabels: { trusted: 'yes' } } }, { ipBlock: { cidr: '192.168.0.0/16' } }] }];
  return s;
}

/** After `change`, the impact (with memos shared between the states) closes `closed` and agrees with full evaluation. */
function expectSharedLikeFull(before: Snapshot, change: (s: Snapshot) => void, closed: string): void {
  const after = structuredClone(before);
  change(after);
  const { scoped, full } = scopedAndFull(before, after);
  expect(scoped.closed.map((f) => `${f.from} → ${f.to} ${f.port}`)).toContain(closed);
  expect(scoped.opened).toEqual(full.opened);
  expect(scoped.closed).toEqual(full.closed);
}

// The state after a change reuses the NetworkPolicy verdicts the state before computed, wherever what a
// verdict reads is the same: the policies as written (not only their names), the peer's labels and its
// namespace's labels. Each row changes one of those under an unchanged name; sharing by name would
// carry the old verdict over.
describe('verdicts shared between the states before and after', () => {
  it.each<[string, (s: Snapshot) => void, string]>([
    [
      'a namespace loses the label a namespaceSelector admits',
      (s) => delete s.k8s.namespaces.find((n) => n.metadata.name === 'ops')!.metadata.labels!.trusted,
      'ops/svc/probe → shop/svc/api 80',
    ],
    [
      'a policy keeps its name but admits other pods',
      (s) => {
        s.k8s.networkPolicies.find((n) => n.metadata.name === 'api-open')!.spec.ingress![0]!.from!.splice(0, 1);
      },
      'shop/svc/web → shop/svc/api 80',
    ],
  ])('%s', (_, change, closed) => {
    expectSharedLikeFull(withTrustedNamespace(), change, closed);
  });
});

/**
 * Two private subnets behind a NAT gateway in a public subnet; web (subnet-a) and db (subnet-b) behind Services,
 * on nodes whose group admits its own members. No NetworkPolicy engine runs: the AWS layers decide.
 */
function natWorld(): Snapshot {
  const w = new World()
    .subnet('subnet-pub', '10.0.200.0/24')
    .subnet('subnet-a', '10.0.1.0/24')
    .subnet('subnet-b', '10.0.2.0/24')
    .sg('sg-node', [allTraffic({ group: 'sg-node' })])
    .node('node-a', { subnet: 'subnet-a', ip: '10.0.1.10', groups: ['sg-node'] })
    .node('node-b', { subnet: 'subnet-b', ip: '10.0.2.10', groups: ['sg-node'] })
    .pod('shop/web-1', { node: 'node-a', ip: '10.0.1.21' })
    .pod('shop/db-1', { node: 'node-b', ip: '10.0.2.31' })
    .natGateway('nat-1', 'subnet-pub')
    .routeTable('rtb-pub', ['subnet-pub'], [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 'igw-1', State: 'active' }])
    .routeTable('rtb-private', ['subnet-a', 'subnet-b'], [{ DestinationCidrBlock: '0.0.0.0/0', NatGatewayId: 'nat-1', State: 'active' }])
    .nacl('acl-open', ['subnet-a', 'subnet-b'], [entry(100, false, 'allow', '0.0.0.0/0'), entry(100, true, 'allow', '0.0.0.0/0')]);
  const s = w.snap;
  s.aws.internetGateways.push({ InternetGatewayId: 'igw-1', Attachments: [{ VpcId: 'vpc-1', State: 'attached' }] });
  labelled(s, 'shop/web-1', { app: 'web' });
  labelled(s, 'shop/db-1', { app: 'db' });
  s.k8s.services.push(service('web'), service('db'));
  return s;
}

// The state after a change also reuses the AWS verdicts the state before computed, between endpoints whose
// placement (groups, subnet, SNAT path) names nothing that changed. Each row changes an input no placement
// names directly, or names under an unchanged id; sharing those verdicts would carry the old answer over.
describe('AWS verdicts shared between the states before and after', () => {
  it.each<[string, (s: Snapshot) => void, string]>([
    [
      "the NAT gateway's own subnet loses its internet route (no pod's placement names that subnet)",
      (s) => {
        s.aws.routeTables.find((t) => t.RouteTableId === 'rtb-pub')!.Routes = s.aws.routeTables.find((t) => t.RouteTableId === 'rtb-pub')!.Routes!.filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0');
      },
      'shop/svc/web → internet 443',
    ],
    [
      'a subnet moves to a NACL that denies what the old one allowed (the subnet keeps its id)',
      (s) => {
        const open = s.aws.networkAcls.find((n) => n.NetworkAclId === 'acl-open')!;
        open.Associations = open.Associations!.filter((a) => a.SubnetId !== 'subnet-b');
        s.aws.networkAcls.push({ NetworkAclId: 'acl-closed', VpcId: 'vpc-1', IsDefault: false, Associations: [{ NetworkAclAssociationId: 'aclassoc-closed', NetworkAclId: 'acl-closed', SubnetId: 'subnet-b' }], Entries: [entry(100, true, 'allow', '0.0.0.0/0'), entry(32767, false, 'deny', '0.0.0.0/0')] });
      },
      'shop/svc/web → shop/svc/db 80',
    ],
    [
      'the group both nodes carry drops its rule (the group keeps its id)',
      (s) => {
        s.aws.securityGroups.find((g) => g.GroupId === 'sg-node')!.IpPermissions = [];
      },
      'shop/svc/web → shop/svc/db 80',
    ],
  ])('%s', (_, change, closed) => {
    expectSharedLikeFull(natWorld(), change, closed);
  });
});
