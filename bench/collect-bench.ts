/**
 * Collection benchmark (issue 4, "Performance"): `collectSnapshot` against local stand-ins for the
 * EC2 Query API, the EKS REST-JSON API and the Kubernetes API (127.0.0.1 only), each call answered
 * after 20 ms, with realistic page sizes (EC2 MaxResults as the collector asks, Kubernetes limit
 * 500), serving the engine benchmark's deterministic 5,000-pod cluster (bench/generate.ts).
 * Reports API calls and wall time (target < 3 s); the last line printed is one JSON object.
 *
 * Run: npm run bench:collect
 */
import * as http from 'node:http';
import { mkdtempSync, writeFileSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import * as ec2Schemas from '@aws-sdk/client-ec2';
import { clearCollectionCache, collectSnapshot } from '../src/collect/index';
import { generateCluster } from './generate';

const LATENCY_MS = 20;
/** `--trace`: print when each stand-in call arrived and was answered. */
const TRACE = process.argv.includes('--trace');
const trace: string[] = [];
let traceStart = 0;
const TARGET_MS = 3000;

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

// ---------- the stand-in servers ----------

interface Counter {
  calls: number;
  byOp: Record<string, number>;
}

function count(c: Counter, op: string): void {
  c.calls++;
  c.byOp[op] = (c.byOp[op] ?? 0) + 1;
}

function listen(handler: (req: http.IncomingMessage, body: string) => { status: number; type: string; body: string }): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const arrived = performance.now() - traceStart;
      setTimeout(() => {
        const r = handler(req, Buffer.concat(chunks).toString('utf8'));
        res.writeHead(r.status, { 'content-type': r.type });
        res.end(r.body);
        if (TRACE) trace.push(`${arrived.toFixed(0).padStart(5)} → ${(performance.now() - traceStart).toFixed(0).padStart(5)} ms  ${req.method} ${req.url?.slice(0, 60)} ${r.body.length} B`);
      }, LATENCY_MS);
    });
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => resolve(server)));
}

const urlOf = (s: http.Server) => `http://127.0.0.1:${(s.address() as AddressInfo).port}`;

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

