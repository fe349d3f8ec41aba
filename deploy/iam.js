// The IAM of each eksnet function, generated at package time from the eksnet configuration
// (EKSNET_CONFIG_JSON, else the file EKSNET_CONFIG: the same document the functions read) and from
// serverless.yml (stage, Slack secrets prefix). serverless.yml declares one role per function and takes
// each role's statements from here: `${file(./deploy/iam.js):ROLE}`. docs/permissions.md explains every
// statement; test/deploy/cloudformation.test.ts checks the template osls generates from it.
//
// Rules: write actions only on named resources (the configured clusters' ARNs, the jobs queues, the
// state bucket and table); `*` only for read actions that have no resource-level permissions
// (EC2 Describe*, eks:DescribeAddonVersions, cloudtrail:LookupEvents — Service Authorization Reference,
// https://docs.aws.amazon.com/service-authorization/latest/reference/list_amazonec2.html and
// list_amazonelastickubernetesservice.html); sts:AssumeRole only to roles the configuration names.
'use strict';

const { readFileSync } = require('node:fs');
const { CORE_SCHEMA, load } = require('js-yaml');

// js-yaml, as everywhere (src/util/yaml.ts): one YAML library.
const parse = (text) => load(text, { schema: CORE_SCHEMA });

const ROLE_ARN = /^arn:(aws[a-z-]*):iam::(\d{12}):role\/.+$/;
const CLUSTER_NAME = /^[0-9A-Za-z][A-Za-z0-9\-_]*$/;

/** The clusters of the configuration, with what IAM needs of them; a clear error for what IAM cannot use. */
function configuredClusters(env = process.env) {
  let text;
  let origin;
  if (env.EKSNET_CONFIG_JSON) {
    text = env.EKSNET_CONFIG_JSON;
    origin = 'EKSNET_CONFIG_JSON';
  } else if (env.EKSNET_CONFIG) {
    origin = env.EKSNET_CONFIG;
    try {
      text = readFileSync(env.EKSNET_CONFIG, 'utf8');
    } catch (err) {
      throw new Error(`config ${origin}: cannot read: ${err.message}`);
    }
  } else return [];
  let doc;
  try {
    doc = parse(text) ?? {};
  } catch (err) {
    throw new Error(`config ${origin}: ${String(err.message).split('\n')[0]}`);
  }
  const clusters = Array.isArray(doc.clusters) ? doc.clusters : [];
  return clusters.map((c, i) => {
    if (!c || typeof c.name !== 'string' || !CLUSTER_NAME.test(c.name)) throw new Error(`config ${origin}: clusters.${i}.name is not an EKS cluster name`);
    for (const key of ['roleArn', 'upgradeRoleArn']) {
      if (c[key] !== undefined && !ROLE_ARN.test(c[key])) throw new Error(`config ${origin}: clusters.${i}.${key} is not an IAM role ARN`);
    }
    return { name: c.name, region: typeof c.region === 'string' ? c.region : undefined, roleArn: c.roleArn, upgradeRoleArn: c.upgradeRoleArn };
  });
}

const sub = (s) => ({ 'Fn::Sub': s });
const uniq = (xs) => [...new Set(xs)];

/** A cluster's ARN and its add-ons' ARNs (arn:aws:eks:REGION:ACCOUNT:cluster/NAME, .../addon/NAME/*). */
function clusterArns(c) {
  const region = c.region ?? '${AWS::Region}';
  return [sub(`arn:\${AWS::Partition}:eks:${region}:\${AWS::AccountId}:cluster/${c.name}`), sub(`arn:\${AWS::Partition}:eks:${region}:\${AWS::AccountId}:addon/${c.name}/*`)];
}

async function context({ resolveVariable }) {
  const [service, stage, secretsPrefix] = await Promise.all([
    resolveVariable('self:service'),
    resolveVariable('self:provider.stage'),
    resolveVariable('self:custom.slackSecretsPrefix'),
  ]);
  return { service, stage, secretsPrefix, clusters: configuredClusters() };
}

function logs(ctx, fn) {
  return {
    Sid: 'OwnLogs',
    Effect: 'Allow',
    Action: ['logs:CreateLogStream', 'logs:PutLogEvents'],
    Resource: sub(`arn:\${AWS::Partition}:logs:\${AWS::Region}:\${AWS::AccountId}:log-group:/aws/lambda/${ctx.service}-${ctx.stage}-${fn}:*`),
  };
}

