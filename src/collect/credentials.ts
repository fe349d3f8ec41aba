import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { awsRequestHandler } from '../util/aws-http';
import { CachedValue } from '../util/promise-cache';

/** Renew temporary credentials this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * One set of assumed-role credentials shared by every client and the EKS token, renewed shortly
 * before it expires (each SDK client would otherwise call AssumeRole for itself).
 */
function shared(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  const current = new CachedValue<AwsCredentialIdentity>();
  return () => current.get(() => provider(), { isFresh: (held) => !held.expiration || held.expiration.getTime() - Date.now() > RENEW_BEFORE_MS });
}

const assumedRoles = new Map<string, AwsCredentialIdentityProvider>();

function assumedRole(roleArn: string, region: string | undefined, timeoutMs: number): AwsCredentialIdentityProvider {
  const key = `${roleArn}|${region ?? ''}|${timeoutMs}`;
  let provider = assumedRoles.get(key);
  if (!provider) {
    provider = shared(
      fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: 'eksnet' },
        // STS AssumeRole gets the same timeouts that fire as every other client.
        clientConfig: { ...(region ? { region } : {}), requestHandler: awsRequestHandler(timeoutMs) },
      }),
    );
    assumedRoles.set(key, provider);
  }
  return provider;
}

/** The credentials eksnet uses for a cluster: its assumed role when it has one, else undefined (the SDK's default chain). */
export function clusterCredentials(target: { region?: string; roleArn?: string }, timeoutMs = 10_000): AwsCredentialIdentityProvider | undefined {
  return target.roleArn ? assumedRole(target.roleArn, target.region, timeoutMs) : undefined;
}
