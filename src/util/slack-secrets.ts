import { registerSecret } from './log';
import { CachedValue } from './promise-cache';

export interface SlackSecrets {
  signingSecret: string;
  botToken: string;
}

export class MissingSecretError extends Error {
  override readonly name = 'MissingSecretError';
}

/** Parameter names under SLACK_SECRETS_SSM_PREFIX. */
export const SSM_NAMES = { signingSecret: 'signing-secret', botToken: 'bot-token' } as const;

const cached = new CachedValue<SlackSecrets>();

/**
 * Slack's secrets: SLACK_SIGNING_SECRET and SLACK_BOT_TOKEN from the environment (they win when set),
 * else from SSM Parameter Store under SLACK_SECRETS_SSM_PREFIX (GetParameters, WithDecryption). A prefix
 * of /aws/reference/secretsmanager/... reads Secrets Manager secrets through Parameter Store
 * (https://docs.aws.amazon.com/systems-manager/latest/userguide/integration-ps-secretsmanager.html).
 * Cached for the life of the process; a failure is not cached.
 */
export function loadSlackSecrets(env: NodeJS.ProcessEnv = process.env): Promise<SlackSecrets> {
  return cached.get(() => readSecrets(env));
}

export function clearSecretsCache(): void {
  cached.clear();
}

async function readSecrets(env: NodeJS.ProcessEnv): Promise<SlackSecrets> {
  let signingSecret = env.SLACK_SIGNING_SECRET || undefined;
  let botToken = env.SLACK_BOT_TOKEN || undefined;
  const prefix = env.SLACK_SECRETS_SSM_PREFIX;
  if ((!signingSecret || !botToken) && prefix) {
    const fromSsm = await readFromSsm(prefix, [...(signingSecret ? [] : [SSM_NAMES.signingSecret]), ...(botToken ? [] : [SSM_NAMES.botToken])]);
    signingSecret ??= fromSsm[SSM_NAMES.signingSecret];
    botToken ??= fromSsm[SSM_NAMES.botToken];
  }
  const missing = [!signingSecret && 'SLACK_SIGNING_SECRET', !botToken && 'SLACK_BOT_TOKEN'].filter(Boolean) as string[];
  if (missing.length > 0) {
    const where = prefix ? ` (not in the environment, nor in SSM under ${prefix})` : ' (set it in the environment, or set SLACK_SECRETS_SSM_PREFIX to read it from SSM Parameter Store)';
    throw new MissingSecretError(`${missing.join(' and ')} ${missing.length > 1 ? 'are' : 'is'} not set${where}`);
  }
  registerSecret(signingSecret);
  registerSecret(botToken);
  return { signingSecret: signingSecret!, botToken: botToken! };
}

async function readFromSsm(prefix: string, names: string[]): Promise<Record<string, string>> {
  const { SSMClient, GetParametersCommand } = await import('@aws-sdk/client-ssm');
  const { awsRequestHandler } = await import('../util/aws-http');
  // A short timeout that fires: the secrets are read on the first Slack request, inside its 3-second ack.
  const client = new SSMClient({ requestHandler: awsRequestHandler(2000) });
  const res = await client.send(new GetParametersCommand({ Names: names.map((n) => prefix + n), WithDecryption: true }));
  const out: Record<string, string> = {};
  for (const p of res.Parameters ?? []) {
    const short = p.Name?.startsWith(prefix) ? p.Name.slice(prefix.length) : undefined;
    if (short && p.Value) out[short] = p.Value;
  }
  return out;
}
