import {
  AppsV1Api,
  CoreV1Api,
  CustomObjectsApi,
  DiscoveryV1Api,
  NetworkingV1Api,
  Observable,
  ResponseContext,
  type KubeConfig,
} from '@kubernetes/client-node';
import { kubeFailureReason, type Part } from './failure';
import type { Limiter } from './limiter';
import { allPages } from './pages';
import { ATTRIBUTED_KINDS } from '../model/k8s';

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
type CallOptions = any;

/** One list call: the kind it returns, the file it goes to, the RBAC it needs. */
interface KubeList {
  kind: string;
  apiVersion: string;
  file: string;
  rbac: string;
  list(apis: Apis, params: ListParams, options: CallOptions): Promise<any>;
  /** Items kept; pods that have finished are left out (CONTRACT §1 `eksnet snapshot`). */
  keep?(item: any): boolean;
}

const LISTS: KubeList[] = [
  { kind: 'Namespace', apiVersion: 'v1', file: 'k8s/namespaces.json', rbac: 'list namespaces', list: (a, p, o) => a.core.listNamespace(p, o) },
  {
    kind: 'Pod',
    apiVersion: 'v1',
    file: 'k8s/pods.json',
    rbac: 'list pods',
    list: (a, p, o) => a.core.listPodForAllNamespaces(p, o),
    keep: (pod) => pod?.status?.phase !== 'Succeeded' && pod?.status?.phase !== 'Failed',
  },
  { kind: 'Service', apiVersion: 'v1', file: 'k8s/services.json', rbac: 'list services', list: (a, p, o) => a.core.listServiceForAllNamespaces(p, o) },
  {
    kind: 'EndpointSlice',
    apiVersion: 'discovery.k8s.io/v1',
    file: 'k8s/endpointslices.json',
    rbac: 'list endpointslices.discovery.k8s.io',
    list: (a, p, o) => a.discovery.listEndpointSliceForAllNamespaces(p, o),
  },
  { kind: 'Deployment', apiVersion: 'apps/v1', file: 'k8s/deployments.json', rbac: 'list deployments.apps', list: (a, p, o) => a.apps.listDeploymentForAllNamespaces(p, o) },
  { kind: 'ReplicaSet', apiVersion: 'apps/v1', file: 'k8s/replicasets.json', rbac: 'list replicasets.apps', list: (a, p, o) => a.apps.listReplicaSetForAllNamespaces(p, o) },
  { kind: 'StatefulSet', apiVersion: 'apps/v1', file: 'k8s/statefulsets.json', rbac: 'list statefulsets.apps', list: (a, p, o) => a.apps.listStatefulSetForAllNamespaces(p, o) },
  { kind: 'DaemonSet', apiVersion: 'apps/v1', file: 'k8s/daemonsets.json', rbac: 'list daemonsets.apps', list: (a, p, o) => a.apps.listDaemonSetForAllNamespaces(p, o) },
  { kind: 'Node', apiVersion: 'v1', file: 'k8s/nodes.json', rbac: 'list nodes', list: (a, p, o) => a.core.listNode(p, o) },
  {
    kind: 'ServiceAccount',
    apiVersion: 'v1',
    file: 'k8s/serviceaccounts.json',
    rbac: 'list serviceaccounts',
    list: (a, p, o) => a.core.listServiceAccountForAllNamespaces(p, o),
  },
  {
    kind: 'NetworkPolicy',
    apiVersion: 'networking.k8s.io/v1',
    file: 'k8s/networkpolicies.json',
    rbac: 'list networkpolicies.networking.k8s.io',
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
  /** Ends every call still in flight (the collection as a whole has failed). */
  signal?: AbortSignal;
}

/**
 * Per-call options for client-node: abort the request after `timeoutMs` (the signal reaches
 * node-fetch), and keep the 2xx response body exactly as the API server sent it. The generated
 * client would otherwise turn it into typed models (dropping fields its models do not know, and
 * renaming some, e.g. NetworkPolicy `from` → `_from`) and we would have to turn it back; it gets
 * an empty object to deserialise instead.
 */
function rawCall(timeoutMs: number, stop?: AbortSignal): { options: any; body: () => any } {
  let text: string | undefined;
  const options = {
    middleware: [
      {
        pre: (ctx: { setSignal(s: AbortSignal): void }) => {
          const timeout = AbortSignal.timeout(timeoutMs);
          ctx.setSignal(stop ? AbortSignal.any([stop, timeout]) : timeout);
          return new Observable(Promise.resolve(ctx));
        },
        post: (rsp: ResponseContext) => {
          if (rsp.httpStatusCode < 200 || rsp.httpStatusCode > 299) return new Observable(Promise.resolve(rsp));
          const kept = rsp.body.text().then((t) => {
            text = t;
            const empty = { text: async () => '{}', binary: async () => Buffer.from('{}') };
            return new ResponseContext(rsp.httpStatusCode, rsp.headers, empty);
          });
          return new Observable(kept);
        },
      },
    ],
    middlewareMergeStrategy: 'append' as const,
  };
  return { options, body: () => (text === undefined ? undefined : JSON.parse(text)) };
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
async function withRetries<T>(call: () => Promise<T>, maxAttempts: number, stop?: AbortSignal): Promise<T> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await call();
    } catch (err) {
      if (stop?.aborted) throw err;
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

/**
 * A list item as kubectl prints it: apiVersion and kind first, no unset fields. managedFields stay on the
 * kinds drift reports (they say who changed an object, src/drift/attribution.ts) and are dropped elsewhere
 * (pods, endpoint slices: bulky, and no command reads them there).
 */
function cleanItem(item: any, apiVersion: string, kind: string): any {
  const { apiVersion: itemApiVersion, kind: itemKind, metadata, ...rest } = item;
  const { managedFields, ...meta } = metadata ?? {};
  const keep = ATTRIBUTED_KINDS.has(kind) && Array.isArray(managedFields);
  return { apiVersion: itemApiVersion ?? apiVersion, kind: itemKind ?? kind, metadata: keep ? { ...meta, managedFields } : meta, ...rest };
}

/** One call through `rawCall`, with retries; the API server's JSON body. */
async function wireJson(call: (options: CallOptions) => Promise<unknown>, opts: KubeOptions): Promise<any> {
  return withRetries(async () => {
    const raw = rawCall(opts.timeoutMs, opts.signal);
    await call(raw.options);
    return raw.body();
  }, opts.maxAttempts, opts.signal);
}

async function collectList(apis: Apis, spec: KubeList, run: Limiter, opts: KubeOptions): Promise<Part> {
  try {
    const items = await allPages(run, async (token) => {
      const page = await wireJson((o) => spec.list(apis, { limit: KUBE_PAGE_SIZE, ...(token ? { _continue: token } : {}) }, o), opts);
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
  try {
    const cm = await run(() => wireJson((o) => apis.core.readNamespacedConfigMap(VPC_CNI_CONFIGMAP, o), opts));
    return { documents: [{ file: 'k8s/configmap-amazon-vpc-cni.json', doc: cleanItem(cm, 'v1', 'ConfigMap') }], missing: [] };
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
