import type { Snapshot } from '../../model/snapshot';

/** The AWS resources the layers read; names as `EksnetCollection.missing[].resource` spells them. */
export type NeededResource =
  | 'NetworkInterfaces'
  | 'SecurityGroups'
  | 'NetworkAcls'
  | 'RouteTables'
  | 'NatGateways'
  | 'Entries'
  | 'Vpcs'
  | 'Subnets';

function normalise(name: string): string {
  return name
    .toLowerCase()
    .replace(/^(ec2[:.\s-]*)?/, '')
    .replace(/^(describe|get)[-_\s]?/, '')
    .replace(/[^a-z0-9]/g, '');
}

const ALIASES: Record<NeededResource, string[]> = {
  NetworkInterfaces: ['networkinterfaces'],
  SecurityGroups: ['securitygroups'],
  NetworkAcls: ['networkacls'],
  RouteTables: ['routetables'],
  NatGateways: ['natgateways'],
  Entries: ['entries', 'managedprefixlistentries', 'prefixlists', 'managedprefixlists'],
  Vpcs: ['vpcs'],
  Subnets: ['subnets'],
};

/** For each needed resource the collection could not read, the sentence to report. */
export function missingResources(snap: Snapshot): Map<NeededResource, string> {
  const out = new Map<NeededResource, string>();
  for (const m of snap.collection.missing) {
    const n = normalise(m.resource);
    for (const [res, names] of Object.entries(ALIASES) as [NeededResource, string[]][]) {
      if (names.includes(n) && !out.has(res)) {
        out.set(res, `${res} could not be collected (${m.reason}), so this layer was not checked.`);
      }
    }
  }
  return out;
}
