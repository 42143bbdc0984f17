import { Template } from 'aws-cdk-lib/assertions';
import { RegionInfo } from 'aws-cdk-lib/region-info';

/** Properties that give a resource its physical name, by resource type. */
const PHYSICAL_NAMES: Record<string, string> = {
  'AWS::AutoScaling::AutoScalingGroup': 'AutoScalingGroupName',
  'AWS::CloudWatch::Alarm': 'AlarmName',
  'AWS::EC2::LaunchTemplate': 'LaunchTemplateName',
  'AWS::EC2::SecurityGroup': 'GroupName',
  'AWS::ElasticLoadBalancingV2::LoadBalancer': 'Name',
  'AWS::ElasticLoadBalancingV2::TargetGroup': 'Name',
  'AWS::IAM::InstanceProfile': 'InstanceProfileName',
  'AWS::IAM::ManagedPolicy': 'ManagedPolicyName',
  'AWS::IAM::Role': 'RoleName',
  'AWS::KMS::Alias': 'AliasName',
  'AWS::Logs::LogGroup': 'LogGroupName',
  'AWS::S3::Bucket': 'BucketName',
  'AWS::SNS::Topic': 'TopicName',
  'AWS::SQS::Queue': 'QueueName',
  'AWS::WAFv2::WebACL': 'Name',
};

/**
 * Resources whose physical name two deployments or a retained leftover could
 * share: any name set in the template that does not end in the stack's id
 * (unique per stack creation), as `LogicalId.Property`.
 */
export function literalNames(template: Template): string[] {
  return Object.entries(template.toJSON().Resources as Record<string, { Type: string; Properties?: Record<string, unknown> }>)
    .filter(([, r]) => {
      const name = r.Properties?.[PHYSICAL_NAMES[r.Type]];
      return name !== undefined && !JSON.stringify(name).includes('"Ref":"AWS::StackId"');
    })
    .map(([id, r]) => `${id}.${PHYSICAL_NAMES[r.Type]}`);
}

/** Every commercial region aws-cdk-lib knows. */
export const COMMERCIAL_REGIONS = RegionInfo.regions.filter((r) => r.partition === 'aws').map((r) => r.name);

/**
 * Region-keyed `Fn::FindInMap` lookups that would fail in some commercial
 * region (no entry and no default), as `Mapping: region`.
 */
export function regionLookupsMissing(template: Template): string[] {
  const json = template.toJSON();
  const missing: string[] = [];
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (node === null || typeof node !== 'object') return;
    const lookup = (node as Record<string, unknown>)['Fn::FindInMap'] as unknown[] | undefined;
    if (lookup && JSON.stringify(lookup[1]) === '{"Ref":"AWS::Region"}' && !(lookup[3] as { DefaultValue?: unknown } | undefined)?.DefaultValue) {
      const [map, , key] = lookup as [string, unknown, string];
      for (const region of COMMERCIAL_REGIONS) {
        if (json.Mappings?.[map]?.[region]?.[key] === undefined) missing.push(`${map}: ${region}`);
      }
    }
    Object.values(node).forEach(visit);
  };
  visit(json);
  return missing;
}
