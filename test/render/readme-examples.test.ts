import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { runCli } from '../cli/run-cli';

// The README's terminal examples are real outputs: every `$ eksnet whoami-reach …` in a ```text block is run on
// the demo snapshot and must print exactly what the README shows (only the data's age may differ).
const README = readFileSync(path.join(__dirname, '..', '..', 'README.md'), 'utf8');

function examples(): { command: string; output: string }[] {
  const out: { command: string; output: string }[] = [];
  for (const block of README.matchAll(/```text\n([^]*?)```/g)) {
    const parts = block[1]!.split(/^\$ (eksnet whoami-reach [^\n]+)\n/m);
    for (let i = 1; i + 1 < parts.length; i += 2) out.push({ command: parts[i]!, output: parts[i + 1]!.replace(/\n+$/, '\n') });
  }
  return out;
}

const age = (t: string) => t.replace(/collected \d+ (s|min|h|days) ago/g, 'collected <age>');

it('the README shows whoami-reach examples', () => {
  expect(examples().length).toBeGreaterThanOrEqual(4);
});

it.each(examples().map((e) => [e.command, e.output]))('%s', async (command, output) => {
  const r = await runCli([...command.split(' ').slice(1), '--snapshot', 'demo/snapshot']);
  expect(r.code).toBe(0);
  expect(age(r.stdout)).toBe(age(output));
});
