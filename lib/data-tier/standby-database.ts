import { Aws, Duration, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic, alarmAbove } from '../shared/alarms';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { DEFAULT_REMOVAL_POLICY, destroysData, keyRemoval } from '../shared/removal';
import { RestrictedEgressSecurityGroup } from '../shared/restricted-egress-security-group';
import { Validator } from '../shared/validation';
import { APP_SECRET_TAG } from './app-user';
import { DatabaseProps, databaseOf, GLOBAL_CLUSTER_IDENTIFIER } from './data-tier-props';
import { clusterParameters, LOG_EXPORTS } from './database';

/** Props of {@link StandbyDatabase}. */
export interface StandbyDatabaseProps {
  /** The standby region's VPC: the cluster goes in its isolated subnets (at least two AZs). */
  readonly vpc: ec2.IVpc;
  /** Identifier of the primary's global database (the DataTier's `globalDatabase.identifier`). */
  readonly globalClusterIdentifier: string;
  /**
   * The primary's database props: the secondary takes the same engine version
   * (a global database runs one), port, parameters and capacity ceiling.
   * @default the DataTier defaults
   */
  readonly database?: DatabaseProps;
  /**
   * Serverless v2 instances kept running: 0 is a headless secondary (pilot
   * light: storage replicated, no compute billed; add an instance at failover),
   * 1 a reader ready to take over (warm standby).
   * @default 0
   */
  readonly instances?: number;
  /**
   * Fewest ACUs of the secondary's instances, 0.5 to 256 in steps of 0.5.
   * @default 0.5
   */
  readonly minCapacity?: number;
  /**
   * Key of this region that the primary's secrets are replicated with
   * (`globalDatabase.secretReplicas`): {@link grantSecretsRead} lets a role
   * decrypt them with it.
   * @default none: grantSecretsRead grants no decryption
   */
  readonly secretsKey?: kms.IKey;
  /** Deletion protection on the cluster. @default true */
  readonly deletionProtection?: boolean;
  /** RETAIN keeps the key, logs and a final snapshot; DESTROY deletes them. @default RemovalPolicy.RETAIN */
  readonly removalPolicy?: RemovalPolicy;
  /** Retention of the exported PostgreSQL logs. @default logs.RetentionDays.ONE_MONTH */
  readonly logRetention?: logs.RetentionDays;
  /**
   * Alarm when the secondary's storage trails the primary's by more than this
   * (Aurora's `AuroraGlobalDBProgressLag`, in this region), 1 second to 1 hour:
   * the data a failover now would lose.
   * @default Duration.minutes(1)
   */
  readonly maxReplicationLag?: Duration;
  /** E-mail address for the alarm. @default none */
  readonly alarmEmail?: string;
}

/**
 * The secondary cluster of an Aurora Global Database in a standby region
 * (note 003: database replication for disaster recovery): its storage kept in
 * step with the primary's by Aurora, encrypted with a key of its own region,
 * in the isolated subnets behind a security group that admits only the peers
 * given to {@link allowFrom}. Headless (no instance, storage only) for pilot
 * light, or with one Serverless v2 reader at minimum capacity for warm
 * standby. The master user and the application user come with the data.
 */
export class StandbyDatabase extends Construct {
  readonly cluster: rds.CfnDBCluster;
  /** The running reader, when `instances` is 1 or more. */
  readonly instances: rds.CfnDBInstance[];
  readonly key: kms.Key;
  readonly securityGroup: ec2.SecurityGroup;
  readonly port: number;
  /** Where the replication-lag alarm goes. */
  readonly alarmTopic: sns.Topic;
  private readonly secretsKey?: kms.IKey;
  private secretReaders = 0;

