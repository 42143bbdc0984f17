import { Aws, CfnResource, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct, IDependable } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { LogBucket } from '../shared/log-bucket';
import { archiveBucketProps } from './audit-trail';
import { RegionDecision } from './regions';

/**
 * The AWS Config managed rules evaluated by default: what this project's
 * architectures promise (encryption, no public access, logging, IMDSv2, TLS,
 * backups) and what this baseline itself sets up, so a drift shows up as a
 * non-compliant resource.
 */
export const BASELINE_CONFIG_RULES: readonly string[] = [
  // The baseline itself
  'CLOUD_TRAIL_ENABLED', 'MULTI_REGION_CLOUD_TRAIL_ENABLED', 'CLOUD_TRAIL_ENCRYPTION_ENABLED',
  'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED', 'CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED',
  'GUARDDUTY_ENABLED_CENTRALIZED', 'SECURITYHUB_ENABLED', 'EC2_EBS_ENCRYPTION_BY_DEFAULT',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC', 'IAM_PASSWORD_POLICY', 'ROOT_ACCOUNT_MFA_ENABLED', 'IAM_ROOT_ACCESS_KEY_CHECK',
  'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS',
  // Encryption
  'ENCRYPTED_VOLUMES', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'SNS_ENCRYPTED_KMS',
  'CMK_BACKING_KEY_ROTATION_ENABLED',
  // Public access and TLS
  'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  'S3_BUCKET_SSL_REQUESTS_ONLY', 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED', 'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK',
  'INCOMING_SSH_DISABLED', 'VPC_DEFAULT_SECURITY_GROUP_CLOSED',
  // Logging and instances
  'VPC_FLOW_LOGS_ENABLED', 'S3_BUCKET_LOGGING_ENABLED', 'ELB_LOGGING_ENABLED', 'API_GW_EXECUTION_LOGGING_ENABLED', 'EC2_IMDSV2_CHECK',
  // Data protection
  'S3_BUCKET_VERSIONING_ENABLED', 'DYNAMODB_PITR_ENABLED',
];

/**
 * Managed rules not known to be offered in the regions opened since 2022
 * (GUARDDUTY_ENABLED_CENTRALIZED is confirmed missing in ap-southeast-7): they
 * are created only outside those regions, so the stack deploys everywhere.
 */
export const REGION_LIMITED_CONFIG_RULES: readonly string[] = [
  'GUARDDUTY_ENABLED_CENTRALIZED', 'SECURITYHUB_ENABLED', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC', 'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS',
  'CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'SNS_ENCRYPTED_KMS', 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
  'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK', 'ELB_LOGGING_ENABLED', 'API_GW_EXECUTION_LOGGING_ENABLED', 'DYNAMODB_PITR_ENABLED',
];

/** Props of {@link ConfigRecorder}. */
export interface ConfigRecorderProps {
  /** Encrypts the delivery bucket and Config's deliveries. */
  readonly key: kms.Key;
  /** Whether this region records global resource types (IAM): exactly one region should. */
  readonly recordsGlobalTypes: RegionDecision;
  /** What exists before the recorder: the service-linked role it records with. */
  readonly serviceLinkedRole?: IDependable;
  /** How long snapshots and history are kept. */
  readonly logArchiveExpiration: Duration;
  readonly removalPolicy: RemovalPolicy;
}

/** The service-linked role AWS Config records with in every region of the account. */
export function configServiceLinkedRoleArn(): string {
  return `arn:${Aws.PARTITION}:iam::${Aws.ACCOUNT_ID}:role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig`;
}

/**
 * AWS Config (notes 003, 004): records the configuration of every supported
 * resource type with Config's service-linked role (what Security Hub's Config.1
 * control asks for) and delivers to a bucket of its own in the region: AWS
 * Config cannot deliver to an Object Lock bucket such as the audit trail's.
 * Global types (IAM) are recorded only where `recordsGlobalTypes` holds
 * (decided at synth time for a pinned stack, by CloudFormation at deploy time
 * for an agnostic one), so a baseline in several regions records each IAM change once.
 */
