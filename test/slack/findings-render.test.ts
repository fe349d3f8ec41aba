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

// Issue 5: "in Slack the top findings with the count of the rest"; issue 12: repeated findings grouped.
describe('posture in Slack', () => {
  it('shows the headline counts, groups repeated findings worst first, naming the objects with a count of the rest', () => {
    const msg = renderSlack(postureResult(200), { cliCommand: 'eksnet posture --cluster prod' });
    expect(limitViolations(msg)).toEqual([]);
    const text = allText(msg);
    expect(text).toContain('*Traffic-control posture*: 200 findings (40 critical, 40 high, 40 medium, 40 low, 40 info)');
    // 200 findings of 2 checks × 5 severities: 10 groups, each one line naming objects.
    expect(text).toMatch(/:red_circle: \*20 namespaces without default deny: sg-0000, sg-0010, sg-0020, [^*]*sg-0190\*/);
    expect(text).toMatch(/:red_circle: \*20 security groups open to the world: sg-0005, sg-0015, /);
    expect(msg.blocks![2]!.type).toBe('section');
    expect(JSON.stringify(msg.blocks![2])).toContain(':red_circle:');
  });

  it('a single finding keeps its summary and the fix as code', () => {
    const msg = renderSlack(postureResult(1), { cliCommand: 'eksnet posture' });
    expect(allText(msg)).toContain(':red_circle: *namespace-without-default-deny* on `sg-0000` — Finding number 0');
    expect(allText(msg)).toContain('_Fix:_\n```\naws ec2 revoke-security-group-ingress --group-id sg-0');
  });

  it('says so when there are no findings', () => {
    const msg = renderSlack(postureResult(0), { cliCommand: 'eksnet posture' });
    expect(allText(msg)).toContain('no findings');
  });
});
