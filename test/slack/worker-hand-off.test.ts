// The `slack` function hands slash-command jobs and button clicks to the worker (Lambda Invoke, InvocationType
// Event) and must still ack within Slack's 3 s (https://api.slack.com/interactivity/handling#acknowledgment_response).
// A real loopback endpoint that accepts the connection and never answers: the hand-off gives up at its deadline,
// retries included (two tries of 2.5 s each had taken 5 s and more).
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';
import { HAND_OFF_DEADLINE_MS, invokeWorkerAsync } from '../../src/slack/worker-invoke';
import { fakeAwsEnv } from '../wire/env';

let server: Server;
const sockets = new Set<Socket>();
let requests = 0;
let restoreEnv: () => void;

beforeAll(async () => {
  server = createServer(() => {
    requests++; // never answer
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  restoreEnv = fakeAwsEnv();
  process.env.AWS_ENDPOINT_URL_LAMBDA = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});

afterAll(async () => {
  delete process.env.AWS_ENDPOINT_URL_LAMBDA;
  restoreEnv();
  for (const s of sockets) s.destroy();
  await new Promise<void>((r) => server.close(() => r()));
});

it('a worker endpoint that never answers fails the hand-off at its deadline, retries included', async () => {
  const started = Date.now();
  const err = await invokeWorkerAsync({ kind: 'test' }, 'eksnet-worker', {}).then(
    () => undefined,
    (e: unknown) => e as Error,
  );
  const elapsed = Date.now() - started;
  expect(err?.name).toMatch(/AbortError|TimeoutError/);
  expect(requests).toBeGreaterThanOrEqual(1);
  expect(requests).toBeLessThanOrEqual(2);
  // The deadline, with room for a loaded machine's timers, and well under the 5 s two full tries used to take.
  expect(elapsed).toBeGreaterThanOrEqual(HAND_OFF_DEADLINE_MS - 1300);
  expect(elapsed).toBeLessThan(4000);
});
