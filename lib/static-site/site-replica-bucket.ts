import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { deliverServerAccessLogsByPolicy, LogBucket } from '../shared/log-bucket';
import { bucketRemoval, DEFAULT_REMOVAL_POLICY } from '../shared/removal';
import { Validator } from '../shared/validation';

/** Props of {@link SiteReplicaBucket}. */
export interface SiteReplicaBucketProps {
  /**
   * The bucket's name (globally unique).
   * @default a name CloudFormation generates (the site reads it by a weak reference)
   */
  readonly bucketName?: string;
  /**
   * Days a noncurrent object version is kept before it expires.
   * @default 30
   */
  readonly noncurrentVersionDays?: number;
  /**
   * What happens to the bucket (and its access-log bucket) on stack deletion; DESTROY empties them first.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

/**
 * The standby region's copy of a static site's content (note 003: storage
 * replication): the destination of the site's S3 Cross-Region Replication and
 * its distribution's fallback origin. Private, TLS only, SSE-S3 (as the
 * replicated objects are), versioned (replication needs it), its access
 * logged; CloudFront reads it through Origin Access Control. The distribution
 * is created after this bucket (it names the bucket as an origin), so the
 * policy admits CloudFront on behalf of this account's distributions, not one
 * distribution id: the content is the public site's.
 */
export class SiteReplicaBucket extends Construct {
  readonly bucket: s3.Bucket;
  readonly logBucket: s3.Bucket;

  constructor(scope: Construct, id: string, props: SiteReplicaBucketProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByPolicy(this);
    const v = new Validator('SiteReplicaBucket props');
    if (props.bucketName !== undefined && !Token.isUnresolved(props.bucketName)) {
      v.check(/^(?!xn--)(?!.*\.\.)[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$/.test(props.bucketName), 'bucketName', props.bucketName, 'expected an S3 bucket name: 3 to 63 lower-case letters, digits, dots or hyphens');
    }
    v.intRange('noncurrentVersionDays', props.noncurrentVersionDays, 1, 3650, ' days');
    v.throwIfInvalid();
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.logBucket = new LogBucket(this, 'Logs', { removalPolicy });
    this.bucket = new s3.Bucket(this, 'Content', {
      bucketName: props.bucketName,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      enforceSSL: true,
      encryption: s3.BucketEncryption.S3_MANAGED,
      versioned: true,
      lifecycleRules: [{ noncurrentVersionExpiration: Duration.days(props.noncurrentVersionDays ?? 30) }],
      serverAccessLogsBucket: this.logBucket,
      serverAccessLogsPrefix: 'replica-access/',
      ...bucketRemoval(removalPolicy),
    });
    // As the site's own bucket: objects and the listing (a missing key answers 404, not 403), for CloudFront acting for this account.
    const cloudFront = {
      principals: [new iam.ServicePrincipal('cloudfront.amazonaws.com')],
      conditions: { StringEquals: { 'AWS:SourceAccount': Aws.ACCOUNT_ID }, ArnLike: { 'AWS:SourceArn': `arn:${Aws.PARTITION}:cloudfront::${Aws.ACCOUNT_ID}:distribution/*` } },
    };
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({ ...cloudFront, actions: ['s3:GetObject'], resources: [this.bucket.arnForObjects('*')] }));
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({ ...cloudFront, actions: ['s3:ListBucket'], resources: [this.bucket.bucketArn] }));
    this.acknowledge();
  }

  /** The bucket's name, for the site's `replica` (known at synth when given as a string). */
  get bucketName(): string {
    return this.bucket.bucketName;
  }

  /** The bucket's region. */
  get region(): string {
    return Stack.of(this).region;
  }

  private acknowledge(): void {
    const logsOfLogs = 'The bucket holds the replica\'s access logs; logging access to it would need another log bucket, and that one another.';
    acknowledge(this.logBucket, 'AwsSolutions-S1', logsOfLogs);
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(this.logBucket, `${pack}-S3BucketLoggingEnabled`, logsOfLogs);
      acknowledge(this.logBucket, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access logs need SSE-S3 on the target bucket.');
      acknowledge(this.logBucket, `${pack}-S3BucketReplicationEnabled`, 'Access logs for troubleshooting, expired after 90 days; replicating them would double their cost for no recovery need.');
      acknowledge(this.bucket, `${pack}-S3DefaultEncryptionKMS`, 'Holds replicas of the site\'s SSE-S3 objects, which S3 replicates as SSE-S3; public website content.');
      acknowledge(this.bucket, `${pack}-S3BucketReplicationEnabled`, 'This bucket is the replica: the content bucket in the primary region replicates to it.');
    }
  }
}
