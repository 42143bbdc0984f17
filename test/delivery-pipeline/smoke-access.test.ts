import * as fs from 'fs';
import * as path from 'path';
import { CfnElement, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SmokeAccessStack } from '../../lib/delivery-pipeline/smoke-access';
import { recordAcknowledgements } from '../../lib/shared/compliance';
import { expectNoFindings, resourcesOf, testApp } from '../harness';

const SMOKE_DIR = path.join(__dirname, '..', '..', 'smoke');

/** IAM service prefix of each AWS SDK client package the smoke checks import. */
const IAM_PREFIX: Record<string, string> = {
  'client-cloudformation': 'cloudformation', 'client-ec2': 'ec2', 'client-auto-scaling': 'autoscaling',
  'client-sns': 'sns', 'client-sqs': 'sqs', 'client-lambda': 'lambda', 'client-dynamodb': 'dynamodb',
  'client-cloudwatch': 'cloudwatch', 'client-route-53': 'route53', 'client-rds': 'rds', 'client-s3': 's3',
};
/** SDK commands whose IAM action has another name. */
const IAM_ACTION: Record<string, string> = { 's3:GetBucketReplication': 's3:GetReplicationConfiguration' };
/** JSON-protocol targets (`x-amz-target`) the checks send, by prefix, and the IAM prefix of each. */
const TARGET_PREFIX: Record<string, string> = {
  'Logs_20140328': 'logs', 'com.amazonaws.cloudtrail.v20131101.CloudTrail_20131101': 'cloudtrail',
  'StarlingDoveService': 'config', 'AmazonSSM': 'ssm', 'Kinesis_20131202': 'kinesis', 'AWSEvents': 'events',
};
/**
 * What each service the checks call over signed HTTP needs beyond its JSON
 * targets: REST and Query calls, and what a call needs from another service.
 */
