import { existsSync, mkdtempSync, mkdirSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../src/cli';
import { snapshotDocuments } from '../../src/baseline/documents';
import { saveBaseline } from '../../src/baseline/store';
import { diff } from '../../src/drift';
import { findCommand } from '../../commands/index';
import { loadSnapshot } from '../../src/snapshot/load';
import { BadInputError } from '../../src/util/errors';

const demoDir = path.join(__dirname, '..', '..', 'demo', 'snapshot');
let root: string;

beforeAll(() => {
  root = mkdtempSync(path.join(tmpdir(), 'eksnet-baseline-'));
});
afterAll(() => rmSync(root, { recursive: true, force: true }));

function capture(): CliIo & { out: string; err: string } {
  const io = { out: '', err: '', stdout: (t: string) => void (io.out += t), stderr: (t: string) => void (io.err += t), readStdin: async () => '', env: {} as NodeJS.ProcessEnv };
  return io;
}

describe('saveBaseline', () => {
  it('writes a snapshot directory that loads back to the same state (no drift)', async () => {
    const demo = await loadSnapshot(demoDir);
    const dir = path.join(root, 'roundtrip');
    await saveBaseline(dir, snapshotDocuments(demo, '2026-11-27T10:00:00Z'));
    const loaded = await loadSnapshot(dir);
    expect(loaded.warnings).toEqual([]);
    expect(diff(demo, loaded)).toEqual([]);
    expect(loaded.k8s.pods.length).toBe(demo.k8s.pods.length);
    expect(loaded.aws.networkInterfaces.length).toBe(demo.aws.networkInterfaces.length);
    expect(loaded.aws.prefixListEntries).toEqual(demo.aws.prefixListEntries);
    expect([...loaded.present].sort()).toEqual([...demo.present].sort());
    expect(loaded.collection.collectedAt).toBe(demo.collection.collectedAt ?? '2026-11-27T10:00:00Z');
  });

  it('replaces the files it wrote before, and only those', async () => {
    const dir = path.join(root, 'replace');
    await saveBaseline(dir, [{ file: 'aws/a.json', doc: { SecurityGroups: [] } }, { file: 'aws/b.json', doc: { Subnets: [] } }]);
    await saveBaseline(dir, [{ file: 'aws/a.json', doc: { SecurityGroups: [] } }]);
    expect(existsSync(path.join(dir, 'aws', 'b.json'))).toBe(false);
    expect(readdirSync(path.join(dir, 'aws'))).toEqual(['a.json']);
  });

  it('refuses a non-empty directory it did not write', async () => {
    const dir = path.join(root, 'foreign');
    mkdirSync(dir);
    writeFileSync(path.join(dir, 'notes.txt'), 'mine');
    await expect(saveBaseline(dir, [{ file: 'x.json', doc: {} }])).rejects.toBeInstanceOf(BadInputError);
  });

  it('refuses document names outside the directory', async () => {
    await expect(saveBaseline(path.join(root, 'escape'), [{ file: '../evil.json', doc: {} }])).rejects.toThrow(/relative/);
  });
});

describe('eksnet baseline save', () => {
  it('changes state, so it is not read-only (CONTRACT §4)', () => {
    expect(findCommand('baseline')?.readOnly).toBe(false);
    expect(findCommand('drift')?.readOnly).toBe(true);
  });

  it('saves a baseline that drift accepts, with no drift against the same state', async () => {
    const dir = path.join(root, 'cli');
    const save = capture();
    expect(await main(['baseline', 'save', '--out', dir, '--snapshot', demoDir], save)).toBe(0);
    expect(save.out).toContain(`eksnet drift --baseline ${dir}`);
    const drift = capture();
    expect(await main(['drift', '--baseline', dir, '--snapshot', demoDir, '--json'], drift)).toBe(0);
    expect(JSON.parse(drift.out)).toEqual({ changes: [] });
  });

  it('--out without a directory: exit 2', async () => {
    const io = capture();
    expect(await main(['baseline', 'save', '--snapshot', demoDir, '--out'], io)).toBe(2);
    expect(io.err).toMatch(/--out/);
  });
});
