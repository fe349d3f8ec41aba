// Accept into baseline: the new baseline gains exactly the accepted change and nothing else that happened
// since (checked with drift itself). Security group rules are atomic per peer
// (https://docs.aws.amazon.com/AWSEC2/latest/APIReference/API_IpPermission.html), so one rule of a group can
// be accepted while the group's other changes stay drift.
import { snapshotDocuments, type BaselineDocument } from '../../src/baseline/documents';
import { acceptIntoDocuments, type AcceptItem } from '../../src/digest/accept';
import { capture, ownerOf } from '../../src/digest/owner';
import { diff } from '../../src/drift/diff';
import type { Change } from '../../src/model/result';
import type { Snapshot } from '../../src/model/snapshot';
import { loadSnapshot, snapshotFromDocuments } from '../../src/snapshot/load';
import { DEMO_SNAPSHOT, NODE_SG } from '../jobs/helpers';

const load = (docs: BaselineDocument[]) => snapshotFromDocuments('t', docs.map((d) => ({ doc: d.doc, origin: d.file })));
let baseDocs: BaselineDocument[];

beforeAll(async () => {
  baseDocs = snapshotDocuments(await loadSnapshot(DEMO_SNAPSHOT), '2026-11-27T06:00:00Z');
});

/** The current state: the baseline with `edit` applied to its documents. */
function current(edit: (docs: any[]) => void): Snapshot {
  const docs = structuredClone(baseDocs);
  edit(docs);
  return load(docs);
}

const groups = (docs: any[]) => docs.find((d) => d.doc.SecurityGroups).doc.SecurityGroups as any[];
const nodeSg = (docs: any[]) => groups(docs).find((g) => g.GroupId === NODE_SG);
const item = (c: Change, now: Snapshot): AcceptItem => ({ change: c, owner: ownerOf(c)!, captured: capture(now, ownerOf(c)!) });
const ids = (cs: Change[]) => cs.map((c) => `${c.kind} ${c.id} ${c.change}`).sort();

describe('accept into baseline', () => {
  it('one new rule of a group whose other rules also changed: only that rule joins the baseline', () => {
    const now = current((docs) => {
      const g = nodeSg(docs);
      // Two peers in one permission; the IPv6 one is not covered by 0.0.0.0/0, so it stays drift on its own (a peer
      // that 0.0.0.0/0 covers would admit nothing more once the world is accepted, and is no drift — issue 11).
      g.IpPermissions.push({ IpProtocol: 'tcp', FromPort: 22, ToPort: 22, IpRanges: [{ CidrIp: '0.0.0.0/0' }], Ipv6Ranges: [{ CidrIpv6: '2001:db8::/32' }] });
      g.IpPermissions.shift(); // an existing rule removed
    });
    const changes = diff(load(baseDocs), now);
    const ssh = changes.find((c) => c.id === `${NODE_SG}/ingress/tcp/22/0.0.0.0/0`)!;
    expect(changes.length).toBeGreaterThanOrEqual(3);

    const out = acceptIntoDocuments(baseDocs, [item(ssh, now)]);
    expect(out.kind).toBe('ok');
    const next = load((out as { documents: BaselineDocument[] }).documents);
    // The new baseline differs from the old by exactly the accepted rule …
    expect(ids(diff(load(baseDocs), next))).toEqual([`SecurityGroupRule ${ssh.id} added`]);
    // … and the cluster's other changes are still drift against it.
    expect(ids(diff(next, now))).toEqual(ids(changes.filter((c) => c !== ssh)));
    // Documents the change does not touch are passed through as they were.
    const untouched = (out as { documents: BaselineDocument[] }).documents.filter((d, i) => d === baseDocs[i]);
    expect(untouched.length).toBe(baseDocs.length - 1);
  });

  it('a removed rule: accepting takes it out of the baseline and leaves the group\'s other rules', () => {
    const now = current((docs) => nodeSg(docs).IpPermissions.shift());
    const removed = diff(load(baseDocs), now).filter((c) => c.change === 'removed');
    expect(removed.length).toBeGreaterThan(0);
    const out = acceptIntoDocuments(baseDocs, [item(removed[0]!, now)]);
    expect(out.kind).toBe('ok');
    const next = load((out as { documents: BaselineDocument[] }).documents);
    expect(ids(diff(load(baseDocs), next))).toEqual(ids([removed[0]!]));
  });

  it('a changed NetworkPolicy is replaced by its current form; a deleted one leaves the baseline', () => {
    const now = current((docs) => {
      const list = docs.find((d) => d.doc.kind === 'NetworkPolicyList').doc.items as any[];
      const i = list.findIndex((p) => p.metadata.name === 'allow-dns-egress');
      list.splice(i, 1);
      const fe = list.find((p) => p.metadata.name === 'frontend-egress');
      fe.spec.egress = [];
    });
    const changes = diff(load(baseDocs), now);
    expect(ids(changes)).toEqual(expect.arrayContaining([expect.stringMatching(/^NetworkPolicy .*allow-dns-egress removed$/), expect.stringMatching(/^NetworkPolicy .*frontend-egress modified$/)]));
    for (const c of changes) {
      const out = acceptIntoDocuments(baseDocs, [item(c, now)]);
      expect(out.kind).toBe('ok');
      expect(ids(diff(load(baseDocs), load((out as { documents: BaselineDocument[] }).documents)))).toEqual(ids([c]));
    }
    // Both at once ("Accept all"): the baseline then matches the cluster.
    const all = acceptIntoDocuments(baseDocs, changes.map((c) => item(c, now)));
    expect(diff(load((all as { documents: BaselineDocument[] }).documents), now)).toEqual([]);
  });

  it('one setting of an object whose other settings changed too cannot be accepted alone: it says which others would come with it', () => {
    const now = current((docs) => {
      const ds = docs.find((d) => d.doc.kind === 'DaemonSetList').doc.items.find((x: any) => x.metadata.name === 'aws-node');
      const env = ds.spec.template.spec.containers.find((c: any) => c.name === 'aws-node').env as any[];
      env.find((e) => e.name === 'AWS_VPC_K8S_CNI_EXTERNALSNAT').value = 'true';
      env.find((e) => e.name === 'AWS_VPC_ENI_MTU').value = '1500';
    });
    const changes = diff(load(baseDocs), now).filter((c) => c.kind === 'CniConfig');
    expect(changes).toHaveLength(2);
    const snat = changes.find((c) => c.id.endsWith('EXTERNALSNAT'))!;
    expect(acceptIntoDocuments(baseDocs, [item(snat, now)])).toEqual({ kind: 'entangled', others: [{ kind: 'CniConfig', id: 'aws-node/AWS_VPC_ENI_MTU', change: 'modified' }] });
    expect(acceptIntoDocuments(baseDocs, changes.map((c) => item(c, now))).kind).toBe('ok');
  });

  it('a change the baseline already holds: nothing to save', () => {
    const now = current((docs) => nodeSg(docs).IpPermissions.push({ IpProtocol: 'tcp', FromPort: 443, ToPort: 443, IpRanges: [{ CidrIp: '0.0.0.0/0' }] }));
    const [c] = diff(load(baseDocs), now);
    const once = acceptIntoDocuments(baseDocs, [item(c!, now)]) as { documents: BaselineDocument[] };
    expect(acceptIntoDocuments(once.documents, [item(c!, now)])).toEqual({ kind: 'already' });
  });
});
