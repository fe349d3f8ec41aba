import { mkdtempSync, mkdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { loadSnapshot } from '../../src/snapshot/load';
import { BadInputError } from '../../src/util/errors';

function dir(files: Record<string, string>): string {
  const root = mkdtempSync(path.join(tmpdir(), 'eksnet-load-'));
  for (const [name, text] of Object.entries(files)) {
    mkdirSync(path.dirname(path.join(root, name)), { recursive: true });
    writeFileSync(path.join(root, name), text);
  }
  return root;
}

// CONTRACT §1: documents are recognised by shape; YAML files may hold several documents.
describe('loadSnapshot', () => {
  it('reads kubectl YAML with several documents, List kinds and kind-less items', async () => {
    const root = dir({
      'k8s/a.yaml': [
        'apiVersion: v1\nkind: Namespace\nmetadata:\n  name: shop\n  labels: {team: web}',
        'apiVersion: v1\nkind: PodList\nitems:\n- metadata: {name: p1, namespace: shop}\n  spec: {containers: []}\n  status: {podIP: 10.0.1.5}',
        'apiVersion: v1\nkind: List\nitems:\n- apiVersion: v1\n  kind: Service\n  metadata: {name: s1, namespace: shop}\n  spec: {selector: {app: a}}',
      ].join('\n---\n'),
    });
    const snap = await loadSnapshot(root);
    expect(snap.k8s.namespaces.map((n) => n.metadata.name)).toEqual(['shop']);
    expect(snap.k8s.pods.map((p) => p.kind + '/' + p.metadata.name)).toEqual(['Pod/p1']);
    expect(snap.k8s.services.map((s) => s.metadata.name)).toEqual(['s1']);
    expect(snap.warnings).toEqual([]);
  });

  it('reads aws CLI JSON by its top-level keys, several per document', async () => {
    const root = dir({
      'aws/ec2.json': JSON.stringify({ SecurityGroups: [{ GroupId: 'sg-1' }], Subnets: [{ SubnetId: 'subnet-1' }] }),
      'aws/pl.json': JSON.stringify({ PrefixListId: 'pl-1', Entries: [{ Cidr: '192.0.2.0/24' }] }),
      'aws/res.json': JSON.stringify({ Reservations: [{ Instances: [{ InstanceId: 'i-1' }] }] }),
      'eks/cluster.json': JSON.stringify({ cluster: { name: 'c1', version: '1.31' } }),
      'eks/versions.json': JSON.stringify({ addons: [{ addonName: 'vpc-cni', addonVersions: [] }] }),
      'eks/list.json': JSON.stringify({ addons: ['vpc-cni', 'coredns'] }),
      'aws/rules.json': JSON.stringify({ SecurityGroupRules: [{ GroupId: 'sg-1' }] }),
    });
    const snap = await loadSnapshot(root);
    expect(snap.aws.securityGroups).toHaveLength(1);
    expect(snap.aws.subnets).toHaveLength(1);
    expect(snap.aws.prefixListEntries).toEqual({ 'pl-1': ['192.0.2.0/24'] });
    expect(snap.aws.instances[0]?.InstanceId).toBe('i-1');
    expect(snap.aws.cluster?.name).toBe('c1');
    expect(snap.aws.addonVersions[0]?.addonName).toBe('vpc-cni');
    expect(snap.aws.addonNames).toEqual(['vpc-cni', 'coredns']);
    expect(snap.warnings).toEqual([]); // SecurityGroupRules are ignored silently
  });

  it('reads the EksnetCollection document', async () => {
    const root = dir({
      'eksnet.json': JSON.stringify({
        EksnetCollection: { cluster: 'c1', region: 'eu-west-1', collectedAt: '2026-11-27T10:00:00Z', missing: [{ resource: 'NetworkAcls', reason: 'UnauthorizedOperation: denied' }] },
      }),
    });
    const snap = await loadSnapshot(root);
    expect(snap.collection).toEqual({
      cluster: 'c1',
      region: 'eu-west-1',
      collectedAt: '2026-11-27T10:00:00Z',
      missing: [{ resource: 'NetworkAcls', reason: 'UnauthorizedOperation: denied' }],
    });
  });

  it('warns about an unrecognised document, naming the file, and ignores unknown kinds', async () => {
    const root = dir({ 'x.json': '{"hello": 1}', 'crd.yaml': 'apiVersion: x/v1\nkind: Widget\nmetadata: {name: w}' });
    const snap = await loadSnapshot(root);
    expect(snap.warnings).toHaveLength(1);
    expect(snap.warnings[0]).toContain('x.json');
  });

  it.each([
    ['bad.json', '{\n  "SecurityGroups": [\n    {"GroupId": "sg-1",}\n  ]\n}', /bad\.json:3: invalid JSON/],
    ['bad.yaml', 'apiVersion: v1\nkind: Pod\nmetadata:\n  name: x\n labels: {a: b}\n', /bad\.yaml:5: invalid YAML/],
    ['second-doc.yaml', 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n---\nkind: Pod\nmetadata:\n  name: "unclosed\n', /second-doc\.yaml:7: invalid YAML/],
    ['token.json', '{\n  "a": 1,\n  "b": [}\n}', /token\.json:3: invalid JSON/],
    ['trailing-comma.json', '{\n  "SecurityGroups": [\n    {"GroupId": "sg-1"},\n  ]\n}\n', /trailing-comma\.json:4: invalid JSON: Unexpected token '\]'$/],
    ['bad-literal.json', '{\n "SecurityGroups": [\n {"GroupId": "sg-1",\n "x": tru\n }\n ]\n}\n', /bad-literal\.json:[45]: invalid JSON/],
  ])('a file that does not parse is bad input naming the file and line (%s)', async (name, text, re) => {
    const root = dir({ [name]: text });
    await expect(loadSnapshot(root)).rejects.toThrow(BadInputError);
    await expect(loadSnapshot(root)).rejects.toThrow(re);
  });

  it('a UTF-8 byte-order mark is not an error', async () => {
    const snap = await loadSnapshot(dir({ 'bom.json': '\ufeff{"Vpcs": [{"VpcId": "vpc-1"}]}', 'bom.yaml': '\ufeffapiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' }));
    expect(snap.aws.vpcs).toHaveLength(1);
    expect(snap.k8s.namespaces).toHaveLength(1);
  });

  it('an empty file holds no documents', async () => {
    const snap = await loadSnapshot(dir({ 'empty.json': '', 'empty.yaml': '\n', 'ns.yaml': 'apiVersion: v1\nkind: Namespace\nmetadata: {name: a}\n' }));
    expect(snap.warnings).toEqual([]);
    expect(snap.k8s.namespaces).toHaveLength(1);
  });

  // Issue 10: a snapshot with nothing in it would read as a cluster with no controls at all.
  it('a snapshot without any document is bad input', async () => {
    await expect(loadSnapshot(dir({ 'empty.json': '', 'empty.yaml': '\n', 'README.md': '# notes' }))).rejects.toThrow(/holds no documents/);
  });

  it('a missing path is bad input', async () => {
    await expect(loadSnapshot('/nonexistent/eksnet-snapshot')).rejects.toThrow(/no such file/);
  });
});
