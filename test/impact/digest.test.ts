import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { assessDrift } from '../../src/impact';
import { renderCriticalAlert, renderDriftDigest, type DigestContext } from '../../src/render/slack/digest';
import { limitViolations } from '../../src/render/slack/limits';
import { edgeWorld } from './edge-world';

// The digest and the critical alert lead with what the engine found ("now open from internet: …"),
// and say nothing more than that. Golden: accept a deliberate wording change with EKSNET_UPDATE_GOLDEN=1.
const GOLDEN = path.join(__dirname, 'golden');

function golden(name: string, value: unknown): void {
  const file = path.join(GOLDEN, name);
  const actual = JSON.stringify(value, null, 2) + '\n';
  if (process.env.EKSNET_UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
  expect(actual).toBe(readFileSync(file, 'utf8'));
}

const ctx: DigestContext = {
  cluster: 'prod',
  baseline: 'baselines/prod',
  baselineCollectedAt: '2026-11-26T07:00:00Z',
  state: { mode: 'snapshot', source: 'snapshots/today', cluster: 'prod', collectedAt: '2026-11-27T06:55:00Z', missing: [] },
  cliCommand: 'eksnet drift --baseline baselines/prod --cluster prod',
  now: Date.parse('2026-11-27T07:00:00Z'),
};

describe('digest and critical alert lead with impact', () => {
  const report = assessDrift(edgeWorld(false), edgeWorld(true));

  it('the critical alert (golden)', () => {
    const alert = renderCriticalAlert(ctx, report.changes.filter((c) => c.severity === 'critical'))!;
    expect(alert.text).toBe('Critical drift on prod: now open from internet: payments/svc/api 443 via sg-edge');
    expect(limitViolations(alert)).toEqual([]);
    golden('critical-alert.json', alert);
  });

  it('the digest (golden)', () => {
    const sections = { new: report.changes.map((change, i) => ({ change, key: `${change.kind}/${change.id}`, recordId: `rec-${i}`, firstSeen: '2026-11-27T06:55:00Z' })), open: [], resolved: [], snoozed: 0 };
    const digest = renderDriftDigest(ctx, sections, report.notes);
    expect(digest.text).toBe('Drift digest for prod: now open from internet: payments/svc/api 443 via sg-edge; 1 new, 0 still open, 0 resolved');
    expect(limitViolations(digest)).toEqual([]);
    golden('digest.json', digest);
  });

  it('a change that moves no flow is not alerted, however alarming its text', () => {
    // SSH from anywhere on a group no ENI carries.
    const before = edgeWorld(false);
    const after = edgeWorld(false);
    after.aws.securityGroups.push({ GroupId: 'sg-unused', GroupName: 'unused', VpcId: 'vpc-1', IpPermissions: [{ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }], IpPermissionsEgress: [] });
    const r = assessDrift(before, after);
    expect(r.changes.find((c) => c.kind === 'SecurityGroupRule')).toMatchObject({ severity: 'low', impact: [] });
    expect(r.changes.filter((c) => c.severity === 'critical')).toEqual([]);
    expect(renderCriticalAlert(ctx, r.changes.filter((c) => c.severity === 'critical'))).toBeUndefined();
  });
});
