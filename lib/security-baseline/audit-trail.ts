import { ArnFormat, Aws, Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { LogBucket } from '../shared/log-bucket';
import { bucketRemoval, keyRemoval } from '../shared/removal';

/** What {@link AuditTrail} needs from the baseline's props, resolved. */
export interface AuditTrailProps {
  readonly dataEvents: boolean;
  readonly logArchiveExpiration: Duration;
  /**
   * Object Lock (governance) retention of the audit bucket's objects.
   * @default no Object Lock
   */
  readonly objectLockRetention?: Duration;
  readonly logRetention: logs.RetentionDays;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * CloudTrail as the notes' audit of the account (004): a multi-region trail of
 * every management event, log file validation on, encrypted with a key only
 * this account can decrypt with, delivered to a dedicated bucket (versioned,
 * TLS-only, access logged, archived to cheaper storage) and to CloudWatch Logs.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.Trail;
  /** Encrypts trail files, the log bucket, the trail's log group and Config's deliveries. */
  readonly key: kms.Key;
  /** Receives the trail's files and Config's snapshots and history. */
  readonly bucket: s3.Bucket;
  /** Receives the bucket's server access logs. */
  readonly accessLogBucket: LogBucket;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the CloudTrail files, log bucket and trail log group of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(props.removalPolicy),
    });
    this.allowCloudTrail();
    this.accessLogBucket = new LogBucket(this, 'AccessLogs', { removalPolicy: props.removalPolicy });
    this.bucket = this.newLogBucket(props);
    this.logGroup = new EncryptedLogGroup(this, 'Logs', { encryptionKey: this.key, retention: props.logRetention, removalPolicy: props.removalPolicy }).logGroup;
    this.trail = new cloudtrail.Trail(this, 'Trail', {
      bucket: this.bucket,
      encryptionKey: this.key,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableFileValidation: true,
      managementEvents: cloudtrail.ReadWriteType.ALL,
      sendToCloudWatchLogs: true,
      cloudWatchLogGroup: this.logGroup,
    });
    if (props.dataEvents) this.trail.logAllS3DataEvents();
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(this.trail.node.findChild('LogsRole'), `${pack}-IAMNoInlinePolicy`, 'aws-cdk-lib\'s Trail writes CloudTrail\'s delivery grant (logs:CreateLogStream and logs:PutLogEvents on this trail\'s log group only) as an inline policy of its own role, used by nothing else.');
      acknowledge(this.bucket, `${pack}-S3BucketReplicationEnabled`, 'The audit logs are versioned, validated by CloudTrail digest files and delivered to CloudWatch Logs as well; replicate the bucket to another account for an organization-wide log archive.');
      acknowledge(this.accessLogBucket, `${pack}-S3BucketReplicationEnabled`, 'Server access logs of the audit bucket, expired after 90 days; a replica would double their cost for no recovery need.');
      acknowledge(this.accessLogBucket, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access logs are delivered only to buckets with SSE-S3 default encryption.');
    }
  }

  /** The audit bucket: KMS-encrypted with the trail key, versioned, access logged, archived, optionally locked. */
  private newLogBucket(props: AuditTrailProps): s3.Bucket {
    const lockDays = props.objectLockRetention?.toDays();
    return new s3.Bucket(this, 'Bucket', {
      blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
      objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
      encryption: s3.BucketEncryption.KMS,
      encryptionKey: this.key,
      bucketKeyEnabled: true,
      enforceSSL: true,
      versioned: true,
      serverAccessLogsBucket: this.accessLogBucket,
      serverAccessLogsPrefix: 'audit-bucket/',
      objectLockEnabled: lockDays !== undefined ? true : undefined,
      objectLockDefaultRetention: lockDays !== undefined ? s3.ObjectLockRetention.governance(Duration.days(lockDays)) : undefined,
      lifecycleRules: [{
        transitions: [
          { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
          { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
        ],
        expiration: props.logArchiveExpiration,
        noncurrentVersionExpiration: Duration.days(30),
      }],
      ...bucketRemoval(props.removalPolicy),
    });
  }

  /**
   * CloudTrail may encrypt with the key for trails of this account only;
   * principals of this account (and no other) may decrypt trail files.
   */
  private allowCloudTrail(): void {
    const stack = Stack.of(this);
    const trailsOfThisAccount = stack.formatArn({ service: 'cloudtrail', region: '*', resource: 'trail', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToEncryptForThisAccount',
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailsOfThisAccount },
      },
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowCloudTrailToDescribeTheKey',
      principals: [cloudTrail],
      actions: ['kms:DescribeKey'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
    }));
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowThisAccountToDecryptTrailFiles',
      principals: [new iam.AccountRootPrincipal()],
      actions: ['kms:Decrypt', 'kms:ReEncryptFrom'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'kms:CallerAccount': Aws.ACCOUNT_ID },
        StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trailsOfThisAccount },
      },
    }));
  }
}
