// The drift life cycle end to end (issue 8 "Done when"): the BUNDLED Lambda handlers (esbuild, with the
// plugins serverless.yml uses), each invocation in a FRESH Node process, against local S3 and DynamoDB
// (s3rver, dynalite) and a Slack stand-in (a real HTTP server on 127.0.0.1 as SLACK_API_URL and response_url):
// baseline saved from Slack → drift → alert and digest with buttons → accept by an approver (a non-approver
// refused) → the next day's digest reports nothing new → redelivered events post nothing. Button clicks are acked
// by the `slack` bundle and decided by the `worker` bundle (its event recorded by a Lambda Invoke stand-in).
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import nock from 'nock';
import { listAudit } from '../../src/state/audit';
import { baselineHistory } from '../../src/state/baselines';
import { openStateStore } from '../../src/state';
import type { StateStore } from '../../src/state/types';
import { allText, clickEvent as signedClick, httpApiEvent, SIGNING_SECRET, slashBody } from '../slack/helpers';
import { LambdaStandIn } from '../slack/lambda-standin';
import { applyEnv, startLocalAws, type LocalAws } from '../state/local-servers';
import { DEMO_SNAPSHOT, demoCopy, manyInternalRules, NODE_SG, openSshToWorld } from './helpers';
import { SlackStandIn } from './slack-standin';

const run = promisify(execFile);
const ROOT = path.join(__dirname, '..', '..');
const BOT_TOKEN = 'xoxb-lifecycle-0000';
const SSH = `${NODE_SG}/ingress/tcp/22/0.0.0.0/0`;
const DIGEST_TS = '1700000000.000002';

// Runs in the fresh process: require the bundle, call its handler with the event, print the result.
const DRIVER = `
const fs = require('node:fs');
const [bundle, eventFile] = process.argv.slice(2);
const { handler } = require(bundle);
Promise.resolve(handler(JSON.parse(fs.readFileSync(eventFile, 'utf8')), {}))
  .then((r) => process.stdout.write(JSON.stringify(r === undefined ? null : r) + '\\n'))
  .catch((e) => { console.error(e); process.exit(1); });
`;

let dir: string;
let aws: LocalAws;
let slack: SlackStandIn;
let lambda: LambdaStandIn;
let store: StateStore;
let restoreEnv: () => void;
let snapshot = DEMO_SNAPSHOT;
let seq = 0;

