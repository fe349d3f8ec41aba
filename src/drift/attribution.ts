// Types only at load: renderers import attributionKey, and the SDK client loads only when a lookup is made.
import type { CloudTrailClient, Event as TrailEvent } from '@aws-sdk/client-cloudtrail';
import type { K8sObject } from '../model/k8s';
import type { Change } from '../model/result';
import type { Snapshot } from '../model/snapshot';

/** Who made a drift change, and when, as far as eksnet can tell. */
export interface Attribution {
  /**
   * The principal (CloudTrail `userIdentity.arn`, else `Username`), the Kubernetes field manager, or
   * "unknown" — with the reason in parentheses when a lookup failed or was not made.
   */
  by: string;
  /** ISO time of the event or of the latest managedFields entry, when known. */
  at?: string;
  source: 'cloudtrail' | 'managedFields' | 'unknown';
  /** The CloudTrail event name (e.g. AuthorizeSecurityGroupIngress) or the managedFields operation (Apply, Update). */
  event?: string;
}

export interface AttributionOptions {
  /** CloudTrail in the cluster's account and Region; without it AWS objects are "unknown". */
  cloudtrail?: CloudTrailClient;
  now: Date;
  /** Look no further back than this (the baseline's collection time); CloudTrail keeps 90 days of event history. */
  since?: Date;
  /** At most this many LookupEvents calls (default 20); changed resources past it are "unknown". */
  maxCalls?: number;
  /** Time between LookupEvents calls (default 500 ms: "limited to two per second, per account, per Region"). */
  minIntervalMs?: number;
  /** Why CloudTrail is not consulted, when `cloudtrail` is absent (e.g. "snapshot mode"). */
  noCloudTrailReason?: string;
}

/** Map key of a change's attribution: kind and id (ids alone may repeat across kinds). */
export function attributionKey(change: Pick<Change, 'kind' | 'id'>): string {
  return `${change.kind}:${change.id}`;
}

// LookupEvents (https://docs.aws.amazon.com/awscloudtrail/latest/APIReference/API_LookupEvents.html):
// event history covers "the last 90 days"; one lookup attribute per call; MaxResults at most 50; the
// operation is "limited to two per second, per account, per Region".
const HISTORY_DAYS = 90;
const MAX_RESULTS = 50;
const DEFAULT_MAX_CALLS = 20;
const DEFAULT_INTERVAL_MS = 500;

/** What a change points at: an AWS resource to look up in CloudTrail, or a Kubernetes object in the current snapshot. */
type Target =
  | { type: 'aws'; resourceName: string; /** Only events whose request names this (an add-on on its cluster). */ mentions?: string }
  | { type: 'k8s'; object: K8sObject | undefined; gone: boolean }
  | { type: 'none'; why: string };

function firstSegment(id: string): string {
  return id.split('/')[0]!;
}

function clusterName(snap: Snapshot): string | undefined {
  return snap.aws.cluster?.name ?? snap.collection.cluster;
}

function findK8s(list: K8sObject[], namespace: string | undefined, name: string): K8sObject | undefined {
  return list.find((o) => o.metadata.name === name && (namespace === undefined || (o.metadata.namespace ?? 'default') === namespace));
}

function namespaced(list: K8sObject[], id: string): K8sObject | undefined {
  const slash = id.indexOf('/');
  return slash === -1 ? findK8s(list, undefined, id) : findK8s(list, id.slice(0, slash), id.slice(slash + 1));
}

