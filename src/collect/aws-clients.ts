import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from '@smithy/types';
import { awsRequestHandler } from '../util/aws-http';

/** Renew temporary credentials this long before they expire. */
const RENEW_BEFORE_MS = 5 * 60 * 1000;

/**
 * One set of assumed-role credentials shared by every client and the EKS token, renewed shortly
 * before it expires (each SDK client would otherwise call AssumeRole for itself).
 */
function shared(provider: AwsCredentialIdentityProvider): AwsCredentialIdentityProvider {
  let current: Promise<AwsCredentialIdentity> | undefined;
  return async () => {
    const held = current && (await current.catch(() => undefined));
    if (held && (!held.expiration || held.expiration.getTime() - Date.now() > RENEW_BEFORE_MS)) return held;
    current = provider();
    return current;
  };
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

export interface AwsClients {
  eks: EKSClient;
  ec2: EC2Client;
  /** Credentials for anything signed by hand (the EKS token); undefined = the SDK's default chain. */
  credentials?: AwsCredentialIdentityProvider;
  region?: string;
}

/**
 * SDK clients for one cluster. No `endpoint` is passed, so the SDK's own endpoint resolution
 * (AWS_ENDPOINT_URL, AWS_ENDPOINT_URL_EC2, AWS_ENDPOINT_URL_EKS, config files) stays in force;
 * retries are the SDK's standard mode, whose attempts AWS_MAX_ATTEMPTS sets
 * (https://docs.aws.amazon.com/sdkref/latest/guide/feature-retry-behavior.html).
 */
export function makeAwsClients(target: { region?: string; roleArn?: string }, timeoutMs: number): AwsClients {
  const credentials = target.roleArn ? assumedRole(target.roleArn, target.region, timeoutMs) : undefined;
  const common = {
    ...(target.region ? { region: target.region } : {}),
    ...(credentials ? { credentials } : {}),
    // Timeouts that fire (a bare requestTimeout only warns): a hung endpoint fails its call, not the run.
    requestHandler: awsRequestHandler(timeoutMs),
  };
  return { eks: new EKSClient(common), ec2: new EC2Client(common), credentials, region: target.region };
}

/** The credentials eksnet uses for a cluster: its assumed role when it has one, else undefined (the SDK's default chain). */
export function clusterCredentials(target: { region?: string; roleArn?: string }, timeoutMs = 10_000): AwsCredentialIdentityProvider | undefined {
  return target.roleArn ? assumedRole(target.roleArn, target.region, timeoutMs) : undefined;
}
