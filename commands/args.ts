import { BadInputError } from '../src/util/errors';
import type { CommandArgs } from './types';

/** Flags that take a value; every other known flag is a switch. */
export const VALUE_FLAGS = new Set(['snapshot', 'cluster', 'region', 'batch', 'baseline', 'out', 'since', 'version', 'at']);
const SWITCH_FLAGS = new Set(['json', 'fresh', 'share', 'help', 'verbose']);

/**
 * Split an invocation's words (CLI argv after the subcommand, or a Slack command's text) into
 * positional words and flags: `--name value`, `--name=value`, `--switch`, `-h`.
 */
export function parseArgs(argv: string[]): CommandArgs {
  const words: string[] = [];
  const flags: Record<string, string | boolean> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === '-h') {
      flags.help = true;
      continue;
    }
    if (arg === '-v') {
      flags.verbose = true;
      continue;
    }
    if (!arg.startsWith('--') || arg === '--') {
      if (arg === '-' || !arg.startsWith('-') || /^-\d/.test(arg)) words.push(arg);
      else throw new BadInputError(`unknown option ${arg}`);
      continue;
    }
    const eq = arg.indexOf('=');
    const name = arg.slice(2, eq === -1 ? undefined : eq);
    if (VALUE_FLAGS.has(name)) {
      const value = eq !== -1 ? arg.slice(eq + 1) : argv[++i];
      if (value === undefined || value === '') throw new BadInputError(`option --${name} needs a value`);
      flags[name] = value;
    } else if (SWITCH_FLAGS.has(name)) {
      if (eq !== -1) throw new BadInputError(`option --${name} takes no value`);
      flags[name] = true;
    } else {
      throw new BadInputError(`unknown option --${name}`);
    }
  }
  return { words, flags };
}

/** Split Slack command text into words, honouring "double" or 'single' quotes. */
export function splitWords(text: string): string[] {
  const out: string[] = [];
  const re = /"([^"]*)"|'([^']*)'|(\S+)/g;
  let m: RegExpExecArray | null;
  while ((m = re.exec(text)) !== null) out.push(m[1] ?? m[2] ?? m[3]!);
  return out;
}

/**
 * Find the subcommand in a full argv, allowing global flags before it as kubectl does
 * (`eksnet --snapshot S whoami-reach a b`). Returns the subcommand and the other words.
 */
export function splitSubcommand(argv: string[]): { name: string | undefined; rest: string[] } {
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg.startsWith('--')) {
      if (!arg.includes('=') && VALUE_FLAGS.has(arg.slice(2))) i++;
      continue;
    }
    if (arg.startsWith('-') && arg !== '-') continue;
    return { name: arg, rest: [...argv.slice(0, i), ...argv.slice(i + 1)] };
  }
  return { name: undefined, rest: argv };
}
