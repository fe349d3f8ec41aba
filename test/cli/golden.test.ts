import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO, runCli } from './run-cli';

// Golden output of the CLI on the demo snapshot, text and JSON. A deliberate change in wording is
// accepted by running the tests once with EKSNET_UPDATE_GOLDEN=1 and reviewing the diff.
const GOLDEN = path.join(__dirname, 'golden');

/** The data's age depends on today's date; everything else must match to the byte. */
function normalise(text: string): string {
  return text.replace(/collected \d+ (s|min|h|days) ago/g, 'collected <age>').replaceAll(DEMO, '<demo>');
}

describe.each([
  ['nacl-return-gap', ['whoami-reach', 'shop/checkout', 'data/postgres', '5432']],
  ['netpol-denied', ['whoami-reach', 'shop/frontend', 'shop/payments']],
  ['pod-sg-denied', ['whoami-reach', 'shop/checkout', 'pci/card-vault', '8443']],
  ['internet-via-nat', ['whoami-reach', 'shop/checkout', 'internet', '443']],
  ['reach-map', ['whoami-reach', 'shop/checkout']],
  ['partial-dns', ['whoami-reach', 'shop/checkout', 'kube-system/kube-dns']],
  ['allowed-frontend-checkout', ['whoami-reach', 'shop/frontend', 'shop/checkout', '8080']],
])('golden %s', (name, argv) => {
  it.each([
    ['txt', [] as string[]],
    ['json', ['--json']],
  ])('%s', async (ext, extra) => {
    const r = await runCli([...argv, ...extra, '--snapshot', DEMO]);
    expect(r.code).toBe(0);
    const file = path.join(GOLDEN, `${name}.${ext}`);
    const actual = normalise(r.stdout);
    if (process.env.EKSNET_UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});

// CLI summaries fit a screen: every demo question of demo/snapshot/README.md in at most 25 lines.
it.each([
  'shop/frontend shop/checkout 8080',
  'shop/frontend shop/payments',
  'shop/checkout shop/payments',
  'shop/checkout pci/card-vault 8443',
  'shop/payments pci/card-vault 8443',
  'shop/checkout data/postgres 5432',
  'shop/checkout internet 443',
  'monitoring/blackbox-exporter internet 443',
  'monitoring/prometheus shop/checkout 8080',
  'data/postgres kube-system/kube-dns 53/udp',
  'shop/payments kube-system/kube-dns 53/udp',
  'shop/checkout kube-system/kube-dns',
  'shop/checkout',
])('the summary of %s fits in 25 lines of 100 columns (prose)', async (q) => {
  const r = await runCli(['whoami-reach', ...q.split(' '), '--snapshot', DEMO]);
  expect(r.code).toBe(0);
  const lines = r.stdout.trimEnd().split('\n');
  expect(lines.length).toBeLessThanOrEqual(25);
  // Only commands (aws …) may pass the width: they must paste as one line.
  for (const l of lines) if (!l.startsWith('aws ')) expect([...l].length).toBeLessThanOrEqual(100);
});

it('-v prints every flow and layer; the summary does not', async () => {
  const summary = await runCli(['whoami-reach', 'shop/checkout', 'data/postgres', '5432', '--snapshot', DEMO]);
  const verbose = await runCli(['whoami-reach', 'shop/checkout', 'data/postgres', '5432', '--snapshot', DEMO, '-v']);
  expect(summary.stdout).not.toContain('✔ security-group-ingress');
  expect((verbose.stdout.match(/✔ security-group-ingress/g) ?? []).length).toBe(2);
  expect(verbose.stdout).toContain('shop/checkout-5f7b9c8d4-kp6mr → data/postgres-0  TCP/5432  denied');
});

it('wraps to the terminal width and colours only a TTY without NO_COLOR', async () => {
  const { main } = await import('../../src/cli');
  const run = async (terminal: { isTTY?: boolean; columns?: number }, env: NodeJS.ProcessEnv = {}) => {
    let out = '';
    await main(['whoami-reach', 'shop/frontend', 'shop/payments', '--snapshot', DEMO], { stdout: (t) => void (out += t), stderr: () => undefined, readStdin: async () => '', env, terminal });
    return out;
  };
  const narrow = await run({ isTTY: true, columns: 60 });
  expect(narrow).toContain('\x1b[31m');
  for (const l of narrow.replace(/\x1b\[[0-9;]*m/g, '').split('\n')) if (!/^(aws |spec:|metadata:|    )/.test(l)) expect([...l].length).toBeLessThanOrEqual(60);
  expect(await run({ isTTY: true, columns: 60 }, { NO_COLOR: '1' })).not.toContain('\x1b[');
  expect(await run({ isTTY: false, columns: 60 })).not.toContain('\x1b[');
});
