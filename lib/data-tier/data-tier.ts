import { Stack } from 'aws-cdk-lib';
import * as backup from 'aws-cdk-lib/aws-backup';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { newCache } from './cache';
import { addCacheAlarms, addDatabaseAlarms } from './data-tier-alarms';
import { acknowledgeDataTierFindings } from './data-tier-findings';
import { RestrictedEgressSecurityGroup } from '../shared/restricted-egress-security-group';
import { cacheOf, databaseOf, DataTierProps, validateDataTierProps } from './data-tier-props';
import { newDatabaseCluster } from './database';
import { addRotation, rotationNetwork } from './rotation';
import { addBackupPlan } from './backup';
import { newDatabaseProxy, PROXY_PORT } from './proxy';
import { AppDatabaseUser } from './app-user';
import { enableDataApiWhereOffered } from './data-api';
import { newGlobalCluster, secretReplicaRegions } from './global-database';

/**
 * The data tier of the notes' three-tier picture (notes 002, 003, 004): Aurora
 * PostgreSQL Serverless v2 and an ElastiCache (Valkey) cache in the isolated
 * subnets, reachable only from the security groups given to {@link allowFrom},
 * their credentials generated in Secrets Manager: the database's master user
 * (rotation and break-glass only) and a least-privilege application user
 * created at deploy (what {@link grantSecretsRead} grants), both rotated.
 * Storage, secrets and logs are encrypted with one customer-managed key;
 * alarms go to a topic; an optional AWS Backup plan has a vault with its
 * own key, a lock and a cross-region copy.
 */
export class DataTier extends Construct {
  /** The Aurora cluster. */
  readonly cluster: rds.DatabaseCluster;
  /**
   * The master (admin) credentials (JSON: username, password, host, port,
   * dbname), rotated single-user: for the rotation and break-glass only,
   * never granted by {@link grantSecretsRead}.
   */
  readonly masterSecret: secretsmanager.ISecret;
  /**
   * The application user's credentials (same fields, plus the master secret's
   * ARN the rotation uses), rotated by alternating users: what an app reads.
   */
  readonly appSecret: secretsmanager.ISecret;
  /** The custom resource that creates the application user at deploy. */
  readonly appUser: AppDatabaseUser;
  /** Whether the RDS Data API is on: `enabled`, `disabled`, or a token of the two where a region condition decides. */
  readonly dataApi: string;
  /** The Valkey replication group. */
  readonly cache: elasticache.CfnReplicationGroup;
  /** The cache's AUTH token. */
  readonly cacheAuthToken: secretsmanager.Secret;
  /** Guards the database port; nothing is admitted until {@link allowFrom}. */
  readonly databaseSecurityGroup: ec2.SecurityGroup;
  /** Guards the cache port; nothing is admitted until {@link allowFrom}. */
  readonly cacheSecurityGroup: ec2.SecurityGroup;
  /** Encrypts storage, secrets, Performance Insights, logs, backups and the alarm topic. */
  readonly key: kms.Key;
  /** Where the alarms go. */
  readonly alarmTopic: sns.Topic;
  /** RDS Proxy in front of the cluster, when asked for. */
  readonly proxy?: rds.DatabaseProxy;
  /** The Secrets Manager endpoint the rotation function uses, when there is one. */
  readonly secretsManagerEndpoint?: ec2.InterfaceVpcEndpoint;
  /** The AWS Backup plan, when asked for. */
  readonly backupPlan?: backup.BackupPlan;
  /** Its vault. */
  readonly backupVault?: backup.BackupVault;
  /** The vault's own key, apart from the data key. */
  readonly backupKey?: kms.Key;
  /** The Aurora Global Database the cluster is the primary of, with `globalDatabase`. */
  readonly globalCluster?: rds.CfnGlobalCluster;
  private readonly props: DataTierProps;
  private secretReaders = 0;

