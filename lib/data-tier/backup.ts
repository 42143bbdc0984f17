import { Annotations, Aws, Duration, Fn, RemovalPolicy } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as events from 'aws-cdk-lib/aws-events';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Construct } from 'constructs';
import { destroysData, keyRemoval } from '../shared/removal';
import { requireAnotherRegion } from '../shared/region-condition';
import { BackupPlanProps, regionOfVaultArn } from './data-tier-props';

/** Id of the warning that recovery points stay in the stack's region (no `copyToVaultArn`). */
export const NO_BACKUP_COPY_WARNING = '@aws-reference-architectures/data-tier:noBackupCopy';

/** Days a compliance-mode vault lock can still be removed after it is set (AWS's 72-hour minimum). */
const LOCK_GRACE_DAYS = 3;

/** The backup plan, its vault and the vault's key. */
export interface DataTierBackup {
  readonly plan: backup.BackupPlan;
  readonly vault: backup.BackupVault;
  readonly key: kms.Key;
}

/**
 * A daily AWS Backup of the cluster into a vault with a key of its own,
 * copied to a vault in a second region when given. Where the stack keeps its
 * data (RETAIN), the vault's policy denies deleting a recovery point or
 * shortening its life, and `vaultLock` locks it (compliance: immutable after
 * three days, even to the account's administrators and AWS).
 *
 * Aurora is not fully managed by AWS Backup: its recovery points in this
 * vault stay encrypted with the cluster's key. The copy in the other region
 * is encrypted with that vault's key, so it is the copy that survives the
 * loss (or disabling) of the data key, as it survives the loss of the region.
 * The vault and plan are named after this stack's deployment id, unique
 * even beside a retained leftover.
 */
export function addBackupPlan(scope: Construct, cluster: rds.DatabaseCluster, config: BackupPlanProps, removalPolicy: RemovalPolicy): DataTierBackup {
  checkCopyRegion(scope, config.copyToVaultArn);
  const uniqueName = Fn.join('-', ['data-tier', Fn.select(2, Fn.split('/', Aws.STACK_ID))]);
  const deleteAfter = config.retention ?? Duration.days(35);
  const key = new kms.Key(scope, 'BackupKey', { description: `Encrypts the backup vault of ${scope.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
  const vault = new backup.BackupVault(scope, 'BackupVault', {
    backupVaultName: uniqueName,
    encryptionKey: key,
    removalPolicy,
    blockRecoveryPointDeletion: !destroysData(removalPolicy),
    lockConfiguration: config.vaultLock ? {
      minRetention: deleteAfter,
      changeableFor: config.vaultLock === 'compliance' ? Duration.days(LOCK_GRACE_DAYS) : undefined,
    } : undefined,
  });
  const plan = new backup.BackupPlan(scope, 'BackupPlan', { backupPlanName: uniqueName, backupVault: vault });
  plan.addRule(new backup.BackupPlanRule({
    ruleName: 'Daily',
    scheduleExpression: events.Schedule.cron({ minute: '0', hour: '5' }),
    deleteAfter,
    copyActions: config.copyToVaultArn
      ? [{ destinationBackupVault: backup.BackupVault.fromBackupVaultArn(scope, 'CopyVault', config.copyToVaultArn), deleteAfter }]
      : undefined,
  }));
  plan.addSelection('Cluster', { resources: [backup.BackupResource.fromRdsServerlessCluster(cluster)] });
  if (!config.copyToVaultArn) {
    Annotations.of(scope).addWarningV2(NO_BACKUP_COPY_WARNING, 'The data tier\'s recovery points stay in this region, under the cluster\'s key: give backupPlan.copyToVaultArn '
      + '(the stages: -c backupCopyVaultArn=arn:aws:backup:<another region>:<account>:backup-vault:<name>) for a copy that survives the region and the key.');
  }
  return { plan, vault, key };
}

/**
 * A copy in the stack's own region is no disaster recovery: refused at synth
 * when the region is known, and by a template rule at deploy when the stack is
 * environment-agnostic (the copy region is then the vault ARN's, checked
 * against the region the stack is deployed to).
 */
function checkCopyRegion(scope: Construct, arn: string | undefined): void {
  const copyRegion = arn === undefined ? undefined : regionOfVaultArn(arn);
  if (copyRegion === undefined) return;
  requireAnotherRegion(scope, copyRegion, {
    subject: 'DataTier props', prop: 'backupPlan.copyToVaultArn', value: arn,
    expected: (stackRegion) => `expected a vault in another region than this stack's (${stackRegion})`,
    ruleId: 'BackupCopyInAnotherRegion',
    atDeploy: `backupPlan.copyToVaultArn is a vault in ${copyRegion}, the region this stack is deployed to: the copy must go to another region`,
  });
}
