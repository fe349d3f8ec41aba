import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { main, type CliIo } from '../../src/cli';
import { handler } from '../../src/slack/lambda';
import { listAudit } from '../../src/state/audit';
import { openStateStore } from '../../src/state/index';
import { setLogSink } from '../../src/util/log';
import { captureLogs, httpApiEvent, slashBody, useSignedSlack } from '../slack/helpers';

// A mute list as Prowler's (https://docs.prowler.com/user-guide/cli/tutorials/mutelist): accepted findings are kept in
// the state store (CONTRACT §5) with who/why/until, shown as muted, and changed only by approvers from Slack (§4).
const DEMO = path.join(__dirname, '..', '..', 'demo', 'snapshot');
const SSH_GROUP = 'sg-0e3071e5550000003';
const inAMonth = () => new Date(Date.now() + 30 * 86400_000).toISOString().slice(0, 10);

function freshState() {
  return { EKSNET_STATE_DIR: mkdtempSync(path.join(tmpdir(), 'eksnet-mute-')), USER: 'alice' };
}

async function cli(argv: string[], env: Record<string, string>) {
  let stdout = '';
  let stderr = '';
  const io: CliIo = { stdout: (t) => (stdout += t), stderr: (t) => (stderr += t), readStdin: async () => '', env };
  const code = await main([...argv, '--snapshot', DEMO], io);
  return { code, stdout, stderr };
}

describe('eksnet posture mute (CLI, local state store)', () => {
  it('a muted finding leaves --json, is shown as muted in text with who/why/until, and is audited; unmute brings it back', async () => {
    const env = freshState();
    const before = JSON.parse((await cli(['posture', '--json'], env)).stdout).findings;
    expect(before.map((f: any) => `${f.id} ${f.object}`)).toContain(`sg-open-to-world ${SSH_GROUP}`);

    const until = inAMonth();
    const muted = await cli(['posture', 'mute', 'sg-open-to-world', SSH_GROUP, '--reason', 'bastion, reviewed by secops', '--until', until], env);
    expect(muted.code).toBe(0);
    expect(muted.stdout).toContain(`Muted sg-open-to-world on ${SSH_GROUP} until ${until}T23:59:59.000Z`);

    const json = await cli(['posture', '--json'], env);
    const after = JSON.parse(json.stdout);
    expect(Object.keys(after)).toEqual(['findings']);
    expect(after.findings).toEqual(before.filter((f: any) => !(f.id === 'sg-open-to-world' && f.object === SSH_GROUP)));
    expect(json.stderr).toContain('1 finding(s) muted');

    const text = (await cli(['posture'], env)).stdout;
    expect(text).toContain('MUTED (1)');
    expect(text).toMatch(new RegExp(`sg-open-to-world  ${SSH_GROUP}  \\(critical\\)\\n    muted by local:\\S+ until ${until}: bastion, reviewed by secops`));
    expect(text).not.toMatch(/^CRITICAL/m);

    const audit = await listAudit(openStateStore(env), { cluster: 'demo-eks' });
    expect(audit[0]).toMatchObject({ action: 'posture-mute', cluster: 'demo-eks', subject: `sg-open-to-world ${SSH_GROUP}`, outcome: 'ok' });
    expect(audit[0]!.detail).toContain('bastion, reviewed by secops');

    expect((await cli(['posture', 'unmute', 'sg-open-to-world', SSH_GROUP], env)).code).toBe(0);
    expect(JSON.parse((await cli(['posture', '--json'], env)).stdout).findings).toEqual(before);
    expect((await listAudit(openStateStore(env), { cluster: 'demo-eks' }))[0]!.action).toBe('posture-unmute');
  });

  it('a mute for another object, or another check on the same object, mutes nothing (negative control)', async () => {
    const env = freshState();
    const before = JSON.parse((await cli(['posture', '--json'], env)).stdout).findings;
    await cli(['posture', 'mute', 'sg-open-to-world', 'sg-0000000000000000', '--reason', 'r', '--until', inAMonth()], env);
    await cli(['posture', 'mute', 'sg-rule-stale-reference', SSH_GROUP, '--reason', 'r', '--until', inAMonth()], env);
    expect(JSON.parse((await cli(['posture', '--json'], env)).stdout).findings).toEqual(before);
  });

  it('an expired mute no longer applies', async () => {
    const env = freshState();
    const store = openStateStore(env);
    const { addMute } = await import('../../src/posture/mutes');
    const past = new Date(Date.now() - 86400_000);
    await addMute(store, 'demo-eks', { id: 'sg-open-to-world', object: SSH_GROUP, by: 'U0ALICE', reason: 'r', until: new Date(Date.now() + 2000).toISOString(), at: past.toISOString() });
    expect((await cli(['posture', '--json'], env)).stderr).toContain('1 finding(s) muted');
    await addMute(store, 'demo-eks', { id: 'sg-open-to-world', object: SSH_GROUP, by: 'U0ALICE', reason: 'r', until: new Date(Date.now() - 1000).toISOString(), at: past.toISOString() }, past);
    const json = await cli(['posture', '--json'], env);
    expect(json.stderr).not.toContain('muted');
    expect(JSON.parse(json.stdout).findings.map((f: any) => f.object)).toContain(SSH_GROUP);
  });

  it.each([
    [['posture', 'mute', 'no-such-check', 'x', '--reason', 'r', '--until', '2099-01-01'], 'unknown posture check "no-such-check"'],
    [['posture', 'mute', 'check-not-evaluated', 'demo-eks', '--reason', 'r', '--until', inAMonth()], 'check-not-evaluated cannot be muted'],
    [['posture', 'mute', 'sg-open-to-world', SSH_GROUP, '--until', inAMonth()], 'posture mute needs --reason'],
    [['posture', 'mute', 'sg-open-to-world', SSH_GROUP, '--reason', 'r'], 'posture mute needs --until'],
    [['posture', 'mute', 'sg-open-to-world', SSH_GROUP, '--reason', 'r', '--until', '2001-01-01'], 'is not in the future'],
    [['posture', 'mute', 'sg-open-to-world', SSH_GROUP, '--reason', 'r', '--until', 'soon'], 'bad --until "soon"'],
    [['posture', 'mute', 'sg-open-to-world', SSH_GROUP, '--reason', 'r', '--until', '2099-01-01'], 'a mute lasts at most a year'],
    [['posture', 'mute', 'sg-open-to-world'], 'usage: eksnet posture'],
    [['posture', 'unmute', 'sg-open-to-world', SSH_GROUP], `no mute for sg-open-to-world on ${SSH_GROUP}`],
    [['posture', '--reason', 'r'], '--reason and --until go with posture mute'],
  ])('bad input %j: exit 2, one line, nothing written', async (argv, message) => {
    const env = freshState();
    const { code, stderr } = await cli(argv as string[], env);
    expect(code).toBe(2);
    expect(stderr).toContain(message);
    expect(stderr.trim().split('\n')).toHaveLength(1);
    expect(await listAudit(openStateStore(env))).toEqual([]);
  });
});

