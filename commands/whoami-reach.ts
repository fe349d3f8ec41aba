import type { ReachResult, Verdict } from '../src/model/result';
import { evaluateFlow, reachEngine, reachResult } from '../src/engine/reach';
import { planQuery } from '../src/resolve/flows';
import { reachMap, type ReachMap } from '../src/engine/reach-map';
import { BadInputError, EksnetError, errorMessage } from '../src/util/errors';
import { K8S_KINDS, type Snapshot } from '../src/model/snapshot';
import { splitWords } from './args';
import type { Command, CommandArgs, CommandContext, CommandResult, LoadedState } from './types';

export interface ReachDetail {
  mode: 'pair' | 'map' | 'batch';
  from?: string;
  to?: string;
  port?: string;
  rows?: BatchRow[];
}

export interface BatchRow {
  line: number;
  text: string;
  verdict?: Verdict;
  expect?: Verdict;
  error?: string;
  flows?: number;
}

export type WhoamiReachData = ReachResult | ReachMap;

const EXPECTATIONS = new Set(['allowed', 'denied', 'partial']);

export const whoamiReachCommand: Command<WhoamiReachData> = {
  name: 'whoami-reach',
  summary: 'Can FROM open a connection to TO? Layer by layer, with the object that blocks and the fix.',
  usage: 'whoami-reach FROM [TO [PORT[/PROTOCOL]]] | whoami-reach --batch FILE',
  examples: [
    'whoami-reach shop/frontend shop/checkout',
    'whoami-reach shop/svc/frontend shop/deploy/payments 9090/tcp',
    'whoami-reach shop/checkout internet 443',
    'whoami-reach shop/frontend',
    'whoami-reach --batch connectivity.txt --json',
  ],
  readOnly: true,
  async run(args, ctx) {
    if (typeof args.flags.batch === 'string') return runBatch(args, ctx);
    const [from, to, port, ...rest] = args.words;
    if (from === undefined) throw new BadInputError('whoami-reach needs FROM [TO [PORT]] (or --batch FILE)');
    if (args.words.some((w) => w.trim() === '')) throw new BadInputError('empty word in whoami-reach FROM TO [PORT]');
    if (rest.length > 0) throw new BadInputError(`unexpected words after PORT: ${rest.join(' ')}`);
    const state = await ctx.loadState(args);
    const engine = reachEngine(state.snapshot);
    return blameMissingData(state.snapshot, () => runQuery(engine, state, from, to, port));
  },
};

/**
 * A reference that does not resolve, or a Service without pods, is the user's mistake only when the
 * cluster's objects were read; when the collection could not read them it is missing data (exit 1),
 * and the answer says which.
 */
function blameMissingData<T>(snapshot: Snapshot, run: () => T): T {
  try {
    return run();
  } catch (err) {
    const unread = snapshot.collection.missing.filter((m) => (K8S_KINDS as readonly string[]).includes(m.resource));
    // Only "not found" kinds of bad input can come from objects the collection did not read.
    if (!(err instanceof BadInputError) || unread.length === 0 || !/^(unknown endpoint|nothing to check|port name)/.test(err.message)) throw err;
    const what = unread.map((m) => `${m.resource} (${m.reason})`).join(', ');
    throw new EksnetError(`${err.message}; but the collection could not read ${what}, so this may be missing data, not a wrong reference`, { cause: err });
  }
}

function runQuery(
  engine: ReturnType<typeof reachEngine>,
  state: LoadedState,
  from: string,
  to: string | undefined,
  port: string | undefined,
): CommandResult<WhoamiReachData> {
  if (to === undefined) {
    const map = reachMap(engine, from);
    return { command: 'whoami-reach', data: map, state: state.info, exitCode: 0, notices: map.notices, detail: { mode: 'map', from } };
  }
  const plan = planQuery(engine, from, to, port);
  const result = reachResult(plan.flows.map((f) => evaluateFlow(engine, f)));
  return {
    command: 'whoami-reach',
    data: result,
    state: state.info,
    exitCode: 0,
    notices: plan.notices,
    detail: { mode: 'pair', from: plan.from.label, to: plan.to.label, port } satisfies ReachDetail,
  };
}

