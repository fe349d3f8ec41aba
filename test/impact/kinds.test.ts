import * as path from 'node:path';
import type { Change, Severity } from '../../src/model/result';
import { emptySnapshot, type Snapshot } from '../../src/model/snapshot';
import type { NetworkPolicy, SecurityGroupPolicy, Service } from '../../src/model/k8s';
import { applyProposal, assessChange } from '../../src/impact';
import { loadSnapshot } from '../../src/snapshot/load';
import { tcp } from '../engine/aws/world';
import { edgeWorld } from './edge-world';

// Each row proposes one change over the bundled demo snapshot (demo/snapshot/README.md describes it)
// and checks the flows the engine finds opened or closed, the change named responsible, and the
// severity that follows (src/drift/severity.ts impactSeverity). The rule each row rests on is cited.

let demo: Snapshot;
beforeAll(async () => {
  demo = await loadSnapshot(path.join(__dirname, '../../demo/snapshot'));
});

const clone = <T>(o: T): T => structuredClone(o);
const np = (ns: string, name: string) => clone(demo.k8s.networkPolicies.find((n) => n.metadata.namespace === ns && n.metadata.name === name)!);
const sg = (id: string) => clone(demo.aws.securityGroups.find((g) => g.GroupId === id)!);
const acl = (id: string) => clone(demo.aws.networkAcls.find((a) => a.NetworkAclId === id)!);
const rtb = (id: string) => clone(demo.aws.routeTables.find((t) => t.RouteTableId === id)!);
const sgp = (ns: string, name: string) => clone(demo.k8s.securityGroupPolicies.find((n) => n.metadata.namespace === ns && n.metadata.name === name)!);
const svc = (ns: string, name: string) => clone(demo.k8s.services.find((n) => n.metadata.namespace === ns && n.metadata.name === name)!);

/** A proposal: in-memory manifests, as `--after DIR` would load them. */
function proposal(parts: { nps?: NetworkPolicy[]; sgps?: SecurityGroupPolicy[]; services?: Service[]; sgs?: Snapshot['aws']['securityGroups']; acls?: Snapshot['aws']['networkAcls']; rtbs?: Snapshot['aws']['routeTables'] }): Snapshot {
  const p = emptySnapshot('proposal');
  p.k8s.networkPolicies.push(...(parts.nps ?? []));
  p.k8s.securityGroupPolicies.push(...(parts.sgps ?? []));
  p.k8s.services.push(...(parts.services ?? []));
  p.aws.securityGroups.push(...(parts.sgs ?? []));
  p.aws.networkAcls.push(...(parts.acls ?? []));
  p.aws.routeTables.push(...(parts.rtbs ?? []));
  return p;
}

type Row = [name: string, rule: string, build: () => { before?: Snapshot; after: Snapshot }, expected: { change: string; severity: Severity; opened: string[]; closed: string[] }];

function flowText(f: { from: string; to: string; port: number; protocol: string }): string {
  return `${f.from} → ${f.to} ${f.port}${f.protocol === 'TCP' ? '' : '/' + f.protocol}`;
}

/**
 * What leaves through the NAT gateway (checked on 80 and 443): the private subnets' Services whose egress
 * policies and groups allow it — postgres and prometheus sit in the restricted subnet, whose NACL lets
 * only 443 out; shop/checkout's egress policy allows 443 to public addresses only.
 */
const ROUTE_FLOWS = ['data/svc/postgres → internet 443', 'kube-system/svc/kube-dns → internet 80', 'kube-system/svc/kube-dns → internet 443', 'monitoring/svc/prometheus → internet 443', 'pci/svc/card-vault → internet 80', 'pci/svc/card-vault → internet 443', 'shop/svc/checkout → internet 443'];

