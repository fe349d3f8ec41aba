import type { IpPermission, NetworkAclEntry, Route } from '@aws-sdk/client-ec2';
import type { BaselineDocument } from '../baseline/documents';
import { atomicRules } from '../drift/security-groups';
import type { K8sObject } from '../model/k8s';
import { k8sMatches, type Captured, type Owner, type Part } from './owner';

type Json = Record<string, unknown>;

const isObject = (v: unknown): v is Json => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Baseline documents with one owner (CONTRACT §1 documents) set to what it was captured as: the object
 * replaced, added or removed — or, for one SG rule, NACL entry or route, only that element. Every other
 * document is passed through untouched (the same objects, not copies); touched ones are copied first.
 */
export function applyCaptured(docs: BaselineDocument[], owner: Owner, captured: Captured): BaselineDocument[] {
  const out = docs.slice();
  const touch = (i: number): Json => {
    const copy = { file: out[i]!.file, doc: structuredClone(out[i]!.doc) };
    out[i] = copy;
    return copy.doc as Json;
  };
  if (owner.type === 'aws') applyAws(out, touch, owner, captured.object as Json | null);
  else if (owner.type === 'addon') applyAddon(out, touch, owner.name, captured);
  else if (owner.type === 'cluster') applyCluster(out, touch, captured.object);
  else applyK8s(out, touch, owner, captured.object as K8sObject | null);
  return out;
}

type Touch = (i: number) => Json;

function applyAws(out: BaselineDocument[], touch: Touch, owner: Extract<Owner, { type: 'aws' }>, after: Json | null): void {
  // Where the object is now (first copy), and where its kind lives.
  let at: { doc: number; index: number } | undefined;
  let firstList: number | undefined;
  out.forEach((d, i) => {
    const list = isObject(d.doc) ? d.doc[owner.key] : undefined;
    if (!Array.isArray(list)) return;
    firstList ??= i;
    const index = list.findIndex((o) => isObject(o) && o[owner.idField] === owner.id);
    if (index >= 0 && !at) at = { doc: i, index };
  });
  const before = at ? ((out[at.doc]!.doc as Json)[owner.key] as Json[])[at.index]! : undefined;
  let next: Json | null;
  if (!owner.part) next = after;
  else {
    if (!before && !after) return;
    next = patchPart(before ? structuredClone(before) : emptied(after!, owner.part), owner.part, after);
  }
  // Remove every copy, then put the new one where the first was (or with its kind).
  out.forEach((d, i) => {
    const list = isObject(d.doc) ? d.doc[owner.key] : undefined;
    if (!Array.isArray(list) || !list.some((o) => isObject(o) && o[owner.idField] === owner.id)) return;
    const doc = touch(i);
    doc[owner.key] = (doc[owner.key] as Json[]).filter((o) => !(isObject(o) && o[owner.idField] === owner.id));
  });
  if (!next) return;
  if (at) ((out[at.doc]!.doc as Json)[owner.key] as Json[]).splice(at.index, 0, next);
  else if (firstList !== undefined) (touch(firstList)[owner.key] as Json[]).push(next);
  else out.push({ file: `aws/${owner.key.toLowerCase()}-accepted.json`, doc: { [owner.key]: [next] } });
}

const PART_LISTS: Record<Part['list'], string[]> = {
  'sg-rule': ['IpPermissions', 'IpPermissionsEgress'],
  'nacl-entry': ['Entries'],
  route: ['Routes'],
};

/** An object new to the baseline, accepted for one part only: the object without any of its parts. */
function emptied(after: Json, part: Part): Json {
  const copy = structuredClone(after);
  for (const list of PART_LISTS[part.list]) if (Array.isArray(copy[list])) copy[list] = [];
  return copy;
}

function patchPart(base: Json, part: Part, after: Json | null): Json {
  if (part.list === 'sg-rule') {
    const egress = part.ruleId.split('/')[1] === 'egress';
    const field = egress ? 'IpPermissionsEgress' : 'IpPermissions';
    const kept = ((base[field] as IpPermission[] | undefined) ?? []).flatMap((p) => withoutRule(base.GroupId as string, egress, p, part.ruleId));
    const added = after ? ((after[field] as IpPermission[] | undefined) ?? []).flatMap((p) => onePeerPermissions(p)).filter((p) => ruleIdOf(after.GroupId as string, egress, p) === part.ruleId).slice(0, 1) : [];
    base[field] = [...kept, ...added];
    return base;
  }
  if (part.list === 'nacl-entry') {
    const same = (e: NetworkAclEntry) => (e.Egress === true) === part.egress && e.RuleNumber === part.rule;
    const kept = ((base.Entries as NetworkAclEntry[] | undefined) ?? []).filter((e) => !same(e));
    const added = after ? ((after.Entries as NetworkAclEntry[] | undefined) ?? []).filter(same) : [];
    base.Entries = [...kept, ...structuredClone(added)];
    return base;
  }
  const dest = (r: Route) => (r.DestinationCidrBlock ?? r.DestinationIpv6CidrBlock ?? r.DestinationPrefixListId)?.trim().toLowerCase();
  const kept = ((base.Routes as Route[] | undefined) ?? []).filter((r) => dest(r) !== part.dest);
  const added = after ? ((after.Routes as Route[] | undefined) ?? []).filter((r) => dest(r) === part.dest) : [];
  base.Routes = [...kept, ...structuredClone(added)];
  return base;
}

