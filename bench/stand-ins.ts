/**
 * Local stand-ins (127.0.0.1 only) for the EC2 Query API, the EKS REST-JSON API, the Kubernetes API and
 * the Slack Web API's chat.postMessage, each call answered after `latencyMs`, serving one generated cluster
 * (bench/generate.ts) under any cluster name. Used by the collection and fleet benchmarks and the fleet test.
 */
import * as http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ec2Schemas from '@aws-sdk/client-ec2';
import type { GeneratedCluster } from './generate';

type Json = any;

// ---------- EC2 XML from the SDK's own wire schema (member xmlName traits, lists of <item>) ----------

function resolveSchema(s: any): any {
  return typeof s === 'function' ? s() : s;
}

function xmlEscape(s: string): string {
  return s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
}

function toXml(schema: any, value: Json, out: string[]): void {
  const s = resolveSchema(schema);
  if (value === undefined || value === null) return;
  if (Array.isArray(s) && s[0] === 3) {
    const names: string[] = s[4];
    const members: any[] = s[5];
    names.forEach((name, i) => {
      const v = value[name];
      if (v === undefined || v === null) return;
      const [type, traits] = members[i];
      const tag = traits?.xmlName ?? name;
      out.push(`<${tag}>`);
      toXml(type, v, out);
      out.push(`</${tag}>`);
    });
    return;
  }
  if (Array.isArray(s) && s[0] === 1) {
    const member = s[4];
    const [type, traits] = Array.isArray(member) ? member : [member, {}];
    const tag = traits?.xmlName ?? 'item';
    for (const item of value) {
      out.push(`<${tag}>`);
      toXml(type, item, out);
      out.push(`</${tag}>`);
    }
    return;
  }
  out.push(xmlEscape(String(value)));
}

function ec2Xml(action: string, result: Json): string {
  const schema = (ec2Schemas as Record<string, unknown>)[`${action}Result$`];
  if (!schema) throw new Error(`no schema for ${action}`);
  const out = [`<?xml version="1.0" encoding="UTF-8"?><${action}Response xmlns="http://ec2.amazonaws.com/doc/2016-11-15/"><requestId>bench</requestId>`];
  toXml(schema, result, out);
  out.push(`</${action}Response>`);
  return out.join('');
}

// ---------- servers ----------

export interface Counter {
  calls: number;
  byOp: Record<string, number>;
}

function count(c: Counter, op: string): void {
  c.calls++;
  c.byOp[op] = (c.byOp[op] ?? 0) + 1;
}

export interface Answer {
  status: number;
  type: string;
  body: string;
}

/** An answer, or undefined to hold the connection open (a hung endpoint). */
type Handler = (req: http.IncomingMessage, body: string) => Answer | undefined;

export interface TraceOptions {
  /** Called with one line per answered call (arrival and answer times, relative to `start()`). */
  trace?: (line: string) => void;
  start?: () => number;
}

export function listen(latencyMs: number, handler: Handler, t: TraceOptions = {}): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = performance.now() - (t.start?.() ?? 0);
      setTimeout(() => {
        const r = handler(req, Buffer.concat(chunks).toString('utf8'));
        if (!r) return;
        res.writeHead(r.status, { 'content-type': r.type });
        res.end(r.body);
        t.trace?.(`${arrived.toFixed(0).padStart(5)} → ${(performance.now() - (t.start?.() ?? 0)).toFixed(0).padStart(5)} ms  ${req.method} ${req.url?.slice(0, 60)} ${r.body.length} B`);
      }, latencyMs);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

export const urlOf = (s: http.Server): string => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

/** Close a server and every connection it holds (hung calls included). */
export function shut(s: http.Server): Promise<void> {
  s.closeAllConnections();
  return new Promise((resolve) => s.close(() => resolve()));
}

function page<T>(items: T[], size: number, token: string | null): { items: T[]; next?: string } {
  const start = token ? Number(token) : 0;
  const end = start + size;
  return { items: items.slice(start, end), ...(end < items.length ? { next: String(end) } : {}) };
}

