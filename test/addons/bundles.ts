// The Lambda handlers as they are deployed: esbuild bundles of src/slack/lambda.ts and src/slack/worker.ts with the
// project's esbuild plugins (serverless.yml custom.esbuild), each invocation run in a fresh `node` process.
import { spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const ROOT = path.join(__dirname, '..', '..');

export interface Bundles {
  slack: string;
  worker: string;
}

export async function buildBundles(): Promise<Bundles> {
  const esbuild = await import('esbuild');
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const plugins = require(path.join(ROOT, 'src', 'slack', 'esbuild-plugins.js'));
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-bundles-'));
  const one = async (entry: string, out: string) => {
    await esbuild.build({ entryPoints: [path.join(ROOT, entry)], bundle: true, platform: 'node', target: 'node20', format: 'cjs', outfile: path.join(dir, out), plugins, logLevel: 'error' });
    return path.join(dir, out);
  };
  return { slack: await one('src/slack/lambda.ts', 'slack.js'), worker: await one('src/slack/worker.ts', 'worker.js') };
}

export interface Invocation {
  result: any;
  /** JSON log lines the handler wrote. */
  logs: any[];
  stderr: string;
  code: number | null;
}

/** Run `handler(event)` from `bundle` in a new node process with exactly `env` (plus PATH). */
export function invokeFresh(bundle: string, event: unknown, env: Record<string, string>): Promise<Invocation> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-event-'));
  const file = path.join(dir, 'event.json');
  writeFileSync(file, JSON.stringify(event));
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [path.join(__dirname, 'lambda-driver.js'), bundle, file], { env: { PATH: process.env.PATH ?? '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    let err = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    child.on('error', reject);
    child.on('close', (code) => {
      const lines = out.split('\n');
      const marker = lines.find((l) => l.startsWith('@@RESULT@@'));
      const logs = lines.filter((l) => l.startsWith('{')).map((l) => {
        try {
          return JSON.parse(l);
        } catch {
          return { raw: l };
        }
      });
      resolve({ result: marker ? JSON.parse(marker.slice('@@RESULT@@'.length)) : undefined, logs, stderr: err, code });
    });
  });
}
