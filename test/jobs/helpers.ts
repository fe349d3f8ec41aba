import { cpSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import nock from 'nock';

export const DEMO_SNAPSHOT = path.join(__dirname, '..', '..', 'demo', 'snapshot');
export const NODE_SG = 'sg-0a0de5ec000000002';

/** A copy of the demo snapshot in a fresh temporary directory, with `edit` applied to its security groups. */
export function demoCopy(editGroups?: (groups: any[]) => void): string {
  const dir = path.join(mkdtempSync(path.join(tmpdir(), 'eksnet-jobs-')), 'snapshot');
  cpSync(DEMO_SNAPSHOT, dir, { recursive: true });
  if (editGroups) {
    const file = path.join(dir, 'aws', 'security-groups.json');
    const doc = JSON.parse(readFileSync(file, 'utf8'));
    editGroups(doc.SecurityGroups);
    writeFileSync(file, JSON.stringify(doc, null, 2));
  }
  return dir;
}

/** SSH open to the internet on the node group: critical drift (src/drift/severity.ts). */
export function openSshToWorld(groups: any[]): void {
  groups.find((g) => g.GroupId === NODE_SG).IpPermissions.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] });
}

/** `n` new VPC-internal rules on the node group: medium drift, enough to overflow a digest. */
export function manyInternalRules(n: number): (groups: any[]) => void {
  return (groups) => {
    const g = groups.find((x) => x.GroupId === NODE_SG);
    for (let i = 0; i < n; i++) g.IpPermissions.push({ IpProtocol: 'tcp', FromPort: 20000 + i, ToPort: 20000 + i, IpRanges: [{ CidrIp: '10.0.0.0/16' }], Ipv6Ranges: [], PrefixListIds: [], UserIdGroupPairs: [] });
  };
}

export interface PostedMessage {
  channel: string;
  text: string;
  blocks?: any[];
}

/**
 * Answer chat.postMessage on the Slack Web API (SLACK_API_URL) `times` times, recording each call's body:
 * the WebClient sends a form body with `blocks` as JSON text.
 */
export function slackPosts(base: string, times = 10, reply: () => object = () => ({ ok: true, ts: '1700000000.000100' })): PostedMessage[] {
  const posted: PostedMessage[] = [];
  nock(base)
    .post('/api/chat.postMessage')
    .times(times)
    .reply(200, (_uri, body) => {
      const form = typeof body === 'string' ? Object.fromEntries(new URLSearchParams(body)) : (body as Record<string, string>);
      posted.push({ channel: form.channel!, text: form.text!, blocks: form.blocks ? JSON.parse(form.blocks) : undefined });
      return reply();
    });
  return posted;
}

/** A fresh, empty local state store directory (EKSNET_STATE_DIR) for one test. */
export function freshStateDir(): string {
  return mkdtempSync(path.join(tmpdir(), 'eksnet-state-'));
}