  constructor(scope: Construct, id: string, props: DataTierProps) {
    super(scope, id);
    validateDataTierProps(props);
    this.props = props;
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.key = new kms.Key(this, 'Key', { description: `Encrypts the data tier ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
    this.alarmTopic = new AlarmTopic(this, 'Alarms', { key: this.key, email: props.alarmEmail, removalPolicy }).topic;
    this.databaseSecurityGroup = this.closedSecurityGroup('DatabaseSecurityGroup', 'Aurora: its port from the app tier only; no egress');
    this.cacheSecurityGroup = this.closedSecurityGroup('CacheSecurityGroup', 'Valkey: its port from the app tier only; no egress');
    const database = databaseOf(props);
    const secretReplicas = secretReplicaRegions(this, props.globalDatabase);
    this.cluster = newDatabaseCluster(this, {
      vpc: props.vpc, key: this.key, securityGroup: this.databaseSecurityGroup, config: database,
      deletionProtection: props.deletionProtection ?? true, removalPolicy, logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, secretReplicas,
    });
    if (props.globalDatabase) this.globalCluster = newGlobalCluster(this, this.cluster, props.globalDatabase, props.deletionProtection ?? true);
    this.masterSecret = this.cluster.secret!;
    this.dataApi = database.dataApi ? enableDataApiWhereOffered(this.cluster) : 'disabled';
    const network = rotationNetwork(this, {
      vpc: props.vpc, databaseSecurityGroup: this.databaseSecurityGroup, databasePort: database.port,
      throughEndpoint: props.secretsManagerEndpoint ?? props.vpc.privateSubnets.length === 0,
    });
    this.secretsManagerEndpoint = network.endpoint;
    const instances = this.cluster.node.findAll().filter((c) => c instanceof rds.CfnDBInstance);
    this.appUser = new AppDatabaseUser(this, 'AppUser', {
      cluster: this.cluster, masterSecret: this.masterSecret, key: this.key, username: database.appUsername, databaseName: database.databaseName,
      vpc: props.vpc, vpcSubnets: network.subnets, securityGroup: network.securityGroup, instances,
      logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy, secretReplicas,
    });
    this.appSecret = this.appUser.secret;
    // Both rotations wait for the user: the first master rotation would otherwise race the function's login with the master password.
    const masterRotation = addRotation(this.masterSecret, { network, interval: database.rotationInterval, after: [...instances, this.appUser.resource] });
    // The app's alternating-users rotation logs in with the master secret: not while the master's first rotation changes it.
    addRotation(this.appSecret, { network, interval: database.rotationInterval, masterSecret: this.masterSecret, after: [this.appUser.resource, masterRotation] });
    if (database.proxy) {
      this.proxy = newDatabaseProxy(this, {
        vpc: props.vpc, cluster: this.cluster, databaseSecurityGroup: this.databaseSecurityGroup, databasePort: database.port, appSecret: this.appSecret, key: this.key,
      });
      // The proxy's first logins wait for the user (on the proxy alone: its role is in the key's policy, which the user's function needs).
      this.proxy.node.defaultChild!.node.addDependency(this.appUser.resource);
    }
    const cacheConfig = cacheOf(props);
    const cache = newCache(this, {
      vpc: props.vpc, key: this.key, securityGroup: this.cacheSecurityGroup, config: cacheConfig, removalPolicy, logRetention: props.logRetention ?? logs.RetentionDays.ONE_MONTH,
    });
    this.cache = cache.replicationGroup;
    this.cacheAuthToken = cache.authToken;
    if (props.backupPlan) {
      const { plan, vault, key } = addBackupPlan(this, this.cluster, props.backupPlan, removalPolicy);
      this.backupPlan = plan;
      this.backupVault = vault;
      this.backupKey = key;
    }
    addDatabaseAlarms(this, this.alarmTopic, this.cluster, database);
    addCacheAlarms(this, this.alarmTopic, this.cache, cacheConfig);
    acknowledgeDataTierFindings(this, props);
  }

  /** Host name of the cluster's writer endpoint. */
  get databaseEndpoint(): string {
    return this.cluster.clusterEndpoint.hostname;
  }

  /** Host name of the cache's primary endpoint. */
  get cacheEndpoint(): string {
    return this.cache.attrPrimaryEndPointAddress;
  }

  /** Port of the database. */
  get databasePort(): number {
    return databaseOf(this.props).port;
  }

  /** Port of the cache. */
  get cachePort(): number {
    return cacheOf(this.props).port;
  }

  /**
   * Admits `peer` (an app tier's instances, a function) to the database port,
   * the proxy's (when there is one) and the cache port, and nothing else. The rules are written in this
   * stack, so a peer in another stack gains no dependency on this one.
   */
  allowFrom(peer: ec2.IConnectable, description = 'the app tier'): void {
    this.databaseSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.databasePort), `PostgreSQL from ${description}`);
    const proxyGroup = this.proxy?.connections.securityGroups[0];
    proxyGroup?.connections.allowFrom(peer, ec2.Port.tcp(PROXY_PORT), `PostgreSQL (RDS Proxy) from ${description}`);
    this.cacheSecurityGroup.connections.allowFrom(peer, ec2.Port.tcp(this.cachePort), `Valkey from ${description}`);
  }

  /**
   * Lets `role` read the application user's credentials and the cache AUTH
   * token, and decrypt them through Secrets Manager only; never the master
   * secret, nothing broader. The policy
   * lives in this stack and is attached to the role, so the role's stack does
   * not depend on this one (which already depends on it through allowFrom).
   */
  grantSecretsRead(role: iam.IRole): iam.ManagedPolicy {
    this.secretReaders += 1;
    return new iam.ManagedPolicy(this, `SecretsReader${this.secretReaders}`, {
      description: `Reads the data tier's credentials (${this.node.path})`,
      roles: [role],
      statements: [
        new iam.PolicyStatement({
          actions: ['secretsmanager:GetSecretValue', 'secretsmanager:DescribeSecret'],
          resources: [this.appSecret.secretArn, this.cacheAuthToken.secretArn],
        }),
        new iam.PolicyStatement({
          actions: ['kms:Decrypt'],
          resources: [this.key.keyArn],
          conditions: { StringEquals: { 'kms:ViaService': `secretsmanager.${Stack.of(this).region}.amazonaws.com` } },
        }),
      ],
    });
  }

  private closedSecurityGroup(id: string, description: string): ec2.SecurityGroup {
    return new RestrictedEgressSecurityGroup(this, id, { vpc: this.props.vpc, description });
  }
}
