import * as cloudfront from 'aws-cdk-lib/aws-cloudfront';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';

/**
 * A private S3 bucket read through Origin Access Control, granting nothing by
 * itself. CDK's `S3BucketOrigin.withOriginAccessControl` also writes a key
 * policy that lets every distribution of the account decrypt (a wildcard it
 * needs to avoid a dependency cycle); the site instead grants the bucket and
 * the key to its one distribution (see `StaticSite`).
 */
export class OacBucketOrigin extends cloudfront.OriginBase {
  constructor(bucket: s3.IBucket, private readonly originAccessControl: cloudfront.IOriginAccessControl) {
    super(bucket.bucketRegionalDomainName);
  }

  override bind(scope: Construct, options: cloudfront.OriginBindOptions): cloudfront.OriginBindConfig {
    const config = super.bind(scope, options);
    return { ...config, originProperty: { ...config.originProperty!, originAccessControlId: this.originAccessControl.originAccessControlId } };
  }

  // An S3 origin with an empty identity: CloudFront signs with the access control instead.
  protected override renderS3OriginConfig(): cloudfront.CfnDistribution.S3OriginConfigProperty {
    return { originAccessIdentity: '' };
  }
}
