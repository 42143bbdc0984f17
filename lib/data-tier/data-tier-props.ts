import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as rds from 'aws-cdk-lib/aws-rds';
import { checkRegionalReplicas, Validator } from '../shared/validation';

/** The Aurora PostgreSQL Serverless v2 cluster. */
export interface DatabaseProps {
  /**
   * Aurora PostgreSQL version. Scaling to zero needs 13.15+, 14.12+, 15.7+ or 16.3+;
   * the RDS Data API needs a version that offers it for Serverless v2.
   * @default rds.AuroraPostgresEngineVersion.VER_16_9
   */
  readonly engineVersion?: rds.AuroraPostgresEngineVersion;
  /**
   * Fewest Aurora capacity units (ACUs), 0 to 256 in steps of 0.5. Zero pauses
   * the cluster when idle, so it costs storage only.
   * @default 0
   */
  readonly minCapacity?: number;
  /**
   * Most ACUs, 1 to 256 in steps of 0.5: the cost ceiling.
   * @default 4
   */
  readonly maxCapacity?: number;
  /**
   * Idle time before a cluster with `minCapacity` 0 pauses, 5 minutes to 1 day.
   * @default Duration.minutes(5)
   */
  readonly autoPause?: Duration;
  /**
   * Reader instances, 0 to 15, spread over the other AZs of the isolated
   * subnets. Each is a failover target scaling with the writer.
   * @default 0
   */
  readonly readers?: number;
  /**
   * Automated backup retention, 1 to 35 days.
   * @default Duration.days(1)
   */
  readonly backupRetention?: Duration;
  /**
   * Port the database listens on, 1150 to 65535. A non-default port keeps
   * untargeted scans of 5432 from even reaching the authentication step.
   * @default 5433
   */
  readonly port?: number;
  /**
   * Name of the database created in the cluster.
   * @default 'app'
   */
  readonly databaseName?: string;
  /**
   * How often Secrets Manager rotates the master password, 1 to 365 days.
   * @default Duration.days(30)
   */
  readonly rotationInterval?: Duration;
  /**
   * CloudWatch Database Insights mode. Advanced keeps 15 months of
   * Performance Insights history and is billed per ACU-hour.
   * @default rds.DatabaseInsightsMode.STANDARD
   */
  readonly databaseInsights?: rds.DatabaseInsightsMode;
  /**
   * Alarm when the writer has more connections than this.
   * @default 200
   */
  readonly maxConnectionsAlarm?: number;
  /**
   * The RDS Data API (SQL over IAM-authorized HTTPS), where AWS offers it for
   * Aurora PostgreSQL (not in ap-south-2, ap-southeast-4, ap-southeast-6:
   * there it stays off, by a region condition when the stack is
   * environment-agnostic). It is a path to SQL from outside the VPC for any
   * principal allowed `rds-data:ExecuteStatement` and a database secret, so it
   * is off unless asked for; the sandbox turns it on for the smoke check's
   * `select 1`, which says SKIP where it is off.
   * @default false
   */
  readonly dataApi?: boolean;
  /**
   * User name of the master (admin) user, kept for rotation and break-glass
   * access only. Not a default name (`postgres`, `admin`): Control Tower's
   * CT.RDS.PR.21 asks for a unique one.
   * @default 'data_admin'
   */
  readonly masterUsername?: string;
  /**
   * User name of the application's own database user, created at deploy with
   * CONNECT on the database and USAGE and CREATE on its public schema, no
   * more; its secret rotates by alternating users (`<name>_clone`), so the
   * password an application holds keeps working through a rotation.
   * @default 'app_user'
   */
  readonly appUsername?: string;
  /**
   * Longest a statement may run before PostgreSQL cancels it (`statement_timeout`), 1 second to 1 day.
   * @default Duration.minutes(1)
   */
  readonly statementTimeout?: Duration;
  /**
   * Longest a session may sit idle inside an open transaction, holding its
   * locks, before PostgreSQL ends it (`idle_in_transaction_session_timeout`), 1 second to 1 day.
   * @default Duration.minutes(1)
   */
  readonly idleInTransactionTimeout?: Duration;
  /**
   * RDS Proxy in front of the cluster, logging in as the application user,
   * TLS required, on port 5432: a pool that absorbs bursts of short-lived
   * connections (Lambda) and keeps them through a failover. Billed per ACU of
   * the cluster with a minimum of 8 ACUs (about $88 a month). Not with
   * `minCapacity` 0: the proxy holds connections to the writer open, so the
   * cluster would never pause.
   * @default false
   */
  readonly proxy?: boolean;
}

