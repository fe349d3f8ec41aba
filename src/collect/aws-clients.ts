import { EC2Client } from '@aws-sdk/client-ec2';
import { EKSClient } from '@aws-sdk/client-eks';
import type { AwsCredentialIdentityProvider } from '@smithy/types';
import { awsRequestHandler } from '../util/aws-http';
import { clusterCredentials } from './credentials';

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
  const credentials = clusterCredentials(target, timeoutMs);
  const common = {
    ...(target.region ? { region: target.region } : {}),
    ...(credentials ? { credentials } : {}),
    // Timeouts that fire (a bare requestTimeout only warns): a hung endpoint fails its call, not the run.
    requestHandler: awsRequestHandler(timeoutMs),
  };
  return { eks: new EKSClient(common), ec2: new EC2Client(common), credentials, region: target.region };
}