function targetOf(change: Change, snap: Snapshot): Target {
  const gone = change.change === 'removed';
  switch (change.kind) {
    case 'SecurityGroup':
    case 'SecurityGroupRule':
    case 'NetworkAcl':
    case 'NetworkAclEntry':
    case 'RouteTable':
    case 'Subnet':
      // Ids are `sg-…/direction/…`, `acl-…/entry`, `rtb-…/destination`: the resource is the first segment.
      return { type: 'aws', resourceName: firstSegment(change.id) };
    case 'ClusterConfig': {
      const cluster = firstSegment(change.id);
      return { type: 'aws', resourceName: cluster };
    }
    case 'Addon': {
      // EKS add-on calls (CreateAddon, UpdateAddon, DeleteAddon) name the cluster and the add-on in their
      // request parameters; which names CloudTrail indexes as ResourceName for them is not documented,
      // so look up the cluster and keep only events whose request names this add-on.
      const cluster = clusterName(snap);
      return cluster ? { type: 'aws', resourceName: cluster, mentions: change.id } : { type: 'none', why: 'the cluster name is not known' };
    }
    case 'NetworkPolicy':
      return { type: 'k8s', object: namespaced(snap.k8s.networkPolicies, change.id), gone };
    case 'SecurityGroupPolicy':
      return { type: 'k8s', object: namespaced(snap.k8s.securityGroupPolicies as K8sObject[], change.id), gone };
    case 'Namespace':
      return { type: 'k8s', object: findK8s(snap.k8s.namespaces, undefined, change.id), gone };
    case 'CniConfig': {
      const head = firstSegment(change.id);
      if (head === 'aws-node') return { type: 'k8s', object: findK8s(snap.k8s.daemonSets as K8sObject[], 'kube-system', 'aws-node'), gone };
      if (head === 'amazon-vpc-cni') return { type: 'k8s', object: findK8s(snap.k8s.configMaps, 'kube-system', 'amazon-vpc-cni'), gone: false };
      return { type: 'none', why: 'derived from several objects' };
    }
    default:
      return { type: 'none', why: 'no source of attribution for this kind' };
  }
}

interface ManagedFieldsEntry {
  manager?: string;
  operation?: string;
  time?: string;
  subresource?: string;
}

/**
 * The latest managedFields entry of an object: `time` is "when the ManagedFields entry was added", bumped
 * when the manager changes a field it owns (https://kubernetes.io/docs/reference/kubernetes-api/definitions/managed-fields-entry-v1-meta/).
 * Entries for a subresource (status) are not changes to what eksnet compares.
 */
export function latestManager(object: K8sObject): Attribution | undefined {
  const entries = (object.metadata.managedFields as ManagedFieldsEntry[] | undefined) ?? [];
  let best: ManagedFieldsEntry | undefined;
  for (const e of entries) {
    if (!e || typeof e.manager !== 'string' || e.subresource) continue;
    if (!best || (e.time ?? '') > (best.time ?? '')) best = e;
  }
  if (!best) return undefined;
  return { by: best.manager!, ...(best.time ? { at: best.time } : {}), source: 'managedFields', ...(best.operation ? { event: best.operation } : {}) };
}

function fromKubernetes(target: Extract<Target, { type: 'k8s' }>): Attribution {
  if (target.gone) return { by: 'unknown (the object was deleted; Kubernetes keeps no record of who deleted it)', source: 'unknown' };
  if (!target.object) return { by: 'unknown', source: 'unknown' };
  return latestManager(target.object) ?? { by: 'unknown (no managedFields in the collected object)', source: 'unknown' };
}

function parseTrailEvent(e: TrailEvent): Record<string, any> | undefined {
  if (!e.CloudTrailEvent) return undefined;
  try {
    return JSON.parse(e.CloudTrailEvent) as Record<string, any>;
  } catch {
    return undefined;
  }
}

/** A write (not Describe*), and — for an add-on — one whose request or resources name it. */
function relevant(e: TrailEvent, mentions: string | undefined): boolean {
  const body = parseTrailEvent(e);
  const readOnly = e.ReadOnly !== undefined ? e.ReadOnly === 'true' : body?.readOnly === true || /^(Describe|Get|List)/.test(e.EventName ?? '');
  if (readOnly) return false;
  if (mentions === undefined) return true;
  return body?.requestParameters?.addonName === mentions || (e.Resources ?? []).some((r) => r.ResourceName === mentions);
}

/**
 * The principal of an event: `userIdentity.arn` (for an assumed role `arn:aws:sts::…:assumed-role/ROLE/SESSION`,
 * https://docs.aws.amazon.com/awscloudtrail/latest/userguide/cloudtrail-event-reference-user-identity.html), else
 * `Username` (for an assumed role, the session name), else the invoking service.
 */
function principal(e: TrailEvent): string {
  const body = parseTrailEvent(e);
  const identity = body?.userIdentity as Record<string, any> | undefined;
  return identity?.arn ?? e.Username ?? identity?.invokedBy ?? identity?.type ?? 'unknown';
}