const rows: Row[] = [
  // NetworkPolicy: a pod is isolated once selected; allowed traffic is the union of the rules of every
  // selecting policy (https://kubernetes.io/docs/concepts/services-networking/network-policies/#the-two-sorts-of-pod-isolation).
  [
    'NetworkPolicy opened: postgres also admits the monitoring namespace',
    'NetworkPolicy ingress rules are ORed; namespaceSelector matches kubernetes.io/metadata.name',
    () => {
      const p = np('data', 'postgres-from-shop-backend');
      p.spec.ingress!.push({ from: [{ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } } }], ports: [{ protocol: 'TCP', port: 5432 }] });
      return { after: proposal({ nps: [p] }) };
    },
    { change: 'NetworkPolicy data/postgres-from-shop-backend', severity: 'high', opened: ['monitoring/svc/prometheus → data/svc/postgres 5432'], closed: [] },
  ],
  [
    'NetworkPolicy closed: checkout admits cart instead of frontend',
    'an isolated pod accepts only what some selecting policy admits',
    () => {
      const p = np('shop', 'checkout-ingress');
      p.spec.ingress![0]!.from = [{ podSelector: { matchLabels: { app: 'cart' } } }];
      return { after: proposal({ nps: [p] }) };
    },
    { change: 'NetworkPolicy shop/checkout-ingress', severity: 'high', opened: [], closed: ['shop/svc/frontend → shop/svc/checkout 8080'] },
  ],
  [
    'NetworkPolicy no-op: checkout also admits cart, whose egress stays denied',
    'a connection needs the source\'s egress and the destination\'s ingress to allow it',
    () => {
      const p = np('shop', 'checkout-ingress');
      p.spec.ingress![0]!.from!.push({ podSelector: { matchLabels: { app: 'cart' } } });
      return { after: proposal({ nps: [p] }) };
    },
    { change: 'NetworkPolicy shop/checkout-ingress', severity: 'low', opened: [], closed: [] },
  ],
  // Security groups: stateful, the union of every rule of every group on the ENI, a group reference
  // matches the ENIs that carry that group (https://docs.aws.amazon.com/vpc/latest/userguide/security-group-rules.html).
  [
    'security-group rule opened: card-vault admits the node group on 8443',
    'a rule referencing a group admits traffic from ENIs carrying that group',
    () => {
      const g = sg('sg-0ca4d5ec000000005');
      g.IpPermissions!.push(tcp(8443, { group: 'sg-0a0de5ec000000002' }));
      return { after: proposal({ sgs: [g] }) };
    },
    { change: 'SecurityGroupRule sg-0ca4d5ec000000005/ingress/tcp/8443/sg-0a0de5ec000000002', severity: 'high', opened: ['shop/svc/checkout → pci/svc/card-vault 8443'], closed: [] },
  ],
  [
    'security-group rule closed: card-vault no longer admits payments',
    'security groups deny what no rule allows',
    () => {
      const g = sg('sg-0ca4d5ec000000005');
      g.IpPermissions = g.IpPermissions!.filter((p) => p.FromPort !== 8443);
      return { after: proposal({ sgs: [g] }) };
    },
    { change: 'SecurityGroupRule sg-0ca4d5ec000000005/ingress/tcp/8443/sg-0ba1d5ec000000004', severity: 'high', opened: [], closed: ['shop/svc/payments → pci/svc/card-vault 8443'] },
  ],
  [
    'security-group rule no-op: card-vault admits UDP 9999 from the VPC',
    'a rule on a port no Service uses moves no checked flow',
    () => {
      const g = sg('sg-0ca4d5ec000000005');
      g.IpPermissions!.push({ IpProtocol: 'udp', FromPort: 9999, ToPort: 9999, IpRanges: [{ CidrIp: '10.0.0.0/16' }] });
      return { after: proposal({ sgs: [g] }) };
    },
    { change: 'SecurityGroupRule sg-0ca4d5ec000000005/ingress/udp/9999/10.0.0.0/16', severity: 'low', opened: [], closed: [] },
  ],
  // NACLs: stateless, first match by rule number; responses need the client's ephemeral range
  // 32768-60999 (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-ephemeral-ports.html).
  [
    'NACL entry opened: outbound rule 110 covers the Linux ephemeral range',
    'responses leave the subnet to the client\'s ports 32768-60999',
    () => {
      const a = acl('acl-0c0570000000000c2');
      for (const e of a.Entries!) if (e.RuleNumber === 110 && e.Egress) e.PortRange = { From: 32768, To: 65535 };
      return { after: proposal({ acls: [a] }) };
    },
    {
      change: 'NetworkAclEntry acl-0c0570000000000c2/egress/110',
      severity: 'high',
      opened: ['kube-system/svc/kube-dns → monitoring/svc/prometheus 9090', 'monitoring/svc/blackbox-exporter → monitoring/svc/prometheus 9090', 'shop/svc/checkout → data/svc/postgres 5432'],
      closed: [],
    },
  ],
  [
    'NACL entry closed: outbound HTTPS rule 100 turned into a deny',
    'the first matching entry decides; a deny drops the packet',
    () => {
      const a = acl('acl-0c0570000000000c2');
      for (const e of a.Entries!) if (e.RuleNumber === 100 && e.Egress) e.RuleAction = 'deny';
      return { after: proposal({ acls: [a] }) };
    },
    { change: 'NetworkAclEntry acl-0c0570000000000c2/egress/100', severity: 'high', opened: [], closed: ['data/svc/postgres → default/svc/kubernetes 443', 'data/svc/postgres → internet 443', 'monitoring/svc/prometheus → default/svc/kubernetes 443', 'monitoring/svc/prometheus → internet 443'] },
  ],
  [
    'NACL entry no-op: inbound Telnet from the VPC allowed',
    'an entry on a port no Service uses moves no checked flow',
    () => {
      const a = acl('acl-0c0570000000000c2');
      a.Entries!.push({ RuleNumber: 150, Egress: false, Protocol: '6', CidrBlock: '10.0.0.0/16', RuleAction: 'allow', PortRange: { From: 23, To: 23 } });
      return { after: proposal({ acls: [a] }) };
    },
    { change: 'NetworkAclEntry acl-0c0570000000000c2/ingress/150', severity: 'low', opened: [], closed: [] },
  ],
  // Routes: longest prefix wins; traffic to the internet needs a route to a NAT or internet gateway
  // (https://docs.aws.amazon.com/vpc/latest/userguide/VPC_Route_Tables.html#route-table-priority).
  [
    'route closed: the private subnets lose their default route to the NAT gateway',
    'without a route covering the destination, traffic to the internet is dropped',
    () => {
      const t = rtb('rtb-0cc10000000000003');
      t.Routes = t.Routes!.filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0');
      return { after: proposal({ rtbs: [t] }) };
    },
    {
      change: 'RouteTable rtb-0cc10000000000003/0.0.0.0/0',
      severity: 'high',
      opened: [],
      closed: ROUTE_FLOWS,
    },
  ],
  [
    'route opened: the default route to the NAT gateway comes back',
    'a route to an available public NAT gateway that routes to an internet gateway carries IPv4 out',
    () => {
      const t = rtb('rtb-0cc10000000000003');
      t.Routes = t.Routes!.filter((r) => r.DestinationCidrBlock !== '0.0.0.0/0');
      return { before: applyProposal(demo, proposal({ rtbs: [t] }), 'without-route'), after: demo };
    },
    {
      change: 'RouteTable rtb-0cc10000000000003/0.0.0.0/0',
      severity: 'medium',
      opened: ROUTE_FLOWS,
      closed: [],
    },
  ],
  [
    'route no-op: a route for a partner block outside the VPC',
    'only routes covering all of the public internet match `internet` (CONTRACT §2)',
    () => {
      const t = rtb('rtb-0cc10000000000003');
      t.Routes!.push({ DestinationCidrBlock: '203.0.113.0/24', NatGatewayId: 'nat-0bea70000000000a1', State: 'active' });
      return { after: proposal({ rtbs: [t] }) };
    },
    { change: 'RouteTable rtb-0cc10000000000003/203.0.113.0/24', severity: 'low', opened: [], closed: [] },
  ],
  // Security groups for pods: a pod a SecurityGroupPolicy selects gets a branch ENI with the policy's
  // groups instead of the node's (https://docs.aws.amazon.com/eks/latest/userguide/security-groups-for-pods.html).
  [
    'SecurityGroupPolicy opened: card-vault pods also get the node group',
    'the ENI\'s groups are the union of its rules',
    () => {
      const p = sgp('pci', 'card-vault');
      p.spec.securityGroups!.groupIds!.push('sg-0a0de5ec000000002');
      return { after: proposal({ sgps: [p] }) };
    },
    { change: 'SecurityGroupPolicy pci/card-vault', severity: 'high', opened: ['pci/svc/card-vault → kube-system/svc/kube-dns 9153', 'shop/svc/checkout → pci/svc/card-vault 8443'], closed: [] },
  ],
  [
    'SecurityGroupPolicy closed: payments pods get the card-vault group instead of their own',
    'a branch ENI carries only the policy\'s groups',
    () => {
      const p = sgp('shop', 'payments');
      p.spec.securityGroups!.groupIds = ['sg-0ca4d5ec000000005'];
      return { after: proposal({ sgps: [p] }) };
    },
    { change: 'SecurityGroupPolicy shop/payments', severity: 'high', opened: [], closed: ['shop/svc/checkout → shop/svc/payments 9090', 'shop/svc/payments → pci/svc/card-vault 8443'] },
  ],
  [
    'SecurityGroupPolicy no-op: a new policy that selects no pod',
    'a policy applies only to the pods it selects',
    () => {
      const p = sgp('shop', 'payments');
      p.metadata.name = 'legacy';
      p.spec.podSelector = { matchLabels: { app: 'legacy' } };
      return { after: proposal({ sgps: [p] }) };
    },
    { change: 'SecurityGroupPolicy shop/legacy', severity: 'low', opened: [], closed: [] },
  ],
  // Services: a Service sends to the pods its selector matches, on the target port
  // (https://kubernetes.io/docs/concepts/services-networking/service/#defining-a-service).
  [
    'Service opened: a new Service in front of the cart pods',
    'a Service\'s flows are those to the pods it selects',
    () => {
      const s = svc('shop', 'cart');
      s.metadata.name = 'cart-v2';
      return { after: proposal({ services: [s] }) };
    },
    { change: 'Service shop/cart-v2', severity: 'high', opened: ['shop/svc/cart-v2 → kube-system/svc/kube-dns 53', 'shop/svc/cart-v2 → kube-system/svc/kube-dns 53/UDP', 'shop/svc/frontend → shop/svc/cart-v2 8080'], closed: [] },
  ],
  [
    'Service closed: cart now selects the payments pods (no named port http; their own egress to card-vault)',
    'a named targetPort resolves on each selected pod; a pod without it gets no traffic',
    () => {
      const s = svc('shop', 'cart');
      s.spec.selector = { app: 'payments' };
      return { after: proposal({ services: [s] }) };
    },
    { change: 'Service shop/cart', severity: 'high', opened: ['shop/svc/cart → pci/svc/card-vault 8443'], closed: ['shop/svc/frontend → shop/svc/cart 8080'] },
  ],
  [
    'Service no-op: cart exposes one more port nobody may reach',
    'a port whose flows are denied before and after moves nothing',
    () => {
      const s = svc('shop', 'cart');
      s.spec.ports!.push({ name: 'debug', port: 9999, targetPort: 9999, protocol: 'TCP' });
      return { after: proposal({ services: [s] }) };
    },
    { change: 'Service shop/cart', severity: 'low', opened: [], closed: [] },
  ],
];

