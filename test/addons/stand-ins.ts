// Local stand-ins for add-on upgrades: real HTTP servers on 127.0.0.1 speaking STS (Query XML), the EKS REST-JSON API,
// the Kubernetes JSON API, Lambda Invoke and the Slack Web API, so the real SDK clients, @kubernetes/client-node and
// the Slack WebClient talk to them over the wire (also from child processes). State lives in this process; tests
// change it between invocations and read what was called.
import * as http from 'node:http';
import type { AddressInfo, Socket } from 'node:net';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';

export interface Call {
  service: 'sts' | 'eks' | 'kube' | 'lambda' | 'slack';
  op: string;
  path: string;
  body: any;
  headers: http.IncomingHttpHeaders;
  at: number;
}

export interface Fault {
  status: number;
  type: string;
  message: string;
}

export interface UpdateStep {
  status: 'InProgress' | 'Successful' | 'Failed' | 'Cancelled';
  errors?: { errorCode: string; errorMessage: string; resourceIds?: string[] }[];
}

export interface CloudState {
  cluster: { name: string; version: string; region: string };
  /** Managed add-ons EKS reports (absent = self-managed: DescribeAddon answers 404). */
  addons: Record<string, { version: string; status: string }>;
  /** DescribeAddonVersions answer (the demo snapshot's by default). */
  versions: any[];
  /** DescribeUpdate answers, in order; the last one repeats. */
  updateSteps: UpdateStep[];
  /** Faults answered (in order) before UpdateAddon succeeds. */
  updateAddonFaults: Fault[];
  /** Milliseconds to hold an answer, by operation (e.g. DescribeAddon), to show hangs. */
  slowMs: Record<string, number>;
  /** Kubernetes objects by API path (GET / PUT). */
  kubeObjects: Record<string, any>;
  /** Kubernetes list answers by path; any other list is empty. */
  kubeLists: Record<string, any[]>;
  /** Slack user groups and their members. */
  groups: Record<string, string[]>;
  calls: Call[];
  /** UpdateAddon/CreateAddon idempotency: token → update id (what EKS does with clientRequestToken). */
  tokens: Map<string, string>;
  describeUpdateCount: number;
}

const DEMO_VERSIONS = JSON.parse(readFileSync(path.join(__dirname, '..', '..', 'demo', 'snapshot', 'eks', 'addon-versions.json'), 'utf8')).addons;

export function initialState(): CloudState {
  return {
    cluster: { name: 'demo-eks', version: '1.31', region: 'us-west-2' },
    addons: {
      'vpc-cni': { version: 'v1.19.0-eksbuild.1', status: 'ACTIVE' },
      coredns: { version: 'v1.11.3-eksbuild.2', status: 'ACTIVE' },
      'kube-proxy': { version: 'v1.31.2-eksbuild.3', status: 'ACTIVE' },
    },
    versions: DEMO_VERSIONS,
    updateSteps: [{ status: 'InProgress' }, { status: 'Successful' }],
    updateAddonFaults: [],
    slowMs: {},
    kubeObjects: {},
    kubeLists: {},
    groups: {},
    calls: [],
    tokens: new Map(),
    describeUpdateCount: 0,
  };
}

type Answer = { status: number; body: string | object; headers?: Record<string, string> };

const json = (status: number, body: object, headers: Record<string, string> = {}): Answer => ({ status, body, headers: { 'content-type': 'application/json', ...headers } });
const eksError = (f: Fault): Answer => json(f.status, { message: f.message }, { 'x-amzn-errortype': f.type });

function parseBody(raw: string, type: string | undefined): any {
  if (!raw) return undefined;
  if (type?.includes('json')) return JSON.parse(raw);
  if (type?.includes('x-www-form-urlencoded')) {
    const form = Object.fromEntries(new URLSearchParams(raw));
    for (const k of ['blocks', 'attachments']) if (typeof form[k] === 'string') form[k] = JSON.parse(form[k] as string);
    return form;
  }
  try {
    return JSON.parse(raw);
  } catch {
    return raw;
  }
}

