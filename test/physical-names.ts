import { Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';

/**
 * Properties that set a physical name unique per account and region (or per
 * account, for IAM): a literal one makes two deployments, or a deployment and
 * a retained leftover, collide.
 */
const NAME_PROPERTIES = [
  'QueueName', 'TopicName', 'LogGroupName', 'FunctionName', 'RoleName', 'ManagedPolicyName', 'InstanceProfileName',
  'BucketName', 'TableName', 'AliasName', 'AlarmName', 'LaunchTemplateName', 'AutoScalingGroupName', 'GroupName',
  'KeyName', 'SecretName', 'StateMachineName', 'RuleName', 'ExportName',
];

/**
 * `logicalId.Property = value` for every literal physical name in a stack's
 * template. A name built at deploy time from `AWS::StackName` (unique in its
 * region while the stack lives) is not literal and not listed.
 */
export function literalPhysicalNames(stack: Stack): string[] {
  const resources = Template.fromStack(stack).toJSON().Resources as Record<string, { Properties?: Record<string, unknown> }>;
  return Object.entries(resources).flatMap(([id, r]) => NAME_PROPERTIES
    .filter((p) => typeof r.Properties?.[p] === 'string')
    .map((p) => `${id}.${p} = ${r.Properties![p]}`));
}
