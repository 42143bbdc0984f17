import { Aws, CfnCondition, Duration, Fn, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { acknowledge } from '../shared/compliance';
import { knownRegion, regionIsOneOf } from '../shared/region-condition';
import { keyRemoval } from '../shared/removal';
import { BackupAndRestoreProps, DEFAULT_BACKUP_TAG, DEFAULT_FREQUENT_RETENTION, RestoreTestedType, shortestRetention, validateBackupAndRestoreProps } from './disaster-recovery-props';
import { JobFailureNotifications } from './backup-notifications';
import { backupInterval } from './recovery-objectives';
import { RecoveryVault } from './recovery-vault';

/** AWS Backup's service-role policies: snapshots and restores of every type, and S3's own (the first two do not cover S3). */
const SERVICE_ROLE_POLICIES = [
  'AWSBackupServiceRolePolicyForBackup', 'AWSBackupServiceRolePolicyForRestores',
  'AWSBackupServiceRolePolicyForS3Backup', 'AWSBackupServiceRolePolicyForS3Restore',
];

/**
 * Regions whose CloudFormation has no AWS::Backup::RestoreTestingPlan or
 * RestoreTestingSelection (the CloudFormation registry's per-region resource
 * schemas, as cfn-lint ships them, June 2026): restore testing is left out there.
 */
export const REGIONS_WITHOUT_RESTORE_TESTING: readonly string[] = [
  'ap-east-2', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'mx-central-1',
  'cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1',
];

/**
 * Backup and restore for everything carrying a tag: an AWS Backup plan whose
 * schedule follows the RPO (hourly at best, daily at most), into a vault with a
 * key of its own (retained, deletion denied and optionally locked where the
 * data is kept), each recovery point copied to the vaults given (another
 * region's, another account's); failed backup, copy and restore jobs reported
 * to an alarm topic; and a restore testing plan that restores the latest
 * recovery points every week and deletes them after validation, so that
 * restores are proven rather than assumed.
 *
 * Tag-based selection keeps this construct free of references to the stacks
 * that own the data: each owner tags its stateful resources (the stages do it
 * in ReferenceStage).
 */
export class BackupAndRestore extends Construct {
  readonly vault: RecoveryVault;
  readonly plan: backup.BackupPlan;
  /** The role AWS Backup backs up, copies and restores (tests included) with. */
  readonly role: iam.Role;
  /** How often a recovery point is made. */
  readonly interval: Duration;
  /** Where failed jobs are reported. */
  readonly alarmTopic: sns.ITopic;
  /** The job-failure rules, and the alarm (on a topic of its own) on failures they could not deliver. */
  readonly jobFailures: JobFailureNotifications;
  readonly restoreTestingPlan?: backup.CfnRestoreTestingPlan;
  readonly restoreTestingSelections: backup.CfnRestoreTestingSelection[] = [];
  /** Where restore testing exists only in some of the regions an environment-agnostic stack may go to: the condition it is created under. */
  readonly restoreTestingCondition?: CfnCondition;

  constructor(scope: Construct, id: string, props: BackupAndRestoreProps) {
    super(scope, id);
    validateBackupAndRestoreProps(props);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    const retention = props.retention ?? Duration.days(35);
    const tag = props.selectionTag ?? DEFAULT_BACKUP_TAG;
    this.interval = backupInterval(props.recovery.rpo);
    // The lock's minimum may not exceed the shortest lifecycle of a point in the vault (the vault would fail the job).
    this.vault = new RecoveryVault(this, 'Vault', { removalPolicy, lock: props.vaultLock, minRetention: shortestRetention(props), existingKey: props.existingKey, namePrefix: 'backups' });
    this.role = this.newRole();
    this.plan = new backup.BackupPlan(this, 'Plan', {
      backupPlanName: Fn.join('-', ['backups', Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
      backupVault: this.vault.vault,
    });
    const copyVaults = (props.copyToVaultArns ?? []).map((arn, i) => backup.BackupVault.fromBackupVaultArn(this, `CopyVault${i}`, arn));
    const rule = (ruleName: string, scheduleExpression: events.Schedule, completionWindow: Duration, deleteAfter: Duration) => this.plan.addRule(new backup.BackupPlanRule({
      ruleName, scheduleExpression, completionWindow, deleteAfter,
      // AWS Backup's shortest start window.
      startWindow: Duration.hours(1),
      copyActions: copyVaults.length ? copyVaults.map((destinationBackupVault) => ({ destinationBackupVault, deleteAfter })) : undefined,
    }));
    const hours = this.interval.toHours();
    if (hours < 24) {
      // The frequent tier meets the RPO and is kept briefly; a job has its interval (2 hours at least) to finish.
      rule(`Every${hours}h`, scheduleFor(this.interval), Duration.hours(Math.max(2, hours)), props.frequentRetention ?? DEFAULT_FREQUENT_RETENTION);
    }
    // The daily tier is what is kept `retention`; a day to finish (a large first backup included).
    rule('Every24h', scheduleFor(Duration.hours(24)), Duration.hours(24), retention);
    this.plan.addSelection('Tagged', { resources: [backup.BackupResource.fromTag(tag.key, tag.value)], role: this.role, disableDefaultBackupPolicy: true });
    this.alarmTopic = props.alarmTopic ?? this.newAlarmTopic(props.alarmEmail, removalPolicy);
    this.jobFailures = new JobFailureNotifications(this, 'JobFailures', {
      topic: this.alarmTopic, vaultArn: this.vault.vault.backupVaultArn, roleArn: this.role.roleArn, alarmEmail: props.alarmEmail, removalPolicy,
    });
    const region = knownRegion(this);
    const offered = region === undefined || !REGIONS_WITHOUT_RESTORE_TESTING.includes(region);
    if (props.restoreTesting !== false && offered) {
      this.restoreTestingPlan = this.addRestoreTesting(tag, props.restoreTesting ?? {});
      if (region === undefined) this.restoreTestingCondition = this.onlyWhereRestoreTestingIs();
    }
  }

  /** The restore testing plan and its selections exist only where CloudFormation offers them (an environment-agnostic stack). */
  private onlyWhereRestoreTestingIs(): CfnCondition {
    const condition = new CfnCondition(this, 'RestoreTestingOffered', { expression: Fn.conditionNot(regionIsOneOf(REGIONS_WITHOUT_RESTORE_TESTING)) });
    for (const resource of [this.restoreTestingPlan!, ...this.restoreTestingSelections]) resource.cfnOptions.condition = condition;
    return condition;
  }

  /** The one role AWS Backup assumes, with AWS's service-role policies (they follow the services' new APIs). */
  private newRole(): iam.Role {
    const role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('backup.amazonaws.com'),
      description: `AWS Backup backs up, copies and restores (restore tests included) the resources of ${this.node.path}`,
      managedPolicies: SERVICE_ROLE_POLICIES.map((name) => iam.ManagedPolicy.fromAwsManagedPolicyName(`service-role/${name}`)),
    });
    for (const name of SERVICE_ROLE_POLICIES) {
      acknowledge(role, `AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/${name}]`,
        `${name} is the AWS-maintained policy AWS Backup needs for the resource types it protects here; only backup.amazonaws.com assumes this role.`);
    }
    return role;
  }

  /** An encrypted topic of its own, e-mailing `email`; EventBridge may use its key for this account's rules. */
  private newAlarmTopic(email: string | undefined, removalPolicy: RemovalPolicy): sns.ITopic {
    const key = new kms.Key(this, 'AlarmKey', { description: `Encrypts the backup alarm topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowEventBridgeToPublish${Names.uniqueId(this)}`.slice(0, 128),
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
    return new AlarmTopic(this, 'Alarms', { key, email, removalPolicy }).topic;
  }

  /**
   * Every Monday, AWS Backup restores the latest recovery point (of the last
   * week) of each tagged resource of the types given, keeps it for the
   * validation window, then deletes it; a failed restore is a failed restore job.
   */
  private addRestoreTesting(tag: { key: string; value: string }, props: Exclude<BackupAndRestoreProps['restoreTesting'], false | undefined>): backup.CfnRestoreTestingPlan {
    const plan = new backup.CfnRestoreTestingPlan(this, 'RestoreTestingPlan', {
      // Letters, digits and underscores only: the first block of the stack's deployment id keeps it new at each creation.
      restoreTestingPlanName: Fn.join('_', ['restore_test', Fn.select(0, Fn.split('-', Fn.select(2, Fn.split('/', Aws.STACK_ID))))]),
      scheduleExpression: 'cron(0 6 ? * MON *)',
      startWindowHours: 24,
      recoveryPointSelection: {
        algorithm: 'LATEST_WITHIN_WINDOW',
        includeVaults: [this.vault.vault.backupVaultArn],
        recoveryPointTypes: ['SNAPSHOT'],
        selectionWindowDays: 7,
      },
    });
    const types = (props.resourceTypes ?? ['Aurora', 'DynamoDB', 'S3']).filter((t) => t !== 'Aurora' || props.auroraSubnetGroupName);
    for (const type of types) {
      const selection = new backup.CfnRestoreTestingSelection(this, `RestoreTesting${type}`, {
        restoreTestingPlanName: plan.restoreTestingPlanName,
        restoreTestingSelectionName: Fn.join('_', [type, plan.restoreTestingPlanName]),
        protectedResourceType: type,
        iamRoleArn: this.role.roleArn,
        protectedResourceArns: ['*'],
        protectedResourceConditions: { stringEquals: [{ key: `aws:ResourceTag/${tag.key}`, value: tag.value }] },
        restoreMetadataOverrides: restoreOverrides(type, props.auroraSubnetGroupName),
        validationWindowHours: (props.validationWindow ?? Duration.hours(1)).toHours(),
      });
      selection.addResourceDependency(plan, 'a selection belongs to its plan');
      this.restoreTestingSelections.push(selection);
    }
    return plan;
  }
}

/** Aurora is restored into the given subnet group (restore testing would otherwise infer the default VPC). */
function restoreOverrides(type: RestoreTestedType, subnetGroupName: string | undefined): Record<string, string> | undefined {
  return type === 'Aurora' && subnetGroupName ? { dbsubnetgroupname: subnetGroupName } : undefined;
}

/**
 * A cron schedule every `interval` (whole hours dividing a day), daily at 05:00 UTC.
 * The hourly one skips 05:00, the daily rule's hour (the daily point is that hour's
 * point); the other intervals never fall on 05:00.
 */
function scheduleFor(interval: Duration): events.Schedule {
  const hours = interval.toHours();
  if (hours >= 24) return events.Schedule.cron({ minute: '0', hour: '5' });
  return events.Schedule.cron({ minute: '0', hour: hours === 1 ? '0-4,6-23' : `0/${hours}` });
}
