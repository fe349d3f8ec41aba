// serverless.yml declares the state store (CONTRACT §5) and grants the functions exactly the calls the store makes.
import { existsSync, readFileSync } from 'node:fs';
import * as path from 'node:path';
import { parse } from 'yaml';

const root = path.join(__dirname, '..', '..');
const serverless = parse(readFileSync(path.join(root, 'serverless.yml'), 'utf8'));
const resources = serverless.resources.Resources;

/** The calls src/state/aws.ts makes (`new XCommand`), split into what every function does and what only `state init` does. */
const RUNTIME_CALLS: Record<string, string> = {
  GetObjectCommand: 's3:GetObject',
  PutObjectCommand: 's3:PutObject',
  ListObjectsV2Command: 's3:ListBucket',
  GetItemCommand: 'dynamodb:GetItem',
  UpdateItemCommand: 'dynamodb:UpdateItem',
  DeleteItemCommand: 'dynamodb:DeleteItem',
  QueryCommand: 'dynamodb:Query',
};
const INIT_ONLY = [
  'CreateBucketCommand',
  'PutBucketVersioningCommand',
  'PutBucketEncryptionCommand',
  'PutPublicAccessBlockCommand',
  'CreateTableCommand',
  'DescribeTableCommand',
  'UpdateTimeToLiveCommand',
  'UpdateContinuousBackupsCommand',
];

function statementsOn(statements: any[], logicalId: string): { actions: string[]; resource: string }[] {
  return statements
    .filter((s) => JSON.stringify(s.Resource).includes(`"${logicalId}"`))
    .map((s) => ({ actions: [s.Action].flat(), resource: JSON.stringify(s.Resource) }));
}

