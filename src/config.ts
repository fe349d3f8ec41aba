import { readFileSync } from 'node:fs';
import { parseYaml } from './util/yaml';
import * as z from 'zod';
import { BadInputError } from './util/errors';
import { escapeControl } from './util/escape';
import { nearest } from './util/nearest';

// Every object is strict (CONTRACT §3: "an unknown key is an error, never ignored"): a misspelt `channels:`
// must not silently drop the per-channel restrictions. Add keys with z.strictObject so they stay strict.

const ClusterSchema = z.strictObject({
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

const ChannelSchema = z.strictObject({ clusters: z.array(z.string()).default([]), defaultCluster: z.string().optional() });

const AuthorizationSchema = z.strictObject({
  /** Subcommand → user ids / user group ids allowed to run it (use "*" for everyone). */
  commands: z.record(z.string(), z.array(z.string())).default({}),
  /** Users or user groups allowed to approve state changes (baselines, add-on upgrades). */
  approvers: z.array(z.string()).default([]),
});

const ConfigSchema = z.strictObject({
  clusters: z.array(ClusterSchema).default([]),
  defaultCluster: z.string().optional(),
  /** Seconds a warm process reuses collected state (CONTRACT/issue 4: default 60). */
  cacheSeconds: z.number().int().nonnegative().default(60),
  /** Slack: per channel id, the clusters it may query and its default. */
  channels: z.record(z.string(), ChannelSchema).default({}),
  /** Slack: who may run what. Absent = read-only commands for everyone, changes for no one. */
  authorization: AuthorizationSchema.default({ commands: {}, approvers: [] }),
  /** Posture: ports a load balancer's security group may open to the world (AWS Security Hub EC2.18 authorizedTcpPorts). */
  posture: z.strictObject({ authorizedPorts: z.array(z.number().int().min(0).max(65535)).default([80, 443]) }).default({ authorizedPorts: [80, 443] }),
  /** The daily drift digest: on a quiet day (nothing new, open or resolved) post one line, or nothing. */
  digest: z.strictObject({ quietDays: z.enum(['line', 'silent']).default('line') }).default({ quietDays: 'line' }),
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
      throw new ConfigError('(file)', `config ${escapeControl(env.EKSNET_CONFIG)}: cannot read: ${escapeControl((err as Error).message)}`);
    }
    raw = parseConfigText(text, env.EKSNET_CONFIG);
  }
  const config = parseConfig(raw ?? {});
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
    throw new ConfigError('(syntax)', `config ${escapeControl(origin)}: ${escapeControl((err as Error).message.split('\n')[0]!)}`);
  }
}

/**
 * A configuration that cannot be used: bad input for the CLI (exit 2), and on Lambda the reason every
 * command answers "eksnet is misconfigured: <key>". `key` is the dotted path of the offending key.
 */
export class ConfigError extends BadInputError {
  constructor(
    readonly key: string,
    message: string,
  ) {
    super(message);
  }
}

/** What the person asking in Slack is told (the key only; the full message is in the log and `eksnet config check`). */
export function misconfiguredText(err: ConfigError): string {
  return `eksnet is misconfigured: ${err.key}`;
}

type SchemaDef = { type: string; shape?: Record<string, z.ZodType>; innerType?: z.ZodType; valueType?: z.ZodType; element?: z.ZodType; in?: z.ZodType };

function defOf(schema: z.ZodType): SchemaDef {
  return (schema as unknown as { _zod: { def: SchemaDef } })._zod.def;
}

/** The keys an object schema allows at `path` (walking records, arrays, defaults and optionals). */
function keysAt(schema: z.ZodType, path: readonly PropertyKey[]): string[] {
  let s: z.ZodType | undefined = schema;
  const rest = [...path];
  for (;;) {
    if (!s) return [];
    const def = defOf(s);
    if (def.innerType) s = def.innerType;
    else if (def.in) s = def.in;
    else if (rest.length === 0) return def.type === 'object' && def.shape ? Object.keys(def.shape) : [];
    else if (def.type === 'object' && def.shape) s = def.shape[String(rest.shift())];
    else if (def.type === 'record' || def.type === 'array') {
      rest.shift();
      s = def.type === 'record' ? def.valueType : def.element;
    }
    else return [];
  }
}

function keyPath(path: readonly PropertyKey[]): string {
  return escapeControl(path.map(String).join('.')) || '(root)';
}

/** Validate a parsed configuration document; the first problem becomes a ConfigError naming its key. */
export function parseConfig(raw: unknown): EksnetConfig {
  const parsed = ConfigSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0]!;
    if (issue.code === 'unrecognized_keys') {
      const unknown = String(issue.keys[0]);
      const key = keyPath([...issue.path, unknown]);
      const near = nearest(unknown, keysAt(ConfigSchema, issue.path));
      throw new ConfigError(key, `config: ${key}: unknown key${near ? ` (did you mean "${keyPath([...issue.path, near])}"?)` : ''}`);
    }
    const key = keyPath(issue.path);
    throw new ConfigError(key, `config: ${key}: ${issue.message}`);
  }
  const config = parsed.data;
  // References between sections must name something that exists, or a channel's scope would point nowhere.
  const names = new Set<string>();
  config.clusters.forEach((c, i) => {
    if (names.has(c.name)) throw new ConfigError(`clusters.${i}.name`, `config: clusters.${i}.name: cluster ${escapeControl(c.name)} is listed twice`);
    names.add(c.name);
  });
  if (config.clusters.length > 0) {
    if (config.defaultCluster !== undefined && !names.has(config.defaultCluster)) {
      throw new ConfigError('defaultCluster', `config: defaultCluster: ${escapeControl(config.defaultCluster)} is not one of clusters (${[...names].join(', ')})`);
    }
    for (const [id, channel] of Object.entries(config.channels)) {
      for (const [i, name] of [...channel.clusters, ...(channel.defaultCluster ? [channel.defaultCluster] : [])].entries()) {
        if (!names.has(name)) {
          const key = i < channel.clusters.length ? `channels.${id}.clusters.${i}` : `channels.${id}.defaultCluster`;
          throw new ConfigError(escapeControl(key), `config: ${escapeControl(key)}: ${escapeControl(name)} is not one of clusters (${[...names].join(', ')})`);
        }
      }
    }
  }
  return config;
}
