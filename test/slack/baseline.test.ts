// /eksnet baseline save|show|history, drift against the stored baseline and /eksnet audit, through the real
// `slack` handler with signed events, on both state stores. Saving changes state: approvers only.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';
import { handler, resetSlackHandler } from '../../src/slack/lambda';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { limitViolations } from '../../src/render/slack/limits';
import { listAudit } from '../../src/state/audit';
import { baselineHistory } from '../../src/state/baselines';
import { openStateStore } from '../../src/state/index';
import { applyEnv, startLocalAws, type LocalAws } from '../state/local-servers';
import { allText, BOT_TOKEN, captureLogs, FIXTURE_SNAPSHOT, httpApiEvent, SIGNING_SECRET, SLACK_API, slashBody, isolateEnv } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'EKSNET_WORKER_FUNCTION', 'EKSNET_STATE_DIR', 'EKSNET_STATE_BUCKET', 'EKSNET_STATE_TABLE'];
const clearEnv = isolateEnv(ENV_KEYS);
const APPROVER = 'U0APPROVER';
const OTHER = 'U0OTHER';

async function slash(text: string, user = OTHER) {
  const res = await handler(httpApiEvent(slashBody(text, { user })), {});
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body);
}

let aws: LocalAws | undefined;
const STORES: { name: string; env: () => Record<string, string>; setup?: () => Promise<void>; teardown?: () => Promise<void> }[] = [
  { name: 'local directory', env: () => ({ EKSNET_STATE_DIR: mkdtempSync(path.join(tmpdir(), 'eksnet-slack-state-')) }) },
  {
    name: 'S3 + DynamoDB (dynalite, s3rver)',
    env: () => aws!.env,
    setup: async () => {
      aws = await startLocalAws({ bucket: 'eksnet-slack-test', table: 'eksnet-slack-test' });
      const undo = applyEnv(aws.env);
      await openStateStore(aws.env).init();
      undo();
    },
    teardown: async () => aws?.stop(),
  },
];

