// What `osls package` generates: the CloudFormation a deployer would apply, and each function's bundle.
// IAM: per-function roles and resource-level permissions per the Service Authorization Reference
// (https://docs.aws.amazon.com/service-authorization/latest/reference/reference_policies_actions-resources-contextkeys.html);
// SQS + Lambda: https://docs.aws.amazon.com/lambda/latest/dg/with-sqs.html ("at least six times the timeout",
// ReportBatchItemFailures), maximum concurrency 2-1000, dead-letter queues after maxReceiveCount
// (https://docs.aws.amazon.com/AWSSimpleQueueService/latest/SQSDeveloperGuide/sqs-dead-letter-queues.html).
import { readFileSync } from 'node:fs';
import * as path from 'node:path';
import { SCHEDULES } from '../../src/scheduled/schedules';
import { CONFIG, packageService, ROOT, type Packaged } from '../../bench/package';

let pkg: Packaged;
let R: Record<string, any>;

beforeAll(async () => {
  pkg = await packageService();
  R = pkg.template.Resources;
}, 300_000);

const FUNCTIONS = {
  slack: 'SlackRole',
  worker: 'WorkerRole',
  jobs: 'JobsRole',
  jobsConsumer: 'JobsConsumerRole',
  jobsDeadLetters: 'JobsDeadLettersRole',
} as const;
const logicalId = (fn: string) => `${fn[0]!.toUpperCase()}${fn.slice(1)}LambdaFunction`;

type Statement = { Sid?: string; Effect: string; Action: string | string[]; Resource: unknown };
const list = <T>(v: T | T[]): T[] => (Array.isArray(v) ? v : [v]);
function statements(role: string): Statement[] {
  return R[role].Properties.Policies.flatMap((p: any) => p.PolicyDocument.Statement as Statement[]);
}
const actionsOf = (role: string) => statements(role).flatMap((s) => list(s.Action));
/** Resources of every statement in `role` that grants `action`. */
const resourcesFor = (role: string, action: string) => statements(role).filter((s) => list(s.Action).includes(action)).flatMap((s) => list(s.Resource));
const ALL_ROLES = [...Object.values(FUNCTIONS), 'UpgraderRole'];
const READ_ONLY = /[a-z0-9-]+:(Describe|Get|List|LookupEvents)[A-Za-z]*$/;

