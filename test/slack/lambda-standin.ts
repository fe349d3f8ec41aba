import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

/** One Invoke the stand-in received. */
export interface Invoked {
  functionName: string;
  /** X-Amz-Invocation-Type (Event: asynchronous). */
  invocationType: string;
  payload: any;
}

/**
 * The Lambda Invoke API on 127.0.0.1 (POST /2015-03-31/functions/NAME/invocations,
 * https://docs.aws.amazon.com/lambda/latest/api/API_Invoke.html), for AWS_ENDPOINT_URL_LAMBDA: records each event the
 * `slack` function hands to the worker and answers 202 as Lambda does for InvocationType Event. The test then runs the
 * worker with the recorded event (in this process or a fresh one), as Lambda would.
 */
export class LambdaStandIn {
  readonly invoked: Invoked[] = [];
  private server?: Server;
  url = '';

  async start(): Promise<this> {
    this.server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => {
        const m = /^\/2015-03-31\/functions\/([^/]+)\/invocations/.exec(req.url ?? '');
        if (req.method !== 'POST' || !m) {
          res.writeHead(404, { 'content-type': 'application/json' }).end(JSON.stringify({ message: 'not an Invoke' }));
          return;
        }
        const raw = Buffer.concat(chunks).toString('utf8');
        this.invoked.push({ functionName: decodeURIComponent(m[1]!), invocationType: String(req.headers['x-amz-invocation-type'] ?? 'RequestResponse'), payload: raw ? JSON.parse(raw) : undefined });
        res.writeHead(202, { 'content-type': 'application/json', 'x-amzn-requestid': `req-${this.invoked.length}` }).end();
      });
    });
    await new Promise<void>((r) => this.server!.listen(0, '127.0.0.1', () => r()));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
    return this;
  }

  /** The payloads handed over since `since` (an earlier length of `invoked`). */
  events(since = 0): any[] {
    return this.invoked.slice(since).map((i) => i.payload);
  }

  async stop(): Promise<void> {
    await new Promise<void>((r) => (this.server ? this.server.close(() => r()) : r()));
  }
}
