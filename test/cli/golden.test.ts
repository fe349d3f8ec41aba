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
