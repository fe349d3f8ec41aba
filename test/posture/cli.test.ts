import * as path from 'node:path';
import { main, type CliIo } from '../../src/cli';

// Both commands end to end on the demo snapshot through main() (CONTRACT §2 `eksnet addons`, `eksnet posture`).
const DEMO = path.join(__dirname, '..', '..', 'demo', 'snapshot');

async function cli(argv: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '', env: { EKSNET_STATE_DIR: process.env.EKSNET_STATE_DIR } };
  const code = await main(argv, io);
  return { code, stdout, stderr };
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'];

describe('eksnet posture on the demo snapshot', () => {
  it('--json prints exactly {findings: [{id, severity, object, summary, fix}]} sorted by severity, id, object; exit 0', async () => {
    const { code, stdout } = await cli(['posture', '--snapshot', DEMO, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(['findings']);
    expect(doc.findings.length).toBeGreaterThan(0);
    for (const f of doc.findings) {
      expect(Object.keys(f).sort()).toEqual(['fix', 'id', 'object', 'severity', 'summary']);
      expect(SEVERITIES).toContain(f.severity);
      expect(f.id).toMatch(/^[a-z0-9]+(-[a-z0-9]+)*$/);
      for (const k of ['object', 'summary', 'fix']) expect(f[k]).toEqual(expect.any(String));
    }
    const keys = doc.findings.map((f: any) => [SEVERITIES.indexOf(f.severity), f.id, f.object]);
    const sorted = [...keys].sort((a, b) => a[0] - b[0] || (a[1] < b[1] ? -1 : a[1] > b[1] ? 1 : 0) || (a[2] < b[2] ? -1 : a[2] > b[2] ? 1 : 0));
    expect(keys).toEqual(sorted);
    // Same input, same output.
    expect((await cli(['posture', '--snapshot', DEMO, '--json'])).stdout).toBe(stdout);
  });
  it('text output groups by severity', async () => {
    const { code, stdout } = await cli(['posture', '--snapshot', DEMO]);
    expect(code).toBe(0);
    const headings = stdout.split('\n').filter((l) => /^(CRITICAL|HIGH|MEDIUM|LOW|INFO) \(\d+\)$/.test(l)).map((l) => l.split(' ')[0]!.toLowerCase());
    expect(headings.length).toBeGreaterThan(0);
    expect(headings).toEqual(SEVERITIES.filter((s) => headings.includes(s)));
  });
  it('extra words are bad input (exit 2)', async () => {
    const { code, stderr } = await cli(['posture', 'extra', '--snapshot', DEMO]);
    expect(code).toBe(2);
    expect(stderr).toContain('unknown posture verb "extra"');
  });
});

describe('eksnet addons on the demo snapshot', () => {
  it('--json prints exactly {addons: [{name, current, latest, upgradeAvailable, managed}]} sorted by name; exit 0', async () => {
    const { code, stdout } = await cli(['addons', '--snapshot', DEMO, '--json']);
    expect(code).toBe(0);
    const doc = JSON.parse(stdout);
    expect(Object.keys(doc)).toEqual(['addons']);
    const names = doc.addons.map((a: any) => a.name);
    expect(names).toEqual([...names].sort());
    expect(names).toEqual(expect.arrayContaining(['coredns', 'kube-proxy', 'vpc-cni']));
    for (const a of doc.addons) {
      expect(Object.keys(a).sort()).toEqual(['current', 'latest', 'managed', 'name', 'upgradeAvailable']);
      expect(typeof a.upgradeAvailable).toBe('boolean');
      expect(typeof a.managed).toBe('boolean');
    }
  });
  it('text output is a table with a header row', async () => {
    const { code, stdout } = await cli(['addons', '--snapshot', DEMO]);
    expect(code).toBe(0);
    expect(stdout.split('\n')[0]).toMatch(/^ADD-ON\s+CURRENT\s+LATEST\s+MANAGED\s+UPGRADE$/);
    expect(stdout).toMatch(/^vpc-cni\s/m);
  });
});
