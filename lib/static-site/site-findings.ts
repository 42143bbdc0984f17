import { DefaultStackSynthesizer, Stack, Token } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { IConstruct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import type { StaticSite } from './static-site';
import { StaticSiteProps } from './static-site-props';

/**
 * Findings that are the architecture's chosen trade-offs, each acknowledged on
 * its one resource with the reason; what can be fixed is fixed in the construct.
 */
export function acknowledgeSiteFindings(site: StaticSite, props: StaticSiteProps): void {
  acknowledgeDistribution(site, props);
  acknowledgeBuckets(site, props);
  acknowledgeContentDeployment(site, props.encryption === 'KMS');
}

function acknowledgeDistribution(site: StaticSite, props: StaticSiteProps): void {
  const distribution = site.distribution;
  if (site.originAccess === 'oai') {
    acknowledge(distribution, 'AwsSolutions-CFR7', 'Origin Access Identity by design, as the notes describe it; originAccess: "oac" switches to Origin Access Control in one prop (needed for SSE-KMS buckets and newer regions).');
  }
  if (!props.certificateArn) {
    acknowledge(distribution, 'AwsSolutions-CFR4', 'Without a custom domain the distribution serves the default *.cloudfront.net certificate, whose TLS policy CloudFront fixes; with domainNames and certificateArn the minimum is TLSv1.2_2021.');
  }
  if (!props.allowCountries && !props.denyCountries) {
    acknowledge(distribution, 'AwsSolutions-CFR1', 'The site is public content for every country; allowCountries or denyCountries restrict it when needed.');
  }
  if (!props.webAclArn) {
    acknowledge(distribution, 'AwsSolutions-CFR2', 'Static, read-only content behind CloudFront\'s built-in Shield Standard; a CLOUDFRONT-scope web ACL (about $9 a month) is attached with webAclArn.');
  }
}

function acknowledgeBuckets(site: StaticSite, props: StaticSiteProps): void {
  const buckets: [s3.Bucket, string][] = [[site.logBucket, 'logs'], [site.bucket, 'content']];
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(site.logBucket, `${pack}-S3DefaultEncryptionKMS`, 'CloudFront standard logs are delivered with bucket ACLs by the log-delivery account, which cannot use a customer-managed key here; the bucket uses SSE-S3.');
    if (props.encryption !== 'KMS') {
      acknowledge(site.bucket, `${pack}-S3DefaultEncryptionKMS`, site.originAccess === 'oai'
        ? 'An Origin Access Identity cannot read SSE-KMS objects, so the content bucket uses SSE-S3; with originAccess "oac", encryption "KMS" is allowed.'
        : 'Public website content, SSE-S3 by default; set encryption: "KMS" to use a customer-managed key.');
    }
    for (const [bucket, what] of buckets) {
      acknowledge(bucket, `${pack}-S3BucketReplicationEnabled`, what === 'content'
        ? 'The content is deployed from the repository on every deploy and versioned; the repository, not a replica, is its second copy.'
        : 'Access logs for troubleshooting, expired after 90 days; cross-region replication would double their cost for no recovery need.');
    }
  }
}

/** CDK's content-deployment function: runs once per deploy, invoked by CloudFormation. */
function acknowledgeContentDeployment(site: StaticSite, kmsEncrypted: boolean): void {
  const stack = Stack.of(site);
  const fn = stack.node.children.find((c) => c.node.id.startsWith('Custom::CDKBucketDeployment'));
  if (fn) acknowledgeDeployFunction(fn);
  const grants = site.node.tryFindChild('DeployRole')?.node.tryFindChild('Grants');
  if (!grants) return;
  const contentBucket = stack.resolve(stack.getLogicalId(site.bucket.node.defaultChild as s3.CfnBucket));
  const reason = 'CDK\'s content deployment copies every object of the asset into this stack\'s content bucket and invalidates its distribution; these are the grants it needs, on the asset bucket, the content bucket (and its key) and CloudFront invalidation only.';
  const kmsFindings = kmsEncrypted ? ['Action::kms:GenerateDataKey*', 'Action::kms:ReEncrypt*'] : [];
  for (const finding of [...kmsFindings, 'Action::s3:List*', 'Action::s3:GetObject*', 'Action::s3:GetBucket*', 'Action::s3:DeleteObject*', 'Action::s3:Abort*',
    'Resource::*', `Resource::<${contentBucket}.Arn>/*`, `Resource::arn:${partitionOf(stack)}:s3:::${assetBucketName(stack)}/*`]) {
    acknowledge(grants, `AwsSolutions-IAM5[${finding}]`, reason);
  }
}

/** The partition as cdk-nag names it: literal when the region pins it (the partition-literals flag), else the pseudo parameter. */
function partitionOf(stack: Stack): string {
  return Token.isUnresolved(stack.partition) ? '<AWS::Partition>' : stack.partition;
}

/**
 * The bootstrap asset bucket as cdk-nag names it: the account and region are
 * literal in a stack that pins them, pseudo parameters in one that does not.
 */
function assetBucketName(stack: Stack): string {
  const qualifier = stack.synthesizer.bootstrapQualifier ?? DefaultStackSynthesizer.DEFAULT_QUALIFIER;
  const account = Token.isUnresolved(stack.account) ? '<AWS::AccountId>' : stack.account;
  const region = Token.isUnresolved(stack.region) ? '<AWS::Region>' : stack.region;
  return `cdk-${qualifier}-assets-${account}-${region}`;
}

function acknowledgeDeployFunction(fn: IConstruct): void {
  const managedByCdk = 'CDK\'s content-deployment function, whose runtime and code aws-cdk-lib manages; it runs once per deploy.';
  acknowledge(fn, 'AwsSolutions-L1', managedByCdk);
  acknowledge(fn, 'Serverless-LambdaLatestVersion', managedByCdk);
  acknowledge(fn, 'Serverless-LambdaTracing', `${managedByCdk} Its log group records every run.`);
  for (const pack of ['Serverless', 'NIST.800.53.R5', 'HIPAA.Security']) {
    acknowledge(fn, `${pack}-LambdaDLQ`, 'CloudFormation invokes the function and fails the deployment on its error; nothing is lost to retry from a dead-letter queue.');
  }
  for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
    acknowledge(fn, `${pack}-LambdaConcurrency`, 'One invocation per deployment; reserving concurrency for it would only take capacity from the account.');
  }
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(fn, `${pack}-LambdaInsideVPC`, 'The function talks only to S3 and CloudFront endpoints; a VPC would add NAT cost and nothing else.');
  }
}