function eks(state: CloudState, method: string, url: URL, body: any): { op: string; answer: () => Answer } {
  const p = url.pathname.split('/').filter(Boolean).map(decodeURIComponent);
  const c = state.cluster;
  const notFound = (what: string) => eksError({ status: 404, type: 'ResourceNotFoundException', message: `No ${what} found` });
  if (method === 'GET' && p[0] === 'addons' && p[1] === 'supported-versions') {
    return {
      op: 'DescribeAddonVersions',
      answer: () => {
        const name = url.searchParams.get('addonName');
        const k = url.searchParams.get('kubernetesVersion');
        const addons = state.versions
          .filter((a) => !name || a.addonName === name)
          .map((a) => ({ ...a, addonVersions: a.addonVersions.filter((v: any) => !k || (v.compatibilities ?? []).some((x: any) => x.clusterVersion === k)) }));
        return json(200, { addons });
      },
    };
  }
  if (p[0] !== 'clusters' || p[1] !== c.name) return { op: 'unknown', answer: () => notFound(`cluster ${p[1]}`) };
  if (method === 'GET' && p.length === 2) {
    return { op: 'DescribeCluster', answer: () => json(200, { cluster: { name: c.name, arn: `arn:aws:eks:${c.region}:111122223333:cluster/${c.name}`, version: c.version, status: 'ACTIVE', resourcesVpcConfig: {} } }) };
  }
  if (method === 'GET' && p[2] === 'addons' && p.length === 3) return { op: 'ListAddons', answer: () => json(200, { addons: Object.keys(state.addons) }) };
  if (method === 'GET' && p[2] === 'addons' && p.length === 4) {
    return {
      op: 'DescribeAddon',
      answer: () => {
        const a = state.addons[p[3]!];
        return a ? json(200, { addon: { addonName: p[3], clusterName: c.name, addonVersion: a.version, status: a.status, health: { issues: [] }, ...(p[3] === 'vpc-cni' ? { configurationValues: '{"enableNetworkPolicy":"true"}' } : {}) } }) : notFound(`addon ${p[3]}`);
      },
    };
  }
  if (method === 'POST' && p[2] === 'addons' && p[4] === 'update') {
    return {
      op: 'UpdateAddon',
      answer: () => {
        const fault = state.updateAddonFaults.shift();
        if (fault) return eksError(fault);
        const a = state.addons[p[3]!];
        if (!a) return notFound(`addon ${p[3]}`);
        const token = body?.clientRequestToken ?? `random-${Math.random()}`;
        let id = state.tokens.get(token);
        if (!id) {
          if (a.status === 'UPDATING') return eksError({ status: 409, type: 'ResourceInUseException', message: `Addon ${p[3]} cannot be updated as it is currently in UPDATING state` });
          id = `upd-${state.tokens.size + 1}-0000-4000-8000-000000000000`;
          state.tokens.set(token, id);
          a.status = 'UPDATING';
        }
        return json(200, { update: { id, status: 'InProgress', type: 'AddonUpdate', params: [{ type: 'AddonVersion', value: body?.addonVersion }] } });
      },
    };
  }
  if (method === 'POST' && p[2] === 'addons' && p.length === 3) {
    return {
      op: 'CreateAddon',
      answer: () => {
        const name = body?.addonName;
        if (!state.tokens.has(body?.clientRequestToken)) state.tokens.set(body?.clientRequestToken, `create-${name}`);
        state.addons[name] = { version: body?.addonVersion, status: 'ACTIVE' };
        return json(200, { addon: { addonName: name, clusterName: c.name, addonVersion: body?.addonVersion, status: 'CREATING' } });
      },
    };
  }
  if (method === 'GET' && p[2] === 'updates' && p.length === 4) {
    return {
      op: 'DescribeUpdate',
      answer: () => {
        const step = state.updateSteps[Math.min(state.describeUpdateCount, state.updateSteps.length - 1)]!;
        state.describeUpdateCount++;
        const addon = url.searchParams.get('addonName') ?? '';
        if (step.status !== 'InProgress' && state.addons[addon]) {
          state.addons[addon]!.status = 'ACTIVE';
          if (step.status === 'Successful') {
            const upd = state.calls.filter((x) => x.op === 'UpdateAddon' && x.path.includes(`/addons/${addon}/`)).pop();
            if (upd?.body?.addonVersion) state.addons[addon]!.version = upd.body.addonVersion;
          }
        }
        return json(200, { update: { id: p[3], status: step.status, type: 'AddonUpdate', errors: step.errors ?? [] } });
      },
    };
  }
  return { op: 'unknown', answer: () => notFound(url.pathname) };
}

function kube(state: CloudState, method: string, url: URL, body: any): { op: string; answer: () => Answer } {
  const p = url.pathname;
  if (method === 'PUT') {
    return {
      op: `PUT ${p}`,
      answer: () => {
        const cur = state.kubeObjects[p];
        if (!cur) return json(404, { kind: 'Status', code: 404, reason: 'NotFound', message: `${p} not found` });
        if (body?.metadata?.resourceVersion !== cur.metadata.resourceVersion) return json(409, { kind: 'Status', code: 409, reason: 'Conflict', message: 'the object has been modified' });
        const generation = (cur.metadata.generation ?? 1) + 1;
        const desired = cur.status?.desiredNumberScheduled ?? 3;
        // The controller rolls the new template out at once (a stand-in for a quick rollout).
        const next = { ...body, metadata: { ...body.metadata, generation, resourceVersion: String(Number(cur.metadata.resourceVersion) + 1) }, status: { ...cur.status, observedGeneration: generation, updatedNumberScheduled: desired, numberAvailable: desired, desiredNumberScheduled: desired } };
        state.kubeObjects[p] = next;
        return json(200, next);
      },
    };
  }
  if (state.kubeObjects[p]) return { op: `GET ${p}`, answer: () => json(200, state.kubeObjects[p]) };
  const lastSeg = p.split('/').pop() ?? '';
  const isList = /s$/.test(lastSeg) && !p.includes('/configmaps/');
  if (isList) return { op: `LIST ${p}`, answer: () => json(200, { kind: 'List', apiVersion: 'v1', metadata: { resourceVersion: '1' }, items: state.kubeLists[p] ?? [] }) };
  return { op: `GET ${p}`, answer: () => json(404, { kind: 'Status', apiVersion: 'v1', code: 404, reason: 'NotFound', message: `${p} not found`, status: 'Failure' }) };
}

