import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
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

function assumedRole(roleArn: string, region: string | undefined): AwsCredentialIdentityProvider {
  const key = `${roleArn}|${region ?? ''}`;
  let provider = assumedRoles.get(key);
  if (!provider) {
    provider = shared(
      fromTemporaryCredentials({
        params: { RoleArn: roleArn, RoleSessionName: 'eksnet' },
        clientConfig: region ? { region } : {},
      }),
    );
    assumedRoles.set(key, provider);
  }
  return provider;
}

/** The credentials eksnet uses for a cluster: its assumed role when it has one, else undefined (the SDK's default chain). */
export function clusterCredentials(target: { region?: string; roleArn?: string }): AwsCredentialIdentityProvider | undefined {
  return target.roleArn ? assumedRole(target.roleArn, target.region) : undefined;
}
