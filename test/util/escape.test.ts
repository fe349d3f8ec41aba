import { escapeControl } from '../../src/util/escape';
import { DEMO, runCli } from '../cli/run-cli';

// Issue 10: echoed input never carries control characters to a terminal, log or Slack message.
describe('escapeControl', () => {
  it.each([
    ['ANSI escape', 'a\u001b[2Jb', 'a\\u001b[2Jb'],
    ['carriage return and newline', 'a\rb\nc', 'a\\u000db\\u000ac'],
    ['DEL and a C1 control (CSI)', 'a\u007fb\u009bc', 'a\\u007fb\\u009bc'],
    ['a right-to-left override', 'ab\u202ec', 'ab\\u202ec'],
    ['ordinary text and unicode are unchanged', 'shop/svc/frontend ✓ ü', 'shop/svc/frontend ✓ ü'],
  ])('%s', (_name, input, expected) => {
    expect(escapeControl(input)).toBe(expected);
  });
});

describe('the CLI echoes references escaped, on one line', () => {
  it.each([
    ['an ANSI escape in an unknown reference', ['whoami-reach', 'shop/x\u001b[31mred', 'shop/payments'], 'shop/x\\u001b[31mred'],
    ['a newline in a bad reference', ['whoami-reach', 'a/b/c/d\nforged line', 'shop/payments'], 'a/b/c/d\\u000aforged line'],
    ['a carriage return in a port', ['whoami-reach', 'shop/frontend', 'shop/payments', '80\rX'], '80\\u000dX'],
    ['an escape in an unknown command', ['\u001b]0;title\u0007'], '\\u001b]0;title\\u0007'],
  ])('%s', async (_name, argv, shown) => {
    const run = await runCli([...argv, '--snapshot', DEMO]);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain(shown);
    expect(run.stderr).not.toMatch(/[\u0000-\u0009\u000b-\u001f\u007f]/);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });
});