describe('CloudFormation from osls package', () => {
  it('one role per function, declared in the template, and no shared default role', () => {
    const roles = Object.entries(FUNCTIONS).map(([fn, role]) => {
      expect(R[logicalId(fn)].Properties.Role).toEqual({ 'Fn::GetAtt': [role, 'Arn'] });
      expect(R[role].Type).toBe('AWS::IAM::Role');
      expect(R[role].Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { Service: 'lambda.amazonaws.com' }, Action: 'sts:AssumeRole' }]);
      return role;
    });
    expect(new Set(roles).size).toBe(5);
    expect(R.IamRoleLambdaExecution).toBeUndefined();
    const lambdas = Object.entries(R).filter(([, r]: [string, any]) => r.Type === 'AWS::Lambda::Function').map(([id]) => id);
    expect(lambdas.sort()).toEqual(Object.keys(FUNCTIONS).map(logicalId).sort());
  });

  it('no write action on "*", no wildcard actions; `*` only for reads that have no resource-level permissions', () => {
    for (const role of ALL_ROLES) {
      for (const s of statements(role)) {
        expect(s.Effect).toBe('Allow');
        for (const a of list(s.Action)) expect(a).not.toMatch(/\*/);
        if (list(s.Resource).includes('*')) for (const a of list(s.Action)) expect(`${role}: ${a}`).toMatch(new RegExp(`: ${READ_ONLY.source}`));
      }
    }
  });

  it('add-on updates only through the upgrader role, scoped to the configured clusters of this account; only the worker may assume it', () => {
    for (const role of Object.values(FUNCTIONS)) expect(actionsOf(role).filter((a) => /UpdateAddon|DescribeUpdate/.test(a))).toEqual([]);
    const arn = (s: string) => ({ 'Fn::Sub': `arn:\${AWS::Partition}:eks:eu-west-1:\${AWS::AccountId}:${s}` });
    expect(resourcesFor('UpgraderRole', 'eks:UpdateAddon')).toEqual([arn('cluster/prod'), arn('addon/prod/*')]);
    expect(resourcesFor('UpgraderRole', 'eks:DescribeUpdate')).toEqual([arn('cluster/prod'), arn('addon/prod/*')]);
    expect(R.UpgraderRole.Properties.AssumeRolePolicyDocument.Statement).toEqual([{ Effect: 'Allow', Principal: { AWS: { 'Fn::GetAtt': ['WorkerRole', 'Arn'] } }, Action: 'sts:AssumeRole' }]);
    expect(R.WorkerLambdaFunction.Properties.Environment.Variables.EKSNET_UPGRADE_ROLE_ARN).toEqual({ 'Fn::GetAtt': ['UpgraderRole', 'Arn'] });
  });

  it('sts:AssumeRole only to the configured roles: readers for collection, upgraders for the worker', () => {
    const partner = CONFIG.clusters[1]!;
    expect(resourcesFor('WorkerRole', 'sts:AssumeRole').sort()).toEqual(
      [partner.roleArn, partner.upgradeRoleArn, { 'Fn::GetAtt': ['UpgraderRole', 'Arn'] }].sort((a, b) => JSON.stringify(a).localeCompare(JSON.stringify(b))).sort(),
    );
    expect(resourcesFor('JobsConsumerRole', 'sts:AssumeRole')).toEqual([partner.roleArn]);
    for (const role of ['SlackRole', 'JobsRole', 'JobsDeadLettersRole', 'UpgraderRole']) expect(resourcesFor(role, 'sts:AssumeRole')).toEqual([]);
  });

  it('collection reads the configured clusters of this account by ARN; the slack function and the dispatcher read no cluster', () => {
    for (const role of ['WorkerRole', 'JobsConsumerRole']) {
      expect(resourcesFor(role, 'eks:DescribeCluster')).toEqual([
        { 'Fn::Sub': 'arn:${AWS::Partition}:eks:eu-west-1:${AWS::AccountId}:cluster/prod' },
        { 'Fn::Sub': 'arn:${AWS::Partition}:eks:eu-west-1:${AWS::AccountId}:addon/prod/*' },
      ]);
      expect(actionsOf(role)).toEqual(expect.arrayContaining(['ec2:DescribeSecurityGroups', 'ec2:DescribeNetworkInterfaces', 'eks:DescribeAddonVersions']));
    }
    for (const role of ['SlackRole', 'JobsRole', 'JobsDeadLettersRole']) expect(actionsOf(role).filter((a) => /^(eks|ec2):/.test(a))).toEqual([]);
  });

  it('Slack secrets only under the configured prefix (the value the functions read); the dispatcher reads none', () => {
    const prefix = '/eksnet/ci/slack/';
    for (const fn of ['slack', 'worker', 'jobsConsumer', 'jobsDeadLetters'] as const) {
      expect(resourcesFor(FUNCTIONS[fn], 'ssm:GetParameters')).toEqual([{ 'Fn::Sub': `arn:\${AWS::Partition}:ssm:\${AWS::Region}:\${AWS::AccountId}:parameter${prefix}*` }]);
      const env = { ...pkg.template.Resources[logicalId(fn)].Properties.Environment.Variables };
      expect(env.SLACK_SECRETS_SSM_PREFIX).toBe(prefix);
    }
    expect(actionsOf('JobsRole').filter((a) => /^(ssm|secretsmanager):/.test(a))).toEqual([]);
  });

  it('state-store actions only on the state bucket and table; the dispatcher has none', () => {
    for (const role of ALL_ROLES) {
      for (const s of statements(role)) {
        const dynamo = list(s.Action).filter((a) => a.startsWith('dynamodb:'));
        const s3 = list(s.Action).filter((a) => a.startsWith('s3:'));
        if (dynamo.length > 0) expect(s.Resource).toEqual({ 'Fn::GetAtt': ['StateTable', 'Arn'] });
        if (s3.length > 0) expect([{ 'Fn::GetAtt': ['StateBucket', 'Arn'] }, { 'Fn::Join': ['', [{ 'Fn::GetAtt': ['StateBucket', 'Arn'] }, '/*']] }]).toContainEqual(s.Resource);
      }
    }
    expect(actionsOf('JobsRole').filter((a) => /^(dynamodb|s3):/.test(a))).toEqual([]);
    expect(actionsOf('JobsConsumerRole')).toEqual(expect.arrayContaining(['dynamodb:UpdateItem', 's3:GetObject']));
    // Exactly the calls src/state/aws.ts makes (writes are conditional UpdateItem, never PutItem).
    for (const role of ALL_ROLES) expect(actionsOf(role)).not.toContain('dynamodb:PutItem');
  });

  it('the dispatcher runs on the schedules jobs/schedules.ts names, and may only send to the jobs queue', () => {
    const schedules = Object.values(R).filter((r: any) => r.Type === 'AWS::Scheduler::Schedule') as any[];
    const byJob = Object.fromEntries(schedules.map((s) => [JSON.parse(s.Properties.Target.Input).job, s.Properties]));
    expect(Object.keys(byJob).sort()).toEqual(Object.keys(SCHEDULES).sort());
    for (const [job, p] of Object.entries(byJob) as [keyof typeof SCHEDULES, any][]) {
      expect(p.ScheduleExpression).toBe(SCHEDULES[job].expression);
      expect(p.ScheduleExpressionTimezone).toBe('UTC');
      expect(p.Target.Arn).toEqual({ 'Fn::GetAtt': ['JobsLambdaFunction', 'Arn'] });
    }
    expect(statements('JobsRole').filter((s) => !list(s.Action).every((a) => a.startsWith('logs:')))).toEqual([
      { Sid: 'QueueJobs', Effect: 'Allow', Action: 'sqs:SendMessage', Resource: { 'Fn::GetAtt': ['JobsQueue', 'Arn'] } },
    ]);
    expect(R.JobsLambdaFunction.Properties.Environment.Variables.EKSNET_JOBS_QUEUE_URL).toEqual({ Ref: 'JobsQueue' });
  });

  it('queue and dead-letter wiring: visibility ≥ 6× the consumer timeout, small batches with partial failures, bounded concurrency, a DLQ after maxReceiveCount', () => {
    const consumer = R.JobsConsumerLambdaFunction.Properties;
    const queue = R.JobsQueue.Properties;
    expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * consumer.Timeout);
    expect(queue.RedrivePolicy.deadLetterTargetArn).toEqual({ 'Fn::GetAtt': ['JobsDeadLetterQueue', 'Arn'] });
    expect(queue.RedrivePolicy.maxReceiveCount).toBe(3);
    expect(consumer.Environment.Variables.EKSNET_JOBS_MAX_RECEIVE_COUNT).toBe('3');
    expect(R.JobsDeadLettersLambdaFunction.Properties.Environment.Variables.EKSNET_JOBS_MAX_RECEIVE_COUNT).toBe('3');
    // The per-cluster deadline ends a run before Lambda would.
    expect(Number(consumer.Environment.Variables.EKSNET_CLUSTER_DEADLINE_SECONDS)).toBeLessThan(consumer.Timeout);

    const mappings = Object.values(R).filter((r: any) => r.Type === 'AWS::Lambda::EventSourceMapping').map((r: any) => r.Properties);
    const on = (queueId: string) => mappings.filter((m) => m.EventSourceArn['Fn::GetAtt'][0] === queueId);
    const [jobs] = on('JobsQueue');
    expect(on('JobsQueue')).toHaveLength(1);
    expect(jobs.FunctionName).toEqual({ 'Fn::GetAtt': ['JobsConsumerLambdaFunction', 'Arn'] });
    expect(jobs.BatchSize).toBeLessThanOrEqual(10);
    expect(jobs.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(jobs.ScalingConfig.MaximumConcurrency).toBeGreaterThanOrEqual(2);
    expect(jobs.ScalingConfig.MaximumConcurrency).toBeLessThanOrEqual(1000);
    const [dead] = on('JobsDeadLetterQueue');
    expect(dead.FunctionName).toEqual({ 'Fn::GetAtt': ['JobsDeadLettersLambdaFunction', 'Arn'] });
    expect(dead.FunctionResponseTypes).toEqual(['ReportBatchItemFailures']);
    expect(R.JobsDeadLetterQueue.Properties.VisibilityTimeout).toBeGreaterThanOrEqual(6 * R.JobsDeadLettersLambdaFunction.Properties.Timeout);
    expect(R.JobsDeadLetterQueue.Properties.MessageRetentionPeriod).toBe(1209600);
    // Each consumer may take from its own queue only.
    expect(resourcesFor('JobsConsumerRole', 'sqs:DeleteMessage')).toEqual([{ 'Fn::GetAtt': ['JobsQueue', 'Arn'] }]);
    expect(resourcesFor('JobsDeadLettersRole', 'sqs:DeleteMessage')).toEqual([{ 'Fn::GetAtt': ['JobsDeadLetterQueue', 'Arn'] }]);
  });

  it('the state bucket is versioned, encrypted and private; the table has the store keys, a TTL on expiresAt and point-in-time recovery', () => {
    const b = R.StateBucket.Properties;
    expect(b.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(b.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    expect(b.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toBeDefined();
    expect(R.StateBucket.DeletionPolicy).toBe('Retain');
    const t = R.StateTable.Properties;
    expect(t.KeySchema).toEqual([{ AttributeName: 'pk', KeyType: 'HASH' }, { AttributeName: 'sk', KeyType: 'RANGE' }]);
    expect(t.TimeToLiveSpecification).toEqual({ AttributeName: 'expiresAt', Enabled: true });
    expect(t.PointInTimeRecoverySpecification).toEqual({ PointInTimeRecoveryEnabled: true });
    expect(R.StateTable.DeletionPolicy).toBe('Retain');
    for (const fn of Object.keys(FUNCTIONS)) {
      expect(R[logicalId(fn)].Properties.Environment.Variables).toMatchObject({ EKSNET_STATE_BUCKET: { Ref: 'StateBucket' }, EKSNET_STATE_TABLE: { Ref: 'StateTable' } });
    }
  });

  it('docs/permissions.md names every action each role is granted', () => {
    const doc = readFileSync(path.join(ROOT, 'docs', 'permissions.md'), 'utf8');
    for (const role of ALL_ROLES) {
      const section = doc.split(/\n## /).find((s) => s.startsWith(`\`${role}\``));
      expect(section).toBeDefined();
      for (const a of new Set(actionsOf(role))) expect(`${role}: ${section!.includes(a) ? a : `missing ${a}`}`).toBe(`${role}: ${a}`);
    }
  });
});

/** Packages (node_modules/NAME, however deep) each bundle holds, with the distinct copies of each. */
function packagesIn(meta: ReturnType<Packaged['metafile']>): Map<string, Set<string>> {
  const out = new Map<string, Set<string>>();
  const [output] = Object.values(meta.outputs);
  for (const file of Object.keys(output!.inputs)) {
    const m = /^(.*node_modules\/((?:@[^/]+\/)?[^/]+))\//.exec(file);
    if (!m) continue;
    out.set(m[2]!, (out.get(m[2]!) ?? new Set()).add(m[1]!));
  }
  return out;
}

const HANDLERS = { slack: 'src/slack/lambda', worker: 'src/slack/worker', jobs: 'jobs/handler', jobsConsumer: 'jobs/consumer' } as const;
// One library per concern: two YAML parsers (or two copies of one) would be dead weight at every cold start.
const KINDS = {
  YAML: ['yaml', 'js-yaml'],
  logging: ['winston', 'pino', 'bunyan', 'log4js', 'loglevel', '@aws-lambda-powertools/logger'],
  validation: ['zod', 'ajv', 'joi', 'yup', 'superstruct', 'io-ts', 'valibot'],
};

describe('bundles', () => {
  it('slack holds no Kubernetes client and no EC2 client (live collection is the worker\'s)', () => {
    const p = packagesIn(pkg.metafile(HANDLERS.slack));
    expect(p.has('@slack/bolt')).toBe(true);
    expect(p.has('@kubernetes/client-node')).toBe(false);
    expect(p.has('@aws-sdk/client-ec2')).toBe(false);
    // Nor Bolt's HTTP and Socket Mode receivers (the Lambda answers through AwsLambdaReceiver) and what only they load.
    for (const name of ['@slack/oauth', '@slack/socket-mode', 'raw-body', 'iconv-lite']) expect(`${name}: ${p.has(name)}`).toBe(`${name}: false`);
    // The worker, by contrast, collects.
    const w = packagesIn(pkg.metafile(HANDLERS.worker));
    expect(w.has('@kubernetes/client-node') && w.has('@aws-sdk/client-ec2')).toBe(true);
  });

  it('jobs (dispatcher, consumer, dead letters) loads no Bolt', () => {
    const p = packagesIn(pkg.metafile(HANDLERS.jobs));
    expect(p.has('@slack/bolt')).toBe(false);
    expect(p.has('@aws-sdk/client-sqs')).toBe(true);
    const c = packagesIn(pkg.metafile(HANDLERS.jobsConsumer));
    expect(c.has('@slack/web-api')).toBe(true);
    expect(c.has('@slack/bolt')).toBe(false);
  });

  it.each(Object.entries(HANDLERS))('%s bundle is ASCII: V8 holds it as a one-byte string (a two-byte one costs every cold start)', (_fn, handler) => {
    const text = readFileSync(pkg.bundle(handler), 'latin1');
    const at = text.search(/[^\x00-\x7f]/);
    expect(at === -1 ? 'ASCII' : `non-ASCII at ${at}: ${text.slice(Math.max(0, at - 40), at + 10)}`).toBe('ASCII');
  });

  it.each(Object.entries(HANDLERS))('%s bundles at most one YAML, logging and validation library, once', (_fn, handler) => {
    const p = packagesIn(pkg.metafile(handler));
    for (const [kind, names] of Object.entries(KINDS)) {
      const copies = names.flatMap((n) => [...(p.get(n) ?? [])]);
      expect(`${kind}: ${copies.length <= 1 ? 'one or none' : copies.join(', ')}`).toBe(`${kind}: one or none`);
    }
  });
});
