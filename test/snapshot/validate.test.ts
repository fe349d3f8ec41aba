import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSnapshot } from '../../src/snapshot/load';
import { validateEc2List, validateK8sObject } from '../../src/snapshot/validate/index';
import { runCli } from '../cli/run-cli';

// Issue 10: an object the API server or EC2 would refuse is bad input, never analysed. Each row cites its rule.

const np = (spec: unknown, name = 'p') => ({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name, namespace: 'shop' }, spec });
const ingressPort = (port: unknown) => np({ podSelector: {}, ingress: [{ ports: [port] }] });
const ingressPeer = (peer: unknown) => np({ podSelector: {}, ingress: [{ from: [peer] }] });
const selector = (s: unknown) => np({ podSelector: s });

describe('NetworkPolicy: ValidateNetworkPolicy (kubernetes/pkg/apis/networking/validation/validation.go)', () => {
  it.each([
    // ValidateNetworkPolicyPort: protocol NotSupported unless TCP, UDP, SCTP
    ['protocol ICMP', ingressPort({ protocol: 'ICMP', port: 80 }), /spec\.ingress\[0\]\.ports\[0\]\.protocol: Unsupported value: "ICMP": supported values: "TCP", "UDP", "SCTP"/],
    // IsValidPortNum
    ['port 70000', ingressPort({ port: 70000 }), /ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535, inclusive/],
    ['port 0', ingressPort({ port: 0 }), /port: Invalid value: 0: must be between 1 and 65535/],
    ['endPort below port', ingressPort({ port: 8080, endPort: 80 }), /endPort: Invalid value: 80: must be greater than or equal to `port`/],
    ['endPort with a named port', ingressPort({ port: 'http', endPort: 90 }), /endPort: Invalid value: 90: may not be specified when `port` is non-numeric/],
    ['endPort without port', ingressPort({ endPort: 90 }), /may not be specified when `port` is not specified/],
    // IsValidPortName (IANA_SVC_NAME)
    ['port name too long', ingressPort({ port: 'a-very-long-port-name' }), /must be no more than 15 characters/],
    ['port name digits only as text', ingressPort({ port: '80' }), /must contain at least one letter/],
    // ValidateIPBlock
    ['except outside cidr', ingressPeer({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.1.0.0/24'] } }), /except\[0\]: Invalid value: "10.1.0.0\/24": must be a strict subset of `cidr`/],
    ['except equal to cidr', ingressPeer({ ipBlock: { cidr: '10.0.0.0/16', except: ['10.0.0.0/16'] } }), /must be a strict subset of `cidr`/],
    ['cidr /33', ingressPeer({ ipBlock: { cidr: '10.0.0.0/33' } }), /ipBlock\.cidr: Invalid value: "10.0.0.0\/33": must be a valid CIDR/],
    ['cidr missing', ingressPeer({ ipBlock: {} }), /ipBlock\.cidr: Required value/],
    // ValidateNetworkPolicyPeer
    ['empty peer', ingressPeer({}), /from\[0\]: Required value: must specify a peer/],
    ['ipBlock and a selector', ingressPeer({ podSelector: {}, ipBlock: { cidr: '10.0.0.0/8' } }), /may not specify both ipBlock and another peer/],
    // ValidateLabelSelector (apimachinery meta/v1/validation)
    ['unknown operator', selector({ matchExpressions: [{ key: 'app', operator: 'Like', values: ['a'] }] }), /operator: Unsupported value: "Like"/],
    ['In without values', selector({ matchExpressions: [{ key: 'app', operator: 'In', values: [] }] }), /values: Required value: must be specified when `operator` is 'In' or 'NotIn'/],
    ['Exists with values', selector({ matchExpressions: [{ key: 'app', operator: 'Exists', values: ['a'] }] }), /may not be specified when `operator` is 'Exists' or 'DoesNotExist'/],
    ['bad label key', selector({ matchLabels: { 'bad key': 'x' } }), /matchLabels: Invalid value: "bad key"/],
    // policyTypes
    ['misspelt policy type', np({ podSelector: {}, policyTypes: ['Ingres'] }), /policyTypes\[0\]: Unsupported value: "Ingres": supported values: "Ingress", "Egress"/],
    ['three policy types', np({ podSelector: {}, policyTypes: ['Ingress', 'Egress', 'Ingress'] }), /may not specify more than two policyTypes/],
    // strict field validation (kubectl --validate=strict): a misspelt field is not dropped
    ['misspelt policyTypes field', np({ podSelector: {}, policyType: ['Egress'] }), /spec: unknown field "policyType" \(did you mean "policyTypes"\?\)/],
    ['misspelt from', np({ podSelector: {}, ingress: [{ form: [] }] }), /unknown field "form" \(did you mean "from"\?\)/],
    // ValidateNetworkPolicyName: DNS subdomain
    ['upper-case name', np({ podSelector: {} }, 'Allow_All'), /metadata\.name: Invalid value: "Allow_All"/],
  ])('%s is refused', (_name, obj, message) => {
    const problem = validateK8sObject(obj);
    expect(problem).toMatch(message);
    expect(problem).toMatch(/\(Kubernetes ValidateNetworkPolicy\)$/);
  });

  it('accepts a valid policy with every kind of rule', () => {
    expect(
      validateK8sObject(
        np({
          podSelector: { matchLabels: { app: 'web' }, matchExpressions: [{ key: 'tier', operator: 'NotIn', values: ['db'] }, { key: 'x', operator: 'DoesNotExist' }] },
          policyTypes: ['Ingress', 'Egress'],
          ingress: [{ from: [{ namespaceSelector: {}, podSelector: { matchLabels: { a: 'b' } } }, { ipBlock: { cidr: '10.0.0.0/8', except: ['10.1.0.0/16'] } }], ports: [{ port: 80, endPort: 90 }, { port: 'http', protocol: 'UDP' }] }],
          egress: [{ to: [{ ipBlock: { cidr: '2001:db8::/32', except: ['2001:db8:1::/48'] } }], ports: [{ protocol: 'SCTP' }] }, {}],
        }),
      ),
    ).toBeUndefined();
  });
});

const sgp = (spec: unknown) => ({ apiVersion: 'vpcresources.k8s.aws/v1beta1', kind: 'SecurityGroupPolicy', metadata: { name: 's', namespace: 'shop' }, spec });

describe('SecurityGroupPolicy: its CRD schema (amazon-vpc-resource-controller-k8s vpcresources.k8s.aws_securitygrouppolicies.yaml)', () => {
  it.each([
    ['no group ids', sgp({ podSelector: {}, securityGroups: { groupIds: [] } }), /groupIds: .*should have at least 1 items/],
    ['17 group ids (maxItems 16)', sgp({ podSelector: {}, securityGroups: { groupIds: Array.from({ length: 17 }, (_, i) => `sg-${i}`) } }), /must have at most 16 items/],
    ['group id not a string', sgp({ podSelector: {}, securityGroups: { groupIds: [42] } }), /groupIds\[0\]: Invalid value: 42: must be a string/],
    ['In without values', sgp({ podSelector: { matchExpressions: [{ key: 'app', operator: 'In' }] }, securityGroups: { groupIds: ['sg-1'] } }), /values: Required value/],
    ['unknown field', sgp({ podSelectr: {}, securityGroups: { groupIds: ['sg-1'] } }), /unknown field "podSelectr" \(did you mean "podSelector"\?\)/],
  ])('%s is refused', (_name, obj, message) => {
    expect(validateK8sObject(obj)).toMatch(message);
  });
  it('accepts the documented example', () => {
    expect(validateK8sObject(sgp({ podSelector: { matchLabels: { role: 'db' } }, securityGroups: { groupIds: ['sg-0123', 'sg-0456'] } }))).toBeUndefined();
  });
});

const svc = (ports: unknown) => ({ apiVersion: 'v1', kind: 'Service', metadata: { name: 's', namespace: 'shop' }, spec: { selector: { app: 'a' }, ports } });

describe('Service ports: validateServicePort / ValidateService (kubernetes/pkg/apis/core/validation/validation.go)', () => {
  it.each([
    ['port 70000', svc([{ port: 70000 }]), /spec\.ports\[0\]\.port: Invalid value: 70000: must be between 1 and 65535/],
    ['protocol ICMP', svc([{ port: 80, protocol: 'ICMP' }]), /protocol: Unsupported value: "ICMP"/],
    ['targetPort 0', svc([{ port: 80, targetPort: 0 }]), /targetPort: Invalid value: 0/],
    ['bad targetPort name', svc([{ port: 80, targetPort: 'HTTP_PORT' }]), /targetPort: Invalid value: "HTTP_PORT"/],
    ['two ports, one unnamed', svc([{ name: 'a', port: 80 }, { port: 81 }]), /ports\[1\]\.name: Required value/],
    ['duplicate names', svc([{ name: 'a', port: 80 }, { name: 'a', port: 81 }]), /ports\[1\]\.name: Duplicate value: "a"/],
    ['duplicate port and protocol', svc([{ name: 'a', port: 80 }, { name: 'b', port: 80 }]), /ports\[1\]: Duplicate value: "80\/TCP"/],
  ])('%s is refused', (_name, obj, message) => {
    expect(validateK8sObject(obj)).toMatch(message);
  });
});

describe('metadata (ValidateObjectMeta): labels are string maps', () => {
  it.each([
    ['labels as a string', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p', labels: 'app=web' } }, /metadata\.labels: Invalid value: "app=web": must be a map/],
    ['a number as a label value', { apiVersion: 'v1', kind: 'Namespace', metadata: { name: 'n', labels: { v: 1 } } }, /metadata\.labels\.v: Invalid value: 1: must be a string/],
    ['no name', { apiVersion: 'v1', kind: 'Pod', metadata: {} }, /metadata\.name: Required value/],
    // Types from the core/v1 OpenAPI schema (containerPort int32, podIP string, ConfigMap data map[string]string).
    ['a containerPort that is a string', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, spec: { containers: [{ name: 'c', ports: [{ containerPort: '80' }] }] } }, /spec\.containers\[0\]\.ports\[0\]\.containerPort: Invalid value: "80": must be an integer/],
    ['a podIP that is a number', { apiVersion: 'v1', kind: 'Pod', metadata: { name: 'p' }, status: { podIP: 10 } }, /status\.podIP: Invalid value: 10: must be a string/],
    ['ConfigMap data with a number', { apiVersion: 'v1', kind: 'ConfigMap', metadata: { name: 'c' }, data: { a: 1 } }, /data\.a: Invalid value: 1: must be a string/],
    ['workload selector operator', { apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: 'd' }, spec: { selector: { matchExpressions: [{ key: 'a', operator: 'Is' }] } } }, /spec\.selector\.matchExpressions\[0\]\.operator: Unsupported value/],
  ])('%s is refused', (_name, obj, message) => {
    expect(validateK8sObject(obj)).toMatch(message);
  });
});

const acl = (entries: unknown[]) => [{ NetworkAclId: 'acl-1', VpcId: 'vpc-1', Entries: entries }];
const entry = (e: Record<string, unknown>) => ({ RuleNumber: 100, Egress: false, Protocol: '-1', RuleAction: 'allow', CidrBlock: '0.0.0.0/0', ...e });
const sgWith = (perm: Record<string, unknown>) => [{ GroupId: 'sg-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 80, ToPort: 80, IpRanges: [{ CidrIp: '10.0.0.0/16' }], ...perm }] }];

describe('EC2 documents: the EC2 API reference limits (CreateNetworkAclEntry, IpPermission)', () => {
  it.each([
    // CreateNetworkAclEntry RuleNumber: "Positive integer from 1 to 32766. The range 32767 to 65535 is reserved for internal use."
    ['NACL rule number 0', 'NetworkAcls', acl([entry({ RuleNumber: 0 })]), /NetworkAcls\[0\] \(acl-1\): Entries\[0\]\.RuleNumber: Invalid value: 0: must be from 1 to 32766/],
    ['NACL rule number 40000', 'NetworkAcls', acl([entry({ RuleNumber: 40000 })]), /RuleNumber: Invalid value: 40000/],
    ['32767 that is not the default entry', 'NetworkAcls', acl([entry({ RuleNumber: 32767, RuleAction: 'allow' })]), /only the default "\*" deny-all entries/],
    ['NACL rule number used twice in one direction', 'NetworkAcls', acl([entry({}), entry({ CidrBlock: '10.0.0.0/8' })]), /Entries\[1\]\.RuleNumber: Duplicate value: "100 \(also Entries\[0\]/],
    ['unknown rule action', 'NetworkAcls', acl([entry({ RuleAction: 'permit' })]), /RuleAction: Unsupported value: "permit": supported values: "allow", "deny"/],
    ['unknown protocol', 'NetworkAcls', acl([entry({ Protocol: 'tcpx' })]), /Protocol: Unsupported value: "tcpx"/],
    ['TCP without a port range', 'NetworkAcls', acl([entry({ Protocol: '6' })]), /PortRange: Required value/],
    ['port range From > To', 'NetworkAcls', acl([entry({ Protocol: '6', PortRange: { From: 443, To: 80 } })]), /PortRange\.To: Invalid value: 80: must be greater than or equal to PortRange\.From \(443\)/],
    ['IPv6 in CidrBlock', 'NetworkAcls', acl([entry({ CidrBlock: '::/0' })]), /CidrBlock: Invalid value: "::\/0": must be an IPv4 CIDR block, not IPv6/],
    ['CIDR /33', 'NetworkAcls', acl([entry({ CidrBlock: '10.0.0.0/33' })]), /CidrBlock: Invalid value: "10.0.0.0\/33"/],
    // IpPermission: FromPort..ToPort, CidrIp IPv4 only
    ['FromPort > ToPort', 'SecurityGroups', sgWith({ FromPort: 443, ToPort: 80 }), /SecurityGroups\[0\] \(sg-1\): IpPermissions\[0\]\.ToPort: Invalid value: 80: must be greater than or equal to FromPort \(443\)/],
    ['port 70000', 'SecurityGroups', sgWith({ ToPort: 70000 }), /ToPort: Invalid value: 70000: must be between 0 and 65535/],
    ['IPv6 in CidrIp', 'SecurityGroups', sgWith({ IpRanges: [{ CidrIp: '2001:db8::/32' }] }), /IpRanges\[0\]\.CidrIp: Invalid value: "2001:db8::\/32": must be an IPv4 CIDR block, not IPv6/],
    ['IPv4 in CidrIpv6', 'SecurityGroups', sgWith({ IpRanges: [], Ipv6Ranges: [{ CidrIpv6: '10.0.0.0/8' }] }), /CidrIpv6: .*must be an IPv6 CIDR block, not IPv4/],
    ['CidrIp /33', 'SecurityGroups', sgWith({ IpRanges: [{ CidrIp: '10.0.0.0/33' }] }), /CidrIp: Invalid value: "10.0.0.0\/33"/],
    ['unknown protocol', 'SecurityGroups', sgWith({ IpProtocol: 'tcpp' }), /IpProtocol: Unsupported value: "tcpp"/],
    ['ICMP type 300', 'SecurityGroups', sgWith({ IpProtocol: 'icmp', FromPort: 300, ToPort: -1 }), /an ICMP type must be between -1 and 255/],
    ['IpRanges not a list', 'SecurityGroups', sgWith({ IpRanges: { CidrIp: '10.0.0.0/8' } }), /IpRanges: Invalid value: .*must be a list/],
    ['subnet CIDR in the wrong family', 'Subnets', [{ SubnetId: 'subnet-1', CidrBlock: '2001:db8::/64' }], /Subnets\[0\] \(subnet-1\): CidrBlock: .*must be an IPv4 CIDR block/],
    ['route to a /33', 'RouteTables', [{ RouteTableId: 'rtb-1', Routes: [{ DestinationCidrBlock: '0.0.0.0/33' }] }], /Routes\[0\]\.DestinationCidrBlock/],
    // Data types of the EC2 API reference (API_Route: GatewayId is a String; API_NetworkAclEntry: Egress a Boolean).
    ['a route target that is not a string', 'RouteTables', [{ RouteTableId: 'rtb-1', Routes: [{ DestinationCidrBlock: '0.0.0.0/0', GatewayId: 42 }] }], /Routes\[0\]\.GatewayId: Invalid value: 42: must be a string/],
    ['Egress that is not a boolean', 'NetworkAcls', acl([entry({ Egress: 'false' })]), /Entries\[0\]\.Egress: Invalid value: "false": must be true or false/],
    ['Groups that is not a list', 'NetworkInterfaces', [{ NetworkInterfaceId: 'eni-1', Groups: 'sg-1' }], /NetworkInterfaces\[0\] \(eni-1\): Groups: Invalid value: "sg-1": must be a list/],
    ['an item that is not an object', 'SecurityGroups', ['sg-1'], /SecurityGroups\[0\]: Invalid value: "sg-1": must be an object/],
    ['a list that is not a list', 'SecurityGroups', { GroupId: 'sg-1' }, /SecurityGroups: Invalid value: .*must be a list/],
  ])('%s is refused', (_name, key, items, message) => {
    const problem = validateEc2List(key, items);
    expect(problem).toMatch(message);
    expect(problem).toMatch(/\(EC2 API limits\)$/);
  });

  it('accepts the default "*" entries as describe-network-acls prints them', () => {
    expect(
      validateEc2List('NetworkAcls', acl([entry({}), entry({ RuleNumber: 32767, RuleAction: 'deny' }), entry({ Egress: true, RuleNumber: 100 }), entry({ RuleNumber: 32768, RuleAction: 'deny', CidrBlock: undefined, Ipv6CidrBlock: '::/0' })])),
    ).toBeUndefined();
  });
});

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'eksnet-validate-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

describe('the loader refuses invalid objects, naming file, object and rule', () => {
  it('a NetworkPolicy the API server would refuse', async () => {
    const root = dir({ 'np.yaml': 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: allow-web, namespace: shop}\nspec:\n  podSelector: {}\n  ingress:\n  - ports: [{port: 70000}]\n' });
    await expect(loadSnapshot(root)).rejects.toThrow(/np\.yaml: NetworkPolicy shop\/allow-web: spec\.ingress\[0\]\.ports\[0\]\.port: Invalid value: 70000/);
  });

  it('a List whose items is not a list', async () => {
    await expect(loadSnapshot(dir({ 'l.yaml': 'apiVersion: v1\nkind: PodList\nitems: {a: 1}\n' }))).rejects.toThrow(/l\.yaml: PodList: items: .*must be a list/);
  });

  it('an AWS key whose value is not a list', async () => {
    await expect(loadSnapshot(dir({ 'sg.json': '{"SecurityGroups": {"GroupId": "sg-1"}}' }))).rejects.toThrow(/sg\.json: SecurityGroups: Invalid value/);
  });

  it('the CLI exits 2 with one line, escaping control characters in the echoed name', async () => {
    const root = dir({ 'np.json': JSON.stringify({ apiVersion: 'networking.k8s.io/v1', kind: 'NetworkPolicy', metadata: { name: 'x\u001b[2Jy', namespace: 'shop' }, spec: { podSelector: {} } }) });
    const run = await runCli(['posture', '--snapshot', root]);
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
    expect(run.stderr).toContain('NetworkPolicy shop/x\\u001b[2Jy: metadata.name');
    expect(run.stderr).not.toContain('\u001b');
  });
});
