import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import * as path from 'node:path';
import { DEMO, demoMessages, type DemoMessage } from '../../scripts/demo-messages';
import { limitViolations } from '../../src/render/slack/limits';
import { allText } from '../slack/helpers';

// Golden Block Kit of the main messages on the demo snapshot (denied, allowed, partial, intermittent NACL return,
// pod security group, reach map, posture, digest, critical alert, add-on offer). A deliberate change is accepted
// by running once with EKSNET_UPDATE_GOLDEN=1 and reviewing the diff; the README's pictures render the same JSON.
const GOLDEN = path.join(__dirname, 'golden');

let messages: DemoMessage[];
beforeAll(async () => {
  messages = await demoMessages();
});

const byName = (name: string) => messages.find((m) => m.name === name)!.message;

it('renders every main message', () => {
  expect(messages.map((m) => m.name)).toEqual(['denied', 'allowed', 'partial', 'intermittent', 'pod-sg-denied', 'reach-map', 'posture', 'digest', 'critical-alert', 'offer']);
});

describe.each(['denied', 'allowed', 'partial', 'intermittent', 'pod-sg-denied', 'reach-map', 'posture', 'digest', 'critical-alert', 'offer'])('golden Block Kit %s', (name) => {
  it('matches the golden file and stays within Slack limits', () => {
    const message = byName(name);
    expect(limitViolations(message)).toEqual([]);
    const actual = JSON.stringify(message, null, 2).replaceAll(DEMO, '<demo>') + '\n';
    const file = path.join(GOLDEN, `${name}.json`);
    if (process.env.EKSNET_UPDATE_GOLDEN || !existsSync(file)) writeFileSync(file, actual);
    expect(actual).toBe(readFileSync(file, 'utf8'));
  });
});

describe('what a person reads first', () => {
  it('denied: verdict, one line per blocking layer, the pass line, the fix once as one kubectl block', () => {
    const text = allText(byName('denied'));
    expect(byName('denied').blocks![0]).toMatchObject({ text: { text: ':no_entry: *DENIED* shop/svc/frontend → shop/svc/payments 9090/TCP: 0 of 2 flows allowed' } });
    expect(text.match(/:no_entry: \*networkpolicy-(egress|ingress)\*/g)).toHaveLength(2);
    expect(text).toContain(':white_check_mark: SG, NACL, route: pass');
    expect(text.match(/kubectl apply -f - &lt;&lt;'EOF'/g)).toHaveLength(1);
    expect(text.match(/kind: NetworkPolicy/g)).toHaveLength(2);
  });

  it('partial: the port verdicts on one line, naming what blocks 9153', () => {
    expect(allText(byName('partial'))).toContain('*Ports:* 53/UDP :white_check_mark:  53/TCP :white_check_mark:  9153/TCP :no_entry: checkout-egress');
  });

  it('intermittent NACL return: its own word, the share of connections that time out and the ACL up front; one rule number', () => {
    const first = (byName('intermittent').blocks![0] as any).text.text as string;
    expect(first).toBe(':hourglass_flowing_sand: *INTERMITTENT* shop/svc/checkout → data/svc/postgres 5432/TCP: about 58% of connections time out (acl-0c0570000000000c2) · 0 of 2 flows allowed');
    expect(allText(byName('intermittent'))).toContain('--egress --rule-number 150 --protocol tcp --port-range From=32768,To=60999');
  });

  it('reach map: per-port verdicts and the denied services by name', () => {
    const text = allText(byName('reach-map'));
    expect(text).toContain(':warning: *kube-system/kube-dns*  53/TCP :white_check_mark:  53/UDP :white_check_mark:  9153/TCP :no_entry:');
    expect(text).toMatch(/:no_entry: denied \(7\): data\/postgres, default\/kubernetes, /);
    expect(text).not.toMatch(/Denied: \d+ other/);
  });

  it('posture groups repeated findings and shows fixes as code', () => {
    const text = allText(byName('posture'));
    expect(text).toContain(':large_blue_circle: *3 add-ons behind the newest compatible version: coredns, kube-proxy, vpc-cni*');
    expect(text).toContain(':large_yellow_circle: *2 namespaces without default deny: data, monitoring*');
    expect(text).toMatch(/_Fix:_\n```\naws ec2 revoke-security-group-ingress/);
  });

  it('one severity palette: the same icon for a severity in posture, the digest and the alert', () => {
    const icons = (m: any) => [...allText(m).matchAll(/(:[a-z_]+_circle:) (?:\d+ )?(critical|high|medium|low)/g)].map((x) => `${x[1]} ${x[2]}`);
    const all = new Set([...icons(byName('digest')), ...icons(byName('posture'))]);
    const perSeverity = new Map<string, Set<string>>();
    for (const pair of all) {
      const [icon, sev] = pair.split(' ');
      perSeverity.set(sev!, (perSeverity.get(sev!) ?? new Set()).add(icon!));
    }
    for (const [, set] of perSeverity) expect(set.size).toBe(1);
    expect(allText(byName('digest'))).toContain(':large_yellow_circle: 1 medium');
    expect(allText(byName('posture'))).toContain(':large_yellow_circle: *2 namespaces');
  });

  it('the Upgrade button asks for confirmation', () => {
    const buttons = (byName('offer').blocks as any[]).map((b) => b.accessory).filter((a) => a?.type === 'button');
    expect(buttons.length).toBeGreaterThan(0);
    for (const b of buttons) {
      expect(b.confirm).toMatchObject({ title: { type: 'plain_text' }, confirm: { text: 'Upgrade' }, deny: { text: 'Cancel' } });
      expect(b.confirm.text.text).toMatch(/^\S+ \S+ → \S+: /);
    }
  });
});
