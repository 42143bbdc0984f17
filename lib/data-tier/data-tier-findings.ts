import * as rds from 'aws-cdk-lib/aws-rds';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import type { DataTier } from './data-tier';
import { cacheOf, databaseOf, DataTierProps } from './data-tier-props';

/** The retention the Config-rule packs ask of cache snapshots. */
export const CACHE_SNAPSHOT_DAYS_EXPECTED = 15;

/**
 * Findings that are the architecture's chosen trade-offs, each acknowledged on
 * its one resource with the reason; what can be fixed is fixed in the construct.
 */
export function acknowledgeDataTierFindings(tier: DataTier, props: DataTierProps): void {
  acknowledgeDatabase(tier, props);
  acknowledgeCache(tier, props);
  const backupRole = tier.backupPlan?.node.tryFindChild('Cluster')?.node.tryFindChild('Role');
  if (backupRole) {
    acknowledge(backupRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup]',
      'AWSBackupServiceRolePolicyForBackup is the AWS-maintained policy AWS Backup needs to snapshot the cluster; it follows new backup features.');
  }
}

function acknowledgeDatabase(tier: DataTier, props: DataTierProps): void {
  const database = databaseOf(props);
  const monitoringRole = tier.cluster.node.tryFindChild('MonitoringRole');
  if (monitoringRole) {
    acknowledge(monitoringRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
      'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS uses to publish Enhanced Monitoring metrics; it grants only that.');
  }
  if (props.deletionProtection === false) {
    const reason = 'Deletion protection is off so that the sandbox tears down with cdk destroy; production turns it on.';
    const cluster = tier.cluster.node.defaultChild as rds.CfnDBCluster;
    acknowledge(cluster, 'AwsSolutions-RDS10', reason);
    for (const pack of CONFIG_RULE_PACKS) acknowledge(cluster, `${pack}-RDSInstanceDeletionProtectionEnabled`, reason);
  }
  const instances = tier.cluster.node.findAll().filter((c) => c instanceof rds.CfnDBInstance);
  const inBackup = props.backupPlan
    ? 'Aurora is backed up per cluster: the AWS Backup selection names the cluster, which holds this instance\'s storage; the rule looks for the instance.'
    : `Aurora backs up the cluster volume continuously (point-in-time restore over ${days(database.backupRetention.toDays())}), which holds this instance's storage; backupPlan adds an AWS Backup plan.`;
  for (const instance of instances) {
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) acknowledge(instance, `${pack}-RDSInBackupPlan`, inBackup);
  }
}

function acknowledgeCache(tier: DataTier, props: DataTierProps): void {
  const cache = cacheOf(props);
  const noRotation = 'AWS provides no rotation function for ElastiCache AUTH tokens; rotate by hand with modify-replication-group --auth-token-update-strategy ROTATE, then update this secret.';
  acknowledge(tier.cacheAuthToken, 'AwsSolutions-SMG4', noRotation);
  for (const pack of CONFIG_RULE_PACKS) acknowledge(tier.cacheAuthToken, `${pack}-SecretsManagerRotationEnabled`, noRotation);
  if (cache.replicas === 0) {
    acknowledge(tier.cache, 'AwsSolutions-AEC4', 'One node by choice of the deployer (cache.replicas is 0), the cheapest cache; replicas add Multi-AZ with automatic failover (the production profile has two, one per AZ).');
  }
  if (cache.snapshotRetentionDays < CACHE_SNAPSHOT_DAYS_EXPECTED) {
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
      acknowledge(tier.cache, `${pack}-ElastiCacheRedisClusterAutomaticBackup`,
        `Snapshots kept ${days(cache.snapshotRetentionDays)} by choice of the deployer: the cache holds data the database can rebuild; the production profile keeps ${CACHE_SNAPSHOT_DAYS_EXPECTED}.`);
    }
  }
}

function days(n: number): string {
  return `${n} day${n === 1 ? '' : 's'}`;
}
