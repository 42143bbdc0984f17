import { IConstruct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import type { StaticSite } from './static-site';
import { StaticSiteProps } from './static-site-props';

/**
 * Findings that are the architecture's chosen trade-offs, each acknowledged on
 * its one resource with the reason; what can be fixed is fixed in the construct.
 * The content-deployment function's findings are acknowledged where it is
 * built (ContentDeployer), on that function only.
 */
export function acknowledgeSiteFindings(site: StaticSite, props: StaticSiteProps): void {
  acknowledgeDistribution(site, props);
  acknowledgeLogBucket(site.logBucket, !site.ownsBucket);
  if (site.ownsBucket) acknowledgeContentBucket(site);
}

function acknowledgeDistribution(site: StaticSite, props: StaticSiteProps): void {
  const distribution = site.distribution;
  if (site.originAccess === 'oai') {
    acknowledge(distribution, 'AwsSolutions-CFR7', 'Origin Access Identity by design, as the notes describe it, in the sandbox; originAccess: "oac" (the default, and production\'s) switches to Origin Access Control in one prop.');
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

function acknowledgeLogBucket(logBucket: IConstruct, receivesNoAccessLogs: boolean): void {
  // cdk-nag counts a bucket that receives another's access logs as logged; with existingBucket none does.
  if (receivesNoAccessLogs) {
    const logsOfLogs = 'The bucket holds the distribution\'s logs; logging access to it would need another log bucket, and that one another.';
    acknowledge(logBucket, 'AwsSolutions-S1', logsOfLogs);
    for (const pack of CONFIG_RULE_PACKS) acknowledge(logBucket, `${pack}-S3BucketLoggingEnabled`, logsOfLogs);
  }
  for (const pack of CONFIG_RULE_PACKS) {
    acknowledge(logBucket, `${pack}-S3DefaultEncryptionKMS`, 'Log delivery supports no customer-managed key here (CloudFront standard logs are written with bucket ACLs by the log-delivery account; S3 server access logs need SSE-S3 on the target); the bucket uses SSE-S3.');
    acknowledge(logBucket, `${pack}-S3BucketReplicationEnabled`, 'Access logs for troubleshooting, expired after 90 days; cross-region replication would double their cost for no recovery need.');
  }
}

function acknowledgeContentBucket(site: StaticSite): void {
  for (const pack of CONFIG_RULE_PACKS) {
    if (!site.encryptionKey) {
      acknowledge(site.bucket, `${pack}-S3DefaultEncryptionKMS`, site.originAccess === 'oai'
        ? 'An Origin Access Identity cannot read SSE-KMS objects, so the content bucket uses SSE-S3; with originAccess "oac", encryption "KMS" is allowed.'
        : 'Public website content, SSE-S3 by default; set encryption: "KMS" to use a customer-managed key.');
    }
    if (!site.replicated) {
      acknowledge(site.bucket, `${pack}-S3BucketReplicationEnabled`, 'The content is deployed from the repository on every deploy and versioned; the repository, not a replica, is its second copy.');
    }
  }
}