export class ConfigRecorder extends Construct {
  readonly recorder: config.CfnConfigurationRecorder;
  readonly deliveryChannel: config.CfnDeliveryChannel;
  /** Receives Config's snapshots and history (no Object Lock: AWS Config does not deliver to locked buckets). */
  readonly bucket: s3.Bucket;
  /** Receives the delivery bucket's server access logs. */
  readonly accessLogBucket: LogBucket;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    this.accessLogBucket = new LogBucket(this, 'AccessLogs', { removalPolicy: props.removalPolicy });
    this.bucket = new s3.Bucket(this, 'Bucket', archiveBucketProps({
      ...props, accessLogBucket: this.accessLogBucket, accessLogPrefix: 'config-bucket/',
    }));
    this.allowDelivery(props.key);
    const global = props.recordsGlobalTypes;
    this.recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: configServiceLinkedRoleArn(),
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: typeof global === 'boolean' ? global : Fn.conditionIf(global.logicalId, true, false) },
    });
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: this.bucket.bucketName,
      s3KeyPrefix: 'config',
      s3KmsKeyArn: props.key.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    // No DependsOn between recorder and channel: CloudFormation creates the pair
    // together (the recorder starts once the channel exists; a DependsOn either way
    // fails with NoAvailableDeliveryChannelException or hangs, aws-cdk#9001, #3577).
    // Both need the role, the bucket policy and the key grant, or Config cannot deliver.
    for (const resource of [this.recorder, this.deliveryChannel]) {
      resource.node.addDependency(this.bucket.policy!, props.key);
      if (props.serviceLinkedRole) resource.node.addDependency(props.serviceLinkedRole);
    }
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(this.bucket, `${pack}-S3BucketReplicationEnabled`, 'Config snapshots and history are versioned and rebuilt by Config from the resources themselves; replicate the bucket to another account for an organization-wide archive.');
      acknowledge(this.accessLogBucket, `${pack}-S3BucketReplicationEnabled`, 'Server access logs of the Config bucket, expired after 90 days; a replica would double their cost for no recovery need.');
      acknowledge(this.accessLogBucket, `${pack}-S3DefaultEncryptionKMS`, 'S3 server access logs are delivered only to buckets with SSE-S3 default encryption.');
    }
  }

  /**
   * With the service-linked role, Config delivers by bucket policy (AWS Config
   * Developer Guide, "Permissions for the Amazon S3 bucket"): the bucket's ACL
   * and location, and PutObject under this account's prefix, for AWS Config
   * calls made for this account only (`aws:SourceAccount`), with the key.
   */
  private allowDelivery(key: kms.Key): void {
    const configService = new iam.ServicePrincipal('config.amazonaws.com');
    const forThisAccount = { 'aws:SourceAccount': Aws.ACCOUNT_ID };
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowConfigToCheckTheBucket', principals: [configService], actions: ['s3:GetBucketAcl', 's3:ListBucket'], resources: [this.bucket.bucketArn],
      conditions: { StringEquals: forThisAccount },
    }));
    this.bucket.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowConfigToDeliver', principals: [configService], actions: ['s3:PutObject'],
      resources: [this.bucket.arnForObjects(`config/AWSLogs/${Aws.ACCOUNT_ID}/Config/*`)],
      conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...forThisAccount } },
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowConfigToEncryptDeliveries', principals: [configService], actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: ['*'],
      conditions: { StringEquals: forThisAccount },
    }));
  }
}

/** Props of {@link BaselineConfigRules}. */
export interface BaselineConfigRulesProps {
  /** Managed rule identifiers. */
  readonly identifiers: readonly string[];
  /** Where the {@link REGION_LIMITED_CONFIG_RULES} among them are offered: false leaves them out, a condition gates them. */
  readonly limitedRulesOffered: () => RegionDecision;
  /**
   * Input parameters of some rules, by identifier (IAM_PASSWORD_POLICY: the policy the baseline sets).
   * @default none: each rule's own defaults
   */
  readonly inputParameters?: Readonly<Record<string, Record<string, unknown>>>;
}

/** One AWS Config managed rule per identifier; evaluated by whichever recorder the region has. */
export class BaselineConfigRules extends Construct {
  readonly rules: config.ManagedRule[] = [];

  constructor(scope: Construct, id: string, props: BaselineConfigRulesProps) {
    super(scope, id);
    for (const identifier of props.identifiers) {
      const offered = REGION_LIMITED_CONFIG_RULES.includes(identifier) ? props.limitedRulesOffered() : true;
      if (offered === false) continue;
      const rule = new config.ManagedRule(this, pascal(identifier), {
        identifier,
        description: `AWS managed rule ${identifier}, part of the security baseline`,
        inputParameters: props.inputParameters?.[identifier],
      });
      if (offered !== true) (rule.node.defaultChild as CfnResource).cfnOptions.condition = offered;
      this.rules.push(rule);
    }
  }
}

/** `S3_BUCKET_SSL_REQUESTS_ONLY` -> `S3BucketSslRequestsOnly`, for construct ids. */
function pascal(identifier: string): string {
  return identifier.toLowerCase().split('_').map((w) => w[0].toUpperCase() + w.slice(1)).join('');
}
