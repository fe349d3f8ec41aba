import { naclRuleNumber } from '../../../src/engine/aws/fixes';
import { DEMO, runCli } from '../../cli/run-cli';
import { entry } from './world';

// NACL rules are evaluated "starting with the lowest numbered rule" and the first match wins; a user can number
// rules 1-32766 (https://docs.aws.amazon.com/vpc/latest/userguide/nacl-rules.html). A new allow must come before the
// rule that denies.
describe('naclRuleNumber: one choice of rule number for every command', () => {
  it.each<[string, number[], number | undefined, number[], number | undefined]>([
    ['next multiple of 10 after the last rule before the * rule', [100, 110, 120, 130, 140], undefined, [], 150],
    ['below a numbered deny, after the rules before it', [100, 105, 200], 105, [], 104],
    ['a deny at the top: the first round number', [90, 100], 90, [], 10],
    ['a number planned for another entry is not reused', [100], undefined, [110], 120],
    ['never above 32766', [32760, 32766], undefined, [], 32765],
    ['nothing free below the deny', [1, 2], 3, [], undefined],
  ])('%s', (_name, used, below, reserved, expected) => {
    const acl = { Entries: used.map((n) => entry(n, true, 'allow', '10.0.0.0/16')) };
    expect(naclRuleNumber(acl, true, below, reserved)).toBe(expected);
    // Entries of the other direction never block a number.
    expect(naclRuleNumber({ Entries: acl.Entries.map((e) => ({ ...e, Egress: false })) }, true, below, reserved)).toBe(naclRuleNumber({ Entries: [] }, true, below, reserved));
  });

  it('whoami-reach and posture suggest the same entry for the demo NACL return-path gap', async () => {
    const reach = await runCli(['whoami-reach', 'shop/checkout', 'data/postgres', '5432', '--snapshot', DEMO, '-v']);
    const posture = await runCli(['posture', '--json', '--snapshot', DEMO]);
    const command = /aws ec2 create-network-acl-entry --network-acl-id acl-0c0570000000000c2 --egress --rule-number (\d+)/;
    const fromReach = reach.stdout.match(command)?.[1];
    const finding = posture.json().findings.find((f: { id: string; object: string }) => f.id === 'nacl-blocks-ephemeral-return' && f.object === 'acl-0c0570000000000c2');
    const fromPosture = finding.fix.match(command)?.[1];
    // Outbound rules 100-140 allow, the * rule denies 32768-49151: 150 is the next free round number.
    expect(fromReach).toBe('150');
    expect(fromPosture).toBe('150');
  });
});
