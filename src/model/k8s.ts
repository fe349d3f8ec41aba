// Minimal Kubernetes object shapes, as `kubectl get -o json` prints them.
// Only the fields eksnet reads are typed; everything else passes through.

export interface ObjectMeta {
  name: string;
  namespace?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
  uid?: string;
  ownerReferences?: { kind: string; name: string; uid?: string; controller?: boolean }[];
  [key: string]: unknown;
}

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: ObjectMeta;
  spec?: any;
  status?: any;
  data?: Record<string, string>;
  [key: string]: unknown;
}

export interface LabelSelectorRequirement {
  key: string;
  operator: 'In' | 'NotIn' | 'Exists' | 'DoesNotExist';
  values?: string[];
}

export interface LabelSelector {
  matchLabels?: Record<string, string>;
  matchExpressions?: LabelSelectorRequirement[];
}

export interface ContainerPort {
  name?: string;
  containerPort: number;
  protocol?: string;
}

export interface Container {
  name: string;
  image?: string;
  args?: string[];
  command?: string[];
  env?: { name: string; value?: string }[];
  ports?: ContainerPort[];
  readinessProbe?: Probe;
  livenessProbe?: Probe;
  startupProbe?: Probe;
}

export interface Probe {
  httpGet?: { port: number | string };
  tcpSocket?: { port: number | string };
  grpc?: { port: number };
}

export interface Pod extends K8sObject {
  kind: 'Pod';
  spec: {
    nodeName?: string;
    hostNetwork?: boolean;
    serviceAccountName?: string;
    containers: Container[];
    initContainers?: Container[];
  };
  status?: {
    phase?: string;
    podIP?: string;
    podIPs?: { ip: string }[];
    hostIP?: string;
  };
}

export interface ServicePort {
  name?: string;
  port: number;
  targetPort?: number | string;
  protocol?: string;
  nodePort?: number;
}

export interface Service extends K8sObject {
  kind: 'Service';
  spec: {
    type?: string;
    selector?: Record<string, string>;
    ports?: ServicePort[];
    clusterIP?: string;
    clusterIPs?: string[];
  };
}

export interface NetworkPolicyPort {
  protocol?: string;
  port?: number | string;
  endPort?: number;
}

export interface NetworkPolicyPeer {
  podSelector?: LabelSelector;
  namespaceSelector?: LabelSelector;
  ipBlock?: { cidr: string; except?: string[] };
}

export interface NetworkPolicyIngressRule {
  from?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicyEgressRule {
  to?: NetworkPolicyPeer[];
  ports?: NetworkPolicyPort[];
}

export interface NetworkPolicy extends K8sObject {
  kind: 'NetworkPolicy';
  spec: {
    podSelector: LabelSelector;
    policyTypes?: ('Ingress' | 'Egress')[];
    ingress?: NetworkPolicyIngressRule[];
    egress?: NetworkPolicyEgressRule[];
  };
}

export interface SecurityGroupPolicy extends K8sObject {
  kind: 'SecurityGroupPolicy';
  spec: {
    podSelector?: LabelSelector;
    serviceAccountSelector?: LabelSelector;
    securityGroups?: { groupIds?: string[] };
  };
}

export interface Node extends K8sObject {
  kind: 'Node';
  spec?: { providerID?: string };
  status?: { addresses?: { type: string; address: string }[] };
}

export interface EndpointSlice extends K8sObject {
  kind: 'EndpointSlice';
  addressType?: string;
  endpoints?: { addresses: string[]; targetRef?: { kind: string; name: string; namespace?: string } }[];
  ports?: { name?: string; port?: number; protocol?: string }[];
}

/** Deployment, StatefulSet, DaemonSet, ReplicaSet share the part eksnet reads. */
export interface Workload extends K8sObject {
  spec: {
    selector?: LabelSelector;
    template?: { metadata?: { labels?: Record<string, string> }; spec?: Pod['spec'] };
  };
}

/**
 * Kinds whose objects drift reports (NetworkPolicy, SecurityGroupPolicy, Namespace, and the VPC CNI's
 * aws-node DaemonSet and amazon-vpc-cni ConfigMap): collection and stored baselines keep their
 * `metadata.managedFields`, which name the field manager that last changed them. Drift comparison ignores them.
 */
export const ATTRIBUTED_KINDS: ReadonlySet<string> = new Set(['NetworkPolicy', 'SecurityGroupPolicy', 'Namespace', 'DaemonSet', 'ConfigMap']);
