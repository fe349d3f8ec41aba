// serverless.yml: the functions that compute drift impact run with a larger V8 young generation (README "Performance"),
// and with memory a deployment can raise for large clusters; the Slack function (its cold start) keeps the defaults.
import { spawnSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parseYaml } from '../../src/util/yaml';

const serverless: any = parseYaml(readFileSync(path.join(__dirname, '..', '..', 'serverless.yml'), 'utf8'));

/** The default of an `${env:NAME, default}` reference, as osls resolves it when NAME is unset. */
function envDefault(ref: string): string {
  const m = /^\$\{env:\w+, '?([^'}]*)'?\}$/.exec(ref);
  if (!m) throw new Error(`not an env reference with a default: ${ref}`);
  return m[1]!;
}

describe('serverless.yml: runtime options of the analysis functions', () => {
  const nodeOptions = envDefault(serverless.custom.nodeOptions);

  it.each(['worker', 'jobs', 'jobsConsumer'])('%s runs with custom.nodeOptions and custom.analysisMemoryMb', (name) => {
    const fn = serverless.functions[name];
    expect(fn.environment.NODE_OPTIONS).toBe('${self:custom.nodeOptions}');
    expect(fn.memorySize).toBe('${self:custom.analysisMemoryMb}');
  });

  it('the Slack function keeps the defaults (its cold start is measured without them)', () => {
    expect(serverless.functions.slack.environment?.NODE_OPTIONS).toBeUndefined();
    expect(serverless.functions.slack.memorySize).toBeUndefined();
    expect(serverless.provider.environment.NODE_OPTIONS).toBeUndefined();
  });

  it('the default options are ones Node accepts in NODE_OPTIONS (a refused flag would fail every invocation)', () => {
    expect(nodeOptions).toBe('--max-semi-space-size=64');
    const run = spawnSync(process.execPath, ['-e', 'process.stdout.write("ok")'], { env: { ...process.env, NODE_OPTIONS: nodeOptions }, encoding: 'utf8' });
    expect(run.stderr).toBe('');
    expect(run.stdout).toBe('ok');
    const refused = spawnSync(process.execPath, ['-e', '0'], { env: { ...process.env, NODE_OPTIONS: '--no-such-v8-flag' }, encoding: 'utf8' });
    expect(refused.status).not.toBe(0);
  });

  it('memory defaults to 1024 MB and a deployment can raise it', () => {
    expect(envDefault(serverless.custom.analysisMemoryMb)).toBe('1024');
    expect(serverless.custom.analysisMemoryMb).toContain('env:EKSNET_ANALYSIS_MEMORY_MB');
  });
});
