import { Annotations, CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { regionOfVaultArn } from '../data-tier/data-tier-props';
import { requireAnotherRegion } from '../shared/region-condition';
import { BackupAndRestore } from './backup-and-restore';
import type { BackupAndRestoreProps } from './disaster-recovery-props';
import { RecoveryVault, RecoveryVaultProps } from './recovery-vault';

/** Id of the notice that no recovery point leaves the stage's region (no standby region, no copy vault). */
export const NO_STANDBY_REGION_WARNING = '@aws-reference-architectures/disaster-recovery:noStandbyRegion';

/** Props of {@link DisasterRecoveryStack}. */
export interface DisasterRecoveryStackProps extends StackProps {
  /** The backups. */
  readonly backup: BackupAndRestoreProps;
  /**
   * An SNS topic of yours (in this stack's region) that receives the job failures instead of a
   * new topic; its policy (and key policy) must let EventBridge and CloudWatch publish.
   * @default a new encrypted topic (backup.alarmEmail subscribed)
   */
  readonly alarmTopicArn?: string;
}

/**
 * The stage's backups in its own region: the plan, its vault and key, job
 * failure notifications and restore testing ({@link BackupAndRestore}). Says at
 * synth when no recovery point leaves the region.
 */
export class DisasterRecoveryStack extends Stack {
  readonly backup: BackupAndRestore;

  constructor(scope: Construct, id: string, props: DisasterRecoveryStackProps) {
    super(scope, id, props);
    const alarmTopic = props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : props.backup.alarmTopic;
    this.backup = new BackupAndRestore(this, 'Backup', { ...props.backup, alarmTopic });
    // Each copy vault whose region is known at synth (not one read from another stack) is checked against this stack's region.
    for (const arn of props.backup.copyToVaultArns ?? []) {
      const region = regionOfVaultArn(arn);
      if (!region) continue;
      requireAnotherRegion(this, region, {
        subject: 'DisasterRecoveryStack props', prop: 'backup.copyToVaultArns', value: arn,
        expected: (stackRegion) => `expected a vault in another region than this stack's (${stackRegion}): a copy in the same region fails with it`,
        ruleId: `CopyOutside${region.replace(/-/g, '')}`,
        atDeploy: `The backups are copied to a vault in ${region}, the region this stack is deployed to: the copy must go to another region`,
      });
    }
    if ((props.backup.copyToVaultArns ?? []).length === 0) {
      Annotations.of(this.backup).addWarningV2(NO_STANDBY_REGION_WARNING, 'A region outage is not covered: the stage\'s recovery points stay in its region. '
        + 'Give a standby region (-c standbyRegion=<another region>, or STANDBY_REGION) to copy them there, or -c backupCopyVaultArn=<a vault in another region>.');
    }
    const out = (outputId: string, value: string, description: string) => new CfnOutput(this, outputId, { value, description });
    out('BackupVaultName', this.backup.vault.vault.backupVaultName, 'Recovery points of the stage\'s tagged resources');
    out('BackupPlanId', this.backup.plan.backupPlanId, 'The stage\'s backup plan');
    out('BackupIntervalHours', String(this.backup.interval.toHours()), 'A recovery point is made this often (from the RPO)');
    out('BackupAlarmTopicArn', this.backup.alarmTopic.topicArn, 'Failed backup, copy and restore jobs are reported here');
    out('UndeliveredJobFailuresTopicArn', this.backup.jobFailures.undeliveredTopic.topicArn, 'The alarm on job failures that could not reach the alarm topic goes here');
    if (this.backup.restoreTestingPlan) {
      const output = out('RestoreTestingPlanName', this.backup.restoreTestingPlan.restoreTestingPlanName, 'Weekly restore tests');
      output.condition = this.backup.restoreTestingCondition;
    }
  }

}

/** Props of {@link RecoveryVaultStack}. */
export interface RecoveryVaultStackProps extends StackProps {
  /** The vault. */
  readonly vault?: RecoveryVaultProps;
}

/**
 * The vault, in the standby region, that the stage's backups are copied to
 * (with a key of its own, which re-encrypts every copy). The stage's
 * DisasterRecovery stack reads its ARN when it deploys (a weak reference).
 */
export class RecoveryVaultStack extends Stack {
  readonly vault: RecoveryVault;

  constructor(scope: Construct, id: string, props: RecoveryVaultStackProps = {}) {
    super(scope, id, props);
    this.vault = new RecoveryVault(this, 'RecoveryVault', { namePrefix: 'recovery', ...props.vault });
    new CfnOutput(this, 'RecoveryVaultName', { value: this.vault.vault.backupVaultName, description: 'Copies of the stage\'s recovery points, restorable in this region' });
  }
}
