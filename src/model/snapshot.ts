import type {
  EgressOnlyInternetGateway,
  Instance,
  InternetGateway,
  ManagedPrefixList,
  NatGateway,
  NetworkAcl,
  NetworkInterface,
  RouteTable,
  SecurityGroup,
  Subnet,
  Vpc,
} from '@aws-sdk/client-ec2';
import type { Addon, Cluster } from '@aws-sdk/client-eks';
import type {
  EndpointSlice,
  K8sObject,
  NetworkPolicy,
  Node,
  Pod,
  SecurityGroupPolicy,
  Service,
  Workload,
} from './k8s';

/** The AWS API result keys a snapshot document can carry (CONTRACT §1). */
export const AWS_RESOURCES = [
  'SecurityGroups',
  'NetworkAcls',
  'Subnets',
  'RouteTables',
  'NetworkInterfaces',
  'Vpcs',
  'Reservations',
  'NatGateways',
  'InternetGateways',
  'EgressOnlyInternetGateways',
  'PrefixLists',
  'Entries',
  'cluster',
  'addon',
  'addons',
] as const;
export type AwsResource = (typeof AWS_RESOURCES)[number];

/** Kubernetes kinds eksnet reads. */
export const K8S_KINDS = [
  'Namespace',
  'Pod',
  'Service',
  'EndpointSlice',
  'Deployment',
  'ReplicaSet',
  'StatefulSet',
  'DaemonSet',
  'Node',
  'ServiceAccount',
  'ConfigMap',
  'NetworkPolicy',
  'SecurityGroupPolicy',
] as const;
export type K8sKind = (typeof K8S_KINDS)[number];

/** A resource the collection could not read, from the `EksnetCollection` document. */
export interface MissingResource {
  resource: string;
  reason: string;
}

export interface CollectionInfo {
  cluster?: string;
  region?: string;
  collectedAt?: string;
  missing: MissingResource[];
}

export interface AddonVersionsInfo {
  addonName: string;
  type?: string;
  addonVersions: {
    addonVersion: string;
    compatibilities?: { clusterVersion?: string; defaultVersion?: boolean; platformVersions?: string[] }[];
  }[];
}

/**
 * One cluster's traffic controls, however they were obtained (files or live).
 * Lists keep the objects as the AWS CLI / kubectl print them.
 */
export interface Snapshot {
  /** Where it came from: a path, or `live:<cluster>`. */
  source: string;
  k8s: {
    namespaces: K8sObject[];
    pods: Pod[];
    services: Service[];
    endpointSlices: EndpointSlice[];
    deployments: Workload[];
    replicaSets: Workload[];
    statefulSets: Workload[];
    daemonSets: Workload[];
    nodes: Node[];
    serviceAccounts: K8sObject[];
    configMaps: K8sObject[];
    networkPolicies: NetworkPolicy[];
    securityGroupPolicies: SecurityGroupPolicy[];
  };
  aws: {
    securityGroups: SecurityGroup[];
    networkAcls: NetworkAcl[];
    subnets: Subnet[];
    routeTables: RouteTable[];
    networkInterfaces: NetworkInterface[];
    vpcs: Vpc[];
    instances: Instance[];
    natGateways: NatGateway[];
    internetGateways: InternetGateway[];
    egressOnlyInternetGateways: EgressOnlyInternetGateway[];
    prefixLists: ManagedPrefixList[];
    /** PrefixListId → CIDRs from get-managed-prefix-list-entries. */
    prefixListEntries: Record<string, string[]>;
    cluster?: Cluster;
    addons: Addon[];
    /** eks list-addons output (names only). */
    addonNames: string[];
    addonVersions: AddonVersionsInfo[];
  };
  /** Which AWS result keys and Kubernetes kinds appeared at least once (even empty). */
  present: Set<AwsResource | K8sKind>;
  collection: CollectionInfo;
  /** Non-fatal problems found while loading (unknown documents, ...). */
  warnings: string[];
}

export function emptySnapshot(source: string): Snapshot {
  return {
    source,
    k8s: {
      namespaces: [],
      pods: [],
      services: [],
      endpointSlices: [],
      deployments: [],
      replicaSets: [],
      statefulSets: [],
      daemonSets: [],
      nodes: [],
      serviceAccounts: [],
      configMaps: [],
      networkPolicies: [],
      securityGroupPolicies: [],
    },
    aws: {
      securityGroups: [],
      networkAcls: [],
      subnets: [],
      routeTables: [],
      networkInterfaces: [],
      vpcs: [],
      instances: [],
      natGateways: [],
      internetGateways: [],
      egressOnlyInternetGateways: [],
      prefixLists: [],
      prefixListEntries: {},
      addons: [],
      addonNames: [],
      addonVersions: [],
    },
    present: new Set(),
    collection: { missing: [] },
    warnings: [],
  };
}
