import { KubeConfig } from '@kubernetes/client-node';
import type { Cluster } from '@aws-sdk/client-eks';

/** KUBECONFIG, when set, decides which API server and user eksnet talks to (CONTRACT §3). */
export function kubeConfigFromEnv(env: NodeJS.ProcessEnv): KubeConfig | undefined {
  if (!env.KUBECONFIG) return undefined;
  const kc = new KubeConfig();
  // loadFromDefault reads every file KUBECONFIG lists and merges them as kubectl does.
  kc.loadFromDefault();
  if (!kc.getCurrentCluster()) throw new Error(`KUBECONFIG ${env.KUBECONFIG}: no current context with a cluster`);
  return kc;
}

/**
 * A KubeConfig for an EKS cluster from describe-cluster: its endpoint, its CA
 * (`certificateAuthority.data`, base64 PEM as kubeconfig's certificate-authority-data) and a token.
 */
export function kubeConfigForCluster(cluster: Cluster, token: string): KubeConfig {
  if (!cluster.endpoint) throw new Error(`cluster ${cluster.name}: describe-cluster gave no API endpoint`);
  const kc = new KubeConfig();
  const name = cluster.name ?? 'eks';
  kc.loadFromOptions({
    clusters: [{ name, server: cluster.endpoint, caData: cluster.certificateAuthority?.data, skipTLSVerify: false }],
    users: [{ name: 'eksnet', token }],
    contexts: [{ name, cluster: name, user: 'eksnet' }],
    currentContext: name,
  });
  return kc;
}