describe('impact of one change of each kind on the demo cluster', () => {
  it.each(rows)('%s (%s)', (_name, _rule, build, expected) => {
    const { before = demo, after } = build();
    const r = assessChange(before, after);
    const change = r.changes.find((c) => `${c.kind} ${c.id}` === expected.change);
    expect(r.changes.map((c) => `${c.kind} ${c.id}`)).toContain(expected.change);
    expect({ opened: r.opened.map(flowText), closed: r.closed.map(flowText), severity: change!.severity }).toEqual({ opened: expected.opened, closed: expected.closed, severity: expected.severity });
    // Each flow names the change, and the change lists exactly those flows.
    for (const f of [...r.opened, ...r.closed]) expect(f.changes.map((c) => `${c.kind} ${c.id}`)).toContain(expected.change);
    expect((change!.impact ?? []).map(flowText).sort()).toEqual([...expected.opened, ...expected.closed].sort());
    // The summary leads with what the engine found.
    if (expected.opened.length + expected.closed.length > 0) expect(change!.summary).toMatch(/^now (open|closed)/);
    else expect(change!.summary).toMatch(/^moves no flow eksnet checks/);
  });
});

// "internet" is an arbitrary public IPv4 address; it reaches a pod only through a route to an internet
// gateway, a public IP on the pod's address, security groups and NetworkPolicy (CONTRACT §2).
describe('newly reachable from the internet is critical', () => {
  it('a security-group rule for 0.0.0.0/0 on 443 opens payments/api to the internet', () => {
    const r = assessChange(edgeWorld(false), edgeWorld(true));
    const c = r.changes.find((x) => x.kind === 'SecurityGroupRule') as Change;
    expect(r.opened.map(flowText)).toContain('internet → payments/svc/api 443');
    expect(c.severity).toBe('critical');
    expect(c.summary).toMatch(/^now open from internet: payments\/svc\/api 443 via sg-edge/);
  });
});