const PEER_LISTS = ['IpRanges', 'Ipv6Ranges', 'PrefixListIds', 'UserIdGroupPairs'] as const;

/** One IpPermission per peer (the same rules; drift never compares how rules are grouped). */
function onePeerPermissions(p: IpPermission): IpPermission[] {
  const out: IpPermission[] = [];
  for (const list of PEER_LISTS) {
    for (const peer of (p[list] as unknown[] | undefined) ?? []) {
      const single: IpPermission = { IpProtocol: p.IpProtocol };
      if (p.FromPort !== undefined) single.FromPort = p.FromPort;
      if (p.ToPort !== undefined) single.ToPort = p.ToPort;
      (single as Json)[list] = [structuredClone(peer)];
      out.push(single);
    }
  }
  return out;
}

function ruleIdOf(groupId: string, egress: boolean, p: IpPermission): string | undefined {
  return atomicRules({ GroupId: groupId, ...(egress ? { IpPermissionsEgress: [p] } : { IpPermissions: [p] }) })[0]?.id;
}

/** A permission without one atomic rule: untouched when it does not hold it, else split per peer minus the rule. */
function withoutRule(groupId: string, egress: boolean, p: IpPermission, ruleId: string): IpPermission[] {
  const holds = atomicRules({ GroupId: groupId, ...(egress ? { IpPermissionsEgress: [p] } : { IpPermissions: [p] }) }).some((r) => r.id === ruleId);
  if (!holds) return [p];
  return onePeerPermissions(p).filter((single) => ruleIdOf(groupId, egress, single) !== ruleId);
}

function applyAddon(out: BaselineDocument[], touch: Touch, name: string, captured: Captured): void {
  let replaced = false;
  for (let i = out.length - 1; i >= 0; i--) {
    const d = out[i]!.doc;
    if (!isObject(d) || !isObject(d.addon) || d.addon.addonName !== name) continue;
    if (captured.object && !replaced) {
      touch(i).addon = structuredClone(captured.object);
      replaced = true;
    } else out.splice(i, 1);
  }
  if (captured.object && !replaced) out.push({ file: `aws/eks-addon-${name.replace(/[^A-Za-z0-9._-]/g, '_')}.json`, doc: { addon: structuredClone(captured.object) } });
  // `eks list-addons` names (lists of strings).
  out.forEach((d, i) => {
    if (!isObject(d.doc) || !Array.isArray(d.doc.addons) || !d.doc.addons.every((x) => typeof x === 'string')) return;
    const names = d.doc.addons as string[];
    if (captured.listed && !names.includes(name)) touch(i).addons = [...names, name];
    if (!captured.listed && names.includes(name)) touch(i).addons = names.filter((n) => n !== name);
  });
}

function applyCluster(out: BaselineDocument[], touch: Touch, after: unknown): void {
  let done = false;
  out.forEach((d, i) => {
    if (!isObject(d.doc) || !('cluster' in d.doc)) return;
    const doc = touch(i);
    if (after && !done) doc.cluster = structuredClone(after);
    else delete doc.cluster;
    done = true;
  });
  if (after && !done) out.push({ file: 'aws/eks-cluster.json', doc: { cluster: structuredClone(after) } });
}

function applyK8s(out: BaselineDocument[], touch: Touch, owner: Extract<Owner, { type: 'k8s' }>, after: K8sObject | null): void {
  const listKind = `${owner.kind}List`;
  let placed = false;
  let firstList: number | undefined;
  const removed = new Set<number>();
  for (let i = out.length - 1; i >= 0; i--) {
    const d = out[i]!.doc;
    if (!isObject(d)) continue;
    if (Array.isArray(d.items) && typeof d.kind === 'string' && d.kind.endsWith('List')) {
      const items = d.items as K8sObject[];
      const kindOf = (o: K8sObject) => o.kind ?? d.kind!.toString().slice(0, -'List'.length);
      if (d.kind === listKind) firstList = i;
      if (!items.some((o) => isObject(o) && kindOf(o) === owner.kind && k8sMatches(o, owner))) continue;
      const doc = touch(i);
      doc.items = items.filter((o) => !(isObject(o) && kindOf(o) === owner.kind && k8sMatches(o, owner)));
      if (after && !placed) {
        (doc.items as K8sObject[]).push(structuredClone(after));
        placed = true;
      }
    } else if (d.kind === owner.kind && k8sMatches(d as unknown as K8sObject, owner)) {
      if (after && !placed) {
        out[i] = { file: out[i]!.file, doc: structuredClone(after) };
        placed = true;
      } else removed.add(i);
    }
  }
  if (after && !placed && firstList !== undefined) (touch(firstList).items as K8sObject[]).push(structuredClone(after));
  else if (after && !placed) out.push({ file: `k8s/${owner.kind.toLowerCase()}-accepted.json`, doc: { apiVersion: 'v1', kind: listKind, items: [structuredClone(after)] } });
  for (const i of [...removed].sort((a, b) => b - a)) out.splice(i, 1);
}
