import { renderSlack } from '../../src/render/slack/index';
import { limitViolations } from '../../src/render/slack/limits';
import type { Finding, Severity } from '../../src/model/result';
import { allText } from './helpers';

const SEVERITIES: Severity[] = ['critical', 'high', 'medium', 'low', 'info'];

function postureResult(n: number) {
  const findings: Finding[] = Array.from({ length: n }, (_, i) => ({
    id: i % 2 ? 'sg-open-to-world' : 'namespace-without-default-deny',
    severity: SEVERITIES[i % 5]!,
    object: `sg-${String(i).padStart(4, '0')}`,
    summary: `Finding number ${i} explains why it matters in one sentence citing the AWS documentation.`,
    fix: `aws ec2 revoke-security-group-ingress --group-id sg-${i} --protocol tcp --port 22 --cidr 0.0.0.0/0`,
  }));
  return { command: 'posture', data: { findings }, exitCode: 0 as const, notices: [] };
}

// Issue 5: "in Slack the top findings with the count of the rest".
describe('posture in Slack', () => {
  it('shows the headline counts, the worst findings first, and how many more with the CLI command', () => {
    const msg = renderSlack(postureResult(200), { cliCommand: 'eksnet posture --cluster prod' });
    expect(limitViolations(msg)).toEqual([]);
    const text = allText(msg);
    expect(text).toContain('Traffic-control posture*: 200 (40 critical, 40 high, 40 medium, 40 low, 40 info)');
    const shown = (text.match(/Finding number/g) ?? []).length;
    expect(shown).toBeGreaterThan(5);
    expect(shown).toBeLessThan(200);
    expect(text).toContain(`…and ${200 - shown} more. Run \`eksnet posture --cluster prod\``);
    // Worst first: the first finding shown is critical.
    expect(msg.blocks![2]!.type).toBe('section');
    expect(JSON.stringify(msg.blocks![2])).toContain(':rotating_light:');
  });

  it('says so when there are no findings', () => {
    const msg = renderSlack(postureResult(0), { cliCommand: 'eksnet posture' });
    expect(allText(msg)).toContain('no findings');
  });
});
