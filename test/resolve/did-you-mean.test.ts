import { editDistance } from '../../src/resolve/reference';
import { DEMO, runCli } from '../cli/run-cli';

// A reference that does not resolve is bad input (CONTRACT §2, exit 2, one line); the line suggests the nearest
// names in the snapshot, written as the user wrote the reference.
describe('did you mean', () => {
  it.each([
    ['shop/paymnets', 'did you mean shop/payments?'],
    ['shp/frontend', 'did you mean shop/frontend?'],
    ['svc/paymets', 'did you mean svc/payments?'],
    ['shop/svc/chekout', 'did you mean shop/svc/checkout?'],
    ['postgress', 'did you mean postgres?'],
  ])('%s → %s', async (ref, hint) => {
    const r = await runCli(['whoami-reach', 'shop/frontend', ref, '--snapshot', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain(`unknown endpoint ${ref}`);
    expect(r.stderr.trim().endsWith(hint)).toBe(true);
  });

  it('suggests nothing when no name is close', async () => {
    const r = await runCli(['whoami-reach', 'shop/frontend', 'zzzzzzzz', '--snapshot', DEMO]);
    expect(r.code).toBe(2);
    expect(r.stderr).not.toContain('did you mean');
  });

  it('edit distance counts inserts, deletes and substitutions', () => {
    expect(editDistance('payments', 'paymnets')).toBe(2);
    expect(editDistance('kitten', 'sitting')).toBe(3);
    expect(editDistance('a', 'abcdef', 2)).toBe(3);
  });
});