  constructor(scope: Construct, id: string, props: StandbyDatabaseProps) {
    super(scope, id);
    validateStandbyDatabaseProps(props);
    const config = databaseOf({ vpc: props.vpc, database: props.database });
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_MONTH;
    const minCapacity = props.minCapacity ?? 0.5;
    this.port = config.port;
    this.secretsKey = props.secretsKey;
    this.key = new kms.Key(this, 'Key', { description: `Encrypts the standby database ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
    this.securityGroup = new RestrictedEgressSecurityGroup(this, 'SecurityGroup', { vpc: props.vpc, description: 'Aurora secondary: its port from the app tier only; no egress' });
    const engine = rds.DatabaseClusterEngine.auroraPostgres({ version: config.engineVersion });
    const subnets = new rds.SubnetGroup(this, 'Subnets', {
      vpc: props.vpc, vpcSubnets: { subnetType: ec2.SubnetType.PRIVATE_ISOLATED }, description: 'Isolated subnets of the Aurora secondary', removalPolicy,
    });
    const parameters = new rds.ParameterGroup(this, 'ClusterParameters', {
      engine, description: 'As the primary: TLS required; connections, DDL and role changes audited; timeouts', parameters: clusterParameters(config),
    });
    this.cluster = new rds.CfnDBCluster(this, 'Cluster', {
      engine: 'aurora-postgresql',
      engineVersion: config.engineVersion.auroraPostgresFullVersion,
      globalClusterIdentifier: props.globalClusterIdentifier,
      // A secondary is encrypted with a key of its own region (the primary's key stays in the primary region).
      storageEncrypted: true,
      kmsKeyId: this.key.keyArn,
      dbSubnetGroupName: subnets.subnetGroupName,
      vpcSecurityGroupIds: [this.securityGroup.securityGroupId],
      port: config.port,
      dbClusterParameterGroupName: parameters.bindToCluster({}).parameterGroupName,
      enableIamDatabaseAuthentication: true,
      // Present even when headless: a db.serverless instance can only be added to a cluster with a capacity range.
      serverlessV2ScalingConfiguration: { minCapacity, maxCapacity: config.maxCapacity },
      enableCloudwatchLogsExports: LOG_EXPORTS,
      backupRetentionPeriod: config.backupRetention.toDays(),
      copyTagsToSnapshot: true,
      deletionProtection: props.deletionProtection ?? true,
    });
    this.cluster.applyRemovalPolicy(destroysData(removalPolicy) ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT);
    const logGroups = LOG_EXPORTS.map((log) => new EncryptedLogGroup(this, `${log}Logs`, {
      logGroupName: `/aws/rds/cluster/${this.cluster.ref}/${log}`, encryptionKey: this.key, retention: logRetention, removalPolicy,
    }).logGroup);
    const monitoringRole = (props.instances ?? 0) > 0 ? new iam.Role(this, 'MonitoringRole', {
      assumedBy: new iam.ServicePrincipal('monitoring.rds.amazonaws.com'),
      managedPolicies: [iam.ManagedPolicy.fromAwsManagedPolicyName('service-role/AmazonRDSEnhancedMonitoringRole')],
    }) : undefined;
    this.instances = Array.from({ length: props.instances ?? 0 }, (_, i) => {
      const instance = new rds.CfnDBInstance(this, `Reader${i + 1}`, {
        engine: 'aurora-postgresql',
        dbClusterIdentifier: this.cluster.ref,
        dbInstanceClass: 'db.serverless',
        publiclyAccessible: false,
        autoMinorVersionUpgrade: true,
        promotionTier: 1,
        enablePerformanceInsights: true,
        performanceInsightsKmsKeyId: this.key.keyArn,
        monitoringInterval: Duration.minutes(1).toSeconds(),
        monitoringRoleArn: monitoringRole!.roleArn,
      });
      for (const group of logGroups) instance.node.addDependency(group);
      return instance;
    });
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { key: this.key, email: props.alarmEmail, removalPolicy }).topic;
    const lag = props.maxReplicationLag ?? Duration.minutes(1);
    alarmAbove(this, 'ReplicationLag', this.alarmTopic, {
      // Missing data (no writes replicated in the period) is no breach; the failover side's readiness check reads the global cluster's state.
      metric: new cloudwatch.Metric({
        namespace: 'AWS/RDS', metricName: 'AuroraGlobalDBProgressLag', dimensionsMap: { DBClusterIdentifier: this.cluster.ref },
        statistic: 'Maximum', period: Duration.minutes(1),
      }),
      above: lag.toMilliseconds(),
      periods: 5,
      description: `The standby's storage trails the primary's by more than ${lag.toHumanString()} for 5 minutes: a failover now would lose that much`,
    });
    this.acknowledge(props, monitoringRole);
  }

  /** Host name of the secondary's cluster endpoint (the writer's after a failover). */
  get endpoint(): string {
    return this.cluster.attrEndpointAddress;
  }

  /** Admits `peer` to the database port, and nothing else; the rule is written in this stack. */
  allowFrom(peer: ec2.IConnectable, description = 'the app tier'): void {
    this.securityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.port), `PostgreSQL from ${description}`);
  }

  /**
   * Lets `role` read, in this region, the replicas of the application user's
   * secret (the secrets tagged `database-user=application` and, to tell one
   * stage's from another's, with the given tags), and decrypt them through
   * Secrets Manager with the secrets key. The replicas' ARNs are named by the
   * primary region, so the grant names them by tag rather than read them across regions.
   */
  grantSecretsRead(role: iam.IRole, tags: Record<string, string> = {}): iam.ManagedPolicy {
    this.secretReaders += 1;
    const region = Stack.of(this).region;
    const tagConditions = Object.fromEntries(Object.entries({ ...tags, [APP_SECRET_TAG.key]: APP_SECRET_TAG.value })
      .map(([key, value]) => [`secretsmanager:ResourceTag/${key}`, value]));
    const statements = [new iam.PolicyStatement({
      actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
      resources: [`arn:${Aws.PARTITION}:secretsmanager:${region}:${Aws.ACCOUNT_ID}:secret:*`],
      conditions: { StringEquals: tagConditions },
    })];
    if (this.secretsKey) {
      statements.push(new iam.PolicyStatement({
        actions: ['kms:Decrypt'],
        resources: [this.secretsKey.keyArn],
        conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${region}.amazonaws.com` } },
      }));
    }
    const policy = new iam.ManagedPolicy(this, `SecretsReader${this.secretReaders}`, {
      description: `Reads the replicated application secret in this region (${this.node.path})`, roles: [role], statements,
    });
    acknowledge(policy, `AwsSolutions-IAM5[Resource::arn:<AWS::Partition>:secretsmanager:${region}:<AWS::AccountId>:secret:*]`,
      'Replica secrets keep the primary region\'s name and suffix, which this region cannot read at deploy; the grant is limited by tag to the application user\'s secret (never the master\'s) of this stage.');
    return policy;
  }

  private acknowledge(props: StandbyDatabaseProps, monitoringRole: iam.Role | undefined): void {
    if (monitoringRole) {
      acknowledge(monitoringRole, 'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonRDSEnhancedMonitoringRole]',
        'AmazonRDSEnhancedMonitoringRole is the AWS-maintained policy RDS uses to publish Enhanced Monitoring metrics; it grants only that.');
    }
    if (props.deletionProtection === false) {
      const reason = 'Deletion protection is off so that the stage tears down with cdk destroy; production turns it on.';
      acknowledge(this.cluster, 'AwsSolutions-RDS10', reason);
      for (const pack of CONFIG_RULE_PACKS) acknowledge(this.cluster, `${pack}-RDSInstanceDeletionProtectionEnabled`, reason);
    }
    for (const instance of this.instances) {
      for (const pack of ['NIST.800.53.R5', 'HIPAA.Security']) {
        acknowledge(instance, `${pack}-RDSInBackupPlan`, 'A secondary\'s storage is the primary\'s, replicated by Aurora; the primary cluster is the one backed up.');
      }
    }
  }
}

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateStandbyDatabaseProps(props: StandbyDatabaseProps): void {
  const v = new Validator('StandbyDatabase props');
  if (!Token.isUnresolved(props.globalClusterIdentifier)) {
    v.check(GLOBAL_CLUSTER_IDENTIFIER.test(props.globalClusterIdentifier), 'globalClusterIdentifier', props.globalClusterIdentifier,
      'expected a lower-case letter, then up to 62 lower-case letters, digits or single hyphens, not ending in a hyphen');
  }
  v.intRange('instances', props.instances, 0, 15);
  v.intRange('maxReplicationLag', props.maxReplicationLag?.toSeconds({ integral: false }), 1, 3600, ' seconds');
  const min = props.minCapacity;
  if (min !== undefined && !Token.isUnresolved(min)) {
    const max = databaseOf({ vpc: props.vpc, database: props.database }).maxCapacity;
    v.check(min >= 0.5 && min <= 256 && Number.isInteger(min * 2), 'minCapacity', min, 'expected 0.5 to 256 ACUs in steps of 0.5');
    v.check(Token.isUnresolved(max) || min <= max, 'minCapacity', min, `expected at most database.maxCapacity (${max})`);
  }
  const azs = new Set(props.vpc.isolatedSubnets.map((s) => s.availabilityZone)).size;
  v.check(props.vpc.isolatedSubnets.length >= 2 && azs >= 2, 'vpc', `${props.vpc.isolatedSubnets.length} isolated subnets`,
    'expected isolated subnets (no route out of the VPC) in at least two AZs, as a DB subnet group needs');
  v.throwIfInvalid();
}