/** The Slack secrets: SSM parameters under the prefix the functions read, or the Secrets Manager secrets it refers to. */
function slackSecrets(ctx) {
  const prefix = ctx.secretsPrefix;
  if (typeof prefix !== 'string' || !prefix.startsWith('/')) throw new Error(`custom.slackSecretsPrefix must be an SSM path such as /eksnet/prod/slack/ (got ${JSON.stringify(prefix)})`);
  const statements = [
    { Sid: 'SlackSecrets', Effect: 'Allow', Action: 'ssm:GetParameters', Resource: sub(`arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${prefix}*`) },
  ];
  const sm = /^\/aws\/reference\/secretsmanager\/(.+)$/.exec(prefix);
  if (sm) {
    // Secret ARNs end in a random 6-character suffix: NAME-AbCdEf.
    statements.push({ Sid: 'SlackSecretsManager', Effect: 'Allow', Action: 'secretsmanager:GetSecretValue', Resource: sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${sm[1]}*`) });
  }
  return statements;
}

function stateStore() {
  return [
    {
      Sid: 'StateTable',
      Effect: 'Allow',
      Action: ['dynamodb:GetItem', 'dynamodb:UpdateItem', 'dynamodb:DeleteItem', 'dynamodb:Query'],
      Resource: { 'Fn::GetAtt': ['StateTable', 'Arn'] },
    },
    { Sid: 'StateDocuments', Effect: 'Allow', Action: ['s3:GetObject', 's3:PutObject'], Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StateBucket', 'Arn'] }, '/*']] } },
    { Sid: 'StateList', Effect: 'Allow', Action: 's3:ListBucket', Resource: { 'Fn::GetAtt': ['StateBucket', 'Arn'] } },
  ];
}

/** Read-only collection of the configured clusters: directly for clusters in this account, through their reader role otherwise. */
function collection(ctx) {
  const direct = ctx.clusters.filter((c) => !c.roleArn);
  const readers = uniq(ctx.clusters.filter((c) => c.roleArn).map((c) => c.roleArn));
  const statements = [];
  if (direct.length > 0) {
    statements.push({ Sid: 'ReadClusters', Effect: 'Allow', Action: ['eks:DescribeCluster', 'eks:ListAddons', 'eks:DescribeAddon'], Resource: direct.flatMap(clusterArns) });
  }
  statements.push({
    Sid: 'ReadNetwork',
    Effect: 'Allow',
    // EC2 Describe* and DescribeAddonVersions have no resource-level permissions: `*`, read-only.
    Action: [
      'eks:DescribeAddonVersions',
      'ec2:DescribeSecurityGroups',
      'ec2:DescribeNetworkAcls',
      'ec2:DescribeSubnets',
      'ec2:DescribeRouteTables',
      'ec2:DescribeNetworkInterfaces',
      'ec2:DescribeVpcs',
      'ec2:DescribeInstances',
      'ec2:DescribeNatGateways',
      'ec2:DescribeInternetGateways',
      'ec2:DescribeEgressOnlyInternetGateways',
      'ec2:DescribeManagedPrefixLists',
      'ec2:GetManagedPrefixListEntries',
      // Drift attribution: who changed a security group or NACL.
      'cloudtrail:LookupEvents',
    ],
    Resource: '*',
  });
  if (readers.length > 0) statements.push({ Sid: 'AssumeReaderRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: readers });
  return statements;
}

const queueConsumer = (sid, queue) => ({
  Sid: sid,
  Effect: 'Allow',
  Action: ['sqs:ReceiveMessage', 'sqs:DeleteMessage', 'sqs:GetQueueAttributes', 'sqs:ChangeMessageVisibility'],
  Resource: { 'Fn::GetAtt': [queue, 'Arn'] },
});

module.exports = {
  configuredClusters,

  /** `slack`: answers Slack within 3 s; reads its secrets, hands work and button clicks to the worker, records refusals and claims. */
  async slack(args) {
    const ctx = await context(args);
    return [
      logs(ctx, 'slack'),
      ...slackSecrets(ctx),
      { Sid: 'HandToWorker', Effect: 'Allow', Action: 'lambda:InvokeFunction', Resource: { 'Fn::GetAtt': ['WorkerLambdaFunction', 'Arn'] } },
      ...stateStore(),
    ];
  },

  /** `worker`: slow /eksnet commands (live collection), drift Accept/Snooze clicks, and approved add-on upgrades through the upgrader role. */
  async worker(args) {
    const ctx = await context(args);
    const upgraders = [{ 'Fn::GetAtt': ['UpgraderRole', 'Arn'] }, ...uniq(ctx.clusters.filter((c) => c.upgradeRoleArn).map((c) => c.upgradeRoleArn))];
    return [
      logs(ctx, 'worker'),
      ...slackSecrets(ctx),
      ...collection(ctx),
      { Sid: 'AssumeUpgraderRoles', Effect: 'Allow', Action: 'sts:AssumeRole', Resource: upgraders },
      ...stateStore(),
    ];
  },

  /** `jobs`: the scheduled dispatcher; it only puts messages on the jobs queue. */
  async jobs(args) {
    const ctx = await context(args);
    return [logs(ctx, 'jobs'), { Sid: 'QueueJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['JobsQueue', 'Arn'] } }];
  },

  /** `jobsConsumer`: one (job, cluster) per message: collect, compare, post. */
  async jobsConsumer(args) {
    const ctx = await context(args);
    return [logs(ctx, 'jobsConsumer'), ...slackSecrets(ctx), ...collection(ctx), ...stateStore(), queueConsumer('TakeJobs', 'JobsQueue')];
  },

  /** `jobsDeadLetters`: tells a cluster's channel once that its job gave up. */
  async jobsDeadLetters(args) {
    const ctx = await context(args);
    return [logs(ctx, 'jobsDeadLetters'), ...slackSecrets(ctx), ...stateStore(), queueConsumer('TakeDeadLetters', 'JobsDeadLetterQueue')];
  },

  /**
   * The upgrader role (assumed by the worker for an approved upgrade, never a function's own role): add-on
   * updates on the configured clusters of this account only. Clusters in other accounts name their own
   * upgradeRoleArn there (docs/permissions.md has its policy).
   */
  async upgrader(args) {
    const ctx = await context(args);
    const local = ctx.clusters.filter((c) => !c.upgradeRoleArn && !c.roleArn);
    const statements = [{ Sid: 'AddonVersions', Effect: 'Allow', Action: 'eks:DescribeAddonVersions', Resource: '*' }];
    if (local.length > 0) {
      statements.push({
        Sid: 'UpgradeAddons',
        Effect: 'Allow',
        Action: ['eks:DescribeCluster', 'eks:DescribeAddon', 'eks:UpdateAddon', 'eks:DescribeUpdate'],
        Resource: local.flatMap(clusterArns),
      });
    }
    return statements;
  },
};