/** One batch line: `FROM TO [PORT] [expect allowed|denied|partial]`. */
export function parseBatchLine(text: string): { from: string; to: string; port?: string; expect?: Verdict } {
  const words = splitWords(text);
  let expect: Verdict | undefined;
  if (words.length >= 2 && words[words.length - 2]!.toLowerCase() === 'expect') {
    const value = words.pop()!.toLowerCase();
    words.pop();
    if (!EXPECTATIONS.has(value)) throw new BadInputError(`bad expectation "${value}": use expect allowed|denied|partial`);
    expect = value as Verdict;
  }
  if (words.length < 2 || words.length > 3) throw new BadInputError(`expected FROM TO [PORT] [expect VERDICT], got "${text.trim()}"`);
  return { from: words[0]!, to: words[1]!, port: words[2], expect };
}

async function runBatch(args: CommandArgs, ctx: CommandContext): Promise<CommandResult<WhoamiReachData>> {
  if (args.words.length > 0) throw new BadInputError(`--batch takes its queries from the file, not the command line (got ${args.words.join(' ')})`);
  const input = await ctx.readInput(args.flags.batch as string);
  const state = await ctx.loadState(args);
  const engine = reachEngine(state.snapshot);
  const jsonLines: unknown[] = [];
  // Stream JSON lines when the caller can take them: a 10,000-line batch need not sit in memory.
  const emit = args.flags.json === true && ctx.emitJsonLine ? ctx.emitJsonLine : (line: unknown) => jsonLines.push(line);
  const batch = answerBatch(engine, input, emit);
  return {
    command: 'whoami-reach',
    data: { verdict: 'allowed', flows: [] },
    jsonLines,
    state: state.info,
    exitCode: batch.badInput ? 2 : batch.failed ? 1 : 0,
    notices: batch.notices,
    detail: { mode: 'batch', rows: batch.rows } satisfies ReachDetail,
  };
}

export interface BatchOutcome {
  rows: BatchRow[];
  /** One line per failed expectation: `line 3: expected allowed, got denied: …`. */
  notices: string[];
  badInput: boolean;
  failed: boolean;
}

/**
 * Answer batch lines (`FROM TO [PORT] [expect VERDICT]`) on one engine; `emit` receives each line's
 * JSON (the single query's object, or `{"error"}`). Shared by `whoami-reach --batch` and `impact --expect`.
 */
export function answerBatch(engine: ReturnType<typeof reachEngine>, input: string, emit: (line: unknown) => void = () => {}): BatchOutcome {
  const rows: BatchRow[] = [];
  const notices: string[] = [];
  let badInput = false;
  let failed = false;
  input.split(/\r?\n/).forEach((raw, i) => {
    const text = raw.trim();
    if (text === '' || text.startsWith('#')) return;
    const line = i + 1;
    try {
      const q = parseBatchLine(text);
      const plan = planQuery(engine, q.from, q.to, q.port);
      const result = reachResult(plan.flows.map((f) => evaluateFlow(engine, f)));
      const ok = q.expect === undefined || q.expect === result.verdict;
      if (!ok) failed = true;
      rows.push({ line, text, verdict: result.verdict, expect: q.expect, flows: result.flows.length });
      // Each JSON line is exactly what the single query prints; failed expectations go to stderr.
      emit(result);
      if (!ok) notices.push(`line ${line}: expected ${q.expect}, got ${result.verdict}: ${text}`);
    } catch (err) {
      if (!(err instanceof BadInputError)) throw err;
      badInput = true;
      rows.push({ line, text, error: errorMessage(err) });
      emit({ error: `line ${line}: ${errorMessage(err)}` });
    }
  });
  return { rows, notices, badInput, failed };
}
