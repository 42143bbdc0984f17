import { ArnFormat, CfnOutput, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import { Construct } from 'constructs';
import { acknowledgeWildcards } from './pipeline-findings';

/** Props of {@link SmokeAccessStack}. */
export interface SmokeAccessStackProps extends StackProps {
  /** ARN of the role the pipeline's smoke step runs as (in the tools account); the only principal trusted. */
  readonly runnerRoleArn: string;
  /** Account of that role. */
  readonly runnerAccount: string;
}

/** Id of the output holding the role's ARN, read by the smoke step. */
export const SMOKE_ROLE_OUTPUT = 'SmokeRoleArn';

/**
 * A role in the stage's account that the pipeline's smoke step assumes, able
 * to do exactly what smoke/checks call: read the stage's stack outputs,
 * describe the flow logs and Auto Scaling group, publish to and read the
 * fan-out topic and queues, and call the API. Nothing it can change outlives
 * a run (the checks delete what they create).
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
      statements: smokeStatements(this, this.stageName()),
    });
    this.roleArnOutput = new CfnOutput(this, SMOKE_ROLE_OUTPUT, { value: this.role.roleArn, description: 'Role the pipeline\'s smoke step assumes' });
    acknowledgeWildcards(this.policy, 'Describing flow logs, Auto Scaling groups, event source mappings and subscription attributes supports no resource-level permissions; '
      + 'the stage\'s stacks, topics, queues and API methods are named by the stage prefix CloudFormation puts in their generated names, and KMS is limited to calls through SNS and SQS.');
  }

  /** The stage's name, which prefixes its stacks' names and so their resources' generated names. */
  private stageName(): string {
    return Stage.of(this)?.stageName ?? this.stackName;
  }
}

/** The statements the smoke checks need in the stage named `stageName` (its stacks are `<stageName>-*`). */
export function smokeStatements(stack: Stack, stageName: string): iam.PolicyStatement[] {
  const arn = (service: string, resource: string, resourceName?: string, arnFormat = ArnFormat.SLASH_RESOURCE_NAME) =>
    stack.formatArn({ service, resource, resourceName, arnFormat });
  const prefixed = `${stageName}-*`;
  return [
    new iam.PolicyStatement({
      sid: 'ReadStageOutputs',
      actions: ['cloudformation:DescribeStacks'],
      resources: [arn('cloudformation', 'stack', `${prefixed}/*`)],
    }),
    new iam.PolicyStatement({
      sid: 'DescribeWithoutResourceLevelPermissions',
      // Read-only calls that take no resource ARN in IAM (a subscription's attributes are authorized account-wide).
      actions: ['ec2:DescribeFlowLogs', 'autoscaling:DescribeAutoScalingGroups', 'lambda:ListEventSourceMappings', 'sns:GetSubscriptionAttributes'],
      resources: ['*'],
    }),
    new iam.PolicyStatement({
      sid: 'PublishToStageTopics',
      actions: ['sns:Publish', 'sns:ListSubscriptionsByTopic'],
      resources: [arn('sns', prefixed, undefined, ArnFormat.NO_RESOURCE_NAME)],
    }),
    new iam.PolicyStatement({
      sid: 'ReadStageQueues',
      actions: ['sqs:ReceiveMessage', 'sqs:DeleteMessage'],
      resources: [arn('sqs', prefixed, undefined, ArnFormat.NO_RESOURCE_NAME)],
    }),
    new iam.PolicyStatement({
      sid: 'UseTopicAndQueueKeysThroughTheirServices',
      actions: ['kms:Decrypt', 'kms:GenerateDataKey'],
      resources: [arn('kms', 'key', '*')],
      conditions: { StringEquals: { 'kms:ViaService': [`sns.${stack.region}.${stack.urlSuffix}`, `sqs.${stack.region}.${stack.urlSuffix}`] } },
    }),
    new iam.PolicyStatement({
      sid: 'CallTheItemsApi',
      actions: ['execute-api:Invoke'],
      resources: [arn('execute-api', '*', '*/*/items'), arn('execute-api', '*', '*/*/items/*')],
    }),
    new iam.PolicyStatement({
      sid: 'ReadApiKeyValue',
      actions: ['apigateway:GET'],
      resources: [stack.formatArn({ service: 'apigateway', account: '', resource: '/apikeys', resourceName: '*' })],
    }),
  ];
}