/** The ElastiCache (Valkey) replication group. */
export interface CacheProps {
  /**
   * Node type, e.g. `cache.t4g.micro`.
   * @default 'cache.t4g.micro'
   */
  readonly nodeType?: string;
  /**
   * Replicas of the primary, 0 to 5. One or more turns on Multi-AZ with
   * automatic failover, each replica in another AZ.
   * @default 0
   */
  readonly replicas?: number;
  /**
   * Days of daily snapshots kept, 0 to 35 (0 turns snapshots off).
   * @default 1
   */
  readonly snapshotRetentionDays?: number;
  /**
   * Port the cache listens on, 1024 to 65535.
   * @default 6380
   */
  readonly port?: number;
  /**
   * Valkey engine version.
   * @default '8.0'
   */
  readonly engineVersion?: string;
}

/** An AWS Backup plan for the cluster (the notes' DR section). */
export interface BackupPlanProps {
  /**
   * How long each daily recovery point is kept, 1 to 36500 days.
   * @default Duration.days(35)
   */
  readonly retention?: Duration;
  /**
   * ARN of a backup vault in a second region to copy each recovery point to
   * (create it there first). The copy is kept as long as the original.
   * @default no cross-region copy
   */
  readonly copyToVaultArn?: string;
  /**
   * AWS Backup Vault Lock: no recovery point can be deleted before
   * `retention`, whoever asks. `governance`: principals allowed
   * `backup:DeleteBackupVaultLockConfiguration` can remove the lock;
   * `compliance`: after a 3-day grace period the lock is immutable, even to
   * the account's administrators and AWS (the vault then cannot be deleted
   * until its last recovery point expires).
   * @default no lock
   */
  readonly vaultLock?: 'governance' | 'compliance';
}

/** A region the database's secrets are replicated to, and the key that encrypts them there. */
export interface SecretReplicaProps {
  /** The region, e.g. a standby region `us-west-2`; not the stack's own. */
  readonly region: string;
  /**
   * ARN of a KMS key in that region (a key or alias ARN; an alias ARN lets the key's
   * stack be named by a deterministic name rather than read across regions).
   */
  readonly keyArn: string;
}

/**
 * Makes the cluster the primary of an Aurora Global Database (disaster recovery,
 * note 003: database replication): an `AWS::RDS::GlobalCluster` created from
 * the cluster, which Aurora replicates at the storage layer (typically under a
 * second) to secondary clusters in other regions ({@link StandbyDatabase}).
 * The cluster itself is not changed, so switching this on for a deployed
 * cluster does not replace it.
 */
export interface GlobalDatabaseProps {
  /**
   * Identifier of the global database: a secondary cluster joins it by this
   * name. A lower-case letter, then up to 62 lower-case letters, digits or
   * single hyphens, not ending in a hyphen; unique in the account.
   */
  readonly identifier: string;
  /**
   * Where the master and application secrets are replicated (Secrets Manager
   * replica secrets, same name, kept in step with every rotation), so that an
   * app in a standby region reads them there, and after a failover the replica
   * can be promoted to a secret of its own (rotation runs in the primary region only).
   * @default none
   */
  readonly secretReplicas?: readonly SecretReplicaProps[];
}

