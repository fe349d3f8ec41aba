import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import { fromTemporaryCredentials } from '@aws-sdk/credential-providers';
import type { AwsCredentialIdentityProvider } from '@smithy/types';

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
  const credentials = target.roleArn
    ? fromTemporaryCredentials({
        params: { RoleArn: target.roleArn, RoleSessionName: 'eksnet' },
        clientConfig: target.region ? { region: target.region } : {},
      })
    : undefined;
  const common = {
    ...(target.region ? { region: target.region } : {}),
    ...(credentials ? { credentials } : {}),
    requestHandler: { requestTimeout: timeoutMs, connectionTimeout: timeoutMs },
  };
  return { eks: new EKSClient(common), ec2: new EC2Client(common), credentials, region: target.region };
}