function filterValues(p: URLSearchParams, name: string): string[] | undefined {
  for (let i = 1; p.has(`Filter.${i}.Name`); i++) {
    if (p.get(`Filter.${i}.Name`) !== name) continue;
    const values: string[] = [];
    for (let j = 1; p.has(`Filter.${i}.Value.${j}`); j++) values.push(p.get(`Filter.${i}.Value.${j}`)!);
    return values;
  }
  return undefined;
}

export interface CloudStandIns {
  ec2: http.Server;
  eks: http.Server;
  kube: http.Server;
  counts: { ec2: Counter; eks: Counter; kube: Counter };
  /** The environment that points the SDK and the Kubernetes client at the stand-ins (dummy credentials). */
  env: Record<string, string>;
  /** Clusters whose DescribeCluster never answers (a hung endpoint). */
  hang: Set<string>;
  resetCounts(): void;
  close(): Promise<void>;
}

/**
 * EC2, EKS and Kubernetes stand-ins for `cluster`. DescribeCluster answers for any cluster name (the
 * generated cluster under that name), so one set of servers plays a fleet.
 */
export async function startCloud(cluster: GeneratedCluster, latencyMs: number, t: TraceOptions = {}): Promise<CloudStandIns> {
  const docs = new Map(cluster.documents.map((d) => [d.file, d.doc as Json]));
  const aws = (file: string, key: string): Json[] => docs.get(file)?.[key] ?? [];
  const clusterDoc = docs.get('eks/cluster.json').cluster;
  const entries = new Map<string, Json[]>();
  for (const d of cluster.documents) if ((d.doc as Json).Entries) entries.set((d.doc as Json).PrefixListId, (d.doc as Json).Entries);
  const hang = new Set<string>();

  const ec2Lists: Record<string, { key: string; items: Json[] }> = {
    DescribeVpcs: { key: 'Vpcs', items: aws('aws/vpcs.json', 'Vpcs') },
    DescribeSubnets: { key: 'Subnets', items: aws('aws/subnets.json', 'Subnets') },
    DescribeSecurityGroups: { key: 'SecurityGroups', items: aws('aws/security-groups.json', 'SecurityGroups') },
    DescribeNetworkAcls: { key: 'NetworkAcls', items: aws('aws/network-acls.json', 'NetworkAcls') },
    DescribeRouteTables: { key: 'RouteTables', items: aws('aws/route-tables.json', 'RouteTables') },
    DescribeNetworkInterfaces: { key: 'NetworkInterfaces', items: aws('aws/network-interfaces.json', 'NetworkInterfaces') },
    DescribeNatGateways: { key: 'NatGateways', items: aws('aws/nat-gateways.json', 'NatGateways') },
    DescribeInternetGateways: { key: 'InternetGateways', items: aws('aws/internet-gateways.json', 'InternetGateways') },
    DescribeEgressOnlyInternetGateways: { key: 'EgressOnlyInternetGateways', items: [] },
    DescribeInstances: { key: 'Reservations', items: aws('aws/instances.json', 'Reservations') },
    DescribeManagedPrefixLists: { key: 'PrefixLists', items: aws('aws/prefix-lists.json', 'PrefixLists') },
  };
  // Serialising a page is the stand-in's work, not eksnet's: keep each page's XML once.
  const xmlCache = new Map<string, string>();

  const counts = { ec2: { calls: 0, byOp: {} } as Counter, eks: { calls: 0, byOp: {} } as Counter, kube: { calls: 0, byOp: {} } as Counter };
  const ec2 = await listen(
    latencyMs,
    (_req, body) => {
      const p = new URLSearchParams(body);
      const action = p.get('Action') ?? '';
      count(counts.ec2, action);
      const size = Number(p.get('MaxResults') ?? 1000);
      let key: string;
      let items: Json[];
      if (action === 'GetManagedPrefixListEntries') {
        key = 'Entries';
        items = entries.get(p.get('PrefixListId') ?? '') ?? [];
      } else {
        const l = ec2Lists[action];
        if (!l) return { status: 400, type: 'text/xml', body: `<Response><Errors><Error><Code>InvalidAction</Code><Message>${action}</Message></Error></Errors></Response>` };
        key = l.key;
        items = l.items;
        const groupIds = filterValues(p, 'group-id');
        if (groupIds) items = items.filter((g) => groupIds.includes(g.GroupId));
        const plIds = filterValues(p, 'prefix-list-id');
        if (plIds) items = items.filter((g) => plIds.includes(g.PrefixListId));
      }
      const cacheKey = `${action}|${size}|${p.get('NextToken') ?? ''}|${p.get('PrefixListId') ?? ''}|${filterValues(p, 'group-id')?.join(',') ?? ''}|${filterValues(p, 'prefix-list-id')?.join(',') ?? ''}`;
      let xml = xmlCache.get(cacheKey);
      if (!xml) {
        const pg = page(items, size, p.get('NextToken'));
        xml = ec2Xml(action, { [key]: pg.items, NextToken: pg.next });
        xmlCache.set(cacheKey, xml);
      }
      return { status: 200, type: 'text/xml;charset=UTF-8', body: xml };
    },
    t,
  );

  // The generated cluster's own add-ons (eks/addon-*.json), so a fleet's quiet day is quiet.
  const addons = new Map<string, Json>(cluster.documents.filter((d) => /^eks\/addon-.+\.json$/.test(d.file)).map((d) => [(d.doc as Json).addon.addonName, (d.doc as Json).addon]));
  const addonNames = [...addons.keys()];
  const eks = await listen(
    latencyMs,
    (req) => {
      const url = new URL(req.url ?? '/', 'http://x');
      const json = (b: Json) => ({ status: 200, type: 'application/json', body: JSON.stringify(b) });
      count(counts.eks, url.pathname.replace(/^\/clusters\/[^/]+/, '/clusters/{name}').replace(/\/addons\/[^/]+$/, '/addons/{addon}'));
      const c = /^\/clusters\/([^/]+)$/.exec(url.pathname);
      if (c) return hang.has(decodeURIComponent(c[1]!)) ? undefined : json({ cluster: { ...clusterDoc, name: decodeURIComponent(c[1]!) } });
      const list = /^\/clusters\/([^/]+)\/addons$/.exec(url.pathname);
      if (list) return json({ addons: addonNames });
      const m = /^\/clusters\/([^/]+)\/addons\/([^/]+)$/.exec(url.pathname);
      if (m) {
        const addon = addons.get(m[2]!);
        if (!addon) return { status: 404, type: 'application/json', body: JSON.stringify({ message: `No addon: ${m[2]} found in cluster` }) };
        return json({ addon: { ...addon, clusterName: decodeURIComponent(m[1]!) } });
      }
      if (url.pathname === '/addons/supported-versions') {
        const name = url.searchParams.get('addonName');
        return json({ addons: [{ addonName: name, type: 'networking', addonVersions: [{ addonVersion: 'v1.0.1-eksbuild.1', compatibilities: [{ clusterVersion: clusterDoc.version, defaultVersion: true }] }] }] });
      }
      return { status: 404, type: 'application/json', body: JSON.stringify({ message: 'not found' }) };
    },
    t,
  );

  // CloudTrail (JSON 1.1, X-Amz-Target CloudTrail_20131101.LookupEvents): the drift jobs ask who made each change;
  // nobody did anything here, so every lookup finds no event.
  const cloudtrail = await listen(
    latencyMs,
    () => ({ status: 200, type: 'application/x-amz-json-1.1', body: JSON.stringify({ Events: [] }) }),
    t,
  );

  const items = (file: string): Json[] => docs.get(file)?.items ?? [];
  const kubeLists: Record<string, { kind: string; items: Json[] }> = {
    '/api/v1/namespaces': { kind: 'NamespaceList', items: items('k8s/namespaces.json') },
    '/api/v1/pods': { kind: 'PodList', items: items('k8s/pods.json') },
    '/api/v1/services': { kind: 'ServiceList', items: items('k8s/services.json') },
    '/apis/discovery.k8s.io/v1/endpointslices': { kind: 'EndpointSliceList', items: [] },
    '/apis/apps/v1/deployments': { kind: 'DeploymentList', items: items('k8s/deployments.json') },
    '/apis/apps/v1/replicasets': { kind: 'ReplicaSetList', items: items('k8s/replicasets.json') },
    '/apis/apps/v1/statefulsets': { kind: 'StatefulSetList', items: [] },
    '/apis/apps/v1/daemonsets': { kind: 'DaemonSetList', items: items('k8s/daemonsets.json') },
    '/api/v1/nodes': { kind: 'NodeList', items: items('k8s/nodes.json') },
    '/api/v1/serviceaccounts': { kind: 'ServiceAccountList', items: [] },
    '/apis/networking.k8s.io/v1/networkpolicies': { kind: 'NetworkPolicyList', items: items('k8s/networkpolicies.json') },
    '/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies': { kind: 'SecurityGroupPolicyList', items: items('k8s/securitygrouppolicies.json') },
  };
  const kubeCache = new Map<string, string>();
  const kube = await listen(
    latencyMs,
    (req) => {
      const url = new URL(req.url ?? '/', 'http://x');
      count(counts.kube, url.pathname);
      const l = kubeLists[url.pathname];
      if (!l) return { status: 404, type: 'application/json', body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }) };
      const cacheKey = `${url.pathname}|${url.searchParams.get('limit')}|${url.searchParams.get('continue')}`;
      let body = kubeCache.get(cacheKey);
      if (!body) {
        const pg = page(l.items, Number(url.searchParams.get('limit') ?? 500), url.searchParams.get('continue'));
        body = JSON.stringify({ apiVersion: 'v1', kind: l.kind, metadata: { resourceVersion: '1', ...(pg.next ? { continue: pg.next } : {}) }, items: pg.items });
        kubeCache.set(cacheKey, body);
      }
      return { status: 200, type: 'application/json', body };
    },
    t,
  );

  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-stand-ins-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: ${urlOf(kube)}\n    insecure-skip-tls-verify: true\nusers:\n- name: bench\n  user:\n    token: bench\ncontexts:\n- name: bench\n  context: {cluster: bench, user: bench}\ncurrent-context: bench\n`,
  );
  const env = {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_ENDPOINT_URL_EC2: urlOf(ec2),
    AWS_ENDPOINT_URL_EKS: urlOf(eks),
    AWS_ENDPOINT_URL_CLOUDTRAIL: urlOf(cloudtrail),
    KUBECONFIG: kubeconfig,
  };
  return {
    ec2,
    eks,
    kube,
    counts,
    env,
    hang,
    resetCounts() {
      for (const c of Object.values(counts)) {
        c.calls = 0;
        c.byOp = {};
      }
    },
    close: async () => {
      await Promise.all([ec2, eks, kube, cloudtrail].map(shut));
    },
  };
}

export interface SlackStandIn {
  server: http.Server;
  /** SLACK_API_URL for the stand-in. */
  apiUrl: string;
  posts: { channel: string; text: string }[];
  close(): Promise<void>;
}

/** chat.postMessage (https://api.slack.com/methods/chat.postMessage), answered ok after `latencyMs`, every post recorded. */
export async function startSlack(latencyMs: number): Promise<SlackStandIn> {
  const posts: SlackStandIn['posts'] = [];
  let ts = 0;
  const server = await listen(latencyMs, (req, body) => {
    if (!req.url?.endsWith('/chat.postMessage')) return { status: 200, type: 'application/json', body: JSON.stringify({ ok: false, error: 'unknown_method' }) };
    const form = req.headers['content-type']?.includes('json') ? JSON.parse(body) : Object.fromEntries(new URLSearchParams(body));
    posts.push({ channel: form.channel, text: form.text });
    return { status: 200, type: 'application/json', body: JSON.stringify({ ok: true, channel: form.channel, ts: `1700000000.${String(++ts).padStart(6, '0')}` }) };
  });
  return { server, apiUrl: `${urlOf(server)}/api/`, posts, close: () => shut(server) };
}