/** Props of the {@link DataTier} construct. */
export interface DataTierProps {
  /** The VPC: the database and cache go in its isolated subnets (at least two AZs). */
  readonly vpc: ec2.IVpc;
  /** The database. @default see {@link DatabaseProps} */
  readonly database?: DatabaseProps;
  /** The cache. @default see {@link CacheProps} */
  readonly cache?: CacheProps;
  /**
   * A daily AWS Backup plan for the cluster, on top of its automated backups.
   * @default none
   */
  readonly backupPlan?: BackupPlanProps;
  /**
   * The primary of an Aurora Global Database, with the secrets replicated to
   * the standby regions.
   * @default none: a regional cluster
   */
  readonly globalDatabase?: GlobalDatabaseProps;
  /**
   * Run the password rotation function in the isolated subnets with a Secrets
   * Manager interface endpoint there (private DNS on; about $7.30 a month per
   * AZ). `false` runs it in the private subnets, reaching Secrets Manager
   * through NAT. Leave it `false` if the VPC already has a Secrets Manager
   * endpoint with private DNS: a VPC takes one.
   * @default true only when the VPC has no private subnets with egress
   */
  readonly secretsManagerEndpoint?: boolean;
  /**
   * Deletion protection on the cluster.
   * @default true
   */
  readonly deletionProtection?: boolean;
  /**
   * What happens on stack deletion: RETAIN keeps the key, secrets, logs and
   * a final snapshot of the cluster and cache; DESTROY deletes everything.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
  /**
   * Retention of the exported PostgreSQL logs.
   * @default logs.RetentionDays.ONE_MONTH
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * E-mail address for alarms.
   * @default none
   */
  readonly alarmEmail?: string;
}

/** Database props with every default applied. */
export type ResolvedDatabaseProps = Required<DatabaseProps>;
/** Cache props with every default applied. */
export type ResolvedCacheProps = Required<CacheProps>;

/** Applies the database defaults. */
export function databaseOf(props: DataTierProps): ResolvedDatabaseProps {
  const d = props.database ?? {};
  return {
    engineVersion: d.engineVersion ?? rds.AuroraPostgresEngineVersion.VER_16_9,
    minCapacity: d.minCapacity ?? 0,
    maxCapacity: d.maxCapacity ?? Math.max(4, d.minCapacity ?? 0),
    autoPause: d.autoPause ?? Duration.minutes(5),
    readers: d.readers ?? 0,
    backupRetention: d.backupRetention ?? Duration.days(1),
    port: d.port ?? 5433,
    databaseName: d.databaseName ?? 'app',
    rotationInterval: d.rotationInterval ?? Duration.days(30),
    databaseInsights: d.databaseInsights ?? rds.DatabaseInsightsMode.STANDARD,
    maxConnectionsAlarm: d.maxConnectionsAlarm ?? 200,
    dataApi: d.dataApi ?? false,
    masterUsername: d.masterUsername ?? 'data_admin',
    appUsername: d.appUsername ?? 'app_user',
    statementTimeout: d.statementTimeout ?? Duration.minutes(1),
    idleInTransactionTimeout: d.idleInTransactionTimeout ?? Duration.minutes(1),
    proxy: d.proxy ?? false,
  };
}

/** Applies the cache defaults. */
export function cacheOf(props: DataTierProps): ResolvedCacheProps {
  const c = props.cache ?? {};
  return {
    nodeType: c.nodeType ?? 'cache.t4g.micro',
    replicas: c.replicas ?? 0,
    snapshotRetentionDays: c.snapshotRetentionDays ?? 1,
    port: c.port ?? 6380,
    engineVersion: c.engineVersion ?? '8.0',
  };
}

