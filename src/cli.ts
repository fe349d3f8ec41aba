import { promises as fs } from 'node:fs';
import { parseArgs, splitSubcommand } from '../commands/args';
import { COMMANDS, findCommand } from '../commands/index';
import type { Command, CommandContext, CommandResult, StateInfo } from '../commands/types';
import { describeState } from './render/text/state-line';
import { renderText } from './render/text/index';
import { terminalOptions } from './render/text/layout';
import { loadState } from '../commands/source';
import { BadInputError, errorMessage } from './util/errors';
import { escapeControl } from './util/escape';

export interface CliIo {
  stdout: (text: string) => void;
  stderr: (text: string) => void;
  readStdin: () => Promise<string>;
  env: NodeJS.ProcessEnv;
  /** The terminal stdout is, if any: text answers wrap to its width and use colour (unless NO_COLOR). */
  terminal?: { isTTY?: boolean; columns?: number };
}

const processIo: CliIo = {
  stdout: (t) => process.stdout.write(t),
  stderr: (t) => process.stderr.write(t),
  readStdin: async () => {
    const chunks: Buffer[] = [];
    for await (const c of process.stdin) chunks.push(c as Buffer);
    return Buffer.concat(chunks).toString('utf8');
  },
  env: process.env,
  terminal: process.stdout,
};

export function usage(): string {
  const lines = ['Usage: eksnet <command> [args] [--snapshot PATH | --cluster NAME [--region R]] [--json]', '', 'Commands:'];
  for (const c of COMMANDS) lines.push(`  ${c.name.padEnd(14)} ${c.summary}`);
  lines.push('', 'Examples:');
  for (const c of COMMANDS) for (const e of c.examples.slice(0, 2)) lines.push(`  eksnet ${e}`);
  lines.push('', 'Run `eksnet <command> --help` for a command\'s usage.');
  return lines.join('\n') + '\n';
}

export function commandHelp(c: Command): string {
  return [`Usage: eksnet ${c.usage}`, '', c.summary, '', 'Examples:', ...c.examples.map((e) => `  eksnet ${e}`), '', 'Every command takes --snapshot PATH, --cluster NAME, --region R, --json and -v/--verbose (every flow and layer).'].join('\n') + '\n';
}

export function makeContext(io: CliIo, seen: { state?: StateInfo } = {}): CommandContext {
  return {
    env: io.env,
    emitJsonLine: (line) => io.stdout(JSON.stringify(line) + '\n'),
    runJob: async (input) => {
      // Loaded only for `eksnet jobs run`: the jobs and the Slack Web API client stay out of other commands.
      const { parseAt, parseJob, runJobNow } = await import('./scheduled/run');
      const job = parseJob(input.job);
      const at = parseAt(input.at);
      const summary = await runJobNow({ job, at, ...(input.cluster ? { cluster: input.cluster } : {}) }, io.env);
      return { job, at: at.toISOString(), clusters: summary.clusters };
    },
    loadState: async (args) => {
      const loaded = await loadState(args, io.env);
      seen.state = loaded.info;
      return loaded;
    },
    readInput: async (p) => {
      if (p === '-') return io.readStdin();
      try {
        return await fs.readFile(p, 'utf8');
      } catch (err) {
        throw new BadInputError(`cannot read ${p}: ${(err as NodeJS.ErrnoException).code === 'ENOENT' ? 'no such file' : errorMessage(err)}`);
      }
    },
  };
}

/** Warnings about the data itself: printed with every answer, and before an error too. */
function printStateWarnings(state: StateInfo | undefined, io: CliIo): void {
  for (const w of state?.warnings ?? []) io.stderr(`eksnet: warning: ${w}\n`);
  for (const m of state?.missing ?? []) io.stderr(`eksnet: warning: ${m.resource} was not collected (${m.reason}); layers that need it are not evaluated.\n`);
}

function printResult(result: CommandResult, json: boolean, io: CliIo, verbose = false): void {
  if (result.state?.mode === 'demo') io.stderr('eksnet: no cluster configured and no --snapshot: using the bundled demo snapshot (cluster demo-eks).\n');
  printStateWarnings(result.state, io);
  // The JSON shapes are fixed, so a live answer's age goes to stderr (text answers carry it inline).
  if (json && result.state?.mode === 'live') io.stderr(`eksnet: data: ${describeState(result.state)}\n`);
  if (json) {
    for (const n of result.notices) io.stderr(`eksnet: note: ${n}\n`);
    if (result.jsonLines) io.stdout(result.jsonLines.map((l) => JSON.stringify(l)).join('\n') + (result.jsonLines.length ? '\n' : ''));
    else io.stdout(JSON.stringify(result.data, null, 2) + '\n');
  } else {
    io.stdout(renderText(result, terminalOptions(io.terminal ?? {}, io.env, verbose)));
  }
}

/** Run the CLI; returns the exit status (0 done, 1 failure, 2 bad input — CONTRACT §2). */
export async function main(argv: string[], io: CliIo = processIo): Promise<number> {
  const { name, rest } = splitSubcommand(argv);
  if (!name || name === 'help') {
    const topic = name === 'help' ? splitSubcommand(rest).name : undefined;
    const about = topic ? findCommand(topic) : undefined;
    if (topic && !about) {
      io.stderr(`eksnet: unknown command "${escapeControl(topic)}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
      return 2;
    }
    if (!name && rest.some((a) => a !== '--help' && a !== '-h' && a !== '--json')) {
      io.stderr('eksnet: no command given (run eksnet help)\n');
      return 2;
    }
    io.stdout(about ? commandHelp(about) : usage());
    return 0;
  }
  const command = findCommand(name);
  if (!command) {
    io.stderr(`eksnet: unknown command "${escapeControl(name)}" (commands: ${COMMANDS.map((c) => c.name).join(', ')})\n`);
    return 2;
  }
  const seen: { state?: StateInfo } = {};
  try {
    const args = parseArgs(rest);
    if (args.flags.help) {
      io.stdout(commandHelp(command));
      return 0;
    }
    const result = await command.run(args, makeContext(io, seen));
    printResult(result, args.flags.json === true, io, args.flags.verbose === true);
    return result.exitCode;
  } catch (err) {
    // Bad input gets exactly one line (CONTRACT §2); any other failure is told with the data's gaps first.
    if (!(err instanceof BadInputError)) printStateWarnings(seen.state, io);
    if (err instanceof BadInputError) {
      // One line, whatever the message echoes: control characters (ANSI escapes, CR, newlines) are shown escaped.
      io.stderr(`eksnet: ${escapeControl(err.message.replace(/\n+$/, ''))}\n`);
      return 2;
    }
    io.stderr(`eksnet: error: ${escapeControl(errorMessage(err).split('\n')[0]!)}\n`);
    if (io.env.EKSNET_DEBUG) io.stderr(`${(err as Error)?.stack ?? ''}\n`);
    return 1;
  }
}
