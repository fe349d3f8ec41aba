import { COMMANDS } from '../../commands/index';
import type { CommandResult } from '../../commands/types';
import type { ReachMap } from '../../src/engine/reach-map';
import { makeFix, withFix, withReturnGap, type Change, type FlowResult, type ReachResult } from '../../src/model/result';
import type { OfferRecord } from '../../src/addons/offers';
import { renderOfferMessage } from '../../src/render/slack/addon-offer';
import { renderCriticalAlert, renderDriftDigest, renderDriftFailure, renderJobFailure, renderNoBaseline, renderQuietDay, type DigestContext } from '../../src/render/slack/digest';
import { renderSlack } from '../../src/render/slack/index';
import { limitViolations } from '../../src/render/slack/limits';
import type { SlackMessage } from '../../src/render/slack/types';
import { alreadySharedMessage, badInputMessage, commandHelpMessage, failureMessage, refusalMessage, usageMessage, workingMessage } from '../../src/slack/messages';

// Slack's rule: in message text, "&, <, and > ... must be converted to HTML entities"
// (https://api.slack.com/reference/surfaces/formatting#escaping). Text a person or a cluster controls (names,
// reasons, findings, versions, the words typed) must never become a link, a mention or an @channel.
const EVIL = '<!channel> & <https://evil.example|click> > x';

/** Every mrkdwn text of a message (and the fallback text, which Slack formats too). */
function mrkdwnTexts(m: SlackMessage): string[] {
  const out = [m.text];
  const visit = (v: any): void => {
    if (Array.isArray(v)) v.forEach(visit);
    else if (v && typeof v === 'object') {
      if (v.type === 'mrkdwn' && typeof v.text === 'string') out.push(v.text);
      for (const [k, x] of Object.entries(v)) if (k !== 'text' || typeof x === 'object') visit(x);
    }
  };
  visit(m.blocks ?? []);
  return out;
}

function expectEscaped(m: SlackMessage): void {
  for (const t of mrkdwnTexts(m)) {
    // The only markup eksnet writes itself is a user mention of an id it validated.
    const rest = t.replace(/<@[UW][A-Z0-9]+>/g, '');
    expect(rest).not.toMatch(/[<>]/);
    expect(rest).not.toMatch(/&(?!amp;|lt;|gt;)/);
  }
  expect(limitViolations(m)).toEqual([]);
}

const state = { mode: 'snapshot' as const, source: `/tmp/${EVIL}`, cluster: EVIL, missing: [{ resource: 'NetworkAcls', reason: EVIL }], collectedAt: '2026-12-01T00:00:00Z' };
const opts = { cliCommand: `eksnet whoami-reach ${EVIL}`, shareValue: '{"c":"x","a":[]}' };

function flow(verdict: 'allowed' | 'denied', port: number): FlowResult {
  const deny = withFix(
    { layer: 'networkpolicy-ingress' as const, verdict: 'deny' as const, reason: `${EVIL} isolates pod ${EVIL}`, objects: [`NetworkPolicy/${EVIL}`] },
    makeFix({ kind: 'networkpolicy', description: EVIL, text: `kind: NetworkPolicy\nmetadata: {name: "${EVIL}"}\n` }),
  );
  const ret = withReturnGap(
    withFix({ layer: 'nacl-return' as const, verdict: 'deny' as const, reason: `NACLs block: ${EVIL}`, objects: [EVIL] }, makeFix({ kind: 'nacl', description: EVIL, text: `aws ec2 create-network-acl-entry --network-acl-id ${EVIL}` })),
    { range: { from: 32768, to: 60999 }, blocked: [{ from: 32768, to: 40000 }] },
  );
  return {
    from: `${EVIL}/pod-a`,
    to: `ns/${EVIL}`,
    port,
    protocol: 'TCP',
    verdict,
    layers: verdict === 'allowed' ? [{ layer: 'route', verdict: 'allow', reason: EVIL, objects: [] }] : [deny, ret, { layer: 'route', verdict: 'not-evaluated', reason: EVIL, objects: [] }],
  };
}

const reach = (data: ReachResult, detail: object): CommandResult<ReachResult> => ({ command: 'whoami-reach', data, state, exitCode: 0, notices: [EVIL], detail });
const map: ReachMap = {
  from: EVIL,
  reaches: [
    { service: `${EVIL}/a`, verdict: 'partial', ports: [{ port: 53, protocol: 'UDP', verdict: 'allowed' }, { port: 9153, protocol: 'TCP', verdict: 'denied' }] },
    { service: `${EVIL}/b`, verdict: 'denied', ports: [{ port: 80, protocol: 'TCP', verdict: 'denied' }] },
  ],
  reachedBy: [{ service: `${EVIL}/c`, verdict: 'allowed', ports: [{ port: 80, protocol: 'TCP', verdict: 'allowed' }] }],
  notices: [EVIL],
};
const change: Change = { kind: 'SecurityGroupRule', id: EVIL, change: 'added', severity: 'critical', summary: EVIL };
const digestCtx: DigestContext = { cluster: EVIL, baseline: EVIL, state, cliCommand: `eksnet drift ${EVIL}`, now: Date.parse('2026-12-02T00:00:00Z') };
const item = { change, key: 'k', recordId: 'r', firstSeen: '2026-12-01T00:00:00Z' };

