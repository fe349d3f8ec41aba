import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  NetworkingV1Api,
  Observable,
  type KubeConfig,
} from '@kubernetes/client-node';
// The generated serialiser (not re-exported by the package root) maps model properties back to
// wire names, e.g. NetworkPolicyIngressRule `_from` → `from`, ListMeta `_continue` → `continue`.
import { ObjectSerializer } from '@kubernetes/client-node/dist/gen/models/ObjectSerializer.js';
import { kubeFailureReason, type Part } from './failure';
import type { Limiter } from './limiter';
import { allPages } from './pages';

/** kubectl's page size for list calls (`--chunk-size`, default 500). */
export const KUBE_PAGE_SIZE = 500;

interface Apis {
  core: CoreV1Api;
  apps: AppsV1Api;
  discovery: DiscoveryV1Api;
  networking: NetworkingV1Api;
  custom: CustomObjectsApi;
}

type ListParams = { limit: number; _continue?: string };
type CallOptions = ReturnType<typeof callOptions>;

/** One list call: the kind it returns, the generated model name for serialising, the RBAC it needs. */
interface KubeList {
  kind: string;
  apiVersion: string;
  file: string;
  rbac: string;
  /** client-node model of the list (serialised back to the wire's JSON); undefined for plain JSON. */
  model?: string;
  list(apis: Apis, params: ListParams, options: CallOptions): Promise<any>;
  /** Items kept; pods that have finished are left out (CONTRACT §1 `eksnet snapshot`). */
  keep?(item: any): boolean;
}

const LISTS: KubeList[] = [
  { kind: 'Namespace', apiVersion: 'v1', file: 'k8s/namespaces.json', rbac: 'list namespaces', model: 'V1NamespaceList', list: (a, p, o) => a.core.listNamespace(p, o) },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    file: 'k8s/pods.json',
    rbac: 'list pods',
    model: 'V1PodList',
    list: (a, p, o) => a.core.listPodForAllNamespaces(p, o),
    keep: (pod) => pod?.status?.phase !== 'Succeeded' && pod?.status?.phase !== 'Failed',
  },
  { kind: 'Service', apiVersion: 'v1', file: 'k8s/services.json', rbac: 'list services', model: 'V1ServiceList', list: (a, p, o) => a.core.listServiceForAllNamespaces(p, o) },
  {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    file: 'k8s/endpointslices.json',
    rbac: 'list endpointslices.discovery.k8s.io',
    model: 'V1EndpointSliceList',
    list: (a, p, o) => a.discovery.listEndpointSliceForAllNamespaces(p, o),
  },
  { kind: 'Deployment', apiVersion: 'apps/v1', file: 'k8s/deployments.json', rbac: 'list deployments.apps', model: 'V1DeploymentList', list: (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o) },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', file: 'k8s/replicasets.json', rbac: 'list replicasets.apps', model: 'V1ReplicaSetList', list: (a, p, o) => a.apps.listReplicaSetForAllNamespaces(p, o) },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', file: 'k8s/statefulsets.json', rbac: 'list statefulsets.apps', model: 'V1StatefulSetList', list: (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o) },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', file: 'k8s/daemonsets.json', rbac: 'list daemonsets.apps', model: 'V1DaemonSetList', list: (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o) },
  { kind: 'Node', apiVersion: 'v1', file: 'k8s/nodes.json', rbac: 'list nodes', model: 'V1NodeList', list: (a, p, o) => a.core.listNode(p, o) },
  {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    file: 'k8s/serviceaccounts.json',
    rbac: 'list serviceaccounts',
    model: 'V1ServiceAccountList',
    list: (a, p, o) => a.core.listServiceAccountForAllNamespaces(p, o),
  },
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    file: 'k8s/networkpolicies.json',
    rbac: 'list networkpolicies.networking.k8s.io',
    model: 'V1NetworkPolicyList',
    list: (a, p, o) => a.networking.listNetworkPolicyForAllNamespaces(p, o),
  },
  {
    kind: 'SecurityGroupPolicy',
    apiVersion: 'vpcresources.k8s.aws/v1beta1',
    file: 'k8s/securitygrouppolicies.json',
    rbac: 'list securitygrouppolicies.vpcresources.k8s.aws',
    list: (a, p, o) =>
      a.custom.listClusterCustomObject({ group: 'vpcresources.k8s.aws', version: 'v1beta1', plural: 'securitygrouppolicies', ...p }, o),
  },
];

/** The VPC CNI's configuration (warm IP targets, custom networking, network policy switches). */
const VPC_CNI_CONFIGMAP = { namespace: 'kube-system', name: 'amazon-vpc-cni' };

export interface KubeOptions {
  timeoutMs: number;
  maxAttempts: number;
}

