import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { destroysData } from '../shared/removal';
import { ResolvedDatabaseProps } from './data-tier-props';

/** The logs the cluster exports, each to a log group of ours: PostgreSQL's (pgaudit's lines included), IAM authentication failures, and the instance log that says why an instance did not pause. */
export const LOG_EXPORTS = ['postgresql', 'iam-db-auth-error', 'instance'];

/** What the database needs from the data tier. */
export interface DatabaseClusterOptions {
  readonly vpc: ec2.IVpc;
  readonly key: kms.Key;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly config: ResolvedDatabaseProps;
  readonly deletionProtection: boolean;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
  /** Regions the master secret is replicated to, each with its key there. */
  readonly secretReplicas?: secretsmanager.ReplicaRegion[];
}

const ISOLATED: ec2.SubnetSelection = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };

/**
 * An Aurora PostgreSQL Serverless v2 cluster in the isolated subnets: encrypted
 * with the customer-managed key, TLS-only, IAM authentication, pgaudit,
 * Performance Insights, PostgreSQL logs in an encrypted log group, and a
 * generated master password in Secrets Manager.
 */
export function newDatabaseCluster(scope: Construct, options: DatabaseClusterOptions): rds.DatabaseCluster {
  const { config, key, removalPolicy } = options;
  const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: config.engineVersion });
  const advanced = config.databaseInsights === rds.DatabaseInsightsMode.ADVANCED;
  const zones = instanceZones(options.vpc, config.readers);
  const performanceInsights = {
    enablePerformanceInsights: true,
    performanceInsightEncryptionKey: key,
    performanceInsightRetention: advanced ? rds.PerformanceInsightRetention.MONTHS_15 : rds.PerformanceInsightRetention.DEFAULT,
  };
  const cluster = new rds.DatabaseCluster(scope, 'Database', {
    engine,
    writer: rds.ClusterInstance.serverlessV2('Writer', { availabilityZone: zones[0], ...performanceInsights }),
    readers: zones.slice(1).map((availabilityZone, i) => rds.ClusterInstance.serverlessV2(`Reader${i + 1}`, {
      availabilityZone,
      ...performanceInsights,
      scaleWithWriter: true, // promotion tier 1: a failover target sized for the writer's load
    })),
    serverlessV2MinCapacity: config.minCapacity,
    serverlessV2MaxCapacity: config.maxCapacity,
    serverlessV2AutoPauseDuration: config.minCapacity === 0 ? config.autoPause : undefined,
    vpc: options.vpc,
    vpcSubnets: ISOLATED,
    securityGroups: [options.securityGroup],
    port: config.port,
    defaultDatabaseName: config.databaseName,
    credentials: rds.Credentials.fromGeneratedSecret(config.masterUsername, { encryptionKey: key, replicaRegions: options.secretReplicas }),
    storageEncrypted: true,
    storageEncryptionKey: key,
    iamAuthentication: true,
    parameterGroup: new rds.ParameterGroup(scope, 'ClusterParameters', {
      engine,
      description: 'TLS required; connections, DDL and role changes audited; statement and idle-in-transaction timeouts',
      parameters: clusterParameters(config),
    }),
    cloudwatchLogsExports: LOG_EXPORTS,
    backup: { retention: config.backupRetention },
    copyTagsToSnapshot: true,
    deletionProtection: options.deletionProtection,
    removalPolicy: destroysData(removalPolicy) ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT,
    ...performanceInsights,
    databaseInsightsMode: config.databaseInsights,
    autoMinorVersionUpgrade: true,
    monitoringInterval: Duration.minutes(1), // Enhanced Monitoring: OS metrics per instance
  });
  // The cluster deletes its secret when it is snapshotted; production keeps it with the snapshot and key.
  (cluster.node.findChild('Secret') as secretsmanager.Secret).applyRemovalPolicy(removalPolicy);
  exportLogsToOwnGroup(scope, cluster, options);
  return cluster;
}

/**
 * The cluster's parameters. pgaudit (preloaded; the application-user function
 * creates its extension) logs DDL and role changes, passwords redacted.
 * A statement running longer than the statement timeout is cancelled, and a
 * session idle inside a transaction longer than the idle timeout is ended,
 * so neither holds locks (nor keeps a paused cluster awake) for ever; a
 * session may set its own (SET statement_timeout) for a long migration.
 */
export function clusterParameters(config: ResolvedDatabaseProps): Record<string, string> {
  return {
    'rds.force_ssl': '1',
    log_connections: '1',
    log_disconnections: '1',
    shared_preload_libraries: 'pg_stat_statements,pgaudit',
    'pgaudit.log': 'ddl,role',
    'pgaudit.log_parameter': '0',
    statement_timeout: String(config.statementTimeout.toMilliseconds()),
    idle_in_transaction_session_timeout: String(config.idleInTransactionTimeout.toMilliseconds()),
  };
}

/**
 * The writer's AZ first, then one per reader, each in the next isolated
 * subnet's AZ, so a reader is never in the writer's AZ. One instance alone is
 * left for RDS to place.
 */
function instanceZones(vpc: ec2.IVpc, readers: number): (string | undefined)[] {
  if (readers === 0) return [undefined];
  const subnets = vpc.isolatedSubnets;
  return Array.from({ length: readers + 1 }, (_, i) => subnets[i % subnets.length].availabilityZone);
}

/**
 * RDS creates `/aws/rds/cluster/<id>/<log>` on first export, unencrypted
 * and kept forever. Creating them ourselves, after the cluster (whose generated
 * id they need) and before the instances (which write the logs), gives them the
 * key, the stage's retention and removal policy, with no log-retention Lambda.
 */
function exportLogsToOwnGroup(scope: Construct, cluster: rds.DatabaseCluster, options: DatabaseClusterOptions): void {
  const instances = cluster.node.findAll().filter((c) => c instanceof rds.CfnDBInstance);
  for (const log of LOG_EXPORTS) {
    const id = log === 'postgresql' ? 'PostgresLogs' : `${log.split('-').map((w) => w[0].toUpperCase() + w.slice(1)).join('')}Logs`;
    const { logGroup } = new EncryptedLogGroup(scope, id, {
      logGroupName: `/aws/rds/cluster/${cluster.clusterIdentifier}/${log}`,
      encryptionKey: options.key,
      retention: options.logRetention,
      removalPolicy: options.removalPolicy,
    });
    for (const instance of instances) instance.node.addDependency(logGroup);
  }
}
