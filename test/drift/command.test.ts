import { mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../src/cli';
import { diff } from '../../src/drift';
import { loadSnapshot } from '../../src/snapshot/load';

function capture(): CliIo & { out: string; err: string } {
  const io = {
    out: '',
    err: '',
    stdout: (t: string) => void (io.out += t),
    stderr: (t: string) => void (io.err += t),
    readStdin: async () => '',
    env: {} as NodeJS.ProcessEnv,
  };
  return io;
}

let root: string;
let baselineDir: string;
let currentDir: string;

const sgDoc = (ingress: unknown[]) => ({
  SecurityGroups: [
    { GroupId: 'sg-0abc', GroupName: 'nodes', VpcId: 'vpc-1', IpPermissions: ingress, IpPermissionsEgress: [{ IpProtocol: '-1', IpRanges: [{ CidrIp: '0.0.0.0/0' }] }] },
  ],
});
const https = { IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '10.0.0.0/16' }] };
const ssh = { IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] };

const policies = (withDeny: boolean) => `apiVersion: v1
kind: List
items:
- apiVersion: v1
  kind: Namespace
  metadata: {name: shop, resourceVersion: "${withDeny ? 1 : 2}", labels: {team: shop}}
${withDeny ? `- apiVersion: networking.k8s.io/v1
  kind: NetworkPolicy
  metadata: {name: default-deny, namespace: shop, uid: abc}
  spec: {podSelector: {}, policyTypes: [Ingress]}
` : ''}- apiVersion: v1
  kind: Pod
  metadata: {name: web-${withDeny ? 'aaaaa' : 'bbbbb'}, namespace: shop}
  spec: {containers: [{name: web}]}
  status: {phase: Running, podIP: 10.0.1.${withDeny ? 5 : 6}}
`;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'eksnet-drift-'));
  baselineDir = path.join(root, 'baseline');
  currentDir = path.join(root, 'current');
  for (const [dir, ingress, deny] of [[baselineDir, [https], true], [currentDir, [ssh, https], false]] as const) {
    mkdirSync(path.join(dir, 'aws'), { recursive: true });
    mkdirSync(path.join(dir, 'k8s'), { recursive: true });
    writeFileSync(path.join(dir, 'aws', 'sg.json'), JSON.stringify(sgDoc([...ingress])));
    writeFileSync(path.join(dir, 'k8s', 'objects.yaml'), policies(deny));
  }
});

afterAll(() => rmSync(root, { recursive: true, force: true }));

describe('eksnet drift (CONTRACT §2)', () => {
  it('--json prints exactly {"changes": [...]} and exits 0', async () => {
    const io = capture();
    const code = await main(['drift', '--baseline', baselineDir, '--snapshot', currentDir, '--json'], io);
    expect(code).toBe(0);
    const doc = JSON.parse(io.out);
    expect(Object.keys(doc)).toEqual(['changes']);
    expect(doc.changes).toEqual([
      { kind: 'NetworkPolicy', id: 'shop/default-deny', change: 'removed', severity: 'critical', summary: expect.stringContaining('namespace shop no longer has a default deny for ingress') },
      { kind: 'SecurityGroupRule', id: 'sg-0abc/ingress/tcp/22/0.0.0.0/0', change: 'added', severity: 'critical', summary: expect.stringContaining('sg-0abc now admits 0.0.0.0/0 on TCP 22 (SSH)') },
    ]);
    for (const c of doc.changes) expect(Object.keys(c)).toEqual(['kind', 'id', 'change', 'severity', 'summary']);
  });

  it('the same input gives byte-identical output', async () => {
    const a = capture();
    const b = capture();
    await main(['drift', '--baseline', baselineDir, '--snapshot', currentDir, '--json'], a);
    await main(['drift', '--json', '--snapshot', currentDir, '--baseline', baselineDir], b);
    expect(b.out).toBe(a.out);
  });

  it('text output groups by severity with counts', async () => {
    const io = capture();
    expect(await main(['drift', '--baseline', baselineDir, '--snapshot', currentDir], io)).toBe(0);
    expect(io.out).toMatch(/^2 changes against baseline .*: 2 critical/);
    expect(io.out).toContain('CRITICAL (2)');
  });

  it('a snapshot against itself is "no drift"', async () => {
    const io = capture();
    expect(await main(['drift', '--baseline', baselineDir, '--snapshot', baselineDir], io)).toBe(0);
    expect(io.out).toMatch(/^No drift/);
    const json = capture();
    await main(['drift', '--baseline', baselineDir, '--snapshot', baselineDir, '--json'], json);
    expect(JSON.parse(json.out)).toEqual({ changes: [] });
  });

  it('EKSNET_SNAPSHOT is the current state when --snapshot is absent', async () => {
    const io = capture();
    io.env = { EKSNET_SNAPSHOT: currentDir };
    expect(await main(['drift', '--baseline', baselineDir, '--json'], io)).toBe(0);
    expect(JSON.parse(io.out).changes).toHaveLength(2);
  });

  it('without --baseline and with no stored baseline: exit 1 saying how to save one (CONTRACT §2)', async () => {
    const io = capture();
    io.env = { EKSNET_STATE_DIR: path.join(root, 'empty-state') };
    expect(await main(['drift', '--snapshot', currentDir, '--cluster', 'prod'], io)).toBe(1);
    expect(io.err).toMatch(/no baseline is saved for cluster .*: save one with `eksnet baseline save --cluster /);
    expect(io.err.trim().split('\n')).toHaveLength(1);
    expect(io.out).toBe('');
  });

  it('a baseline path that does not exist: exit 2 naming it', async () => {
    const io = capture();
    const missing = path.join(root, 'nope');
    expect(await main(['drift', '--baseline', missing, '--snapshot', currentDir, '--json'], io)).toBe(2);
    expect(io.err).toContain(missing);
    expect(io.out).toBe('');
  });

  it('diff of the loaded snapshots is deterministic and sorted by kind, id, change', async () => {
    const b = await loadSnapshot(baselineDir);
    const c = await loadSnapshot(currentDir);
    const first = diff(b, c);
    expect(diff(b, c)).toEqual(first);
    const keys = first.map((x) => `${x.kind}\u0000${x.id}\u0000${x.change}`);
    expect(keys).toEqual([...keys].sort());
  });
});
