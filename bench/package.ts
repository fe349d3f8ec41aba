/**
 * `osls package` for the benchmark (bench/bundle-bench.ts) and the deployment test (test/deploy): the
 * CloudFormation template, each function's zip and esbuild metafile.
 */
import { execFile } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

/** The project root: the nearest directory above this file with serverless.yml (from bench/ or dist/bench/). */
function projectRoot(): string {
  for (let dir = __dirname; ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, 'serverless.yml'))) return dir;
    if (path.dirname(dir) === dir) throw new Error('serverless.yml not found above ' + __dirname);
  }
}

export const ROOT = projectRoot();

/** The configuration the package is built for: one cluster in the deploying account, one in another through roles. */
export const CONFIG = {
  clusters: [
    { name: 'prod', region: 'eu-west-1', channel: 'C0PROD' },
    {
      name: 'partner',
      region: 'us-east-1',
      channel: 'C0PARTNER',
      roleArn: 'arn:aws:iam::210987654321:role/eksnet-reader',
      upgradeRoleArn: 'arn:aws:iam::210987654321:role/eksnet-upgrader',
    },
  ],
};

export interface Packaged {
  dir: string;
  template: any;
  /** The bundle of a handler file (e.g. `src/slack/lambda`), as zipped. */
  bundle(handlerFile: string): string;
  /** esbuild metafile of a handler file (e.g. `src/slack/lambda`). */
  metafile(handlerFile: string): { inputs: Record<string, { bytes: number }>; outputs: Record<string, { bytes: number; inputs: Record<string, { bytesInOutput: number }> }> };
}

/**
 * `osls package` as a deployer runs it (no AWS credentials: packaging needs none), into a temporary
 * directory, keeping serverless-esbuild's build directory for the metafiles.
 */
export async function packageService(stage = 'ci'): Promise<Packaged> {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-package-'));
  const env = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    EKSNET_CONFIG_JSON: JSON.stringify(CONFIG),
    EKSNET_KEEP_BUILD: 'true',
    SLS_TELEMETRY_DISABLED: '1',
    SLS_NOTIFICATIONS_MODE: 'off',
    AWS_SDK_LOAD_CONFIG: '0',
  };
  await new Promise<void>((resolve, reject) => {
    execFile(process.execPath, [path.join(ROOT, 'node_modules', 'osls', 'bin', 'serverless.js'), 'package', '--stage', stage, '--package', dir], { cwd: ROOT, env, timeout: 300_000, maxBuffer: 10 << 20 }, (err, stdout, stderr) =>
      err ? reject(new Error(`osls package failed: ${err.message}\n${stdout}\n${stderr}`)) : resolve(),
    );
  });
  return {
    dir,
    template: JSON.parse(readFileSync(path.join(dir, 'cloudformation-template-update-stack.json'), 'utf8')),
    bundle: (handlerFile) => path.join(ROOT, '.esbuild', '.build', `${handlerFile}.js`),
    metafile: (handlerFile) => JSON.parse(readFileSync(path.join(ROOT, '.esbuild', '.build', `${handlerFile}-meta.json`), 'utf8')),
  };
}