function failureReason(err: unknown): string {
  const e = err as { name?: string; message?: string };
  const name = e?.name && e.name !== 'Error' ? e.name : '';
  const message = (e?.message ?? String(err)).split('\n')[0]!.slice(0, 200);
  return name && !message.startsWith(name) ? `${name}: ${message}` : message || name || 'failed';
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Who changed what: for AWS objects the newest write event CloudTrail holds for the resource (LookupEvents
 * by ResourceName), for Kubernetes objects the latest field manager of the current object. One call per
 * distinct resource, one at a time and spaced to the documented rate, and no more than `maxCalls`.
 * Returns an attribution for every change, keyed by `attributionKey(change)`.
 */
export async function attributeChanges(changes: Change[], current: Snapshot, opts: AttributionOptions): Promise<Map<string, Attribution>> {
  const out = new Map<string, Attribution>();
  const lookups = new Map<string, { resourceName: string; mentions?: string; keys: string[] }>();
  for (const change of changes) {
    const key = attributionKey(change);
    const target = targetOf(change, current);
    if (target.type === 'k8s') out.set(key, fromKubernetes(target));
    else if (target.type === 'none') out.set(key, { by: `unknown (${target.why})`, source: 'unknown' });
    else {
      const lookupKey = `${target.resourceName}|${target.mentions ?? ''}`;
      const entry = lookups.get(lookupKey) ?? { resourceName: target.resourceName, mentions: target.mentions, keys: [] };
      entry.keys.push(key);
      lookups.set(lookupKey, entry);
    }
  }
  if (lookups.size === 0) return out;

  const client = opts.cloudtrail;
  const maxCalls = opts.maxCalls ?? DEFAULT_MAX_CALLS;
  const interval = opts.minIntervalMs ?? DEFAULT_INTERVAL_MS;
  const oldest = new Date(opts.now.getTime() - HISTORY_DAYS * 24 * 3600 * 1000);
  const start = opts.since && opts.since > oldest ? opts.since : oldest;
  let calls = 0;
  let lastCall = -Infinity;
  // Deterministic order: the same changes look up the same resources first.
  for (const entry of [...lookups.values()].sort((a, b) => (a.resourceName < b.resourceName ? -1 : a.resourceName > b.resourceName ? 1 : 0))) {
    let result: Attribution;
    if (!client) {
      result = { by: opts.noCloudTrailReason ? `unknown (CloudTrail: ${opts.noCloudTrailReason})` : 'unknown', source: 'unknown' };
    } else if (calls >= maxCalls) {
      result = { by: `unknown (CloudTrail: not looked up, more than ${maxCalls} changed resources)`, source: 'unknown' };
    } else {
      // Counted from the previous answer, so that two requests never reach CloudTrail closer than `interval`.
      const wait = lastCall + interval - Date.now();
      if (wait > 0) await sleep(wait);
      calls++;
      try {
        const { LookupEventsCommand } = await import('@aws-sdk/client-cloudtrail');
        const res = await client.send(
          new LookupEventsCommand({
            LookupAttributes: [{ AttributeKey: 'ResourceName', AttributeValue: entry.resourceName }],
            StartTime: start,
            EndTime: opts.now,
            MaxResults: MAX_RESULTS,
          }),
        );
        const events = (res.Events ?? [])
          .filter((e) => relevant(e, entry.mentions))
          .sort((a, b) => (b.EventTime?.getTime() ?? 0) - (a.EventTime?.getTime() ?? 0));
        const newest = events[0];
        result = newest
          ? { by: principal(newest), ...(newest.EventTime ? { at: newest.EventTime.toISOString() } : {}), source: 'cloudtrail', ...(newest.EventName ? { event: newest.EventName } : {}) }
          : { by: `unknown (CloudTrail: no change event for ${entry.resourceName} since ${start.toISOString()})`, source: 'unknown' };
      } catch (err) {
        result = { by: `unknown (CloudTrail: ${failureReason(err)})`, source: 'unknown' };
      } finally {
        lastCall = Date.now();
      }
    }
    for (const key of entry.keys) out.set(key, result);
  }
  return out;
}
