import { createServer, type IncomingMessage, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One request the stand-in received: Web API method (or response_url path), its body, when. */
export interface Received {
  method: string;
  body: Record<string, any>;
  at: number;
}

/** How to answer the next call of a method: an HTTP status, a Retry-After, or a Slack error (`ok: false`). */
export type Scripted = { status: 429; retryAfter: number } | { status: 500 | 502 | 503 } | { error: string };

/**
 * A Slack stand-in on 127.0.0.1: a real HTTP server the real WebClient talks to (SLACK_API_URL), answering
 * chat.postMessage and chat.update (`ok: true`, a ts), auth.test, and response_url POSTs under /response/.
 * `script(method, ...)` queues answers such as 429 with Retry-After or 500 for the next calls.
 */
export class SlackStandIn {
  readonly received: Received[] = [];
  private readonly scripts = new Map<string, Scripted[]>();
  private server?: Server;
  private seq = 0;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      void this.answer(req).then(({ status, headers, body }) => {
        res.writeHead(status, { 'content-type': 'application/json', ...headers });
        res.end(JSON.stringify(body));
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  get apiUrl(): string {
    return `${this.url}/api/`;
  }

  responseUrl(id: string): string {
    return `${this.url}/response/${id}`;
  }

  script(method: string, ...answers: Scripted[]): void {
    this.scripts.set(method, [...(this.scripts.get(method) ?? []), ...answers]);
  }

  /** Calls that Slack accepted (2xx, ok) for a method. */
  posts(method = 'chat.postMessage'): Received[] {
    return this.received.filter((r) => r.method === method && !r.body.__refused);
  }

  private async answer(req: IncomingMessage): Promise<{ status: number; headers?: Record<string, string>; body: unknown }> {
    const chunks: Buffer[] = [];
    for await (const c of req) chunks.push(c as Buffer);
    const raw = Buffer.concat(chunks).toString('utf8');
    const body: Record<string, any> = (req.headers['content-type'] ?? '').includes('json') ? JSON.parse(raw || '{}') : Object.fromEntries(new URLSearchParams(raw));
    if (typeof body.blocks === 'string') body.blocks = JSON.parse(body.blocks);
    const url = req.url ?? '';
    const method = url.startsWith('/response/') ? 'response' : url.replace(/^\/api\//, '').split('?')[0]!;
    if (method === 'response') body.__path = url.slice('/response/'.length);
    const record: Received = { method, body, at: Date.now() };
    this.received.push(record);
    const next = this.scripts.get(method)?.shift();
    if (next) {
      record.body.__refused = true;
      if ('error' in next) return { status: 200, body: { ok: false, error: next.error } };
      if (next.status === 429) return { status: 429, headers: { 'retry-after': String(next.retryAfter) }, body: { ok: false, error: 'ratelimited' } };
      return { status: next.status, body: { ok: false, error: 'internal_error' } };
    }
    if (method === 'auth.test') return { status: 200, body: { ok: true, user_id: 'UBOT', bot_id: 'BBOT', team_id: 'T0001' } };
    if (method === 'response') return { status: 200, body: { ok: true } };
    return { status: 200, body: { ok: true, channel: body.channel, ts: `1700000000.${String(++this.seq).padStart(6, '0')}` } };
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
