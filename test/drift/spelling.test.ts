import type { SecurityGroupPolicy } from '../../src/model/k8s';
import { diff } from '../../src/drift';
import { diffServices } from '../../src/impact/services';
import { emptySnapshot } from '../../src/model/snapshot';
import { cidrs, entry, nacl, netpol, rtb, sg, snap, tcp, type SnapParts } from './builders';

// Spelling is not drift (issue 11): two ways to write the same rule set give no change, of any kind.
// Conversely, a rewrite that changes what is let through is drift.

function sgp(ref: string, spec: SecurityGroupPolicy['spec']): SecurityGroupPolicy {
  const [ns, name] = ref.split('/') as [string, string];
  return { apiVersion: 'vpcresources.k8s.aws/v1beta1', kind: 'SecurityGroupPolicy', metadata: { name, namespace: ns }, spec };
}

const brief = (a: SnapParts, b: SnapParts) => diff(snap(a), snap(b)).map((c) => `${c.change} ${c.kind} ${c.id}`);

describe('two spellings of the same rule set are no drift', () => {
  it.each<[string, string, SnapParts, SnapParts]>([
    [
      'NetworkPolicy: matchLabels vs a single-value In expression, in podSelector, namespaceSelector and peers',
      'Kubernetes labels docs, set-based requirements',
      // "matchLabels ... is equivalent to an element of matchExpressions, whose key field is "key", the operator is "In",
      // and the values array contains only "value"" (https://kubernetes.io/docs/concepts/overview/working-with-objects/labels/)
      { objects: [netpol('shop/api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'], ingress: [{ from: [{ namespaceSelector: { matchLabels: { team: 'web' } }, podSelector: { matchLabels: { role: 'fe', tier: 'web' } } }] }] })] },
      {
        objects: [
          netpol('shop/api', {
            podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api'] }] },
            policyTypes: ['Ingress'],
            ingress: [{ from: [{ namespaceSelector: { matchExpressions: [{ key: 'team', operator: 'In', values: ['web'] }] }, podSelector: { matchLabels: { tier: 'web' }, matchExpressions: [{ key: 'role', operator: 'In', values: ['fe', 'fe'] }] } }] }],
          }),
        ],
      },
    ],
    [
      'NetworkPolicy: the same ipBlock written two ways (IPv6 zeros, case)',
      'an ipBlock is a CIDR: its block, not its text, is matched',
      { objects: [netpol('shop/api', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }] }] })] },
      { objects: [netpol('shop/api', { podSelector: {}, policyTypes: ['Ingress'], ingress: [{ from: [{ ipBlock: { cidr: '2001:0DB8:0000::/32', except: ['2001:db8:0001:0::/48'] } }] }] })] },
    ],
    [
      'security group: a port range split in two',
      'rules are permissive; traffic is allowed if any rule allows it (VPC user guide, security group rules)',
      { securityGroups: [sg('sg-1', [tcp(80, 443, cidrs('10.0.0.0/16'))])] },
      { securityGroups: [sg('sg-1', [tcp(80, 100, cidrs('10.0.0.0/16')), tcp(101, 443, cidrs('10.0.0.0/16'))])] },
    ],
    [
      'security group: a CIDR split into two halves, and merged permissions regrouped',
      'the union of the rules is what the group admits',
      { securityGroups: [sg('sg-1', [tcp(5432, 5432, cidrs('10.0.0.0/16', '192.168.0.0/24'))])] },
      { securityGroups: [sg('sg-1', [tcp(5432, 5432, cidrs('10.0.0.0/17')), tcp(5432, 5432, cidrs('10.0.128.0/17')), tcp(5432, 5432, cidrs('192.168.0.0/24'))])] },
    ],
    [
      'security group: the same IPv6 block written two ways',
      'a CIDR is compared by the block it covers',
      { securityGroups: [sg('sg-1', [tcp(443, 443, { Ipv6Ranges: [{ CidrIpv6: '2600:1f14:aaa::/48' }] })])] },
      { securityGroups: [sg('sg-1', [tcp(443, 443, { Ipv6Ranges: [{ CidrIpv6: '2600:1F14:0AAA:0000::/48' }] })])] },
    ],
    [
      'NACL: entries renumbered, keeping their order',
      'NACL rules are evaluated lowest number first',
      // "we process the rules in order, starting with the lowest numbered rule" (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html)
      { networkAcls: [nacl('acl-1', [entry(100, false, 'deny', '6', '0.0.0.0/0', [22, 22]), entry(200, false, 'allow', '-1', '10.0.0.0/16'), entry(100, true, 'allow', '-1', '0.0.0.0/0')])] },
      { networkAcls: [nacl('acl-1', [entry(10, false, 'deny', '6', '0.0.0.0/0', [22, 22]), entry(20, false, 'allow', '-1', '10.0.0.0/16'), entry(100, true, 'allow', '-1', '0.0.0.0/0')])] },
    ],
    [
      'NACL: two entries that never match the same packet swap numbers',
      'the first match decides; entries with disjoint matches decide alike in any order',
      { networkAcls: [nacl('acl-1', [entry(100, false, 'allow', '6', '10.0.0.0/16', [443, 443]), entry(110, false, 'allow', '17', '10.0.0.0/16', [53, 53])])] },
      { networkAcls: [nacl('acl-1', [entry(110, false, 'allow', '6', '10.0.0.0/16', [443, 443]), entry(100, false, 'allow', '17', '10.0.0.0/16', [53, 53])])] },
    ],
    [
      'NACL: an entry added that only repeats what a lower entry already decides',
      'a later entry never sees packets an earlier one matched',
      { networkAcls: [nacl('acl-1', [entry(100, false, 'allow', '-1', '10.0.0.0/16')])] },
      { networkAcls: [nacl('acl-1', [entry(100, false, 'allow', '-1', '10.0.0.0/16'), entry(200, false, 'deny', '6', '10.0.1.0/24', [22, 22])])] },
    ],
    [
      'route table: the same IPv6 destination written two ways',
      'routes are matched by destination block (longest prefix)',
      { routeTables: [rtb('rtb-1', [{ DestinationIpv6CidrBlock: '::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }])] },
      { routeTables: [rtb('rtb-1', [{ DestinationIpv6CidrBlock: '0:0::/0', EgressOnlyInternetGatewayId: 'eigw-1', State: 'active' }])] },
    ],
    [
      'SecurityGroupPolicy: matchLabels vs In, groups reordered',
      'a SecurityGroupPolicy podSelector is a metav1.LabelSelector',
      { objects: [sgp('shop/payments', { podSelector: { matchLabels: { app: 'payments' } }, securityGroups: { groupIds: ['sg-1', 'sg-2'] } })] },
      { objects: [sgp('shop/payments', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['payments'] }] }, securityGroups: { groupIds: ['sg-2', 'sg-1'] } })] },
    ],
  ])('%s', (_name, _rule, before, after) => {
    expect(brief(before, after)).toEqual([]);
  });

  it('Service: selector keys and ports in another order', () => {
    const a = emptySnapshot('a');
    const b = emptySnapshot('b');
    a.k8s.services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { app: 'api', tier: 'be' }, ports: [{ port: 80, targetPort: 8080 }, { port: 443, protocol: 'TCP', targetPort: 8443 }] } });
    b.k8s.services.push({ apiVersion: 'v1', kind: 'Service', metadata: { name: 'api', namespace: 'shop' }, spec: { selector: { tier: 'be', app: 'api' }, ports: [{ port: 443, targetPort: 8443 }, { port: 80, protocol: 'TCP', targetPort: 8080 }] } });
    expect(diffServices(a, b)).toEqual([]);
  });
});