/** Aborts each HTTP request after `timeoutMs` (client-node passes the signal to node-fetch). */
function callOptions(timeoutMs: number) {
  return {
    middleware: [
      {
        pre: (ctx: { setSignal(s: AbortSignal): void }) => {
          ctx.setSignal(AbortSignal.timeout(timeoutMs));
          return new Observable(Promise.resolve(ctx));
        },
        post: <R>(res: R) => new Observable(Promise.resolve(res)),
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  } as any;
}

const RETRYABLE_STATUS = new Set([429, 500, 502, 503, 504]);

function retryDelayMs(err: unknown, attempt: number): number | undefined {
  const e = err as { code?: number; headers?: Record<string, string>; name?: string; type?: string };
  if (typeof e?.code === 'number') {
    if (!RETRYABLE_STATUS.has(e.code)) return undefined;
    const retryAfter = Number(e.headers?.['retry-after']);
    if (Number.isFinite(retryAfter) && retryAfter >= 0) return Math.min(retryAfter * 1000, 10_000);
  }
  // Exponential backoff with full jitter, as the AWS SDK's standard mode does.
  return Math.random() * Math.min(20_000, 100 * 2 ** attempt);
}

/** One Kubernetes call with retries on throttling (429), server errors and network failures. */
async function withRetries<T>(call: () => Promise<T>, maxAttempts: number): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      const delay = retryDelayMs(err, attempt);
      if (delay === undefined || attempt >= maxAttempts) throw asTimeout(err);
      await new Promise((r) => setTimeout(r, delay));
    }
  }
}

function asTimeout(err: unknown): unknown {
  const e = err as { name?: string; type?: string };
  if (e?.name === 'AbortError' || e?.type === 'aborted') {
    return Object.assign(new Error('no answer from the Kubernetes API before the timeout'), { name: 'TimeoutError' });
  }
  return err;
}

/** A list item as kubectl prints it: apiVersion and kind first, no managedFields, no unset fields. */
function cleanItem(item: any, apiVersion: string, kind: string): any {
  const { apiVersion: itemApiVersion, kind: itemKind, metadata, ...rest } = item;
  const { managedFields: _dropped, ...meta } = metadata ?? {};
  return withoutUndefined({ apiVersion: itemApiVersion ?? apiVersion, kind: itemKind ?? kind, metadata: meta, ...rest });
}

/** The serialiser writes every model property, set or not; JSON has no undefined. */
function withoutUndefined(value: any): any {
  if (Array.isArray(value)) return value.map(withoutUndefined);
  if (value === null || typeof value !== 'object') return value;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) if (value[k] !== undefined) out[k] = withoutUndefined(value[k]);
  return out;
}

function toWireJson(obj: unknown, model: string | undefined): any {
  return model ? ObjectSerializer.serialize(obj, model, '') : obj;
}

async function collectList(apis: Apis, spec: KubeList, run: Limiter, opts: KubeOptions): Promise<Part> {
  const options = callOptions(opts.timeoutMs);
  try {
    const items = await allPages(run, async (token) => {
      const page = toWireJson(
        await withRetries(() => spec.list(apis, { limit: KUBE_PAGE_SIZE, ...(token ? { _continue: token } : {}) }, options), opts.maxAttempts),
        spec.model,
      );
      return { items: page?.items ?? [], next: page?.metadata?.continue || undefined };
    });
    const kept = (spec.keep ? items.filter(spec.keep) : items).map((i) => cleanItem(i, spec.apiVersion, spec.kind));
    return { documents: [{ file: spec.file, doc: { apiVersion: 'v1', kind: `${spec.kind}List`, metadata: {}, items: kept } }], missing: [] };
  } catch (err) {
    // The SecurityGroupPolicy CRD exists only where the VPC resource controller runs; its absence
    // means no such policies, not a failure.
    if (spec.kind === 'SecurityGroupPolicy' && (err as { code?: number })?.code === 404) {
      return { documents: [{ file: spec.file, doc: { apiVersion: 'v1', kind: 'SecurityGroupPolicyList', metadata: {}, items: [] } }], missing: [] };
    }
    return { documents: [], missing: [{ resource: spec.kind, reason: kubeFailureReason(err, spec.rbac) }] };
  }
}

async function collectVpcCniConfigMap(apis: Apis, run: Limiter, opts: KubeOptions): Promise<Part> {
  const options = callOptions(opts.timeoutMs);
  try {
    const cm = await run(() => withRetries(() => apis.core.readNamespacedConfigMap(VPC_CNI_CONFIGMAP, options), opts.maxAttempts));
    return { documents: [{ file: 'k8s/configmap-amazon-vpc-cni.json', doc: cleanItem(toWireJson(cm, 'V1ConfigMap'), 'v1', 'ConfigMap') }], missing: [] };
  } catch (err) {
    if ((err as { code?: number })?.code === 404) return { documents: [], missing: [] };
    return { documents: [], missing: [{ resource: 'ConfigMap', reason: `kube-system/amazon-vpc-cni: ${kubeFailureReason(err, 'get configmaps in kube-system')}` }] };
  }
}

export const KUBE_RESOURCES = [...LISTS.map((l) => l.kind), 'ConfigMap'];

/** The Kubernetes objects eksnet reads, each list followed through its `continue` tokens. */
export async function collectKube(kc: KubeConfig, run: Limiter, opts: KubeOptions): Promise<Part> {
  const apis: Apis = {
    core: kc.makeApiClient(CoreV1Api),
    apps: kc.makeApiClient(AppsV1Api),
    discovery: kc.makeApiClient(DiscoveryV1Api),
    networking: kc.makeApiClient(NetworkingV1Api),
    custom: kc.makeApiClient(CustomObjectsApi),
  };
  const parts = await Promise.all([...LISTS.map((spec) => collectList(apis, spec, run, opts)), collectVpcCniConfigMap(apis, run, opts)]);
  return { documents: parts.flatMap((p) => p.documents), missing: parts.flatMap((p) => p.missing) };
}
