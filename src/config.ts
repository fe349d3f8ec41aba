import { readFileSync } from 'node:fs';
import { parseYaml } from './util/yaml';
import { z } from 'zod';
import { BadInputError } from './util/errors';

const ClusterSchema = z.object({
  name: z.string().min(1),
  region: z.string().optional(),
  /** Role to assume for clusters in other accounts. */
  roleArn: z.string().optional(),
  /** Slack channel for the cluster's drift digest and alerts. */
  channel: z.string().optional(),
  /** Baseline directory the scheduled drift digest compares with (default: EKSNET_BASELINE_DIR/<name>). */
  baseline: z.string().optional(),
  /** Add-on upgrades: who may approve on this cluster (user / user group ids; default authorization.approvers). */
  approvers: z.array(z.string()).optional(),
  /** Add-on upgrades: approvals needed (2 = two different approvers) and how long an offer stays valid. */
  approvals: z
    .object({ required: z.union([z.literal(1), z.literal(2)]).default(1), offerTtlDays: z.number().positive().default(7) })
    .strict()
    .optional(),
  /** Add-on upgrades run with this role (session name eksnet-<Slack user id>); default EKSNET_UPGRADE_ROLE_ARN. */
  upgradeRoleArn: z.string().optional(),
  /** A `whoami-reach --batch` file (with `expect`) re-run after a successful upgrade. */
  assertions: z.string().optional(),
});

const ConfigSchema = z.object({
  clusters: z.array(ClusterSchema).default([]),
  defaultCluster: z.string().optional(),
  /** Seconds a warm process reuses collected state (CONTRACT/issue 4: default 60). */
  cacheSeconds: z.number().int().nonnegative().default(60),
  /** Slack: per channel id, the clusters it may query and its default. */
  channels: z
    .record(z.string(), z.object({ clusters: z.array(z.string()).default([]), defaultCluster: z.string().optional() }))
    .default({}),
  /** Slack: who may run what. Absent = read-only commands for everyone, changes for no one. */
  authorization: z
    .object({
      /** Subcommand → user ids / user group ids allowed to run it (use "*" for everyone). */
      commands: z.record(z.string(), z.array(z.string())).default({}),
      /** Users or user groups allowed to approve state changes (baselines, add-on upgrades). */
      approvers: z.array(z.string()).default([]),
    })
    .default({ commands: {}, approvers: [] }),
  /** Posture: ports a load balancer's security group may open to the world (AWS Security Hub EC2.18 authorizedTcpPorts). */
  posture: z
    .object({ authorizedPorts: z.array(z.number().int().min(0).max(65535)).default([80, 443]) })
    .default({ authorizedPorts: [80, 443] }),
  /** The daily drift digest: on a quiet day (nothing new, open or resolved) post one line, or nothing. */
  digest: z
    .object({ quietDays: z.enum(['line', 'silent']).default('line') })
    .default({ quietDays: 'line' }),
});

export type EksnetConfig = z.infer<typeof ConfigSchema>;
export type ClusterConfig = z.infer<typeof ClusterSchema>;

/**
 * Configuration: the file named by EKSNET_CONFIG (JSON or YAML), else built from the environment
 * (EKSNET_CLUSTER + AWS_REGION). EKSNET_CONFIG_JSON may carry the document inline (Lambda).
 */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): EksnetConfig {
  let raw: unknown = {};
  if (env.EKSNET_CONFIG_JSON) raw = parseConfigText(env.EKSNET_CONFIG_JSON, 'EKSNET_CONFIG_JSON');
  else if (env.EKSNET_CONFIG) {
    let text: string;
    try {
      text = readFileSync(env.EKSNET_CONFIG, 'utf8');
    } catch (err) {
      throw new BadInputError(`config ${env.EKSNET_CONFIG}: cannot read: ${(err as Error).message}`);
    }
    raw = parseConfigText(text, env.EKSNET_CONFIG);
  }
  const parsed = ConfigSchema.safeParse(raw ?? {});
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    throw new BadInputError(`config: ${issue.path.join('.') || '(root)'}: ${issue.message}`);
  }
  const config = parsed.data;
  if (env.EKSNET_CLUSTER) {
    if (!config.clusters.some((c) => c.name === env.EKSNET_CLUSTER)) {
      config.clusters.push({ name: env.EKSNET_CLUSTER, region: env.AWS_REGION ?? env.AWS_DEFAULT_REGION });
    }
    config.defaultCluster ??= env.EKSNET_CLUSTER;
  }
  if (!config.defaultCluster && config.clusters.length === 1) config.defaultCluster = config.clusters[0]!.name;
  return config;
}

function parseConfigText(text: string, origin: string): unknown {
  try {
    return parseYaml(text);
  } catch (err) {
    throw new BadInputError(`config ${origin}: ${(err as Error).message.split('\n')[0]}`);
  }
}
