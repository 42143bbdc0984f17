import { Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { destroysData, keyRemoval } from '../shared/removal';
import type { VaultLockMode } from './disaster-recovery-props';

/** Days a compliance-mode lock can still be removed after it is set: AWS's minimum, 72 hours. */
export const LOCK_GRACE_DAYS = 3;

/** Props of {@link RecoveryVault}. */
export interface RecoveryVaultProps {
  /**
   * Removal policy of the vault's key; with RETAIN the vault's policy also denies
   * deleting a recovery point or shortening its life, to everyone.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /** Vault Lock mode. @default none */
  readonly lock?: VaultLockMode;
  /** The shortest life the lock lets a recovery point have (the plan's retention). Required with `lock`. @default none */
  readonly minRetention?: Duration;
  /** The vault's key. @default a new key with rotation */
  readonly existingKey?: kms.IKey;
  /** First part of the vault's name, which ends with the stack's deployment id. @default 'recovery' */
  readonly namePrefix?: string;
}

/**
 * An AWS Backup vault with a key of its own: where a plan keeps its recovery
 * points, or where another region's plan copies them to.
 *
 * The vault is always retained: CloudFormation cannot delete a vault holding
 * recovery points, so a stack that tried would fail to delete; an empty vault
 * costs nothing, and its recovery points expire with their lifecycle. Its name
 * ends with the stack's deployment id, new at each creation, so a retained
 * (or locked) leftover never blocks a redeploy.
 */
export class RecoveryVault extends Construct {
  readonly vault: backup.BackupVault;
  /** Encrypts the recovery points of fully managed types (DynamoDB, S3) and the copies made into this vault. */
  readonly key: kms.IKey;

  constructor(scope: Construct, id: string, props: RecoveryVaultProps = {}) {
    super(scope, id);
    const removalPolicy = props.removalPolicy ?? RemovalPolicy.RETAIN;
    this.key = props.existingKey ?? new kms.Key(this, 'Key', {
      description: `Encrypts the backup vault of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    this.vault = new backup.BackupVault(this, 'Vault', {
      backupVaultName: Fn.join('-', [props.namePrefix ?? 'recovery', Fn.select(2, Fn.split('/', Aws.STACK_ID))]),
      encryptionKey: this.key,
      removalPolicy: RemovalPolicy.RETAIN,
      // Where data is kept, every principal, the account's administrators included, is denied deleting a recovery point
      // or shortening its lifecycle: only AWS Backup's own lifecycle removes them (the policy binds IAM principals).
      blockRecoveryPointDeletion: !destroysData(removalPolicy),
      lockConfiguration: props.lock ? {
        minRetention: props.minRetention ?? Duration.days(1),
        // Compliance mode: after the grace period nobody, AWS included, can remove the lock or delete a recovery point early.
        changeableFor: props.lock === 'compliance' ? Duration.days(LOCK_GRACE_DAYS) : undefined,
      } : undefined,
    });
  }
}
