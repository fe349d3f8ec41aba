import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { ConfigError, loadConfig, parseConfig } from '../../src/config';
import { resolveSlackScope } from '../../src/slack/scope';
import { runCli } from '../cli/run-cli';

// CONTRACT §3: "an unknown key is an error, never ignored"; issue 10: it names the key and the nearest valid one.
describe('strict configuration', () => {
  it.each([
    [{ chanels: {} }, 'chanels', 'config: chanels: unknown key (did you mean "channels"?)'],
    [{ authorisation: { approvers: ['U1'] } }, 'authorisation', 'config: authorisation: unknown key (did you mean "authorization"?)'],
    [{ channels: { C1: { clusterz: ['prod'] } } }, 'channels.C1.clusterz', 'config: channels.C1.clusterz: unknown key (did you mean "channels.C1.clusters"?)'],
    [{ clusters: [{ name: 'prod', regoin: 'eu-west-1' }] }, 'clusters.0.regoin', 'config: clusters.0.regoin: unknown key (did you mean "clusters.0.region"?)'],
    [{ authorization: { approver: ['U1'] } }, 'authorization.approver', 'config: authorization.approver: unknown key (did you mean "authorization.approvers"?)'],
    [{ zzzzzz: 1 }, 'zzzzzz', 'config: zzzzzz: unknown key'],
    [{ cacheSeconds: 'sixty' }, 'cacheSeconds', 'config: cacheSeconds: Invalid input: expected number, received string'],
    [{ clusters: [{ name: 'prod' }], defaultCluster: 'prd' }, 'defaultCluster', 'config: defaultCluster: prd is not one of clusters (prod)'],
    [{ clusters: [{ name: 'prod' }], channels: { C1: { clusters: ['staging'] } } }, 'channels.C1.clusters.0', 'config: channels.C1.clusters.0: staging is not one of clusters (prod)'],
    [{ clusters: [{ name: 'prod' }, { name: 'prod' }] }, 'clusters.1.name', 'config: clusters.1.name: cluster prod is listed twice'],
  ])('%j is refused', (raw, key, message) => {
    let err: unknown;
    try {
      parseConfig(raw);
    } catch (e) {
      err = e;
    }
    expect(err).toBeInstanceOf(ConfigError);
    expect((err as ConfigError).key).toBe(key);
    expect((err as ConfigError).message).toBe(message);
  });

  it('accepts the README example', () => {
    const config = parseConfig({
      clusters: [{ name: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:role/eksnet-reader-prod', channel: 'C0PROD' }],
      defaultCluster: 'prod',
      cacheSeconds: 60,
      channels: { C0PROD: { clusters: ['prod'], defaultCluster: 'prod' } },
      authorization: { commands: { posture: ['S0PLATFORM'] }, approvers: ['U0ALICE'] },
    });
    expect(config.channels.C0PROD?.clusters).toEqual(['prod']);
  });

  it('an escape sequence in a key is shown escaped', () => {
    expect(() => parseConfig({ 'x\u001b[31m': 1 })).toThrow('config: x\\u001b[31m: unknown key');
  });
});

describe('scope (one function for commands and buttons)', () => {
  const config = loadConfig({
    EKSNET_CONFIG_JSON: JSON.stringify({
      clusters: [
        { name: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:role/r' },
        { name: 'staging' },
      ],
      channels: { C0PROD: { clusters: ['prod'] }, C0BOTH: { clusters: ['prod', 'staging'] } },
    }),
  });
  it.each([
    [{ channelId: 'C0PROD' }, { allowed: true, cluster: { name: 'prod', region: 'eu-west-1', roleArn: 'arn:aws:iam::111122223333:role/r' } }],
    [{ channelId: 'C0PROD', region: 'eu-west-1' }, { allowed: true }],
    [{ channelId: 'C0PROD', region: 'us-east-1' }, { allowed: false }],
    [{ channelId: 'C0PROD', cluster: 'staging' }, { allowed: false }],
    [{ channelId: 'C0OTHER' }, { allowed: false }],
    [{ channelId: 'C0BOTH' }, { allowed: false }],
    [{ channelId: 'C0BOTH', cluster: 'staging', defaultRegion: 'us-west-2' }, { allowed: true, cluster: { name: 'staging', region: 'us-west-2' } }],
    [{ channelId: 'C0BOTH', cluster: 'staging', region: 'eu-west-1', defaultRegion: 'us-west-2' }, { allowed: false }],
    [{ channelId: 'constructor' }, { allowed: false }],
  ])('%j', (req, expected) => {
    expect(resolveSlackScope(config, req)).toMatchObject(expected);
  });
});

describe('scope of a button (button: true): only in a channel of its cluster, also without `channels`', () => {
  const config = loadConfig({
    EKSNET_CONFIG_JSON: JSON.stringify({ clusters: [{ name: 'prod', region: 'eu-west-1', channel: 'C0PROD' }, { name: 'staging' }] }),
  });
  it.each([
    [{ channelId: 'C0PROD', cluster: 'prod' }, { allowed: true, cluster: { name: 'prod', region: 'eu-west-1' } }],
    [{ channelId: 'C0OTHER', cluster: 'prod' }, { allowed: false, reason: 'prod is decided only in <#C0PROD> (the channels configured for it), not in this channel' }],
    [{ channelId: 'C0PROD', cluster: 'staging' }, { allowed: false, reason: 'staging has no Slack channel in the eksnet configuration (clusters[].channel or channels), so its buttons act nowhere' }],
    [{ channelId: 'C0PROD', cluster: 'ghost' }, { allowed: false, reason: 'cluster ghost is not in the eksnet configuration (clusters: prod, staging)' }],
    [{ channelId: undefined, cluster: 'prod' }, { allowed: false, reason: 'prod is decided only in <#C0PROD> (the channels configured for it), not in this channel' }],
  ])('%j', (req, expected) => {
    expect(resolveSlackScope(config, { ...req, button: true })).toEqual(expected);
  });
  it('a slash command from another channel still reaches prod when `channels` is not configured (the button rule is stricter)', () => {
    expect(resolveSlackScope(config, { channelId: 'C0OTHER', cluster: 'prod' })).toMatchObject({ allowed: true });
  });
});

describe('eksnet config check', () => {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-config-'));
  const file = (name: string, text: string) => {
    writeFileSync(path.join(dir, name), text);
    return path.join(dir, name);
  };

  it('a valid file: exit 0 and a one-line summary', async () => {
    const f = file('good.yaml', 'clusters:\n  - {name: prod, region: eu-west-1}\nchannels:\n  C0PROD: {clusters: [prod]}\nauthorization:\n  approvers: [U0ALICE]\n');
    const run = await runCli(['config', 'check', f]);
    expect(run.code).toBe(0);
    expect(run.stdout).toBe(`configuration valid: ${f}: 1 cluster (prod), default prod, 1 channel, 1 approver, 0 command rules\n`);
    expect(run.stderr).toBe('');
  });

  it('EKSNET_CONFIG with an unknown key: exit 2 and one line naming the key and the nearest valid one', async () => {
    const f = file('bad.yaml', 'clusters:\n  - {name: prod, region: eu-west-1}\nchanels:\n  C0PROD: {clusters: [prod]}\n');
    const run = await runCli(['config', 'check'], { env: { EKSNET_CONFIG: f } });
    expect(run.code).toBe(2);
    expect(run.stdout).toBe('');
    expect(run.stderr).toBe('eksnet: config: chanels: unknown key (did you mean "channels"?)\n');
  });

  it('EKSNET_CONFIG_JSON, --json, and the defaults', async () => {
    const run = await runCli(['config', 'check', '--json'], { env: { EKSNET_CONFIG_JSON: '{"clusters": [{"name": "a"}, {"name": "b"}]}' } });
    expect(run.code).toBe(0);
    expect(run.json()).toMatchObject({ valid: true, source: 'EKSNET_CONFIG_JSON', clusters: ['a', 'b'] });
    const none = await runCli(['config', 'check']);
    expect(none.code).toBe(0);
    expect(none.stdout).toMatch(/^configuration valid: defaults/);
  });

  it.each([
    [['config', 'check', path.join(dir, 'missing.yaml')], /^eksnet: config .*missing\.yaml: cannot read/],
    [['config', 'check', file('syntax.yaml', 'clusters: [\n')], /^eksnet: config .*syntax\.yaml: /],
    [['config'], /^eksnet: config needs a verb/],
    [['config', 'chek'], /^eksnet: config: unknown verb "chek"/],
  ])('%j is bad input (exit 2, one line)', async (argv, message) => {
    const run = await runCli(argv as string[]);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stderr.trim().split('\n')).toHaveLength(1);
  });

  it('every command refuses to run on an invalid configuration', async () => {
    const run = await runCli(['posture'], { env: { EKSNET_CONFIG_JSON: '{"defaultClustr": "prod"}' } });
    expect(run.code).toBe(2);
    expect(run.stderr).toBe('eksnet: config: defaultClustr: unknown key (did you mean "defaultCluster"?)\n');
  });
});

