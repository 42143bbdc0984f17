import { Aws, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import * as config from 'aws-cdk-lib/aws-config';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { acknowledge } from '../shared/compliance';
import { ManagedPolicyRole } from '../shared/managed-policy-role';
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
  /** Where snapshots and history are delivered. */
  readonly bucket: s3.IBucket;
  /** The bucket's key, used for the deliveries. */
  readonly key: kms.IKey;
  /** Whether this region records global resource types (IAM): exactly one region should. */
  readonly recordsGlobalTypes: RegionDecision;
}

/**
 * AWS Config (notes 003, 004): records the configuration of every supported
 * resource type and delivers it to the audit bucket. Global types (IAM) are
 * recorded only where `recordsGlobalTypes` holds (decided at synth time for a
 * pinned stack, by CloudFormation at deploy time for an agnostic one), so a
 * baseline in several regions records each IAM change once.
 */
export class ConfigRecorder extends Construct {
  readonly recorder: config.CfnConfigurationRecorder;
  readonly deliveryChannel: config.CfnDeliveryChannel;
  readonly role: ManagedPolicyRole;

  constructor(scope: Construct, id: string, props: ConfigRecorderProps) {
    super(scope, id);
    this.role = new ManagedPolicyRole(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('config.amazonaws.com'),
      description: 'AWS Config recorder: reads resource configurations, delivers to the audit bucket',
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AWS_ConfigRole')],
    });
    this.allowDelivery(props);
    acknowledge(this.role, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]', 'AWS maintains this policy as Config supports new resource types; a copy would silently stop recording them.');
    const global = props.recordsGlobalTypes;
    this.recorder = new config.CfnConfigurationRecorder(this, 'Recorder', {
      roleArn: this.role.roleArn,
      recordingGroup: { allSupported: true, includeGlobalResourceTypes: typeof global === 'boolean' ? global : Fn.conditionIf(global.logicalId, true, false) },
    });
    this.deliveryChannel = new config.CfnDeliveryChannel(this, 'DeliveryChannel', {
      s3BucketName: props.bucket.bucketName,
      s3KeyPrefix: 'config',
      s3KmsKeyArn: props.key.keyArn,
      configSnapshotDeliveryProperties: { deliveryFrequency: 'TwentyFour_Hours' },
    });
    // No DependsOn between recorder and channel: CloudFormation creates the pair
    // together (the recorder starts once the channel exists; a DependsOn either way
    // fails with NoAvailableDeliveryChannelException or hangs, aws-cdk#9001, #3577).
    // Both need the role's grants and the bucket policy, or Config cannot deliver.
    for (const resource of [this.recorder, this.deliveryChannel]) {
      resource.node.addDependency(this.role);
      if (props.bucket.policy) resource.node.addDependency(props.bucket.policy);
    }
  }

  /** Config delivers with the recorder's role: this account's prefix of the bucket, with the bucket's key. */
  private allowDelivery(props: ConfigRecorderProps): void {
    const deliveries = props.bucket.arnForObjects(`config/AWSLogs/${Aws.ACCOUNT_ID}/Config/*`);
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['s3:GetBucketAcl'], resources: [props.bucket.bucketArn] }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({
      actions: ['s3:PutObject'], resources: [deliveries], conditions: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control' } },
    }));
    this.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['kms:Decrypt', 'kms:GenerateDataKey'], resources: [props.key.keyArn] }));
    const stack = Stack.of(this);
    const bucket = stack.resolve((props.bucket.node.defaultChild as CfnResource).logicalId);
    acknowledge(this.role.grantsPolicy!, `AwsSolutions-IAM5[Resource::<${bucket}.Arn>/config/AWSLogs/<AWS::AccountId>/Config/*]`,
      'Config names each snapshot and history file at delivery; the grant is PutObject under this account\'s Config prefix of the audit bucket only.');
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