function offer(state: OfferRecord['state']): OfferRecord {
  return {
    id: '0123456789abcdef.vpc-cni',
    batch: '0123456789abcdef',
    cluster: EVIL,
    channel: 'C1',
    addon: EVIL,
    managed: true,
    action: 'update-addon',
    from: EVIL,
    to: EVIL,
    evidence: { clusterVersion: EVIL, compatibilities: [EVIL] },
    notOffered: EVIL,
    createdAt: '2026-12-01T00:00:00Z',
    expiresAt: '2026-12-08T00:00:00Z',
    required: 2,
    state,
    approvals: [{ user: 'U0ALICE', at: '2026-12-01T00:10:00Z' }],
    startedAt: '2026-12-01T00:10:00Z',
    updateId: EVIL,
    status: EVIL,
    errors: [{ code: EVIL, message: EVIL }],
  } as unknown as OfferRecord;
}

const messages: [string, () => SlackMessage | undefined][] = [
  ['whoami-reach denied', () => renderSlack(reach({ verdict: 'denied', flows: [flow('denied', 80)] }, { mode: 'pair', from: EVIL, to: EVIL }), opts)],
  ['whoami-reach partial', () => renderSlack(reach({ verdict: 'partial', flows: [flow('allowed', 53), flow('denied', 9153)] }, { mode: 'pair', from: EVIL, to: EVIL, port: EVIL }), opts)],
  ['whoami-reach --json', () => renderSlack(reach({ verdict: 'denied', flows: [flow('denied', 80)] }, { mode: 'pair', from: EVIL, to: EVIL }), { ...opts, json: true })],
  ['reach map', () => renderSlack({ command: 'whoami-reach', data: map, state, exitCode: 0, notices: [], detail: { mode: 'map', from: EVIL } }, opts)],
  ['batch', () => renderSlack({ command: 'whoami-reach', data: { verdict: 'allowed', flows: [] }, exitCode: 0, notices: [], detail: { mode: 'batch', rows: [{ line: 1, text: EVIL, error: EVIL }] } }, opts)],
  ['posture', () => renderSlack({ command: 'posture', data: { findings: [1, 2, 3].map((i) => ({ id: 'namespace-without-default-deny', severity: 'medium', object: `${EVIL}${i}`, summary: EVIL, fix: EVIL })) }, state, exitCode: 0, notices: [] }, opts)],
  ['posture --json', () => renderSlack({ command: 'posture', data: { findings: [{ id: EVIL, severity: 'high', object: EVIL, summary: EVIL, fix: EVIL }] }, state, exitCode: 0, notices: [] }, { ...opts, json: true })],
  ['drift', () => renderSlack({ command: 'drift', data: { changes: [change] }, state, exitCode: 0, notices: [EVIL] }, opts)],
  ['addons', () => renderSlack({ command: 'addons', data: { addons: [{ name: EVIL, current: EVIL, latest: EVIL, upgradeAvailable: true, managed: true }] }, state, exitCode: 0, notices: [] }, opts)],
  ['digest', () => renderDriftDigest(digestCtx, { new: [item], open: [], resolved: [change], snoozed: 1, acceptAllId: 'x' }, [EVIL])],
  ['critical alert', () => renderCriticalAlert(digestCtx, [change])],
  ['quiet day', () => renderQuietDay(digestCtx, 2)],
  ['no baseline', () => renderNoBaseline(EVIL)],
  ['drift failure', () => renderDriftFailure(EVIL, EVIL, 'ref1')],
  ['job failure', () => renderJobFailure(EVIL, EVIL, 'ref1', EVIL)],
  ...(['open', 'starting', 'in-progress', 'successful', 'failed', 'stale'] as const).map((state): [string, () => SlackMessage] => [
    `add-on offer (${state})`,
    () => renderOfferMessage({ batch: '0123456789abcdef', cluster: EVIL, channel: 'C1', createdAt: '2026-12-01T00:00:00Z', notes: [EVIL] }, [offer(state)], new Date('2026-12-01T01:00:00Z')),
  ]),
  ['help', () => usageMessage('/eksnet', `Unknown subcommand "${EVIL}".`)],
  ...COMMANDS.map((c): [string, () => SlackMessage] => [`help ${c.name}`, () => commandHelpMessage('/eksnet', c)]),
  ['bad input', () => badInputMessage(`unknown endpoint ${EVIL}`, '/eksnet', 'whoami-reach')],
  ['refusal', () => refusalMessage(`\`/eksnet ${EVIL}\``, EVIL)],
  ['failure', () => failureMessage(EVIL, 'ref1', EVIL)],
  ['working', () => workingMessage(EVIL, EVIL)],
  ['already shared', () => alreadySharedMessage()],
];

describe.each(messages)('%s', (_name, render) => {
  it('escapes every user-controlled text and stays within Block Kit limits', () => {
    const m = render();
    expect(m).toBeDefined();
    expectEscaped(m!);
  });
});

it('the text it escapes still reads as the original (entities, not deletions)', () => {
  const m = renderSlack(reach({ verdict: 'denied', flows: [flow('denied', 80)] }, { mode: 'pair', from: EVIL, to: EVIL }), opts);
  expect(JSON.stringify(m)).toContain('&lt;!channel&gt; &amp; &lt;https://evil.example|click&gt; &gt; x');
});
