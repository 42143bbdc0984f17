import { ArnFormat, Aws, Duration, Fn, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as cloudtrail from 'aws-cdk-lib/aws-cloudtrail';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { LogBucket } from '../shared/log-bucket';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
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
 * TLS-only, access logged, archived to cheaper storage, written by this trail
 * only) and to CloudWatch Logs. One per account: the baseline creates it in its
 * home region only.
 */
export class AuditTrail extends Construct {
  readonly trail: cloudtrail.CfnTrail;
  /** The trail's name: the stack name and region, so stages and regions never collide. */
  readonly trailName: string;
  /** The trail's ARN, known before the trail exists (the bucket policy is scoped to it). */
  readonly trailArn: string;
  /** Encrypts trail files, the audit bucket and the trail's log group. */
  readonly key: kms.Key;
  /** Receives the trail's files (Object Lock when asked for). */
  readonly bucket: s3.Bucket;
  /** Receives the bucket's server access logs. */
  readonly accessLogBucket: LogBucket;
  readonly logGroup: logs.LogGroup;

  constructor(scope: Construct, id: string, props: AuditTrailProps) {
    super(scope, id);
    this.trailName = Fn.join('-', [Aws.STACK_NAME, Aws.REGION, 'audit']);
    this.trailArn = Stack.of(this).formatArn({ service: 'cloudtrail', resource: 'trail', resourceName: this.trailName, arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the CloudTrail files, log bucket and trail log group of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(props.removalPolicy),
    });
    this.allowCloudTrail();
    this.accessLogBucket = new LogBucket(this, 'AccessLogs', { removalPolicy: props.removalPolicy });
    this.bucket = this.newLogBucket(props);
    this.logGroup = new EncryptedLogGroup(this, 'Logs', { encryptionKey: this.key, retention: props.logRetention, removalPolicy: props.removalPolicy }).logGroup;
    const logsRole = this.newLogsRole();
    const writes = this.allowThisTrailToWrite();
    this.trail = new cloudtrail.CfnTrail(this, 'Trail', {
      trailName: this.trailName,
      isLogging: true,
      isMultiRegionTrail: true,
      includeGlobalServiceEvents: true,
      enableLogFileValidation: true,
      kmsKeyId: this.key.keyArn,
      s3BucketName: this.bucket.bucketName,
      cloudWatchLogsLogGroupArn: this.logGroup.logGroupArn,
      cloudWatchLogsRoleArn: logsRole.roleArn,
      eventSelectors: [{
        includeManagementEvents: true,
        readWriteType: 'All',
        // Every S3 object-level event, billed per 100,000 events.
        dataResources: props.dataEvents ? [{ type: 'AWS::S3::Object', values: [`arn:${Aws.PARTITION}:s3:::`] }] : undefined,
      }],
    });
    // CloudTrail checks both grants when the trail is created.
    this.trail.node.addDependency(writes, logsRole);
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(this.bucket, `${pack}-S3BucketReplicationEnabled`, 'The audit logs are versioned, validated by CloudTrail digest files and delivered to CloudWatch Logs as well; replicate the bucket to another account for an organization-wide log archive.');
      acknowledge(this.accessLogBucket, `${pack}-S3BucketReplicationEnabled`, 'Server access logs of the audit bucket, expired after 90 days; a replica would double their cost for no recovery need.');
      acknowledge(this.accessLogBucket, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access logs are delivered only to buckets with SSE-S3 default encryption.');
    }
  }

  /** The audit bucket: KMS-encrypted with the trail key, versioned, access logged, archived, optionally locked. */
  private newLogBucket(props: AuditTrailProps): s3.Bucket {
    const lockDays = props.objectLockRetention?.toDays();
    return new s3.Bucket(this, 'Bucket', {
      ...archiveBucketProps({ ...props, key: this.key, accessLogBucket: this.accessLogBucket, accessLogPrefix: 'audit-bucket/' }),
      objectLockEnabled: lockDays !== undefined ? true : undefined,
      objectLockDefaultRetention: lockDays !== undefined ? s3.ObjectLockRetention.governance(Duration.days(lockDays)) : undefined,
    });
  }