/** One invocation of a bundled handler in a new Node process. */
async function invoke(fn: 'slack' | 'jobs' | 'worker', event: unknown): Promise<any> {
  const eventFile = path.join(dir, `event-${++seq}.json`);
  writeFileSync(eventFile, JSON.stringify(event));
  const env = {
    PATH: process.env.PATH,
    ...aws.env,
    SLACK_SIGNING_SECRET: SIGNING_SECRET,
    SLACK_BOT_TOKEN: BOT_TOKEN,
    SLACK_API_URL: slack.apiUrl,
    // Clicks are handed to the worker function (Lambda Invoke, recorded by the stand-in); the test runs the worker.
    EKSNET_WORKER_FUNCTION: 'eksnet-lifecycle-worker',
    AWS_ENDPOINT_URL_LAMBDA: lambda.url,
    EKSNET_SNAPSHOT: snapshot,
    EKSNET_CONFIG_JSON: JSON.stringify({ clusters: [{ name: 'demo-eks', channel: 'C0PROD' }], authorization: { approvers: ['U0ALICE'] } }),
    EKSNET_LOG_LEVEL: 'warn',
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true',
  };
  const { stdout } = await run(process.execPath, [path.join(dir, 'driver.js'), path.join(dir, `${fn}.js`), eventFile], { env, cwd: ROOT, maxBuffer: 64 * 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

const job = (name: string, scheduledTime: string, executionId = 'e1') => invoke('jobs', { job: name, scheduledTime, executionId });

/** A block_actions click on a message the bot posted in the channel (Slack sends the message along). */
function clickEvent(message: { text: string; blocks: any[] }, blockId: string, actionId: string, user: string, responseId: string) {
  const block = message.blocks.find((b) => b.block_id === blockId);
  const button = block.elements.find((e: any) => e.action_id === actionId);
  return signedClick({ actionId, value: button.value, user, channel: 'C0PROD', blockId, buttonText: button.text.text, message, messageTs: DIGEST_TS, responseUrl: slack.responseUrl(responseId) });
}

/** A click into the bundled `slack` handler: its answer, and the one event it handed to the worker. */
async function clickToWorker(event: unknown): Promise<{ ack: any; work: any }> {
  const before = lambda.invoked.length;
  const ack = await invoke('slack', event);
  const handed = lambda.events(before);
  expect(handed).toHaveLength(1);
  return { ack, work: handed[0] };
}

const ephemeralsTo = (user: string) => slack.posts('chat.postEphemeral').filter((r) => r.body.user === user).map((r) => r.body.text as string);

const responses = (id: string) => slack.received.filter((r) => r.method === 'response' && r.body.__path === id);

beforeAll(async () => {
  nock.enableNetConnect('127.0.0.1');
  dir = mkdtempSync(path.join(tmpdir(), 'eksnet-lifecycle-'));
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugins = require(path.join(ROOT, 'src/slack/esbuild-plugins.js'));
  const common = { bundle: true, platform: 'node' as const, target: 'node20', format: 'cjs' as const, logLevel: 'warning' as const, plugins };
  await Promise.all([
    build({ ...common, entryPoints: [path.join(ROOT, 'src/slack/lambda.ts')], outfile: path.join(dir, 'slack.js') }),
    build({ ...common, entryPoints: [path.join(ROOT, 'jobs/handler.ts')], outfile: path.join(dir, 'jobs.js') }),
    build({ ...common, entryPoints: [path.join(ROOT, 'src/slack/worker.ts')], outfile: path.join(dir, 'worker.js') }),
  ]);
  writeFileSync(path.join(dir, 'driver.js'), DRIVER);
  aws = await startLocalAws({ bucket: 'eksnet-lifecycle', table: 'eksnet-lifecycle' });
  restoreEnv = applyEnv(aws.env);
  store = openStateStore(aws.env);
  await store.init(); // what `eksnet state init` does
  slack = await new SlackStandIn().start();
  lambda = await new LambdaStandIn().start();
}, 600_000);

afterAll(async () => {
  nock.enableNetConnect(); // every host again: nock stays active for later test files in this worker
  restoreEnv?.();
  await slack?.stop();
  await lambda?.stop();
  await aws?.stop();
  rmSync(dir, { recursive: true, force: true });
});

it('baseline from Slack → drift → alert and digest with buttons → accept (non-approver refused) → next day nothing new → redeliveries post nothing', async () => {
  // 1. An approver saves the baseline from Slack.
  snapshot = DEMO_SNAPSHOT;
  const saved = await invoke('slack', httpApiEvent(slashBody('baseline save', { user: 'U0ALICE', channel: 'C0PROD' })));
  expect(saved.statusCode).toBe(200);
  expect((await baselineHistory(store, 'demo-eks')).map((b) => [b.version, b.savedBy])).toEqual([[1, 'U0ALICE']]);

  // 2. Drift: SSH opened to the internet, and one internal rule. The 06:15 check alerts at once.
  snapshot = demoCopy((g) => {
    openSshToWorld(g);
    manyInternalRules(1)(g);
  });
  expect((await job('drift-check', '2026-11-27T06:15:00Z')).clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 1 }]);
  const [alert] = slack.posts();
  expect(alert!.body.channel).toBe('C0PROD');
  expect(alert!.body.text).toContain('Critical drift on demo-eks');

  // 3. The 07:00 digest: both changes new, the alerted one not repeated; buttons on each.
  expect((await job('drift-digest', '2026-11-27T07:00:00Z')).clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 1 }]);
  const digestPost = slack.posts()[1]!;
  const digest = { text: digestPost.body.text as string, blocks: digestPost.body.blocks as any[] };
  expect(digest.text).toBe('Drift digest for demo-eks: 2 new, 0 still open, 0 resolved');
  expect(allText(digest)).toContain(`\`${SSH}\` added — alerted at 06:15 UTC`);
  const sshBlock = digest.blocks.find((b) => b.type === 'actions' && b.elements[0].value.startsWith('change:') && digest.blocks[digest.blocks.indexOf(b) - 1].text.text.includes(SSH));
  expect(sshBlock).toBeDefined();

  // 4. A non-approver's click: acked at once and handed to the worker, which refuses it, to them only; nothing changes.
  const refused = await clickToWorker(clickEvent(digest, sshBlock.block_id, 'eksnet_drift_accept', 'U0MALLORY', 'r1'));
  expect(refused.ack.statusCode).toBe(200);
  expect(refused.work.eksnetDrift).toMatchObject({ kind: 'drift-click', userId: 'U0MALLORY', channelId: 'C0PROD' });
  await invoke('worker', refused.work);
  expect(ephemeralsTo('U0MALLORY')).toEqual([expect.stringContaining('did not accept this')]);
  expect(await baselineHistory(store, 'demo-eks')).toHaveLength(1);

  // 5. The approver accepts the SSH rule. The slack function acks before the accept: the baseline is still v1.
  const accept = await clickToWorker(clickEvent(digest, sshBlock.block_id, 'eksnet_drift_accept', 'U0ALICE', 'r2'));
  expect(accept.ack.statusCode).toBe(200);
  expect(await baselineHistory(store, 'demo-eks')).toHaveLength(1);
  expect(slack.posts('chat.update')).toHaveLength(0);
  // The worker (a fresh process): baseline v2 gains exactly it; the digest is updated in place.
  await invoke('worker', accept.work);
  const updated = slack.posts('chat.update').map((r) => r.body);
  expect(updated).toHaveLength(1);
  expect(updated[0]).toMatchObject({ channel: 'C0PROD', ts: DIGEST_TS });
  expect(allText(updated[0])).toContain(':white_check_mark: Accepted into baseline v2 by <@U0ALICE>');
  expect(updated[0]!.blocks.filter((b: any) => b.type === 'actions' && b.block_id.startsWith('drift:'))).toHaveLength(1);
  const history = await baselineHistory(store, 'demo-eks');
  expect(history.map((b) => [b.version, b.parent, b.savedBy, b.reason])).toEqual([
    [2, 1, 'U0ALICE', `accept ${SSH}`],
    [1, undefined, 'U0ALICE', 'save'],
  ]);
  // A second click does nothing twice; the accept's worker event delivered again does nothing at all.
  const again = await clickToWorker(clickEvent(digest, sshBlock.block_id, 'eksnet_drift_accept', 'U0ALICE', 'r3'));
  await invoke('worker', again.work);
  expect(ephemeralsTo('U0ALICE')).toEqual([expect.stringContaining('Nothing done: already accepted into baseline v2')]);
  await invoke('worker', accept.work);
  expect(ephemeralsTo('U0ALICE')).toHaveLength(1);
  expect(slack.posts('chat.update')).toHaveLength(1);
  expect(await baselineHistory(store, 'demo-eks')).toHaveLength(2);
  // Every answer went through the Web API (chat.postEphemeral, chat.update), none to the clicks' response_url.
  expect([...responses('r1'), ...responses('r2'), ...responses('r3')]).toEqual([]);

  // 6. The next day's digest: nothing new; the internal rule still open.
  expect((await job('drift-digest', '2026-11-28T07:00:00Z')).clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 1 }]);
  expect(slack.posts()[2]!.body.text).toBe('Drift digest for demo-eks: 0 new, 1 still open, 0 resolved');

  // 7. Redelivered and retried schedule events, each in a fresh process, post nothing.
  const before = slack.posts().length;
  for (const [name, time] of [['drift-digest', '2026-11-28T07:00:00Z'], ['drift-digest', '2026-11-27T07:00:00Z'], ['drift-check', '2026-11-27T06:15:00Z']] as const) {
    const again = await job(name, time, 'redelivery');
    expect(again.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'duplicate', posted: 0 }]);
  }
  expect(slack.posts()).toHaveLength(before);

  // The audit trail: the save, the refusal, the accept.
  const audit = (await listAudit(store, { cluster: 'demo-eks' })).map((e) => [e.action, e.actor, e.outcome]).reverse();
  expect(audit).toEqual([
    ['baseline-save', 'U0ALICE', 'ok'],
    ['drift-accept', 'U0MALLORY', 'refused'],
    ['drift-accept', 'U0ALICE', 'ok'],
  ]);
}, 600_000);