describe('/eksnet posture mute from Slack: approvers only', () => {
  let logs: ReturnType<typeof captureLogs>;
  const cwd = process.cwd();
  useSignedSlack(() => ({ EKSNET_SNAPSHOT: 'demo/snapshot', EKSNET_CONFIG_JSON: JSON.stringify({ authorization: { approvers: ['U0ALICE'] } }) }));
  beforeAll(() => {
    process.chdir(path.join(__dirname, '..', '..'));
    logs = captureLogs(setLogSink);
  });
  afterAll(() => {
    logs.restore();
    process.chdir(cwd);
  });
  const slash = async (text: string, user: string) => JSON.parse((await handler(httpApiEvent(slashBody(text, { user })), {})).body);

  it('a non-approver is refused (nothing written); anyone may list; the approver mutes, audited as their Slack id', async () => {
    const text = `posture mute sg-open-to-world ${SSH_GROUP} --reason "bastion host" --until ${inAMonth()}`;
    const refused = await slash(text, 'U0BOB');
    expect(refused.text).toContain('You may not run `/eksnet posture`');
    expect(refused.text).toContain('authorization.approvers');
    expect(await listAudit(openStateStore(process.env), { cluster: 'demo-eks' })).toEqual([]);

    const listed = await slash('posture', 'U0BOB');
    expect(JSON.stringify(listed)).toContain(SSH_GROUP);

    const ok = await slash(text, 'U0ALICE');
    expect(ok.text).toContain(`Muted sg-open-to-world on ${SSH_GROUP}`);
    const audit = await listAudit(openStateStore(process.env), { cluster: 'demo-eks' });
    expect(audit[0]).toMatchObject({ actor: 'U0ALICE', action: 'posture-mute', subject: `sg-open-to-world ${SSH_GROUP}` });

    const after = JSON.stringify(await slash('posture', 'U0BOB'));
    expect(after).toContain(':mute: 1 muted');
    expect(after).toContain('by U0ALICE');
  });
});
