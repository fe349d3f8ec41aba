import * as path from 'node:path';
import { main } from '../../src/cli';

export const DEMO = path.join(__dirname, '..', '..', 'demo', 'snapshot');

export interface CliRun {
  code: number;
  stdout: string;
  stderr: string;
  json: () => any;
}

/** Run the CLI in-process, as `eksnet ARGV...` with the given environment and standard input. */
export async function runCli(argv: string[], opts: { env?: NodeJS.ProcessEnv; stdin?: string } = {}): Promise<CliRun> {
  let stdout = '';
  let stderr = '';
  const code = await main(argv, {
    stdout: (t) => void (stdout += t),
    stderr: (t) => void (stderr += t),
    readStdin: async () => opts.stdin ?? '',
    env: opts.env ?? {},
  });
  return { code, stdout, stderr, json: () => JSON.parse(stdout) };
}
