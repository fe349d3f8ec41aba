type Json = Record<string, unknown>;
type Meta = (name: string, namespace?: string, labels?: Record<string, string>, extra?: Json) => Json;

/** kube-system's aws-node (VPC CNI with the network policy agent, pod ENIs, prefix delegation) and kube-proxy DaemonSets. */
export function kubeSystemDaemonSets(meta: Meta, REGION: string): [Json, Json] {
  const awsNode = {
    apiVersion: 'apps/v1',
    kind: 'DaemonSet',
    metadata: meta('aws-node', 'kube-system', { 'k8s-app': 'aws-node' }),
    spec: {
      selector: { matchLabels: { 'k8s-app': 'aws-node' } },
      template: {
        metadata: { labels: { 'k8s-app': 'aws-node' } },
        spec: {
          hostNetwork: true,
          serviceAccountName: 'aws-node',
          containers: [
            {
              name: 'aws-node',
              image: `602401143452.dkr.ecr.${REGION}.amazonaws.com/amazon-k8s-cni:v1.19.2-eksbuild.1`,
              env: [['AWS_VPC_K8S_CNI_EXTERNALSNAT', 'false'], ['ENABLE_POD_ENI', 'true'], ['ENABLE_PREFIX_DELEGATION', 'true'], ['POD_SECURITY_GROUP_ENFORCING_MODE', 'strict'], ['AWS_VPC_K8S_CNI_RANDOMIZESNAT', 'prng']].map(([name, value]) => ({ name, value })),
            },
            { name: 'aws-eks-nodeagent', image: `602401143452.dkr.ecr.${REGION}.amazonaws.com/amazon/aws-network-policy-agent:v1.1.6-eksbuild.1`, args: ['--enable-ipv6=false', '--enable-network-policy=true', '--enable-cloudwatch-logs=false'] },
          ],
        },
      },
    },
  };
  const kubeProxy = {
    apiVersion: 'apps/v1', kind: 'DaemonSet', metadata: meta('kube-proxy', 'kube-system', { 'k8s-app': 'kube-proxy' }),
    spec: { selector: { matchLabels: { 'k8s-app': 'kube-proxy' } }, template: { metadata: { labels: { 'k8s-app': 'kube-proxy' } }, spec: { hostNetwork: true, containers: [{ name: 'kube-proxy', image: `602401143452.dkr.ecr.${REGION}.amazonaws.com/eks/kube-proxy:v1.31.3-minimal-eksbuild.2` }] } } },
  };
  return [awsNode, kubeProxy];
}
