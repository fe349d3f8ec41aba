import { GetCallerIdentityCommand, STSClient } from '@aws-sdk/client-sts';
import { Sha256 } from '@smithy/core/checksum';
import { getEndpointFromInstructions } from '@smithy/core/endpoints';
import { HttpRequest } from '@smithy/core/transport';
import { SignatureV4 } from '@smithy/signature-v4';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { PromiseCache } from '../util/promise-cache';

// The token format and lifetime of aws-iam-authenticator (pkg/token/token.go), which is what
// `aws eks get-token` produces: a presigned STS GetCallerIdentity URL that signs the
// `x-k8s-aws-id` header, base64url without padding, behind `k8s-aws-v1.`. The token is valid 15
// minutes from X-Amz-Date whatever X-Amz-Expires says; the authenticator's client renews after 14.
export const TOKEN_PREFIX = 'k8s-aws-v1.';
export const CLUSTER_ID_HEADER = 'x-k8s-aws-id';
const PRESIGN_EXPIRES_SECONDS = 60;
const TOKEN_REUSE_MS = 14 * 60 * 1000;

export interface EksToken {
  token: string;
  /** When eksnet stops using it (14 minutes after signing). */
  expiresAt: Date;
}

export interface TokenInput {
  clusterName: string;
  region: string;
  credentials?: AwsCredentialIdentityProvider;
  now?: Date;
}

/** The STS endpoint the SDK resolves for the region, honouring AWS_ENDPOINT_URL_STS / AWS_ENDPOINT_URL. */
export async function stsEndpoint(region: string, credentials?: AwsCredentialIdentityProvider): Promise<URL> {
  const sts = new STSClient({ region, ...(credentials ? { credentials } : {}) });
  try {
    const endpoint = await getEndpointFromInstructions({}, GetCallerIdentityCommand, sts.config);
    return new URL(endpoint.url.href);
  } finally {
    sts.destroy();
  }
}

/** A fresh token, exactly as `aws eks get-token --cluster-name NAME` makes it. */
export async function makeEksToken(input: TokenInput): Promise<EksToken> {
  const now = input.now ?? new Date();
  const endpoint = await stsEndpoint(input.region, input.credentials);
  const sts = new STSClient({ region: input.region, ...(input.credentials ? { credentials: input.credentials } : {}) });
  const signer = new SignatureV4({
    credentials: input.credentials ?? sts.config.credentials,
    region: input.region,
    service: 'sts',
    sha256: Sha256,
  });
  try {
    const request = new HttpRequest({
      method: 'GET',
      protocol: endpoint.protocol,
      hostname: endpoint.hostname,
      port: endpoint.port ? Number(endpoint.port) : undefined,
      path: endpoint.pathname || '/',
      query: { Action: 'GetCallerIdentity', Version: '2011-06-15' },
      headers: { host: endpoint.host, [CLUSTER_ID_HEADER]: input.clusterName },
    });
    const signed = await signer.presign(request, { expiresIn: PRESIGN_EXPIRES_SECONDS, signingDate: now });
    const url = new URL(`${endpoint.protocol}//${endpoint.host}${signed.path}`);
    for (const [k, v] of Object.entries(signed.query ?? {})) {
      for (const value of Array.isArray(v) ? v : [v]) if (value !== null && value !== undefined) url.searchParams.append(k, value);
    }
    const token = TOKEN_PREFIX + Buffer.from(url.toString(), 'utf8').toString('base64url');
    return { token, expiresAt: new Date(now.getTime() + TOKEN_REUSE_MS) };
  } finally {
    sts.destroy();
  }
}

/** The presigned URL inside a token (for tests and diagnostics). */
export function decodeEksToken(token: string): URL {
  if (!token.startsWith(TOKEN_PREFIX)) throw new Error('not an EKS token');
  return new URL(Buffer.from(token.slice(TOKEN_PREFIX.length), 'base64url').toString('utf8'));
}

const tokens = new PromiseCache<string, EksToken>();

/** A token for the cluster, reused until 14 minutes after it was signed, then made anew. */
export async function eksToken(input: TokenInput & { cacheKey: string }): Promise<string> {
  const now = input.now ?? new Date();
  const t = await tokens.get(input.cacheKey, () => makeEksToken({ ...input, now }), { isFresh: (held) => held.expiresAt.getTime() > now.getTime() });
  return t.token;
}

export function clearEksTokenCache(): void {
  tokens.clear();
}
