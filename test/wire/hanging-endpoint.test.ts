// Issue 10: timeouts that fire. A real loopback server that accepts the connection and never answers (nock's
// `delay` is aborted by the SDK even without throwOnRequestTimeout, so it cannot show the hang).
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { Socket } from 'node:net';
import nock from 'nock';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { clearCollectionCache, collectSnapshot } from '../../src/collect/index';
import { clearEksTokenCache } from '../../src/collect/eks-token';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { BOT_TOKEN, captureLogs, SIGNING_SECRET, SLACK_API } from '../slack/helpers';
import { slackPosts } from '../jobs/helpers';
import { fakeAwsEnv, writeKubeconfig } from './env';
import { installFakeCloud } from './fake-cloud';
import { CLUSTER, shopCloud } from './shop-cluster';

const KUBE = 'https://kube.test';

/** Holds every request open, except those `answer` takes. Records the paths it saw. */
async function stallingServer(answer?: (req: IncomingMessage, res: ServerResponse) => boolean): Promise<{ url: string; seen: string[]; close: () => Promise<void> }> {
  const seen: string[] = [];
  const sockets = new Set<Socket>();
  const server: Server = createServer((req, res) => {
    seen.push(`${req.method} ${req.url}`);
    if (answer?.(req, res)) return;
    // never answer
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    url: `http://127.0.0.1:${port}`,
    seen,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

let restoreEnv: () => void = () => undefined;
beforeEach(() => {
  nock.disableNetConnect();
  nock.enableNetConnect('127.0.0.1');
  clearCollectionCache();
  clearEksTokenCache();
});
afterEach(() => {
  nock.cleanAll();
  nock.enableNetConnect();
  restoreEnv();
});

it('collection: EC2 that never answers is missing (TimeoutError) after the timeout, and the rest is collected', async () => {
  const ec2 = await stallingServer();
  restoreEnv = fakeAwsEnv({ KUBECONFIG: writeKubeconfig(KUBE), AWS_ENDPOINT_URL_EC2: ec2.url, AWS_MAX_ATTEMPTS: '1' });
  try {
    installFakeCloud(shopCloud(), { kube: KUBE });
    const started = Date.now();
    // A timeout long enough that the (stand-in) Kubernetes calls never hit it on a loaded machine: an aborted
    // request nock answers late would crash an in-band run; only EC2, which never answers, must time out.
    const { snapshot } = await collectSnapshot({ name: CLUSTER, region: 'us-east-1' }, { fresh: true, timeoutMs: 4000, concurrency: 16 });
    expect(Date.now() - started).toBeLessThan(25_000);
    expect(ec2.seen.length).toBeGreaterThan(0);
    const byResource = Object.fromEntries(snapshot.collection.missing.map((m) => [m.resource, m.reason]));
    for (const r of ['SecurityGroups', 'NetworkAcls', 'Subnets', 'RouteTables', 'NetworkInterfaces']) {
      expect(byResource[r]).toMatch(/TimeoutError/);
      expect(snapshot.present.has(r as never)).toBe(false);
    }
    // EKS and Kubernetes answered, so the snapshot holds them.
    expect(snapshot.aws.cluster?.name).toBe(CLUSTER);
    expect(snapshot.k8s.pods.length).toBeGreaterThan(0);
  } finally {
    await ec2.close();
  }
});

describe('a scheduled job with a cluster whose EKS endpoint never answers', () => {
  beforeEach(() => {
    process.env.SLACK_SIGNING_SECRET = SIGNING_SECRET;
    process.env.SLACK_BOT_TOKEN = BOT_TOKEN;
    process.env.SLACK_API_URL = `${SLACK_API}/api/`;
    clearSecretsCache();
    resetJobsHandler();
  });
  afterEach(() => {
    for (const k of ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_CONFIG_JSON', 'EKSNET_HTTP_TIMEOUT_MS']) delete process.env[k];
  });

  it('gives up on it in time and moves on to the next cluster', async () => {
    // DescribeCluster (GET /clusters/NAME): `stuck` is held open; `next` gets EKS's ResourceNotFoundException.
    const eks = await stallingServer((req, res) => {
      if (!req.url?.startsWith('/clusters/next')) return false;
      res.writeHead(404, { 'content-type': 'application/json', 'x-amzn-errortype': 'ResourceNotFoundException' });
      res.end(JSON.stringify({ message: 'No cluster found for name: next.' }));
      return true;
    });
    restoreEnv = fakeAwsEnv({ AWS_ENDPOINT_URL_EKS: eks.url, AWS_MAX_ATTEMPTS: '2', EKSNET_HTTP_TIMEOUT_MS: '1000' });
    const logs = captureLogs(setLogSink);
    try {
      process.env.EKSNET_CONFIG_JSON = JSON.stringify({
        clusters: [
          { name: 'stuck', region: 'us-east-1', channel: 'C0STUCK' },
          { name: 'next', region: 'us-east-1', channel: 'C0NEXT' },
        ],
      });
      const posted = slackPosts(SLACK_API);
      const started = Date.now();
      const summary = await handler({ job: 'addon-check', scheduledTime: '2026-11-27T07:00:00Z', executionId: 'hang-test' });
      expect(Date.now() - started).toBeLessThan(20_000);
      expect(summary.clusters.map((c) => [c.cluster, c.outcome])).toEqual([
        ['stuck', 'failed'],
        ['next', 'failed'],
      ]);
      expect(eks.seen.some((s) => s.startsWith('GET /clusters/stuck'))).toBe(true);
      expect(eks.seen.some((s) => s.startsWith('GET /clusters/next'))).toBe(true);
      // Each channel is told, in one sentence with a reference.
      expect(posted.map((p) => p.channel)).toEqual(['C0STUCK', 'C0NEXT']);
      expect(logs.lines.some((l) => l.includes('add-on check failed') && l.includes('stuck') && /TimeoutError|did not answer|timed out/i.test(l))).toBe(true);
    } finally {
      logs.restore();
      await eks.close();
    }
  });
});
