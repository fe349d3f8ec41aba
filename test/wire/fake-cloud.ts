import nock from 'nock';
import { ec2Error, ec2Reply, type XmlValue } from './ec2-xml';

export interface Reply {
  status: number;
  body: string | object;
  headers?: Record<string, string>;
}

export interface Call {
  service: 'ec2' | 'eks' | 'kube';
  op: string;
  /** NextToken / nextToken / continue sent with the call. */
  token?: string;
  headers: Record<string, string | string[] | undefined>;
}

export const REGION = 'us-east-1';
export const EC2_HOST = `https://ec2.${REGION}.amazonaws.com`;
export const EKS_HOST = `https://eks.${REGION}.amazonaws.com`;

/** A paged EC2 answer: `pages[i]` is served for token undefined (i=0) or `page-i`. */
export function ec2Pages(action: string, listElement: string, pages: XmlValue[][]): (p: URLSearchParams) => Reply {
  return (p) => {
    const token = p.get('NextToken');
    const i = token ? Number(token.replace('page-', '')) : 0;
    const next = i + 1 < pages.length ? `page-${i + 1}` : undefined;
    return { status: 200, body: ec2Reply(action, { [listElement]: pages[i] ?? [], nextToken: next }), headers: { 'content-type': 'text/xml;charset=UTF-8' } };
  };
}

export function ec2Fail(status: number, code: string, message: string): Reply {
  return { status, body: ec2Error(code, message), headers: { 'content-type': 'text/xml;charset=UTF-8' } };
}

/** A paged Kubernetes list: items split into pages of `perPage`, with `metadata.continue`. */
export function kubePages(kind: string, items: object[], perPage: number): (q: URLSearchParams) => Reply {
  return (q) => {
    const token = q.get('continue');
    const start = token ? Number(token.replace('c-', '')) : 0;
    const end = start + perPage;
    return {
      status: 200,
      body: {
        apiVersion: kind.includes('/') ? kind.split('|')[0] : 'v1',
        kind: kind.split('|').pop(),
        metadata: { resourceVersion: '12345', ...(end < items.length ? { continue: `c-${end}` } : {}) },
        items: items.slice(start, end),
      },
      headers: { 'content-type': 'application/json' },
    };
  };
}

export function kubeStatus(code: number, reason: string, message: string): Reply {
  return {
    status: code,
    body: { kind: 'Status', apiVersion: 'v1', metadata: {}, status: 'Failure', message, reason, code },
    headers: { 'content-type': 'application/json' },
  };
}

export interface FakeCloud {
  /** EC2 handlers by Action. */
  ec2: Record<string, (params: URLSearchParams) => Reply>;
  /** EKS handlers by `METHOD /path` (path without query). */
  eks: Record<string, (query: URLSearchParams) => Reply>;
  /** Kubernetes handlers by path (without query). */
  kube: Record<string, (query: URLSearchParams) => Reply>;
  calls: Call[];
}

function notFound(what: string): [number, string] {
  return [599, `fake cloud has no handler for ${what}`];
}

/**
 * Answers the EC2 Query API, the EKS REST-JSON API and the Kubernetes API through nock, from the
 * handler tables of `fake` (which tests may change). Interceptors a test registers before this
 * one (e.g. with `.delay()`) take precedence.
 */
export function installFakeCloud(fake: FakeCloud, hosts: { kube: string; ec2?: string; eks?: string }): void {
  nock(hosts.ec2 ?? EC2_HOST)
    .persist()
    .post('/')
    .reply(function (_uri, body) {
      const params = new URLSearchParams(typeof body === 'string' ? body : new URLSearchParams(body as Record<string, string>).toString());
      const action = params.get('Action') ?? '';
      fake.calls.push({ service: 'ec2', op: action, token: params.get('NextToken') ?? undefined, headers: this.req.headers });
      const h = fake.ec2[action];
      if (!h) return notFound(`EC2 ${action}`);
      const r = h(params);
      return [r.status, r.body, r.headers ?? {}];
    });
  const rest = (host: string, service: 'eks' | 'kube', table: () => Record<string, (q: URLSearchParams) => Reply>) => {
    for (const method of ['get', 'post'] as const) {
      nock(host)
        .persist()
        [method](() => true)
        .reply(function (uri) {
          const url = new URL(uri, 'http://fake');
          const key = service === 'eks' ? `${method.toUpperCase()} ${url.pathname}` : url.pathname;
          fake.calls.push({
            service,
            op: key,
            token: url.searchParams.get('nextToken') ?? url.searchParams.get('continue') ?? undefined,
            headers: this.req.headers,
          });
          const h = table()[key];
          if (!h) return service === 'kube' ? [404, kubeStatus(404, 'NotFound', `no handler for ${key}`).body] : notFound(`EKS ${key}`);
          const r = h(url.searchParams);
          return [r.status, typeof r.body === 'string' ? r.body : JSON.stringify(r.body), r.headers ?? { 'content-type': 'application/json' }];
        });
    }
  };
  rest(hosts.eks ?? EKS_HOST, 'eks', () => fake.eks);
  rest(hosts.kube, 'kube', () => fake.kube);
}

export function callsOf(fake: FakeCloud, service: Call['service'], op: string): Call[] {
  return fake.calls.filter((c) => c.service === service && c.op === op);
}