describe('a rewrite that changes what is let through is drift', () => {
  it('NACL: a deny renumbered after the allow it used to precede', () => {
    const before = { networkAcls: [nacl('acl-1', [entry(50, false, 'deny', '6', '0.0.0.0/0', [22, 22]), entry(100, false, 'allow', '-1', '0.0.0.0/0')])] };
    const after = { networkAcls: [nacl('acl-1', [entry(150, false, 'deny', '6', '0.0.0.0/0', [22, 22]), entry(100, false, 'allow', '-1', '0.0.0.0/0')])] };
    expect(brief(before, after)).toEqual(['added NetworkAclEntry acl-1/ingress/150', 'removed NetworkAclEntry acl-1/ingress/50']);
  });

  it('security group: a split that leaves a gap', () => {
    const before = { securityGroups: [sg('sg-1', [tcp(80, 443, cidrs('10.0.0.0/16'))])] };
    const after = { securityGroups: [sg('sg-1', [tcp(80, 100, cidrs('10.0.0.0/16')), tcp(102, 443, cidrs('10.0.0.0/16'))])] };
    // The new rules admit nothing the old one did not: the change is the old rule's removal (port 101 closed).
    expect(brief(before, after)).toEqual(['removed SecurityGroupRule sg-1/ingress/tcp/80-443/10.0.0.0/16']);
  });

  it('NetworkPolicy: an In expression with two values is not a label', () => {
    const before = { objects: [netpol('shop/api', { podSelector: { matchLabels: { app: 'api' } }, policyTypes: ['Ingress'] })] };
    const after = { objects: [netpol('shop/api', { podSelector: { matchExpressions: [{ key: 'app', operator: 'In', values: ['api', 'web'] }] }, policyTypes: ['Ingress'] })] };
    expect(brief(before, after)).toEqual(['modified NetworkPolicy shop/api']);
  });
});