describe('serverless.yml: the state bucket and table', () => {
  it('the bucket is versioned, encrypted, blocks every kind of public access and refuses requests without TLS', () => {
    const bucket = resources.StateBucket;
    expect(bucket.Type).toBe('AWS::S3::Bucket');
    expect(bucket.DeletionPolicy).toBe('Retain');
    expect(bucket.Properties.VersioningConfiguration).toEqual({ Status: 'Enabled' });
    expect(bucket.Properties.BucketEncryption.ServerSideEncryptionConfiguration[0].ServerSideEncryptionByDefault.SSEAlgorithm).toMatch(/^(AES256|aws:kms)$/);
    expect(bucket.Properties.PublicAccessBlockConfiguration).toEqual({ BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true });
    const policy = resources.StateBucketPolicy;
    expect(policy.Properties.Bucket).toEqual({ Ref: 'StateBucket' });
    const deny = policy.Properties.PolicyDocument.Statement.find((s: any) => s.Effect === 'Deny');
    expect(deny).toMatchObject({ Principal: '*', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } });
    // The bucket and every object in it.
    expect(JSON.stringify(deny.Resource)).toContain('"/*"');
    expect(deny.Resource).toHaveLength(2);
  });

  it('the table: pk/sk strings, on demand, TTL on expiresAt, point-in-time recovery, encrypted', () => {
    const table = resources.StateTable;
    expect(table.Type).toBe('AWS::DynamoDB::Table');
    expect(table.DeletionPolicy).toBe('Retain');
    expect(table.Properties).toMatchObject({
      BillingMode: 'PAY_PER_REQUEST',
      KeySchema: [
        { AttributeName: 'pk', KeyType: 'HASH' },
        { AttributeName: 'sk', KeyType: 'RANGE' },
      ],
      TimeToLiveSpecification: { AttributeName: 'expiresAt', Enabled: true },
      PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true },
      SSESpecification: { SSEEnabled: true },
    });
    expect(table.Properties.AttributeDefinitions).toEqual([
      { AttributeName: 'pk', AttributeType: 'S' },
      { AttributeName: 'sk', AttributeType: 'S' },
    ]);
  });

  it('every function gets EKSNET_STATE_BUCKET and EKSNET_STATE_TABLE naming them', () => {
    expect(serverless.provider.environment.EKSNET_STATE_BUCKET).toEqual({ Ref: 'StateBucket' });
    expect(serverless.provider.environment.EKSNET_STATE_TABLE).toEqual({ Ref: 'StateTable' });
    for (const [name, fn] of Object.entries<any>(serverless.functions)) {
      expect([name, fn.environment?.EKSNET_STATE_BUCKET, fn.environment?.EKSNET_STATE_TABLE]).toEqual([name, undefined, undefined]);
    }
  });

  it('IAM grants exactly the calls the store makes, on exactly its bucket, objects and table', async () => {
    const source = readFileSync(path.join(root, 'src', 'state', 'aws.ts'), 'utf8');
    const used = [...new Set([...source.matchAll(/new (\w+Command)\(/g)].map((m) => m[1]!))].sort();
    // A call the store starts making must be classified here (and granted, unless only `state init` makes it).
    expect(used).toEqual([...Object.keys(RUNTIME_CALLS), ...INIT_ONLY].sort());
    // Per-function roles (deploy/iam.js, test/deploy/package.test.ts): every role that uses the store gets the same grant.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const iam = require(path.join(root, 'deploy', 'iam.js'));
    const vars: Record<string, string> = { 'self:service': 'eksnet', 'self:provider.stage': 'test', 'self:custom.slackSecretsPrefix': '/eksnet/test/slack/' };
    const statements = await iam.jobsConsumer({ resolveVariable: async (v: string) => vars[v] });
    const granted = [...statementsOn(statements, 'StateBucket'), ...statementsOn(statements, 'StateTable')];
    expect(granted.flatMap((s) => s.actions).sort()).toEqual(Object.values(RUNTIME_CALLS).sort());
    for (const s of granted) {
      const onObjects = s.resource.includes('"/*"');
      for (const a of s.actions) {
        if (a === 's3:GetObject' || a === 's3:PutObject') expect([a, onObjects]).toEqual([a, true]);
        if (a === 's3:ListBucket') expect([a, onObjects, s.resource]).toEqual([a, false, JSON.stringify({ 'Fn::GetAtt': ['StateBucket', 'Arn'] })]);
        if (a.startsWith('dynamodb:')) expect([a, s.resource]).toEqual([a, JSON.stringify({ 'Fn::GetAtt': ['StateTable', 'Arn'] })]);
      }
    }
    // No state action granted on anything else.
    const elsewhere = statements.filter((s: any) => [s.Action].flat().some((a: string) => /^(s3|dynamodb):/.test(a)) && !granted.some((g) => g.resource === JSON.stringify(s.Resource)));
    expect(elsewhere).toEqual([]);
  });
});

// `npm run package` (osls + serverless-esbuild, offline) writes the template CloudFormation deploys; it takes about a
// minute, so it is not run here. When a packaged template is present, check what osls made of the declarations.
const TEMPLATE = path.join(root, '.serverless', 'cloudformation-template-update-stack.json');
(existsSync(TEMPLATE) ? describe : describe.skip)('the packaged CloudFormation template (after npm run package)', () => {
  const template = existsSync(TEMPLATE) ? JSON.parse(readFileSync(TEMPLATE, 'utf8')) : { Resources: {} };
  it('holds the bucket, its policy and the table as declared, and every function names them', () => {
    expect(template.Resources.StateBucket.Properties).toEqual(resources.StateBucket.Properties);
    expect(template.Resources.StateBucketPolicy.Properties).toEqual(resources.StateBucketPolicy.Properties);
    expect(template.Resources.StateTable.Properties).toEqual(resources.StateTable.Properties);
    const functions = Object.values<any>(template.Resources).filter((r) => r.Type === 'AWS::Lambda::Function');
    expect(functions.length).toBeGreaterThanOrEqual(3);
    for (const fn of functions) {
      expect(fn.Properties.Environment.Variables).toMatchObject({ EKSNET_STATE_BUCKET: { Ref: 'StateBucket' }, EKSNET_STATE_TABLE: { Ref: 'StateTable' } });
    }
  });
});