  /** CloudTrail's role for CloudWatch Logs: streams and events of this trail's log group only. */
  private newLogsRole(): ManagedPolicyRole {
    const role = new ManagedPolicyRole(this, 'LogsRole', {
      assumedBy: new iam.ServicePrincipal('cloudtrail.amazonaws.com'),
      description: 'CloudTrail delivers the audit trail to its CloudWatch Logs log group',
    });
    role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['logs:CreateLogStream', 'logs:PutLogEvents'], resources: [this.logGroup.logGroupArn] }));
    return role;
  }

  /**
   * CloudTrail may read the bucket's ACL and write this account's prefix, for
   * this trail only (`aws:SourceArn`): no other trail, of this account or any
   * other, can deliver into the audit bucket. Returns the bucket policy.
   */
  private allowThisTrailToWrite(): s3.BucketPolicy {
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    const thisTrail = { 'aws:SourceArn': this.trailArn };
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowThisTrailToCheckTheBucketAcl', principals: [cloudTrail], actions: ['s3:GetBucketAcl'], resources: [this.bucket.bucketArn],
      conditions: { StringEquals: thisTrail },
    }));
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowThisTrailToWriteItsFiles', principals: [cloudTrail], actions: ['s3:PutObject'], resources: [this.bucket.arnForObjects(`AWSLogs/${Aws.ACCOUNT_ID}/*`)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...thisTrail } },
    }));
    return this.bucket.policy!;
  }

  /**
   * CloudTrail may encrypt with the key for this trail only; principals of
   * this account (and no other) may decrypt trail files of its trails.
   */
  private allowCloudTrail(): void {
    const stack = Stack.of(this);
    const trailsOfThisAccount = stack.formatArn({ service: 'cloudtrail', region: '*', resource: 'trail', resourceName: '*', arnFormat: ArnFormat.SLASH_RESOURCE_NAME });
    const cloudTrail = new iam.ServicePrincipal('cloudtrail.amazonaws.com');
    this.key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowThisTrailToEncrypt',
      principals: [cloudTrail],
      actions: ['kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: {
        StringEquals: { 'aws:SourceArn': this.trailArn, 'kms:EncryptionContext:aws:cloudtrail:arn': this.trailArn },
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

/** What an archive bucket of the baseline needs: its key, access-log bucket and prefix, expiration and removal. */
export interface ArchiveBucketOptions {
  readonly key: kms.IKey;
  readonly accessLogBucket: s3.IBucket;
  readonly accessLogPrefix: string;
  readonly logArchiveExpiration: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/**
 * The baseline's archive buckets (trail files, Config snapshots): private, owner-enforced,
 * KMS with a bucket key, TLS-only, versioned, access logged, to Infrequent Access after 30
 * days and Glacier after 90, expired after `logArchiveExpiration`.
 */
export function archiveBucketProps(options: ArchiveBucketOptions): s3.BucketProps {
  return {
    blockPublicAccess: s3.BlockPublicAccess.BLOCK_ALL,
    objectOwnership: s3.ObjectOwnership.BUCKET_OWNER_ENFORCED,
    encryption: s3.BucketEncryption.KMS,
    encryptionKey: options.key,
    bucketKeyEnabled: true,
    enforceSSL: true,
    versioned: true,
    serverAccessLogsBucket: options.accessLogBucket,
    serverAccessLogsPrefix: options.accessLogPrefix,
    lifecycleRules: [{
      transitions: [
        { storageClass: s3.StorageClass.INFREQUENT_ACCESS, transitionAfter: Duration.days(30) },
        { storageClass: s3.StorageClass.GLACIER, transitionAfter: Duration.days(90) },
      ],
      expiration: options.logArchiveExpiration,
      noncurrentVersionExpiration: Duration.days(30),
    }],
    ...bucketRemoval(options.removalPolicy),
  };
}
