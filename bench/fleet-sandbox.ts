/**
 * One consumer sandbox of the fleet benchmark: a child process standing in for one Lambda execution
 * environment of the `jobsConsumer` function. It loads the function's real handler (jobs/consumer.ts) and
 * answers each event the parent's queue delivers over IPC, with the invocation's CPU time, the way the SQS
 * event source invokes a sandbox: one batch at a time, a 300 s timeout (serverless.yml) behind
 * getRemainingTimeInMillis.
 */
import { consume } from '../jobs/consumer';
import type { QueueEvent } from '../jobs/queue';
import { peakRssMb } from './measure';

const TIMEOUT_MS = 300_000;

export type SandboxRequest = { id: number; event: QueueEvent } | { id: -1; exit: true };

export interface SandboxReply {
  id: number;
  batchItemFailures?: { itemIdentifier: string }[];
  error?: string;
  wallMs: number;
  cpuMs: number;
  /** This sandbox's first invocation (on Lambda, the one after a cold start). */
  first: boolean;
}

let invoked = 0;

process.on('message', (req: SandboxRequest) => {
  if ('exit' in req) {
    process.send!({ id: -1, rssMb: peakRssMb() }, () => process.exit(0));
    return;
  }
  const started = performance.now();
  const cpu = process.cpuUsage();
  const context = { getRemainingTimeInMillis: () => TIMEOUT_MS - (performance.now() - started) };
  const first = invoked++ === 0;
  const reply = (r: Pick<SandboxReply, 'batchItemFailures' | 'error'>) => {
    const used = process.cpuUsage(cpu);
    process.send!({ id: req.id, ...r, first, wallMs: performance.now() - started, cpuMs: (used.user + used.system) / 1000 } satisfies SandboxReply);
  };
  consume(req.event, context).then(
    (res) => reply({ batchItemFailures: res.batchItemFailures }),
    (err: unknown) => reply({ error: err instanceof Error ? err.message : String(err) }),
  );
});
process.send!({ id: 0, wallMs: 0, cpuMs: 0, first: false } satisfies SandboxReply);
