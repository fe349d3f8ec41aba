import { execFile } from 'node:child_process';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

export const ROOT = path.join(__dirname, '..', '..');

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
    metafile: (handlerFile) => JSON.parse(readFileSync(path.join(ROOT, '.esbuild', '.build', `${handlerFile}-meta.json`), 'utf8')),
  };
}