const SIGNED_SERVICE: Record<string, string[]> = {
  'execute-api': ['execute-api:Invoke'], 'apigateway': ['apigateway:GET'], 'guardduty': ['guardduty:GetDetector'],
  'monitoring': ['cloudwatch:SetAlarmState'], 'rds-data': ['rds-data:ExecuteStatement', 'secretsmanager:GetSecretValue'],
  'logs': [], 'cloudtrail': [], 'config': [], 'ssm': [], 'kinesis': [], 'events': [],
  's3': ['s3:ListBucket', 's3:GetObject', 's3:DeleteObject'],
};
const SIGNED_CALL = /(?:signer|awsJson|callAws)\((?:ctx, )?(?:endpointOf, )?'([a-z0-9-]+)'/g;
const TARGET = /'((?:[A-Za-z][\w]*\.)*[A-Za-z][\w]*)\.([A-Z]\w+)'/g;

function smokeSources(dir = SMOKE_DIR): string[] {
  return fs.readdirSync(dir, { withFileTypes: true }).flatMap((e) =>
    e.isDirectory() ? smokeSources(path.join(dir, e.name)) : e.name.endsWith('.ts') ? [path.join(dir, e.name)] : []);
}

/** Every IAM action the smoke code calls: `new XxxCommand(` of an SDK client, and signed HTTP calls. */
function actionsTheChecksCall(): Set<string> {
  const actions = new Set<string>();
  for (const file of smokeSources()) {
    const source = fs.readFileSync(file, 'utf8');
    const where = path.relative(SMOKE_DIR, file);
    const clientOf = new Map<string, string>();
    for (const m of source.matchAll(/import\s*\{([^}]*)\}\s*from\s*'@aws-sdk\/(client-[a-z0-9-]+)'/g)) {
      for (const name of m[1].split(',').map((n) => n.trim())) clientOf.set(name, m[2]);
    }
    for (const m of source.matchAll(/new\s+(\w+)Command\(/g)) {
      const client = clientOf.get(`${m[1]}Command`);
      if (!client) throw new Error(`${where}: ${m[1]}Command is not imported from an @aws-sdk client package`);
      const prefix = IAM_PREFIX[client];
      if (!prefix) throw new Error(`${where}: no IAM prefix known for @aws-sdk/${client}; add it to IAM_PREFIX and a grant to smokeStatements`);
      actions.add(IAM_ACTION[`${prefix}:${m[1]}`] ?? `${prefix}:${m[1]}`);
    }
    for (const m of source.matchAll(SIGNED_CALL)) {
      const needs = SIGNED_SERVICE[m[1]];
      if (!needs) throw new Error(`${where}: signed calls to ${m[1]} have no known IAM action; add them to SIGNED_SERVICE and a grant to smokeStatements`);
      needs.forEach((a) => actions.add(a));
    }
    // A queue created with a policy attribute sets it as SetQueueAttributes would.
    if (/new CreateQueueCommand\(\{[^;]*Policy:/.test(source)) actions.add('sqs:SetQueueAttributes');
    for (const m of source.matchAll(TARGET)) {
      const prefix = TARGET_PREFIX[m[1]];
      if (prefix) actions.add(`${prefix}:${m[2]}`);
      else if (/_\d{8}$|Service$|^Amazon/.test(m[1])) throw new Error(`${where}: target ${m[1]}.${m[2]} of an unknown service; add it to TARGET_PREFIX`);
    }
  }
  return actions;
}

/** Helpers whose callers name the service (SIGNED_CALL reads those calls). */
const SIGNING_HELPERS = ['awsJson', 'callAws'];

/** The signer calls whose service is not a literal, with the function they are in. */
function unreadSignerCalls(): string[] {
  return smokeSources().flatMap((file) => {
    const source = fs.readFileSync(file, 'utf8');
    return [...source.matchAll(/signer\((?!')/g)].flatMap((m) => {
      const enclosing = [...source.slice(0, m.index).matchAll(/function\s+(\w+)\(/g)].pop()?.[1];
      return enclosing && SIGNING_HELPERS.includes(enclosing) ? [] : [`${path.relative(SMOKE_DIR, file)}: signer call in ${enclosing ?? 'top level'}`];
    });
  });
}

const app = testApp();
const stage = new Stage(app, 'Sandbox', { env: { account: '222222222222', region: 'eu-west-1' } });
recordAcknowledgements(stage);
const access = new SmokeAccessStack(stage, 'SmokeAccess', {
  runnerAccount: '111111111111', runnerRoleArn: 'arn:aws:iam::111111111111:role/DeliveryPipeline-smoke-eu-west-1',
});
const template = Template.fromStack(access);
const statements = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'))[0].Properties.PolicyDocument.Statement as
  { Action: string | string[]; Resource: unknown; Condition?: unknown }[];
const actionsOf = (s: { Action: string | string[] }) => [s.Action].flat();

describe('the smoke role', () => {
  test('scans the checks: it finds the calls they are known to make', () => {
    expect([...actionsTheChecksCall()]).toEqual(expect.arrayContaining(['cloudformation:DescribeStacks', 'sns:Publish', 'sqs:ReceiveMessage',
      'execute-api:Invoke', 'logs:FilterLogEvents', 'cloudtrail:GetTrailStatus', 'ssm:SendCommand', 'rds-data:ExecuteStatement']));
  });

  test('scans every signed HTTP call: a signer of a service not written out is only inside a helper whose callers name it', () => {
    expect(unreadSignerCalls()).toEqual([]);
  });

  test('may set the policy of the temporary alarm queue it creates, and of no other queue', () => {
    const sets = statements.filter((s) => actionsOf(s).includes('sqs:SetQueueAttributes'));
    expect(sets.map((s) => s.Resource)).toEqual(['arn:aws:sqs:eu-west-1:222222222222:smoke-alarms-*']);
    expect(actionsTheChecksCall()).toContain('sqs:SetQueueAttributes');
  });

  test('is granted exactly the actions the smoke checks call, plus KMS through the services that encrypt', () => {
    const granted = new Set(statements.flatMap(actionsOf));
    const needed = actionsTheChecksCall();
    expect([...needed].filter((a) => !granted.has(a)).sort()).toEqual([]);
    expect([...granted].filter((a) => !needed.has(a) && !a.startsWith('kms:')).sort()).toEqual([]);
  });

  test('uses KMS only through SNS, SQS and Secrets Manager of its region', () => {
    const kms = statements.filter((s) => actionsOf(s).some((a) => a.startsWith('kms:')));
    expect(kms).toHaveLength(1);
    const services = (kms[0].Condition as { StringEquals: Record<string, unknown[]> }).StringEquals['kms:ViaService'];
    expect(services.map((v) => JSON.stringify(v).match(/"([a-z0-9]+\.eu-west-1\.)"/)?.[1])).toEqual(['sns.eu-west-1.', 'sqs.eu-west-1.', 'secretsmanager.eu-west-1.', 'kinesis.eu-west-1.', 's3.eu-west-1.']);
  });

  test('is granted "*" only for the calls IAM authorizes without a resource', () => {
    const unscoped = statements.filter((s) => JSON.stringify(s.Resource) === '"*"').flatMap(actionsOf).sort();
    expect(unscoped).toEqual(['autoscaling:DescribeAutoScalingGroups', 'cloudwatch:GetMetricStatistics', 'config:DescribeConfigurationRecorderStatus', 'config:DescribeConfigurationRecorders', 'ec2:DescribeFlowLogs', 'ec2:DescribeRegions',
      'events:ListRules', 'lambda:ListEventSourceMappings', 'route53:ListHealthChecks', 'sns:GetSubscriptionAttributes', 'sns:Unsubscribe', 'ssm:GetCommandInvocation']);
  });

  test('reaches only the stage\'s own stacks, topics and queues, in its account and region', () => {
    const resources = JSON.stringify(statements.filter((s) => JSON.stringify(s.Resource) !== '"*"').map((s) => s.Resource));
    expect(resources).toContain('arn:aws:cloudformation:eu-west-1:222222222222:stack/Sandbox-*/*');
    expect(resources).toContain('arn:aws:sns:eu-west-1:222222222222:Sandbox-*');
    expect(resources).toContain('arn:aws:sqs:eu-west-1:222222222222:Sandbox-*');
    expect(resources).toContain('arn:aws:rds:eu-west-1:222222222222:cluster:sandbox-*');
    expect(resources).toContain('arn:aws:kinesis:eu-west-1:222222222222:stream/Sandbox-*');
    expect(resources).toContain('arn:aws:events:eu-west-1:222222222222:event-bus/Sandbox-*');
    expect(resources).toContain('"arn:aws:s3:::sandbox-*"');
    expect(resources).toContain('arn:aws:s3:::sandbox-*/data/*');
    expect(resources).not.toMatch(/:\*:\*|::\*"/);
  });

  test('reaches the application user\'s secret (never the master\'s) and the cache probe\'s instances by tag only', () => {
    const tagged = statements.filter((s) => JSON.stringify(s.Condition ?? {}).includes('Tag/stage'));
    expect(tagged.map((s) => [actionsOf(s), s.Condition])).toEqual([
      [['secretsmanager:GetSecretValue'], { StringEquals: { 'aws:ResourceTag/stage': 'Sandbox', 'aws:ResourceTag/database-user': 'application' } }],
      [['ssm:SendCommand'], { StringEquals: { 'ssm:resourceTag/stage': 'Sandbox' } }],
    ]);
  });

  test('trusts only the runner role of the tools account, and exports its ARN for the step', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: { Statement: [{
        Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { AWS: 'arn:aws:iam::111111111111:root' },
        Condition: { ArnEquals: { 'aws:PrincipalArn': 'arn:aws:iam::111111111111:role/DeliveryPipeline-smoke-eu-west-1' } },
      }] },
    });
    const roleId = access.getLogicalId(access.role.node.defaultChild as CfnElement);
    template.hasOutput('SmokeRoleArn', { Value: { 'Fn::GetAtt': [roleId, 'Arn'] } });
    expect(access.stackName).toBe('Sandbox-SmokeAccess');
  });

  test('has no unacknowledged findings', () => {
    expectNoFindings(access);
  });
});
