import { ArnFormat, CfnOutput, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { APP_SECRET_TAG } from '../data-tier/app-user';
import { acknowledgeWildcards } from './pipeline-findings';

/** Props of {@link SmokeAccessStack}. */
export interface SmokeAccessStackProps extends StackProps {
  /** ARN of the role the pipeline's smoke step runs as (in the tools account); the only principal trusted. */
  readonly runnerRoleArn: string;
  /** Account of that role. */
  readonly runnerAccount: string;
  /**
   * Only what the read-only checks read (`npm run smoke -- --read-only`): for Production.
   * @default false
   */
  readonly readOnly?: boolean;
  /**
   * May also switch on termination protection of the stage's stacks, which the
   * pipeline's CloudFormation actions cannot set (CDK Pipelines ignores a stack's `terminationProtection`).
   * @default false
   */
  readonly protectStacks?: boolean;
}

/** Id of the output holding the role's ARN, read by the smoke step. */
export const SMOKE_ROLE_OUTPUT = 'SmokeRoleArn';

/**
 * A role in the stage's account that the pipeline's smoke step assumes, able
 * to do exactly what smoke/checks call, on the stage's own resources where
 * IAM allows: read stack outputs and statuses, publish test messages and read
 * them back, call the API and the database, raise a test alarm, run the cache
 * probe on the stage's web instances. What the checks create (an item, a
 * temporary queue and subscription) they delete.
 */
export class SmokeAccessStack extends Stack {
  /** The role the smoke step assumes. */
  readonly role: iam.Role;
  /** The role's permissions. */
  readonly policy: iam.ManagedPolicy;
  /** The role's ARN, which the smoke step reads (`envFromCfnOutputs`). */
  readonly roleArnOutput: CfnOutput;

  constructor(scope: Construct, id: string, props: SmokeAccessStackProps) {
    super(scope, id, { description: 'Smoke access: the role the delivery pipeline\'s smoke checks assume', ...props });
    this.role = new iam.Role(this, 'Role', {
      description: `Assumed by the delivery pipeline's smoke checks of ${this.stageName()}`,
      assumedBy: new iam.AccountPrincipal(props.runnerAccount).withConditions({ ArnEquals: { 'aws:PrincipalArn': props.runnerRoleArn } }),
    });
    this.policy = new iam.ManagedPolicy(this, 'Permissions', {
      description: `What the smoke checks of ${this.stageName()} call, and nothing else`,
      roles: [this.role],
      statements: [
        ...(props.readOnly ? readOnlySmokeStatements(this, this.stageName()) : smokeStatements(this, this.stageName())),
        ...(props.protectStacks ? [protectStatement(this, this.stageName())] : []),
      ],
    });
    this.roleArnOutput = new CfnOutput(this, SMOKE_ROLE_OUTPUT, { value: this.role.roleArn, description: 'Role the pipeline\'s smoke step assumes' });
    acknowledgeWildcards(this.policy, 'The "*" grants are reads IAM authorizes without a resource, and removing the one test subscription; '
      + 'the stage\'s stacks, topics, queues, functions, log groups, alarms, trail and database are matched by the stage prefix CloudFormation puts in their generated names, '
      + 'the temporary queue by its smoke-alarms- prefix, the secret and instances by the stage tag, and KMS only through SNS, SQS and Secrets Manager.');
  }

  /** The stage's name, which prefixes its stacks' names and so their resources' generated names. */
  private stageName(): string {
    return Stage.of(this)?.stageName ?? this.stackName;
  }
}

/**
 * Termination protection of the stage's stacks (`<stageName>-*` in this
 * account, any region). IAM cannot tell switching it on from off: the role is
 * assumable by the pipeline's verify step only.
 */
function protectStatement(stack: Stack, stageName: string): iam.PolicyStatement {
  return new iam.PolicyStatement({
    sid: 'ProtectStageStacks',
    actions: ['cloudformation:UpdateTerminationProtection'],
    // Any region of the account: a stage's Domain stack is in us-east-1.
    resources: [stack.formatArn({ service: 'cloudformation', region: '*', resource: 'stack', resourceName: `${stageName}-*/*` })],
  });
}

/** Prefix of the temporary queues the security baseline check creates and deletes. */
export const SMOKE_QUEUE_PREFIX = 'smoke-alarms-';

/** What the statements of the smoke roles build on: the stack that holds them and the stage they reach. */
interface StageArns {
  readonly arn: (service: string, resource: string, resourceName?: string, arnFormat?: ArnFormat) => string;
  readonly prefixed: string;
  readonly statement: (sid: string, actions: string[], resources: string[], conditions?: Record<string, unknown>) => iam.PolicyStatement;
}

function stageArns(stack: Stack, stageName: string): StageArns {
  return {
    arn: (service, resource, resourceName, arnFormat = ArnFormat.SLASH_RESOURCE_NAME) => stack.formatArn({ service, resource, resourceName, arnFormat }),
    prefixed: `${stageName}-*`,
    statement: (sid, actions, resources, conditions) => new iam.PolicyStatement({ sid, actions, resources, conditions }),
  };
}

/**
 * The reads of the read-only smoke checks (`--read-only`) in the stage named
 * `stageName`: stack outputs, flow logs, the Auto Scaling group, the trail,
 * the Config recorder and the GuardDuty detector. Nothing that changes anything.
 */
export function readOnlySmokeStatements(stack: Stack, stageName: string): iam.PolicyStatement[] {
  const { arn, prefixed, statement } = stageArns(stack, stageName);
  return [
    statement('ReadStageOutputs', ['cloudformation:DescribeStacks'], [arn('cloudformation', 'stack', `${prefixed}/*`)]),
    statement('ReadsWithoutResourceLevelPermissions', [
      'ec2:DescribeRegions', 'ec2:DescribeFlowLogs', 'autoscaling:DescribeAutoScalingGroups', 'config:DescribeConfigurationRecorderStatus',
      'config:DescribeConfigurationRecorders',
    ], ['*']),
    statement('ReadTrailStatus', ['cloudtrail:GetTrailStatus'], [arn('cloudtrail', 'trail', prefixed)]),
    statement('ReadDetector', ['guardduty:GetDetector'], [arn('guardduty', 'detector', '*')]),
    // Whether the backup alarm topic has a confirmed subscriber (the DisasterRecovery check).
    statement('ReadStageTopicSubscriptions', ['sns:ListSubscriptionsByTopic'], [arn('sns', prefixed, undefined, ArnFormat.NO_RESOURCE_NAME)]),
    ...failoverReadinessStatements(stack, stageName),
  ];
}

/**
 * The reads of the failover readiness checks (smoke/checks/failover.ts): the
 * stage's stacks in its standby region too (any region), the switch's alarm,
 * the health checks and their metrics, the Aurora secondary, the table's
 * replicas, the site bucket's replication.
 */
function failoverReadinessStatements(stack: Stack, stageName: string): iam.PolicyStatement[] {
  const { statement } = stageArns(stack, stageName);
  const anyRegion = (service: string, resource: string) => `arn:${stack.partition}:${service}:*:${stack.account}:${resource}`;
  return [
    statement('ReadStageStacksInEveryRegion', ['cloudformation:DescribeStacks', 'cloudformation:ListStackResources'], [anyRegion('cloudformation', `stack/${stageName}-*/*`)]),
    statement('ReadFailoverSwitches', ['cloudwatch:DescribeAlarms'], [anyRegion('cloudwatch', `alarm:${stageName}-*-failover-switch`)]),
    statement('ReadStageDatabases', ['rds:DescribeDBClusters'], [anyRegion('rds', `cluster:${stageName.toLowerCase()}-*`)]),
    statement('ReadGlobalDatabases', ['rds:DescribeGlobalClusters'], [`arn:${stack.partition}:rds::${stack.account}:global-cluster:*`]),
    statement('ReadStageTables', ['dynamodb:DescribeTable'], [anyRegion('dynamodb', `table/${stageName}-*`)]),
    statement('ReadStageBucketReplication', ['s3:GetReplicationConfiguration'], [`arn:${stack.partition}:s3:::${stageName.toLowerCase()}-*`]),
    statement('ReadHealthCheckStatus', ['route53:GetHealthCheckStatus'], [`arn:${stack.partition}:route53:::healthcheck/*`]),
    // No resource-level permissions for these reads.
    statement('ReadHealthChecksAndMetrics', ['route53:ListHealthChecks', 'cloudwatch:GetMetricStatistics'], ['*']),
  ];
}

/**
 * The statements the smoke checks need in the stage named `stageName`: its
 * stacks are `<stageName>-*`, and so are the names CloudFormation generates
 * for their topics, queues, functions, log groups, alarms and trail (an RDS
 * cluster's in lower case). Where IAM takes no resource, the grant is `*`.
 */
export function smokeStatements(stack: Stack, stageName: string): iam.PolicyStatement[] {
  const { arn, prefixed, statement } = stageArns(stack, stageName);
  const viaServices = ['sns', 'sqs', 'secretsmanager', 'kinesis', 's3'].map((service) => `${service}.${stack.region}.${stack.urlSuffix}`);
  return [
    ...readOnlySmokeStatements(stack, stageName),
    statement('ReadsOfTheOtherChecks', ['lambda:ListEventSourceMappings', 'sns:GetSubscriptionAttributes', 'ssm:GetCommandInvocation', 'events:ListRules'], ['*']),
    statement('PublishToAndSubscribeToStageTopics', ['sns:Publish', 'sns:ListSubscriptionsByTopic', 'sns:Subscribe'],
      [arn('sns', prefixed, undefined, ArnFormat.NO_RESOURCE_NAME)]),
    // Subscriptions are authorized without a resource: the check removes only the one it made.
    statement('RemoveTheTestSubscription', ['sns:Unsubscribe'], ['*']),
    statement('ReadStageQueues', ['sqs:ReceiveMessage', 'sqs:DeleteMessage'], [arn('sqs', prefixed, undefined, ArnFormat.NO_RESOURCE_NAME)]),
    // The queue is created with its policy (SNS may send to it): SetQueueAttributes on its own queues only, should SQS ask for it.
    statement('ManageTheTemporaryAlarmQueue', ['sqs:CreateQueue', 'sqs:SetQueueAttributes', 'sqs:GetQueueAttributes', 'sqs:ReceiveMessage', 'sqs:DeleteQueue'],
      [arn('sqs', `${SMOKE_QUEUE_PREFIX}*`, undefined, ArnFormat.NO_RESOURCE_NAME)]),
    statement('UseStageKeysThroughTheirServices', ['kms:Decrypt', 'kms:GenerateDataKey'], [arn('kms', 'key', '*')],
      { StringEquals: { 'kms:ViaService': viaServices } }),
    statement('ReadConsumerFunctions', ['lambda:GetFunctionConfiguration'], [arn('lambda', 'function', prefixed, ArnFormat.COLON_RESOURCE_NAME)]),
    statement('SearchConsumerLogs', ['logs:FilterLogEvents'], [
      arn('logs', 'log-group', `${prefixed}:*`, ArnFormat.COLON_RESOURCE_NAME),
      arn('logs', 'log-group', `/aws/lambda/${prefixed}:*`, ArnFormat.COLON_RESOURCE_NAME),
    ]),
    statement('CallTheItemsApi', ['execute-api:Invoke'], [arn('execute-api', '*', '*/*/items'), arn('execute-api', '*', '*/*/items/*')]),
    statement('ReadApiKeyValue', ['apigateway:GET'], [stack.formatArn({ service: 'apigateway', account: '', resource: '/apikeys', resourceName: '*' })]),
    statement('RaiseATestAlarm', ['cloudwatch:SetAlarmState'], [arn('cloudwatch', 'alarm', prefixed, ArnFormat.COLON_RESOURCE_NAME)]),
    statement('QueryTheDatabase', ['rds-data:ExecuteStatement'], [arn('rds', 'cluster', `${stageName.toLowerCase()}-*`, ArnFormat.COLON_RESOURCE_NAME)]),
    // The database secret's name is generated without the stack's: it is found by the stage tag.
    // The application user's secret only, never the master's: found by the stage tag and the data tier's application tag.
    statement('ReadTheDatabaseSecret', ['secretsmanager:GetSecretValue'], [arn('secretsmanager', 'secret', '*', ArnFormat.COLON_RESOURCE_NAME)],
      { StringEquals: { 'aws:ResourceTag/stage': stageName, [`aws:ResourceTag/${APP_SECRET_TAG.key}`]: APP_SECRET_TAG.value } }),
    statement('RunTheCacheProbeDocument', ['ssm:SendCommand'], [stack.formatArn({ service: 'ssm', account: '', resource: 'document', resourceName: 'AWS-RunShellScript' })]),
    // The streaming check: a test record on the stage's stream, its delivered object read (and deleted when
    // it holds only test records), test events on the stage's bus and its rules' targets read.
    statement('PutATestRecordOnStageStreams', ['kinesis:PutRecord'], [arn('kinesis', 'stream', prefixed)]),
    statement('ReadDeliveryBuckets', ['s3:ListBucket'], [`arn:${stack.partition}:s3:::${stageName.toLowerCase()}-*`]),
    statement('ReadAndRemoveDeliveredTestRecords', ['s3:GetObject', 's3:DeleteObject'], [`arn:${stack.partition}:s3:::${stageName.toLowerCase()}-*/data/*`]),
    statement('PutTestEventsOnStageBuses', ['events:PutEvents'], [arn('events', 'event-bus', prefixed)]),
    statement('ReadStageBusRoutes', ['events:ListTargetsByRule'], [arn('events', 'rule', `${prefixed}/*`)]),
    statement('RunTheCacheProbeOnStageInstances', ['ssm:SendCommand'], [arn('ec2', 'instance', '*')],
      { StringEquals: { 'ssm:resourceTag/stage': stageName } }),
  ];
}
