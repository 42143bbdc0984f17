import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY } from 'aws-cdk-lib/cx-api';
import { Construct } from 'constructs';
import { bucketRemoval } from './removal';

/** Props of {@link LogBucket}. */
export interface LogBucketProps {
  /** What happens to the bucket on stack deletion; DESTROY empties it first. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Object ownership; CloudFront standard logs need ACLs, so BUCKET_OWNER_PREFERRED.
   * @default s3.ObjectOwnership.BUCKET_OWNER_ENFORCED
   */
  readonly objectOwnership?: s3.ObjectOwnership;
}

/**
 * A bucket receiving service logs: private, SSE-S3 (log delivery supports no
 * customer-managed key here), TLS only, versioned, logs expired after 90 days.
 */
export class LogBucket extends s3.Bucket {
  constructor(scope: Construct, id: string, props: LogBucketProps) {
    super(scope, id, {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: props.objectOwnership ?? s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.S3_MANAGED,
      enforceSSL: true,
      versioned: true,
      lifecycleRules: [{ expiration: Duration.days(90), noncurrentVersionExpiration: Duration.days(1) }],
      ...bucketRemoval(props.removalPolicy),
    });
  }
}

/**
 * Makes buckets under `scope` admit server access logs by bucket policy (the
 * S3 logging service principal), as AWS recommends, whatever the user's app
 * sets: without cdk.json's feature flag CDK would switch the target bucket to
 * the LogDeliveryWrite ACL, which bucket-owner-enforced log buckets refuse.
 * Call it in a construct's constructor before it creates any child.
 */
export function deliverServerAccessLogsByPolicy(scope: Construct): void {
  scope.node.setContext(S3_SERVER_ACCESS_LOGS_USE_BUCKET_POLICY, true);
}
