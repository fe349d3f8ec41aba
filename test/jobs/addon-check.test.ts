// The scheduled add-on check: one "Upgrade" button per managed add-on behind its newest compatible version.
import nock from 'nock';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { LIMITS, limitViolations } from '../../src/render/slack/limits';
import { renderAddonOffer } from '../../src/render/slack/addon-offer';
import { setLogSink } from '../../src/util/log';
import { clearSecretsCache } from '../../src/util/slack-secrets';
import { allText, BOT_TOKEN, captureLogs, SIGNING_SECRET, SLACK_API, isolateEnv } from '../slack/helpers';
import { DEMO_SNAPSHOT, freshStateDir, slackPosts } from './helpers';

const ENV_KEYS = ['SLACK_SIGNING_SECRET', 'SLACK_BOT_TOKEN', 'SLACK_API_URL', 'EKSNET_SNAPSHOT', 'EKSNET_CONFIG_JSON', 'EKSNET_CONFIG', 'EKSNET_CLUSTER', 'SLACK_SECRETS_SSM_PREFIX', 'EKSNET_STATE_DIR', 'EKSNET_STATE_BUCKET', 'EKSNET_STATE_TABLE'];
const clearEnv = isolateEnv(ENV_KEYS);
let logs: ReturnType<typeof captureLogs>;
const event = { job: 'addon-check' as const, scheduledTime: '2026-11-30T08:00:00Z' };

beforeEach(() => {
  clearEnv();
  Object.assign(process.env, { SLACK_SIGNING_SECRET: SIGNING_SECRET, SLACK_BOT_TOKEN: BOT_TOKEN, SLACK_API_URL: `${SLACK_API}/api/`, EKSNET_SNAPSHOT: DEMO_SNAPSHOT });
  process.env.EKSNET_CONFIG_JSON = JSON.stringify({ clusters: [{ name: 'demo-eks', channel: 'C0PROD' }] });
  clearSecretsCache();
  resetJobsHandler();
  process.env.EKSNET_STATE_DIR = freshStateDir();
  logs = captureLogs(setLogSink);
});
afterEach(() => {
  logs.restore();
  nock.cleanAll();
});

describe('add-on check', () => {
  it('offers each managed add-on with a newer compatible version, a button carrying {cluster, addon, from, to}', async () => {
    const posted = slackPosts(SLACK_API);
    const summary = await handler(event);
    expect(summary.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 1 }]);
    expect(posted).toHaveLength(1);
    const offer = posted[0]!;
    expect(offer.channel).toBe('C0PROD');
    expect(offer.text).toBe('Add-on upgrades available on demo-eks: coredns v1.11.3-eksbuild.2 → v1.11.4-eksbuild.2, kube-proxy v1.31.2-eksbuild.3 → v1.31.3-eksbuild.2, vpc-cni v1.19.0-eksbuild.1 → v1.19.2-eksbuild.5');
    const buttons = offer.blocks!.filter((b) => b.accessory?.type === 'button').map((b) => b.accessory);
    expect(buttons.map((b) => b.action_id)).toEqual(['eksnet_addon_upgrade:coredns', 'eksnet_addon_upgrade:kube-proxy', 'eksnet_addon_upgrade:vpc-cni']);
    expect(JSON.parse(buttons[2].value)).toEqual({ cluster: 'demo-eks', addon: 'vpc-cni', from: 'v1.19.0-eksbuild.1', to: 'v1.19.2-eksbuild.5' });
    expect(allText(offer)).toContain('Only approvers (authorization.approvers) may start an upgrade');
    expect(limitViolations(offer)).toEqual([]);
  });

  it('the same scheduled event twice posts one offer', async () => {
    const posted = slackPosts(SLACK_API);
    await handler(event);
    const again = await handler(event);
    expect(again.clusters[0]!.outcome).toBe('duplicate');
    expect(posted).toHaveLength(1);
  });

  it('unknown job names are refused without posting', async () => {
    const posted = slackPosts(SLACK_API);
    const summary = await handler({ job: 'rm-rf' } as any);
    expect(summary).toEqual({ job: 'unknown', clusters: [] });
    expect(posted).toHaveLength(0);
  });
});

describe('renderAddonOffer', () => {
  const status = (name: string, managed = true) => ({ name, current: '1.0.0', latest: '1.1.0', upgradeAvailable: true, managed });

  it('nothing to offer: no message', () => {
    expect(renderAddonOffer('prod', [{ ...status('vpc-cni'), latest: '1.0.0', upgradeAvailable: false }])).toBeUndefined();
  });

  it('self-managed add-ons are named without a button (UpdateAddon acts only on managed add-ons)', () => {
    const m = renderAddonOffer('prod', [status('kube-proxy', false)])!;
    expect(m.blocks!.some((b: any) => b.accessory)).toBe(false);
    expect(allText(m)).toContain('Self-managed (upgrade by hand): kube-proxy 1.0.0 → 1.1.0.');
  });

  it('ids and values stay within Slack limits: an offer whose value would pass 2,000 characters gets no button', () => {
    const long = 'x'.repeat(LIMITS.buttonValue);
    const m = renderAddonOffer('prod', [status(long), status('coredns')])!;
    const buttons = m.blocks!.filter((b: any) => b.accessory).map((b: any) => b.accessory);
    expect(buttons.map((b: any) => b.action_id)).toEqual(['eksnet_addon_upgrade:coredns']);
    expect(allText(m)).toContain('no button: the offer does not fit in a Slack button');
    expect(limitViolations(m)).toEqual([]);
  });
});