describe.each(STORES)('/eksnet baseline on the $name store', (store) => {
  let stateEnv: Record<string, string>;
  let restore: () => void;
  let logs: ReturnType<typeof captureLogs>;
  beforeAll(async () => {
    await store.setup?.();
  });
  afterAll(async () => {
    await store.teardown?.();
  });
  beforeAll(() => {
    // The local S3 and DynamoDB servers listen on loopback; Slack and everything else stays refused.
    nock.enableNetConnect((host) => host.startsWith('127.0.0.1:'));
    clearEnv();
    stateEnv = store.env();
    restore = applyEnv({
      ...stateEnv,
      SLACK_SIGNING_SECRET: SIGNING_SECRET,
      SLACK_BOT_TOKEN: BOT_TOKEN,
      SLACK_API_URL: `${SLACK_API}/api/`,
      EKSNET_SNAPSHOT: FIXTURE_SNAPSHOT,
      EKSNET_CONFIG_JSON: JSON.stringify({ authorization: { approvers: [APPROVER] } }),
    });
    clearSecretsCache();
    resetSlackHandler();
    logs = captureLogs(setLogSink);
  });
  afterAll(() => {
    logs.restore();
    restore();
    nock.cleanAll();
  });

  it('a non-approver may not save a baseline; nothing is saved and the refusal is audited', async () => {
    const body = await slash('baseline save');
    expect(body.text).toBe(':lock: You may not run `/eksnet baseline`: `baseline` is limited to the users and groups in authorization.approvers, and you are not one of them.');
    expect(await baselineHistory(openStateStore(process.env), 'fixture-eks')).toEqual([]);
    const [refusal] = await listAudit(openStateStore(process.env));
    expect(refusal).toMatchObject({ actor: OTHER, action: 'baseline-save', outcome: 'refused' });
  });

  it('show and drift before any save: one line saying how to save one', async () => {
    expect(await slash('baseline show')).toEqual({
      response_type: 'ephemeral',
      text: ':warning: no baseline is saved for cluster fixture-eks: save one with `eksnet baseline save --cluster fixture-eks` (or /eksnet baseline save)',
    });
    expect((await slash('drift')).text).toMatch(/^:warning: no baseline is saved for cluster fixture-eks: save one with /);
  });

  it('an approver saves; the baseline names the Slack user, and anyone may show and list it', async () => {
    const saved = await slash('baseline save', APPROVER);
    expect(saved.text).toBe('Saved baseline v1 of fixture-eks');
    expect(allText(saved)).toContain(`by <@${APPROVER}>`);
    // No "Share in channel" on a save: sharing re-runs the words, which would save again.
    expect(saved.blocks.some((b: any) => b.type === 'actions')).toBe(false);

    const show = await slash('baseline show --json');
    const shown = JSON.parse(allText(show).match(/```\n([^]*)\n```/)![1]!);
    expect(shown).toMatchObject({ cluster: 'fixture-eks', version: 1, savedBy: APPROVER });
    expect(Object.keys(shown)).toEqual(['cluster', 'version', 'savedAt', 'savedBy', 'collectedAt', 'objects']);

    const blocks = await slash('baseline show');
    expect(blocks.blocks[0].text.text).toMatch(/^\*Baseline of `fixture-eks`\*\n\*v1\* saved <!date\^\d+\^\{date_short_pretty\} \{time\}\|[^>]+> by <@U0APPROVER> · data collected /);
    expect(limitViolations(blocks)).toEqual([]);

    await slash('baseline save', APPROVER);
    const history = await slash('baseline history');
    expect(history.blocks[0].text.text).toBe('*Baselines of `fixture-eks`*: 2, newest first (v2 is current)');
    expect(history.blocks.slice(1, 3).map((b: any) => b.text.text.split(' ')[0])).toEqual(['*v2*', '*v1*']);
  });

  it('drift compares against the stored baseline; --baseline takes a version, never a path', async () => {
    const drift = await slash('drift');
    expect(drift.text).toBe('Drift since the baseline: no drift, the traffic controls match');
    expect((await slash('drift --baseline 1')).text).toBe('Drift since the baseline: no drift, the traffic controls match');
    expect((await slash('drift --baseline 7')).text).toBe(':warning: cluster fixture-eks has no baseline version 7 (versions 1-2; see eksnet baseline history); `/eksnet help drift` shows the usage.');
    expect((await slash(`drift --baseline ${FIXTURE_SNAPSHOT}`)).text).toBe(
      ':warning: --baseline takes the version of a stored baseline from Slack (see /eksnet baseline history); snapshot paths work only in the eksnet CLI; `/eksnet help drift` shows the usage.',
    );
  });

  it('/eksnet audit is read-only: anyone sees the saves and the refusal, newest first, within limits', async () => {
    const body = await slash('audit --since 1h');
    expect(body.blocks[0].text.text).toBe('*Audit trail* since ' + body.blocks[0].text.text.split(' since ')[1]);
    const lines = body.blocks.slice(1).filter((b: any) => b.type === 'section').map((b: any) => b.text.text as string);
    expect(lines.map((l: string) => l.match(/\*(baseline-save)\* `([^`]+)` (baseline \d|baseline) — (\w+)/)!.slice(1))).toEqual([
      ['baseline-save', 'fixture-eks', 'baseline 2', 'ok'],
      ['baseline-save', 'fixture-eks', 'baseline 1', 'ok'],
      ['baseline-save', '-', 'baseline', 'refused'],
    ]);
    expect(lines[0]).toContain(`<@${APPROVER}>`);
    expect(limitViolations(body)).toEqual([]);
    expect((await slash('audit --since soon')).text).toBe(':warning: --since must be a duration such as 30m, 12h, 7d or 2w, not "soon"; `/eksnet help audit` shows the usage.');
  });
});