const ASSUMED_KEY = 'ASIAUPGRADEREXAMPLE';

function sts(body: any): { op: string; answer: () => Answer } {
  const form = typeof body === 'object' ? body : Object.fromEntries(new URLSearchParams(String(body ?? '')));
  return {
    op: form.Action ?? 'unknown',
    answer: () => ({
      status: 200,
      headers: { 'content-type': 'text/xml' },
      body: `<AssumeRoleResponse xmlns="https://sts.amazonaws.com/doc/2011-06-15/"><AssumeRoleResult>
<AssumedRoleUser><Arn>arn:aws:sts::111122223333:assumed-role/eksnet-upgrader/${form.RoleSessionName}</Arn><AssumedRoleId>AROAEXAMPLE:${form.RoleSessionName}</AssumedRoleId></AssumedRoleUser>
<Credentials><AccessKeyId>${ASSUMED_KEY}</AccessKeyId><SecretAccessKey>upgraderSecretEXAMPLE</SecretAccessKey><SessionToken>upgraderSessionTokenEXAMPLE</SessionToken><Expiration>2099-01-01T00:00:00Z</Expiration></Credentials>
</AssumeRoleResult><ResponseMetadata><RequestId>r-1</RequestId></ResponseMetadata></AssumeRoleResponse>`,
    }),
  };
}

export const UPGRADER_ACCESS_KEY = ASSUMED_KEY;

function slack(state: CloudState, url: URL, body: any): { op: string; answer: () => Answer } {
  const method = url.pathname.replace(/^\/api\//, '');
  return {
    op: method,
    answer: () => {
      if (method === 'usergroups.users.list') return json(200, { ok: true, users: state.groups[body?.usergroup] ?? [] });
      if (method === 'chat.postMessage') return json(200, { ok: true, channel: body?.channel, ts: `1700000100.${String(state.calls.length).padStart(6, '0')}` });
      return json(200, { ok: true, ts: body?.ts ?? '1700000000.000100' });
    },
  };
}

export interface StandIns {
  state: CloudState;
  /** Environment for a process that should use these stand-ins. */
  env: Record<string, string>;
  calls(service?: Call['service'], op?: string): Call[];
  reset(): void;
  stop(): Promise<void>;
}

/** Start the stand-ins; `kubeconfigFor(url)` writes a kubeconfig for the Kubernetes one. */
export async function startStandIns(kubeconfigFor: (server: string) => string): Promise<StandIns> {
  const holder = { state: initialState() };
  const servers: http.Server[] = [];
  const open = new Set<Socket>();
  async function serve(service: Call['service'], route: (method: string, url: URL, body: any) => { op: string; answer: () => Answer }): Promise<string> {
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const url = new URL(req.url ?? '/', 'http://stand-in');
        const body = parseBody(Buffer.concat(chunks).toString('utf8'), req.headers['content-type']);
        const { op, answer } = route(req.method ?? 'GET', url, body);
        holder.state.calls.push({ service, op, path: url.pathname + url.search, body, headers: req.headers, at: Date.now() });
        const reply = () => {
          if (res.destroyed) return;
          const a = answer();
          res.writeHead(a.status, a.headers ?? {});
          res.end(typeof a.body === 'string' ? a.body : JSON.stringify(a.body));
        };
        const hold = holder.state.slowMs[op];
        if (hold) setTimeout(reply, hold);
        else reply();
      });
    });
    server.on('connection', (s) => open.add(s));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
    servers.push(server);
    return `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  }
  const stsUrl = await serve('sts', (_m, _u, b) => sts(b));
  const eksUrl = await serve('eks', (m, u, b) => eks(holder.state, m, u, b));
  const kubeUrl = await serve('kube', (m, u, b) => kube(holder.state, m, u, b));
  const lambdaUrl = await serve('lambda', () => ({ op: 'Invoke', answer: () => ({ status: 202, body: '' }) }));
  const slackUrl = await serve('slack', (_m, u, b) => slack(holder.state, u, b));
  return {
    get state() {
      return holder.state;
    },
    env: {
      AWS_ENDPOINT_URL_STS: stsUrl,
      AWS_ENDPOINT_URL_EKS: eksUrl,
      AWS_ENDPOINT_URL_LAMBDA: lambdaUrl,
      SLACK_API_URL: `${slackUrl}/api/`,
      KUBECONFIG: kubeconfigFor(kubeUrl),
    },
    calls(service, op) {
      return holder.state.calls.filter((c) => (!service || c.service === service) && (!op || c.op === op));
    },
    reset() {
      holder.state = initialState();
    },
    async stop() {
      for (const s of open) s.destroy();
      await Promise.all(servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    },
  };
}