const NODE_TYPE = /^cache\.[a-z0-9]+\.[a-z0-9]+$/;
const DATABASE_NAME = /^[a-z][a-z0-9_]{0,62}$/;
const VALKEY_VERSION = /^\d+\.\d+$/;
const VAULT_ARN = /^arn:aws[a-z-]*:backup:([a-z]{2}(-[a-z]+)+-\d+):\d{12}:backup-vault:[A-Za-z0-9_.-]{2,50}$/;
const RESERVED_DATABASE_NAMES = ['postgres', 'template0', 'template1', 'rdsadmin'];
/** PostgreSQL user names: the clone of the application user (`<name>_clone`) must fit in 63 characters. */
const USER_NAME = /^[a-z][a-z0-9_]{0,56}$/;
/** Names PostgreSQL or RDS reserve (`rds*`, `pg_*`), and the default admin names CT.RDS.PR.21 refuses. */
const RESERVED_USER_NAME = /^(rds|pg_)|^(postgres|admin|administrator|root|public)$/;

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateDataTierProps(props: DataTierProps): void {
  const v = new Validator('DataTier props');
  checkVpc(v, props.vpc, props.secretsManagerEndpoint);
  checkDatabase(v, props.database ?? {}, databaseOf(props));
  checkCache(v, cacheOf(props));
  checkBackupPlan(v, props.backupPlan);
  checkGlobalDatabase(v, props.globalDatabase);
  v.throwIfInvalid();
}

function checkVpc(v: Validator, vpc: ec2.IVpc, endpoint: boolean | undefined): void {
  if (endpoint === false) {
    v.check(vpc.privateSubnets.length > 0, 'secretsManagerEndpoint', endpoint,
      'the rotation function then needs private subnets with egress to reach Secrets Manager, and the VPC has none; leave it out or set it to true');
  }
  const azs = new Set(vpc.isolatedSubnets.map((s) => s.availabilityZone)).size;
  v.check(vpc.isolatedSubnets.length >= 2 && azs >= 2, 'vpc', `${vpc.isolatedSubnets.length} isolated subnets`,
    'expected isolated subnets (no route out of the VPC) in at least two AZs, as a DB subnet group needs; add the isolated tier to the Network');
}

function checkDatabase(v: Validator, given: DatabaseProps, d: ResolvedDatabaseProps): void {
  halfSteps(v, 'database.minCapacity', d.minCapacity, 0, 256);
  halfSteps(v, 'database.maxCapacity', d.maxCapacity, 1, 256);
  if (!Token.isUnresolved(d.minCapacity) && !Token.isUnresolved(d.maxCapacity)) {
    v.check(d.minCapacity <= d.maxCapacity, 'database.minCapacity', d.minCapacity, `expected at most database.maxCapacity (${d.maxCapacity})`);
  }
  v.intRange('database.autoPause', given.autoPause?.toSeconds(), 300, 86400, ' seconds');
  if (given.autoPause !== undefined && d.minCapacity !== 0) {
    v.fail('database.autoPause', given.autoPause.toHumanString(), `only applies when database.minCapacity is 0 (it is ${d.minCapacity})`);
  }
  if (d.proxy && !Token.isUnresolved(d.minCapacity) && d.minCapacity === 0) {
    v.fail('database.proxy', true, 'RDS Proxy holds connections to the writer open, so a cluster that scales to zero (database.minCapacity 0) would never pause: set database.minCapacity to 0.5 or more, or leave the proxy off');
  }
  v.intRange('database.readers', given.readers, 0, 15);
  v.intRange('database.backupRetention', given.backupRetention?.toDays(), 1, 35, ' days');
  v.intRange('database.port', given.port, 1150, 65535);
  v.intRange('database.rotationInterval', given.rotationInterval?.toDays(), 1, 365, ' days');
  v.intRange('database.maxConnectionsAlarm', given.maxConnectionsAlarm, 1, 100_000);
  v.intRange('database.statementTimeout', given.statementTimeout?.toSeconds({ integral: false }), 1, 86400, ' seconds');
  v.intRange('database.idleInTransactionTimeout', given.idleInTransactionTimeout?.toSeconds({ integral: false }), 1, 86400, ' seconds');
  checkUserName(v, 'database.masterUsername', given.masterUsername);
  checkUserName(v, 'database.appUsername', given.appUsername);
  if (d.masterUsername === d.appUsername) {
    v.fail('database.appUsername', d.appUsername, 'expected a name other than database.masterUsername: the application must not log in as the admin');
  }
  if (given.databaseName !== undefined && !Token.isUnresolved(given.databaseName)) {
    v.check(DATABASE_NAME.test(given.databaseName) && !RESERVED_DATABASE_NAMES.includes(given.databaseName), 'database.databaseName', given.databaseName,
      `expected a lower-case letter then up to 62 lower-case letters, digits or underscores, not one of ${RESERVED_DATABASE_NAMES.join(', ')}`);
  }
}

