import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Validator } from '../shared/validation';
import { backupInterval, type RecoveryObjectives, text } from './recovery-objectives';

/** The tag that puts a resource in the backup plan: `key` = `value`. */
export interface BackupTag {
  /** Tag key. */
  readonly key: string;
  /** Tag value. */
  readonly value: string;
}

/** The tag a BackupAndRestore selects when given none (a construct user's single plan). */
export const DEFAULT_BACKUP_TAG: BackupTag = { key: 'backup-plan', value: 'disaster-recovery' };

/**
 * The tag a stage's plan selects: one value per stage, so that two stages in one
 * account and region (Sandbox beside Production) never back up each other's resources.
 */
export function stageBackupTag(stageName: string): BackupTag {
  return { key: DEFAULT_BACKUP_TAG.key, value: `${DEFAULT_BACKUP_TAG.value}-${stageName.toLowerCase()}` };
}

/** How a vault's recovery points are locked (AWS Backup Vault Lock). */
export type VaultLockMode = 'governance' | 'compliance';

/** Restore testing: AWS Backup restores the latest recovery points on a schedule, then deletes what it restored. */
export interface RestoreTestingProps {
  /**
   * DB subnet group the Aurora cluster is restored into (the data tier's). Restore
   * testing otherwise infers the default VPC, which many accounts have deleted.
   * @default Aurora is not restore-tested
   */
  readonly auroraSubnetGroupName?: string;
  /**
   * Resource types restore-tested (AWS Backup's names: `Aurora`, `DynamoDB`, `S3`).
   * `Aurora` is skipped without `auroraSubnetGroupName`.
   * @default ['Aurora', 'DynamoDB', 'S3']
   */
  readonly resourceTypes?: readonly RestoreTestedType[];
  /**
   * How long a restored resource is kept for validation before AWS Backup deletes it.
   * @default 1 hour (restored resources cost while they exist)
   */
  readonly validationWindow?: Duration;
}

/** The resource types the construct restore-tests. */
export type RestoreTestedType = 'Aurora' | 'DynamoDB' | 'S3';

/** Props of {@link BackupAndRestore}. */
export interface BackupAndRestoreProps {
  /**
   * What the backups must meet: the schedule is derived from `rpo` (hourly at best,
   * daily at most; see backupInterval).
   */
  readonly recovery: RecoveryObjectives;
  /**
   * Resources carrying this tag are backed up, and restore-tested (tag-based selection:
   * no reference to the stacks that own them). Give each plan of an account and region
   * a value of its own: two plans selecting one tag back up each other's resources.
   * @default DEFAULT_BACKUP_TAG (`backup-plan` = `disaster-recovery`)
   */
  readonly selectionTag?: BackupTag;
  /**
   * How long the daily recovery points (and their copies) are kept, 1 to 36,500 days.
   * @default 35 days
   */
  readonly retention?: Duration;
  /**
   * When the RPO asks for a backup more often than daily: how long the frequent
   * (sub-daily) recovery points, and their copies, are kept; the daily ones are kept
   * `retention`. Every point of a DynamoDB table is a full copy and every Aurora point a
   * cluster snapshot: hourly points kept 35 days would be 840 of each.
   * @default 2 days
   */
  readonly frequentRetention?: Duration;
  /**
   * Removal policy of the vault's key. The vault itself is always retained:
   * CloudFormation cannot delete a vault that holds recovery points; with
   * RETAIN the vault's policy also denies deleting a recovery point or shortening its life.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * AWS Backup Vault Lock on the vault: `compliance` makes the recovery points
   * immutable to everyone, AWS included, 3 days after deploy; `governance` lets
   * principals with `backup:DeleteBackupVaultLockConfiguration` remove it.
   * @default none
   */
  readonly vaultLock?: VaultLockMode;
  /**
   * ARNs of vaults every recovery point is copied to: another region's (the
   * standby's `RecoveryVault`), another account's. Tokens accepted.
   * @default none: recovery points stay in this region
   */
  readonly copyToVaultArns?: readonly string[];
  /** Where failed backup, copy and restore jobs are reported. @default a new encrypted topic */
  readonly alarmTopic?: sns.ITopic;
  /** E-mail subscribed to the new alarm topic. @default none */
  readonly alarmEmail?: string;
  /** The vault's key. @default a new key with rotation */
  readonly existingKey?: kms.IKey;
  /**
   * Restore testing, or false for none.
   * @default every type of RestoreTestedType but Aurora (which needs a subnet group)
   */
  readonly restoreTesting?: RestoreTestingProps | false;
}

/** How long sub-daily recovery points are kept by default. */
export const DEFAULT_FREQUENT_RETENTION = Duration.days(2);

/**
 * The shortest life of any recovery point the plan makes (the frequent tier's when
 * the RPO asks for sub-daily backups, else `retention`): a vault lock's minimum
 * retention may not exceed it, or the vault fails the backup and copy jobs.
 */
export function shortestRetention(props: Pick<BackupAndRestoreProps, 'recovery' | 'retention' | 'frequentRetention'>): Duration {
  if (backupInterval(props.recovery.rpo).toHours() < 24) return props.frequentRetention ?? DEFAULT_FREQUENT_RETENTION;
  return props.retention ?? Duration.days(35);
}

const TAG_KEY = /^[\w.:/=+\-@ ]{1,128}$/;
const TAG_VALUE = /^[\w.:/=+\-@ ]{0,256}$/;

/** Checks BackupAndRestore props, throwing a ConfigError that lists every problem. */
export function validateBackupAndRestoreProps(props: BackupAndRestoreProps): void {
  const v = new Validator('BackupAndRestore props');
  const retention = props.retention ?? Duration.days(35);
  v.intRange('retention', retention.toDays({ integral: false }), 1, 36500, ' days');
  const interval = backupInterval(props.recovery.rpo);
  v.check(retention.toHours({ integral: false }) > interval.toHours(), 'retention', text(retention),
    `expected longer than the backup interval (${text(interval)}), else a recovery point expires before the next is made`);
  if (props.frequentRetention) {
    v.intRange('frequentRetention', props.frequentRetention.toDays({ integral: false }), 1, 36500, ' days');
    v.check(props.frequentRetention.toSeconds() < retention.toSeconds(), 'frequentRetention', text(props.frequentRetention),
      `expected shorter than retention (${text(retention)}): the daily points are the ones kept long`);
  }
  v.oneOf('vaultLock', props.vaultLock, ['governance', 'compliance']);
  const tag = props.selectionTag ?? DEFAULT_BACKUP_TAG;
  v.check(TAG_KEY.test(tag.key) && !tag.key.startsWith('aws:'), 'selectionTag.key', tag.key, 'expected a tag key of 1 to 128 letters, digits, spaces or _.:/=+-@, not starting with "aws:"');
  v.check(TAG_VALUE.test(tag.value), 'selectionTag.value', tag.value, 'expected a tag value of up to 256 letters, digits, spaces or _.:/=+-@');
  if (props.restoreTesting) {
    const window = props.restoreTesting.validationWindow;
    if (window) v.intRange('restoreTesting.validationWindow', window.toHours({ integral: false }), 1, 168, ' hours');
    v.check(props.restoreTesting.resourceTypes === undefined || props.restoreTesting.resourceTypes.every((t) => ['Aurora', 'DynamoDB', 'S3'].includes(t)),
      'restoreTesting.resourceTypes', props.restoreTesting.resourceTypes, 'expected "Aurora", "DynamoDB" or "S3"');
  }
  v.throwIfInvalid();
}
