import { cpSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { DEMO, runCli } from '../cli/run-cli';

// `eksnet impact --before PATH --after PATH` (CONTRACT §2) and `eksnet drift` text, run in-process.
// Golden files: accept a deliberate wording change with EKSNET_UPDATE_GOLDEN=1 and review the diff.
const FIXTURES = path.join(__dirname, '..', 'fixtures', 'impact');
const GOLDEN = path.join(__dirname, 'golden');
const NACL = path.join(FIXTURES, 'nacl-ephemeral');

function golden(name: string, actual: string): void {
  const file = path.join(GOLDEN, name);
  if (process.env.EKSNET_UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

/** A whole snapshot: the demo with the proposal's NACL in place of the old one (the full describe-network-acls output). */
function demoWithProposedNacl(): string {
  const current = mkdtempSync(path.join(tmpdir(), 'eksnet-current-'));
  cpSync(DEMO, current, { recursive: true });
  const acls = JSON.parse(readFileSync(path.join(DEMO, 'aws', 'network-acls.json'), 'utf8'));
  const proposed = JSON.parse(readFileSync(path.join(NACL, 'network-acls.json'), 'utf8')).NetworkAcls[0];
  acls.NetworkAcls = acls.NetworkAcls.map((a: { NetworkAclId: string }) => (a.NetworkAclId === proposed.NetworkAclId ? proposed : a));
  writeFileSync(path.join(current, 'aws', 'network-acls.json'), JSON.stringify(acls));
  return current;
}

function normalise(text: string): string {
  return text.replaceAll(DEMO, '<demo>').replaceAll(FIXTURES, '<fixtures>').replace(/collected \d+ (s|min|h|days) ago/g, 'collected <age>');
}

describe('eksnet impact', () => {
  it('--json prints exactly {opened, closed, changes} with the contract FLOW fields', async () => {
    const r = await runCli(['impact', '--before', DEMO, '--after', NACL, '--json']);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(Object.keys(out)).toEqual(['opened', 'closed', 'changes']);
    expect(out.closed).toEqual([]);
    expect(out.opened).toContainEqual({ from: 'shop/svc/checkout', to: 'data/svc/postgres', port: 5432, protocol: 'TCP', before: 'denied', after: 'allowed' });
    for (const f of out.opened) expect(Object.keys(f)).toEqual(['from', 'to', 'port', 'protocol', 'before', 'after']);
    expect(out.changes).toHaveLength(1);
    expect(out.changes[0]).toMatchObject({ kind: 'NetworkAclEntry', id: 'acl-0c0570000000000c2/egress/110', change: 'modified', severity: 'high' });
    expect(out.changes[0].impact).toEqual(out.opened);
  });

  it('--format markdown: the pull-request summary (golden)', async () => {
    const r = await runCli(['impact', '--before', DEMO, '--after', NACL, '--format', 'markdown']);
    expect(r.code).toBe(0);
    golden('impact-nacl.md', normalise(r.stdout));
  });

  it('text names each flow with the change responsible (golden)', async () => {
    const r = await runCli(['impact', '--before', DEMO, '--after', NACL]);
    expect(r.code).toBe(0);
    golden('impact-nacl.txt', normalise(r.stdout));
  });

  it('--expect: batch expectations checked on the after-state; one failing is exit 1 (golden Markdown)', async () => {
    const r = await runCli(['impact', '--before', DEMO, '--after', NACL, '--expect', path.join(FIXTURES, 'expect.txt'), '--format', 'markdown']);
    // checkout → postgres now allowed, frontend → payments still denied, prometheus → postgres still denied by NetworkPolicy.
    expect(r.code).toBe(1);
    expect(r.stdout).toContain('❌ 1 of 3 failed on the after-state:');
    expect(r.stdout).toContain('line 4: expected allowed, got denied: monitoring/prometheus data/postgres 5432 expect allowed');
    golden('impact-expect.md', normalise(r.stdout));
  });

  it('--expect with every expectation holding is exit 0; a bad line is exit 2', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-expect-'));
    writeFileSync(path.join(dir, 'ok.txt'), 'shop/checkout data/postgres 5432 expect allowed\n');
    writeFileSync(path.join(dir, 'bad.txt'), 'shop/checkout nowhere/nothing 5432 expect allowed\n');
    expect((await runCli(['impact', '--before', DEMO, '--after', NACL, '--expect', path.join(dir, 'ok.txt')])).code).toBe(0);
    const bad = await runCli(['impact', '--before', DEMO, '--after', NACL, '--expect', path.join(dir, 'bad.txt'), '--json']);
    expect(bad.code).toBe(2);
  });

  it('a proposal deletes an object with the eksnet.io/delete annotation', async () => {
    const r = await runCli(['impact', '--before', DEMO, '--after', path.join(FIXTURES, 'delete-policy'), '--json']);
    expect(r.code).toBe(0);
    const out = r.json();
    expect(out.changes).toEqual([expect.objectContaining({ kind: 'NetworkPolicy', id: 'shop/checkout-ingress', change: 'removed' })]);
  });

  it.each([
    ['no --after', ['impact', '--before', DEMO], /needs --before PATH and --after PATH/],
    ['an --after that does not exist', ['impact', '--before', DEMO, '--after', '/nonexistent/proposal'], /no such file or directory/],
    ['--json with --format markdown', ['impact', '--before', DEMO, '--after', NACL, '--json', '--format', 'markdown'], /give one/],
    ['an unknown --format', ['impact', '--before', DEMO, '--after', NACL, '--format', 'html'], /bad --format "html"/],
  ])('bad input is exit 2 with one line: %s', async (_name, argv, message) => {
    const r = await runCli(argv);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(message);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('bad input in a proposal: unparseable file, or deleting what --before does not hold', async () => {
    const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-proposal-'));
    writeFileSync(path.join(dir, 'broken.yaml'), 'kind: NetworkPolicy\nmetadata: {name: x\n');
    const broken = await runCli(['impact', '--before', DEMO, '--after', dir]);
    expect(broken.code).toBe(2);
    expect(broken.stderr).toContain(path.join(dir, 'broken.yaml'));

    const gone = mkdtempSync(path.join(tmpdir(), 'eksnet-proposal-'));
    writeFileSync(path.join(gone, 'delete.yaml'), 'apiVersion: networking.k8s.io/v1\nkind: NetworkPolicy\nmetadata: {name: nothing, namespace: shop, annotations: {eksnet.io/delete: "true"}}\nspec: {podSelector: {}}\n');
    const r = await runCli(['impact', '--before', DEMO, '--after', gone]);
    expect(r.code).toBe(2);
    expect(r.stderr).toMatch(/proposed deletion of NetworkPolicy shop\/nothing: --before holds no such object/);
  });

  it('two whole snapshots are compared as they are (removals included)', async () => {
    const after = demoWithProposedNacl();
    const r = await runCli(['impact', '--before', DEMO, '--after', after, '--json']);
    expect(r.code).toBe(0);
    expect(r.json().changes.map((c: { id: string }) => c.id)).toEqual(['acl-0c0570000000000c2/egress/110']);
  });
});

describe('eksnet drift leads with impact', () => {
  it('text: the headline flow, each change with the flows it moved (golden)', async () => {
    const current = demoWithProposedNacl();
    const r = await runCli(['drift', '--baseline', DEMO, '--snapshot', current]);
    expect(r.code).toBe(0);
    expect(r.stdout.split('\n')[1]).toBe('now open: kube-system/svc/kube-dns → monitoring/svc/prometheus 9090 via acl-0c0570000000000c2; 2 more flows opened');
    golden('drift-nacl.txt', normalise(r.stdout).replaceAll(current, '<current>'));
    const json = (await runCli(['drift', '--baseline', DEMO, '--snapshot', current, '--json'])).json();
    expect(json.changes[0].impact).toHaveLength(3);
  });
});