async function main(): Promise<void> {
  const cluster = generateCluster();
  const docs = new Map(cluster.documents.map((d) => [d.file, d.doc as Json]));
  const aws = (file: string, key: string): Json[] => docs.get(file)?.[key] ?? [];
  const clusterDoc = docs.get('eks/cluster.json').cluster;
  const clusterName: string = clusterDoc.name;
  const entries = new Map<string, Json[]>();
  for (const d of cluster.documents) if ((d.doc as Json).Entries) entries.set((d.doc as Json).PrefixListId, (d.doc as Json).Entries);

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

  const ec2Count: Counter = { calls: 0, byOp: {} };
  const ec2 = await listen((_req, body) => {
    const p = new URLSearchParams(body);
    const action = p.get('Action') ?? '';
    count(ec2Count, action);
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
    const pg = page(items, size, p.get('NextToken'));
    return { status: 200, type: 'text/xml;charset=UTF-8', body: ec2Xml(action, { [key]: pg.items, NextToken: pg.next }) };
  });

  const eksCount: Counter = { calls: 0, byOp: {} };
  const addonNames = ['vpc-cni', 'kube-proxy', 'coredns'];
  const eks = await listen((req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const json = (b: Json) => ({ status: 200, type: 'application/json', body: JSON.stringify(b) });
    count(eksCount, url.pathname.replace(/\/addons\/[^/]+$/, '/addons/{addon}'));
    if (url.pathname === `/clusters/${clusterName}`) return json({ cluster: clusterDoc });
    if (url.pathname === `/clusters/${clusterName}/addons`) return json({ addons: addonNames });
    const m = /^\/clusters\/[^/]+\/addons\/([^/]+)$/.exec(url.pathname);
    if (m) return json({ addon: { addonName: m[1], clusterName, status: 'ACTIVE', addonVersion: 'v1.0.0-eksbuild.1' } });
    if (url.pathname === '/addons/supported-versions') {
      const name = url.searchParams.get('addonName');
      return json({ addons: [{ addonName: name, type: 'networking', addonVersions: [{ addonVersion: 'v1.0.1-eksbuild.1', compatibilities: [{ clusterVersion: '1.31', defaultVersion: true }] }] }] });
    }
    return { status: 404, type: 'application/json', body: JSON.stringify({ message: 'not found' }) };
  });

  const kubeLists: Record<string, { kind: string; items: Json[] }> = {
    '/api/v1/namespaces': { kind: 'NamespaceList', items: docs.get('k8s/namespaces.json').items },
    '/api/v1/pods': { kind: 'PodList', items: docs.get('k8s/pods.json').items },
    '/api/v1/services': { kind: 'ServiceList', items: docs.get('k8s/services.json').items },
    '/apis/discovery.k8s.io/v1/endpointslices': { kind: 'EndpointSliceList', items: [] },
    '/apis/apps/v1/deployments': { kind: 'DeploymentList', items: docs.get('k8s/deployments.json').items },
    '/apis/apps/v1/replicasets': { kind: 'ReplicaSetList', items: docs.get('k8s/replicasets.json').items },
    '/apis/apps/v1/statefulsets': { kind: 'StatefulSetList', items: [] },
    '/apis/apps/v1/daemonsets': { kind: 'DaemonSetList', items: docs.get('k8s/daemonsets.json').items },
    '/api/v1/nodes': { kind: 'NodeList', items: docs.get('k8s/nodes.json').items },
    '/api/v1/serviceaccounts': { kind: 'ServiceAccountList', items: [] },
    '/apis/networking.k8s.io/v1/networkpolicies': { kind: 'NetworkPolicyList', items: docs.get('k8s/networkpolicies.json').items },
    '/apis/vpcresources.k8s.aws/v1beta1/securitygrouppolicies': { kind: 'SecurityGroupPolicyList', items: docs.get('k8s/securitygrouppolicies.json').items },
  };
  const kubeCount: Counter = { calls: 0, byOp: {} };
  const kube = await listen((req) => {
    const url = new URL(req.url ?? '/', 'http://x');
    count(kubeCount, url.pathname);
    const l = kubeLists[url.pathname];
    if (!l) return { status: 404, type: 'application/json', body: JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', reason: 'NotFound', code: 404, message: 'not found' }) };
    const pg = page(l.items, Number(url.searchParams.get('limit') ?? 500), url.searchParams.get('continue'));
    return {
      status: 200,
      type: 'application/json',
      body: JSON.stringify({ apiVersion: 'v1', kind: l.kind, metadata: { resourceVersion: '1', ...(pg.next ? { continue: pg.next } : {}) }, items: pg.items }),
    };
  });

  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-collect-bench-'));
  const kubeconfig = path.join(dir, 'kubeconfig');
  writeFileSync(
    kubeconfig,
    `apiVersion: v1\nkind: Config\nclusters:\n- name: bench\n  cluster:\n    server: ${urlOf(kube)}\n    insecure-skip-tls-verify: true\nusers:\n- name: bench\n  user:\n    token: bench\ncontexts:\n- name: bench\n  context: {cluster: bench, user: bench}\ncurrent-context: bench\n`,
  );
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'us-east-1',
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_CONFIG_FILE: path.join(dir, 'no-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(dir, 'no-credentials'),
    AWS_ENDPOINT_URL_EC2: urlOf(ec2),
    AWS_ENDPOINT_URL_EKS: urlOf(eks),
    KUBECONFIG: kubeconfig,
  });

  const runs: number[] = [];
  let last;
  for (let i = 0; i < 3; i++) {
    clearCollectionCache();
    for (const c of [ec2Count, eksCount, kubeCount]) {
      c.calls = 0;
      c.byOp = {};
    }
    const t0 = performance.now();
    traceStart = t0;
    trace.length = 0;
    last = await collectSnapshot({ name: clusterName, region: 'us-east-1' }, { fresh: true });
    runs.push(performance.now() - t0);
  }
  for (const s of [ec2, eks, kube]) s.close();
  if (TRACE) console.log(trace.join('\n'));

  const snap = last!.snapshot;
  const apiCalls = ec2Count.calls + eksCount.calls + kubeCount.calls;
  // The first run includes loading and JIT-compiling the SDK and client (a cold Lambda); later ones are warm.
  const coldMs = Math.round(runs[0]!);
  const warmMs = Math.round(Math.min(...runs.slice(1)));
  console.log(`collected ${snap.k8s.pods.length} pods, ${snap.aws.networkInterfaces.length} ENIs, ${snap.aws.securityGroups.length} security groups`);
  console.log(`API calls per collection: ${apiCalls} (EC2 ${ec2Count.calls}, EKS ${eksCount.calls}, Kubernetes ${kubeCount.calls}); ${LATENCY_MS} ms each`);
  console.log(`  EC2: ${JSON.stringify(ec2Count.byOp)}`);
  console.log(`  Kubernetes: ${JSON.stringify(kubeCount.byOp)}`);
  console.log(`wall time: cold ${coldMs} ms, warm ${warmMs} ms (runs ${runs.map((r) => Math.round(r)).join(' / ')}; target < ${TARGET_MS} ms)`);
  if (snap.collection.missing.length > 0) console.log(`missing: ${JSON.stringify(snap.collection.missing)}`);
  console.log(
    JSON.stringify({
      bench: 'collect',
      pods: snap.k8s.pods.length,
      apiCalls,
      ec2Calls: ec2Count.calls,
      eksCalls: eksCount.calls,
      kubeCalls: kubeCount.calls,
      latencyMs: LATENCY_MS,
      wallMs: coldMs,
      warmWallMs: warmMs,
      runsMs: runs.map((r) => Math.round(r)),
      targetMs: TARGET_MS,
      withinTarget: coldMs < TARGET_MS,
      missing: snap.collection.missing.length,
    }),
  );
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