function checkUserName(v: Validator, prop: string, name: string | undefined): void {
  if (name === undefined || Token.isUnresolved(name)) return;
  v.check(USER_NAME.test(name) && !RESERVED_USER_NAME.test(name), prop, name,
    'expected a lower-case letter then up to 56 lower-case letters, digits or underscores, not starting with "rds" or "pg_" and not a default admin name (postgres, admin, administrator, root, public)');
}

function halfSteps(v: Validator, prop: string, value: number, min: number, max: number): void {
  if (Token.isUnresolved(value)) return;
  v.check(value >= min && value <= max && Number.isInteger(value * 2), prop, value, `expected ${min} to ${max} ACUs in steps of 0.5`);
}

function checkCache(v: Validator, c: ResolvedCacheProps): void {
  if (!Token.isUnresolved(c.nodeType)) v.check(NODE_TYPE.test(c.nodeType), 'cache.nodeType', c.nodeType, 'expected an ElastiCache node type such as "cache.t4g.micro"');
  v.intRange('cache.replicas', c.replicas, 0, 5);
  v.intRange('cache.snapshotRetentionDays', c.snapshotRetentionDays, 0, 35, ' days');
  v.intRange('cache.port', c.port, 1024, 65535);
  if (!Token.isUnresolved(c.engineVersion)) v.check(VALKEY_VERSION.test(c.engineVersion), 'cache.engineVersion', c.engineVersion, 'expected a Valkey version such as "8.0"');
  if (/^cache\.t[12]\./.test(c.nodeType)) {
    v.check(c.snapshotRetentionDays === 0, 'cache.snapshotRetentionDays', c.snapshotRetentionDays, `expected 0: ${c.nodeType} nodes take no snapshots`);
  }
}

function checkBackupPlan(v: Validator, plan: BackupPlanProps | undefined): void {
  if (!plan) return;
  v.intRange('backupPlan.retention', plan.retention?.toDays(), 1, 36500, ' days');
  v.oneOf('backupPlan.vaultLock', plan.vaultLock, ['governance', 'compliance']);
  const arn = plan.copyToVaultArn;
  if (arn !== undefined && !Token.isUnresolved(arn)) {
    v.check(VAULT_ARN.test(arn), 'backupPlan.copyToVaultArn', arn,
      'expected a backup vault ARN such as "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr-copies"');
  }
}

/** Names of a global cluster (RDS: letters, digits, single hyphens, a letter first, no hyphen last). */
export const GLOBAL_CLUSTER_IDENTIFIER = /^[a-z](?!.*--)[a-z0-9-]{0,62}(?<!-)$/;

function checkGlobalDatabase(v: Validator, global: GlobalDatabaseProps | undefined): void {
  if (!global) return;
  if (!Token.isUnresolved(global.identifier)) {
    v.check(GLOBAL_CLUSTER_IDENTIFIER.test(global.identifier), 'globalDatabase.identifier', global.identifier,
      'expected a lower-case letter, then up to 62 lower-case letters, digits or single hyphens, not ending in a hyphen');
  }
  checkRegionalReplicas(v, 'globalDatabase.secretReplicas', global.secretReplicas ?? [], { alias: 'standby-secrets', replica: 'a secret' });
}

/** The region of a backup vault ARN, when it is known at synth. */
export function regionOfVaultArn(arn: string): string | undefined {
  return Token.isUnresolved(arn) ? undefined : VAULT_ARN.exec(arn)?.[1];
}
