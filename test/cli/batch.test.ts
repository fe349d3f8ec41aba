import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO, runCli } from './run-cli';

// CONTRACT §2 "Batch": one query per line, expectations, JSON Lines in input order.
const QUERIES = [
  '# connectivity the shop team relies on',
  '',
  'shop/frontend shop/checkout 8080 expect allowed',
  'shop/frontend shop/payments expect denied',
  'shop/checkout data/postgres 5432',
].join('\n');

describe('whoami-reach --batch', () => {
  it('answers every query in input order as JSON lines, exit 0 when expectations hold', async () => {
    const r = await runCli(['whoami-reach', '--batch', '-', '--snapshot', DEMO, '--json'], { stdin: QUERIES });
    expect(r.code).toBe(0);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines.map((l) => l.verdict)).toEqual(['allowed', 'denied', 'denied']);
    expect(lines[2].flows.length).toBeGreaterThan(0);
  });

  it('each JSON line is exactly what the single query prints; a failed expectation is named on stderr', async () => {
    const r = await runCli(['whoami-reach', '--batch', '-', '--snapshot', DEMO, '--json'], { stdin: 'shop/frontend shop/payments expect allowed\n' });
    expect(r.code).toBe(1);
    const single = await runCli(['whoami-reach', 'shop/frontend', 'shop/payments', '--snapshot', DEMO, '--json']);
    expect(JSON.parse(r.stdout.trim())).toEqual(single.json());
    expect(r.stderr).toMatch(/line 1: expected allowed, got denied/);
  });

  it('exit 1 when an expectation fails, and the text table marks it', async () => {
    const file = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-batch-')), 'q.txt');
    writeFileSync(file, 'shop/frontend shop/payments expect allowed\nshop/frontend shop/checkout 8080 expect allowed\n');
    const r = await runCli(['whoami-reach', '--batch', file, '--snapshot', DEMO]);
    expect(r.code).toBe(1);
    const rows = r.stdout.split('\n');
    expect(rows.find((l) => l.includes('shop/payments'))).toMatch(/FAILED/);
    expect(rows.find((l) => l.includes('shop/checkout 8080'))).toMatch(/ok$/);
  });

  it('a bad line is answered with {"error"} in place and exit 2; the other lines still run', async () => {
    const r = await runCli(['whoami-reach', '--batch', '-', '--snapshot', DEMO, '--json'], {
      stdin: 'shop/frontend shop/checkout 8080\nshop/nosuch shop/checkout\nshop/frontend shop/checkout 99999\nshop/frontend shop/payments',
    });
    expect(r.code).toBe(2);
    const lines = r.stdout.trim().split('\n').map((l) => JSON.parse(l));
    expect(lines).toHaveLength(4);
    expect(lines[0].verdict).toBe('allowed');
    expect(lines[1].error).toMatch(/unknown endpoint shop\/nosuch/);
    expect(lines[2].error).toMatch(/bad port/);
    expect(lines[3].verdict).toBe('denied');
  });

  it('a missing batch file is bad input', async () => {
    const r = await runCli(['whoami-reach', '--batch', '/nonexistent/q.txt', '--snapshot', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/cannot read \/nonexistent\/q.txt/);
  });
});

describe('snapshot --out with a snapshot source', () => {
  it('re-writes EKSNET_SNAPSHOT (CONTRACT §3) as a snapshot directory that answers the same', async () => {
    const out = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-snapout-')), 'copy');
    const w = await runCli(['snapshot', '--out', out, '--json'], { env: { EKSNET_SNAPSHOT: DEMO } });
    expect(w.code).toBe(0);
    expect(w.json().files.length).toBeGreaterThan(5);
    const a = await runCli(['whoami-reach', 'shop/checkout', 'data/postgres', '5432', '--json', '--snapshot', DEMO]);
    const b = await runCli(['whoami-reach', 'shop/checkout', 'data/postgres', '5432', '--json', '--snapshot', out]);
    expect(b.json()).toEqual(a.json());
  });
});

describe('drift against a partial baseline', () => {
  it('a one-file baseline compares only what it holds (CONTRACT §2: any snapshot path is a baseline)', async () => {
    const r = await runCli(['drift', '--baseline', path.join(DEMO, 'aws', 'security-groups.json'), '--snapshot', DEMO, '--json']);
    expect(r.code).toBe(0);
    expect(r.json()).toEqual({ changes: [] });
    expect(r.stderr).toMatch(/NetworkPolicy not compared: only the current state holds/);
  });
});

describe('missing Kubernetes data is not the user\'s mistake', () => {
  it('an unknown reference when Pods were not collected is exit 1, naming what was not read', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-nopods-'));
    writeFileSync(
      path.join(dir, 'eksnet-collection.json'),
      JSON.stringify({ EksnetCollection: { cluster: 'c1', region: 'us-east-1', collectedAt: '2026-11-27T10:00:00Z', missing: [{ resource: 'Pod', reason: 'Forbidden: pods is forbidden (needs RBAC list pods)' }] } }),
    );
    writeFileSync(path.join(dir, 'ns.yaml'), 'apiVersion: v1\nkind: Namespace\nmetadata: {name: shop}\n');
    const r = await runCli(['whoami-reach', 'shop/frontend', 'shop/checkout', '--snapshot', dir]);
    expect(r.code).toBe(1);
    expect(r.stderr).toMatch(/Pod was not collected \(Forbidden/);
    expect(r.stderr).toMatch(/could not read Pod \(Forbidden.*\), so this may be missing data/);
  });
});
