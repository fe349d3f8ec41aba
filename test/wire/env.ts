import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import * as path from 'node:path';

const KEYS = [
  'AWS_ACCESS_KEY_ID',
  'AWS_SECRET_ACCESS_KEY',
  'AWS_SESSION_TOKEN',
  'AWS_REGION',
  'AWS_DEFAULT_REGION',
  'AWS_PROFILE',
  'AWS_CONFIG_FILE',
  'AWS_SHARED_CREDENTIALS_FILE',
  'AWS_EC2_METADATA_DISABLED',
  'AWS_MAX_ATTEMPTS',
  'AWS_RETRY_MODE',
  'AWS_ENDPOINT_URL',
  'AWS_ENDPOINT_URL_EC2',
  'AWS_ENDPOINT_URL_EKS',
  'AWS_ENDPOINT_URL_STS',
  'KUBECONFIG',
  'EKSNET_HTTP_TIMEOUT_MS',
];

/** Fake credentials and a clean AWS/Kubernetes environment; returns a function that restores it. */
export function fakeAwsEnv(extra: Record<string, string> = {}): () => void {
  const saved = Object.fromEntries(KEYS.map((k) => [k, process.env[k]]));
  for (const k of KEYS) delete process.env[k];
  Object.assign(process.env, {
    AWS_ACCESS_KEY_ID: 'AKIDEXAMPLE',
    AWS_SECRET_ACCESS_KEY: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY',
    AWS_REGION: 'us-east-1',
    AWS_CONFIG_FILE: path.join(tmpdir(), 'eksnet-no-aws-config'),
    AWS_SHARED_CREDENTIALS_FILE: path.join(tmpdir(), 'eksnet-no-aws-credentials'),
    AWS_EC2_METADATA_DISABLED: 'true',
    AWS_MAX_ATTEMPTS: '3',
    ...extra,
  });
  return () => {
    for (const k of KEYS) {
      if (saved[k] === undefined) delete process.env[k];
      else process.env[k] = saved[k];
    }
  };
}

/** A kubeconfig file whose current context talks to `server` with a static token. */
export function writeKubeconfig(server: string): string {
  const dir = mkdtempSync(path.join(tmpdir(), 'eksnet-kube-'));
  const file = path.join(dir, 'config');
  writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'clusters:',
      '- name: test',
      '  cluster:',
      `    server: ${server}`,
      '    insecure-skip-tls-verify: true',
      'users:',
      '- name: tester',
      '  user:',
      '    token: kubeconfig-token',
      'contexts:',
      '- name: test',
      '  context: {cluster: test, user: tester}',
      'current-context: test',
      '',
    ].join('\n'),
  );
  return file;
}
