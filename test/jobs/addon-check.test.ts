// The scheduled add-on check: one "Upgrade" button per managed add-on behind its newest compatible version.
import nock from 'nock';
import { handler, resetJobsHandler } from '../../jobs/handler';
import { limitViolations } from '../../src/render/slack/limits';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { cpSync, mkdtempSync, rmSync } from 'node:fs';
import { buildOffers } from '../../src/addons/offer-build';
import { getOffer } from '../../src/addons/offers';
import type { Snapshot } from '../../src/model/snapshot';
import { renderOfferMessage } from '../../src/render/slack/addon-offer';
import { loadSnapshot } from '../../src/snapshot/load';
import { listAudit } from '../../src/state/audit';
import { openStateStore } from '../../src/state/index';
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
  it('offers each add-on with a version the rules allow; each button carries only the id of an offer record in the state store', async () => {
    const posted = slackPosts(SLACK_API);
    const summary = await handler(event);
    expect(summary.clusters).toEqual([{ cluster: 'demo-eks', outcome: 'posted', posted: 1 }]);
    expect(posted).toHaveLength(1);
    const offer = posted[0]!;
    expect(offer.channel).toBe('C0PROD');
    expect(offer.text).toBe('Add-on upgrades on demo-eks: coredns v1.11.3-eksbuild.2 → v1.11.4-eksbuild.2 (open), kube-proxy v1.31.2-eksbuild.3 → v1.31.3-eksbuild.2 (open), vpc-cni v1.19.0-eksbuild.1 → v1.19.2-eksbuild.5 (open)');
    const buttons = offer.blocks!.filter((b) => b.accessory?.type === 'button').map((b) => b.accessory);
    expect(buttons.map((b) => b.action_id)).toEqual(['eksnet_addon_upgrade:coredns', 'eksnet_addon_upgrade:kube-proxy', 'eksnet_addon_upgrade:vpc-cni']);
    expect(buttons[2].value).toMatch(/^[0-9a-f]{16}\.vpc-cni$/);
    // The confirm dialog says what will change.
    expect(buttons[2].confirm.title.text).toBe('Upgrade vpc-cni on demo-eks?');
    expect(buttons[2].confirm.text.text).toBe('vpc-cni v1.19.0-eksbuild.1 → v1.19.2-eksbuild.5: EKS updates the managed add-on.');
    const store = openStateStore(process.env);
    const rec = await getOffer(store, buttons[2].value);
    expect(rec!.data).toMatchObject({ cluster: 'demo-eks', channel: 'C0PROD', addon: 'vpc-cni', from: 'v1.19.0-eksbuild.1', to: 'v1.19.2-eksbuild.5', action: 'update-addon', state: 'open', required: 1 });
    expect(Date.parse(rec!.data.expiresAt) - Date.parse(rec!.data.createdAt)).toBe(7 * 86_400_000);
    expect(rec!.data.evidence.compatibilities).toContain('1.31');
    // Why kube-proxy v1.32.0 is not offered (compatibilities 1.32 only; cluster 1.31).
    expect(allText(offer)).toContain('not offered: v1.32.0-eksbuild.2 is newer but not compatible with Kubernetes 1.31');
    const events = await listAudit(store, { cluster: 'demo-eks' });
    expect(events.filter((e) => e.action === 'upgrade-offer').map((e) => e.subject).sort()).toEqual(buttons.map((b) => b.value).sort());
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

describe('self-managed add-ons get offers too', () => {
  /** The demo cluster as if created without managed add-ons (eksctl before v0.184): no describe-addon, no list-addons entry. */
  async function selfManagedDemo(): Promise<Snapshot> {
    const dir = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-selfmanaged-')), 'snapshot');
    cpSync(DEMO_SNAPSHOT, dir, { recursive: true });
    for (const f of ['addon-coredns.json', 'addon-kube-proxy.json', 'addon-vpc-cni.json', 'list-addons.json']) rmSync(path.join(dir, 'eks', f));
    return loadSnapshot(dir);
  }

  it('kube-proxy and coredns: the region\'s image with the same image type (set-image); the VPC CNI: migrate to managed (CreateAddon OVERWRITE)', async () => {
    const { offers } = buildOffers(await selfManagedDemo(), { cluster: 'demo-eks', channel: 'C0PROD', batch: '0123456789abcdef', required: 1, ttlDays: 7 });
    const byName = Object.fromEntries(offers.map((o) => [o.addon, o]));
    expect(byName['kube-proxy']).toMatchObject({
      managed: false,
      action: 'set-image',
      from: 'v1.31.2-minimal-eksbuild.3',
      to: 'v1.31.3-eksbuild.2',
      // us-west-2 from the cluster ARN; the -minimal- type kept below Kubernetes 1.34.
      image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2',
      workload: { kind: 'DaemonSet', namespace: 'kube-system', name: 'kube-proxy', container: 'kube-proxy' },
    });
    expect(byName.coredns).toMatchObject({ action: 'set-image', image: '602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/coredns:v1.11.4-eksbuild.2', workload: { kind: 'Deployment', name: 'coredns' } });
    expect(byName['vpc-cni']).toMatchObject({ action: 'create-addon', from: 'v1.19.0-eksbuild.1', to: 'v1.19.2-eksbuild.5' });
    const m = renderOfferMessage({ batch: '0123456789abcdef', cluster: 'demo-eks', channel: 'C0PROD', createdAt: '', notes: [] }, offers);
    const text = allText(m);
    expect(text).toContain('self-managed: set the image of DaemonSet kube-system/kube-proxy to `602401143452.dkr.ecr.us-west-2.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2` (as `eksctl utils update-kube-proxy`)');
    expect(text).toContain('self-managed: migrate to the managed EKS add-on (CreateAddon, resolveConflicts OVERWRITE');
    expect(limitViolations(m)).toEqual([]);
  });
});
