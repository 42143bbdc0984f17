import { Annotations, Aws, CfnCondition, Fn, Stack } from 'aws-cdk-lib';
import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../shared/compliance';
import { knownRegion, regionIsOneOf } from '../shared/region-condition';

/**
 * Opt-in regions (launched after March 2019, enabled per account): CloudFront's
 * standard (legacy) logging cannot deliver to an S3 bucket in them, and a
 * distribution naming such a bucket fails to create ("You don't have permission
 * to access the S3 bucket for CloudFront logs").
 */
export const NO_LEGACY_LOGGING_REGIONS: readonly string[] = [
  'af-south-1', 'ap-east-1', 'ap-east-2', 'ap-south-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5',
  'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'eu-central-2', 'eu-south-1', 'eu-south-2', 'il-central-1',
  'me-central-1', 'me-south-1', 'mx-central-1',
];

/** Prefix of the distribution's standard logs in the log bucket. */
export const CLOUDFRONT_LOG_PREFIX = 'cloudfront/';

/** Id of the warning a stack pinned to an opt-in region gets. */
export const NO_LEGACY_LOGGING_WARNING = '@aws-reference-architectures/static-site:noStandardLoggingInOptInRegion';

/**
 * Where the distribution's standard logs can go: `always` (the region is known
 * and supports it), `never` (pinned to an opt-in region), `by-region` (the
 * stack is environment-agnostic: a CloudFormation condition decides).
 */
export type LegacyLogging = 'always' | 'never' | 'by-region';

/** Whether the stack of `scope` can use standard (legacy) logging to a bucket of its region. */
export function legacyLoggingOf(scope: Construct): LegacyLogging {
  const region = knownRegion(scope);
  if (region === undefined) return 'by-region';
  return NO_LEGACY_LOGGING_REGIONS.includes(region) ? 'never' : 'always';
}

/**
 * Fits the distribution's standard logging to the region: in an opt-in region
 * (pinned) none, with a warning; environment-agnostic, `Logging` only when the
 * deployment region is not an opt-in one. The L2 sets `Logging`; this removes
 * or conditions it.
 */
export function fitStandardLoggingToRegion(scope: Construct, distribution: cloudfront.Distribution, logBucket: s3.IBucket, mode: LegacyLogging): void {
  if (mode === 'always') return;
  const reason = 'CloudFront standard (legacy) logging cannot deliver to a bucket in an opt-in region, so it is off in those regions alone; '
    + 'everywhere else the distribution logs to the site\'s log bucket. For logs there, add standard logging (v2) through CloudWatch Logs vended-log delivery.';
  acknowledge(distribution, 'AwsSolutions-CFR3', reason);
  if (mode === 'never') {
    const region = Stack.of(scope).region;
    Annotations.of(scope).addWarningV2(NO_LEGACY_LOGGING_WARNING, `The distribution has no standard logging: CloudFront's standard (legacy) logs cannot be delivered to an S3 bucket in ${region}, an opt-in region. `
      + 'For access logs, configure standard logging (v2) with a CloudWatch Logs delivery (AWS::Logs::DeliverySource in us-east-1), or deploy the stack in a region enabled by default.');
    return;
  }
  const cfn = distribution.node.defaultChild as cloudfront.CfnDistribution;
  const inOptInRegion = new CfnCondition(scope, 'InRegionWithoutStandardLogging', { expression: regionIsOneOf(NO_LEGACY_LOGGING_REGIONS) });
  cfn.addPropertyOverride('DistributionConfig.Logging', Fn.conditionIf(inOptInRegion.logicalId, Aws.NO_VALUE,
    { Bucket: logBucket.bucketRegionalDomainName, Prefix: CLOUDFRONT_LOG_PREFIX }));
}
