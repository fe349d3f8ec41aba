// Every registered subcommand through the real handler on the bundled demo snapshot (EKSNET_SNAPSHOT=demo/snapshot,
// as on Lambda): answers fit Slack's limits, whichever renderer (own or the generic code-block one) they use.
import * as path from 'node:path';
import { handler } from '../../src/slack/lambda';
import { setLogSink } from '../../src/util/log';
import { limitViolations } from '../../src/render/slack/limits';
import { snapshotDocuments } from '../../src/baseline/documents';
import { loadSnapshot } from '../../src/snapshot/load';
import { saveStoredBaseline } from '../../src/state/baselines';
import { openStateStore } from '../../src/state/index';
import { allText, captureLogs, httpApiEvent, slashBody, useSignedSlack } from './helpers';

let logs: ReturnType<typeof captureLogs>;
const cwd = process.cwd();

useSignedSlack(() => ({ EKSNET_SNAPSHOT: 'demo/snapshot' }));
beforeAll(() => {
  // Lambda runs in the package root; EKSNET_SNAPSHOT=demo/snapshot is relative to it.
  process.chdir(path.join(__dirname, '..', '..'));
  logs = captureLogs(setLogSink);
});
afterAll(() => {
  logs.restore();
  process.chdir(cwd);
});

// A stored baseline for the demo cluster (drift without --baseline, show, history), as `eksnet baseline save` writes it.
beforeAll(async () => {
  const demo = await loadSnapshot(path.join(__dirname, '..', '..', 'demo', 'snapshot'));
  await saveStoredBaseline(openStateStore(process.env), { cluster: 'demo-eks', documents: snapshotDocuments(demo, '2026-11-27T10:00:00Z'), savedBy: 'U0ALICE', collectedAt: '2026-11-27T10:00:00Z' });
});

async function slash(text: string) {
  const res = await handler(httpApiEvent(slashBody(text)), {});
  expect(res.statusCode).toBe(200);
  return JSON.parse(res.body);
}

it('whoami-reach on the demo cluster names demo-eks and the snapshot', async () => {
  const body = await slash('whoami-reach shop/frontend shop/checkout');
  expect(body.blocks[0].text.text).toBe(':white_check_mark: *ALLOWED* shop/svc/frontend → shop/svc/checkout 8080/TCP: 4 of 4 flows allowed');
  expect(body.blocks[1].elements[0].text).toMatch(/^cluster demo-eks \(snapshot demo\/snapshot/);
  expect(limitViolations(body)).toEqual([]);
});

it.each(['posture', 'addons', 'drift', 'drift --baseline 1', 'baseline show', 'baseline history', 'audit --since 1d', 'posture --json'])('/eksnet %s answers within the limits', async (text) => {
  const body = await slash(text);
  expect(body.response_type).toBe('ephemeral');
  expect(body.text).not.toMatch(/^eksnet: |could not finish/);
  expect(body.blocks.length).toBeGreaterThan(0);
  expect(limitViolations(body)).toEqual([]);
});

it('drift --baseline takes only a stored version from Slack, never a path on the server', async () => {
  for (const p of ['/etc', '../secrets', 'baselines/prod', 'demo/snapshot']) {
    expect((await slash(`drift --baseline ${p}`)).text).toBe(
      ':warning: --baseline takes the version of a stored baseline from Slack (see /eksnet baseline history); snapshot paths work only in the eksnet CLI; `/eksnet help drift` shows the usage.',
    );
  }
});

it('state (server infrastructure) is refused from Slack', async () => {
  expect((await slash('state init')).text).toBe(":lock: You may not run `/eksnet state`: `state` manages eksnet's own infrastructure and runs only from the eksnet CLI.");
});

it('baseline (changes state) is refused while no approvers are configured', async () => {
  const body = await slash('baseline save');
  expect(body.text).toBe(
    ':lock: You may not run `/eksnet baseline`: `baseline` changes state, and no approvers are configured (authorization.approvers), so nobody may run it yet.',
  );
});

it('help lists only what works from Slack: no subcommand or example that needs a server file', async () => {
  const text = allText(await slash('help'));
  for (const name of ['whoami-reach', 'drift', 'addons', 'posture']) expect(text).toContain(`\`/eksnet ${name}\``);
  expect(text).not.toContain('`/eksnet snapshot');
  expect(text).not.toMatch(/`\/eksnet [^`]*(--batch|--out|--snapshot)/);
  // Every example help shows is accepted by the router (nothing refused as a server path).
  const examples = [...text.matchAll(/`\/eksnet ((?:whoami-reach|posture|drift|addons)[^`]*)`/g)].map((m) => m[1]!.replace(/&lt;/g, '<').replace(/&gt;/g, '>'));
  expect(examples.length).toBeGreaterThan(3);
  for (const e of examples) expect(allText(await slash(e))).not.toMatch(/names a file on the server/);
});
