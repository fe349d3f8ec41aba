import * as path from 'node:path';
import type { SecurityGroup } from '@aws-sdk/client-ec2';
import { demoSnapshotPath } from '../commands/source';
import { buildOffers } from '../src/addons/offer-build';
import { diff } from '../src/drift/index';
import { renderOfferMessage } from '../src/render/slack/addon-offer';
import { renderCriticalAlert, renderDriftDigest, type DigestContext } from '../src/render/slack/digest';
import { enforceLimits } from '../src/render/slack/limits';
import type { SlackMessage } from '../src/render/slack/types';
import { runJob } from '../src/slack/run';
import { loadSnapshot } from '../src/snapshot/load';

// The main Slack messages of eksnet on the bundled demo snapshot, rendered by the real code paths: slash commands
// through the Slack job runner (the same function the Lambda worker calls), the digest and the add-on offer through
// the scheduled jobs' renderers. The Block Kit goldens (test/render) and the README's pictures
// (npm run render:slack-previews) both come from here.

export const DEMO = demoSnapshotPath();

export interface DemoMessage {
  name: string;
  title: string;
  message: SlackMessage;
}

/** The slash commands the README and the goldens show. */
export const DEMO_COMMANDS: { name: string; title: string; words: string }[] = [
  { name: 'denied', title: 'Denied by NetworkPolicy', words: 'whoami-reach shop/frontend shop/payments' },
  { name: 'allowed', title: 'Allowed (through the NAT gateway)', words: 'whoami-reach shop/checkout internet 443' },
  { name: 'partial', title: 'Partial: one port of three blocked', words: 'whoami-reach shop/checkout kube-system/kube-dns' },
  { name: 'intermittent', title: 'Intermittent: a NACL return-path gap', words: 'whoami-reach shop/checkout data/postgres 5432' },
  { name: 'pod-sg-denied', title: 'Denied by a pod security group', words: 'whoami-reach shop/checkout pci/card-vault 8443' },
  { name: 'reach-map', title: 'Reach map', words: 'whoami-reach shop/checkout' },
  { name: 'posture', title: 'Posture', words: 'posture' },
];

/** A fixed clock, so the goldens do not age. */
const NOW = Date.parse('2026-12-01T07:00:00Z');

async function slash(words: string, env: NodeJS.ProcessEnv): Promise<SlackMessage> {
  const [command, ...argv] = words.split(' ');
  const message = await runJob({ command: command!, argv, userId: 'U0DEMO', channelId: 'C0DEMO', responseUrl: 'https://hooks.slack.com/commands/T0/1/x', share: false, ref: 'demo0001' }, env);
  return enforceLimits(message);
}

/** The demo with a few realistic changes: a database port opened to the world, a NetworkPolicy removed. */
async function driftedDemo() {
  const baseline = await loadSnapshot(DEMO);
  const current = await loadSnapshot(DEMO);
  const sg = current.aws.securityGroups.find((g: SecurityGroup) => g.GroupId === 'sg-0a0de5ec000000002')!;
  sg.IpPermissions = [...(sg.IpPermissions ?? []), { IpProtocol: 'tcp', FromPort: 5432, ToPort: 5432, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }];
  current.k8s.networkPolicies = current.k8s.networkPolicies.filter((p) => p.metadata.name !== 'payments-ingress');
  return { changes: diff(baseline, current), current };
}

export async function demoMessages(): Promise<DemoMessage[]> {
  // Answers state the data's age; the goldens must not depend on today's date.
  const realNow = Date.now;
  Date.now = () => NOW;
  try {
    // Relative to the working directory when it holds the demo, so answers name `demo/snapshot`, not this machine's path.
    const rel = path.relative(process.cwd(), DEMO);
    const env: NodeJS.ProcessEnv = { EKSNET_SNAPSHOT: rel && !rel.startsWith('..') ? rel : DEMO };
    const out: DemoMessage[] = [];
    for (const c of DEMO_COMMANDS) out.push({ name: c.name, title: `/eksnet ${c.words} — ${c.title}`, message: await slash(c.words, env) });

    const { changes, current } = await driftedDemo();
    const ctx: DigestContext = {
      cluster: 'demo-eks',
      baseline: '3',
      baselineCollectedAt: '2026-11-24T07:00:00Z',
      state: { mode: 'snapshot', source: 'demo/snapshot', cluster: 'demo-eks', collectedAt: '2026-12-01T06:55:00Z', missing: [] },
      cliCommand: 'eksnet drift --cluster demo-eks',
      now: NOW,
    };
    const items = changes.map((change, i) => ({ change, key: `k${i}`, recordId: `r${i}`, firstSeen: '2026-12-01T06:55:00Z' }));
    out.push({
      name: 'digest',
      title: 'Daily drift digest',
      message: enforceLimits(renderDriftDigest(ctx, { new: items, open: [], resolved: [], snoozed: 0, acceptAllId: 'digest-demo' }, [])),
    });
    const alert = renderCriticalAlert(ctx, changes.filter((c) => c.severity === 'critical'));
    if (alert) out.push({ name: 'critical-alert', title: 'Critical drift alert', message: enforceLimits(alert) });
    const { meta, offers } = buildOffers(current, { cluster: 'demo-eks', channel: 'C0DEMO', region: 'eu-west-1', batch: 'demo0000offers00', required: 1, ttlDays: 7, now: new Date(NOW) });
    if (offers.length) out.push({ name: 'offer', title: 'Add-on upgrade offer', message: enforceLimits(renderOfferMessage(meta, offers, new Date(NOW))) });
    return out;
  } finally {
    Date.now = realNow;
  }
}
