import { RemovalPolicy } from 'aws-cdk-lib';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elasticache from 'aws-cdk-lib/aws-elasticache';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { destroysData } from '../shared/removal';
import { ResolvedCacheProps } from './data-tier-props';

/** What the cache needs from the data tier. */
export interface CacheOptions {
  readonly vpc: ec2.IVpc;
  readonly key: kms.Key;
  readonly securityGroup: ec2.ISecurityGroup;
  readonly config: ResolvedCacheProps;
  readonly removalPolicy: RemovalPolicy;
  readonly logRetention: logs.RetentionDays;
}

/** The cache and the secret holding its AUTH token. */
export interface Cache {
  readonly replicationGroup: elasticache.CfnReplicationGroup;
  readonly authToken: secretsmanager.Secret;
}

/**
 * A Valkey replication group in the isolated subnets: encrypted at rest with
 * the key and in transit (TLS required), every command refused until the
 * client sends the AUTH token, which is generated in Secrets Manager and
 * reaches the template only as a dynamic reference. With replicas: Multi-AZ
 * and automatic failover, each node in another AZ. The slow log (commands
 * over 10 ms, their arguments elided by ElastiCache) and the engine log go
 * to encrypted log groups, in JSON. CloudFormation names the group and its
 * subnet group, so deployments never collide.
 */
export function newCache(scope: Construct, options: CacheOptions): Cache {
  const { config, key, removalPolicy } = options;
  // ElastiCache takes 16 to 128 printable characters except @, " and /: letters and digits only.
  const authToken = new secretsmanager.Secret(scope, 'CacheAuthToken', {
    description: 'AUTH token of the Valkey cache',
    encryptionKey: key,
    generateSecretString: { passwordLength: 64, excludePunctuation: true },
    removalPolicy,
  });
  const subnetGroup = new elasticache.CfnSubnetGroup(scope, 'CacheSubnets', {
    description: 'Isolated subnets of the data tier',
    subnetIds: options.vpc.selectSubnets({ subnetType: ec2.SubnetType.PRIVATE_ISOLATED }).subnetIds,
  });
  const nodes = config.replicas + 1;
  const replicated = config.replicas > 0;
  const replicationGroup = new elasticache.CfnReplicationGroup(scope, 'Cache', {
    replicationGroupDescription: 'Valkey cache of the data tier',
    engine: 'valkey',
    engineVersion: config.engineVersion,
    cacheNodeType: config.nodeType,
    numCacheClusters: nodes,
    automaticFailoverEnabled: replicated,
    multiAzEnabled: replicated,
    preferredCacheClusterAZs: replicated ? spreadOverZones(options.vpc, nodes) : undefined,
    cacheSubnetGroupName: subnetGroup.ref,
    securityGroupIds: [options.securityGroup.securityGroupId],
    port: config.port,
    atRestEncryptionEnabled: true,
    kmsKeyId: key.keyArn,
    transitEncryptionEnabled: true,
    transitEncryptionMode: 'required',
    authToken: authToken.secretValue.unsafeUnwrap(), // a {{resolve:secretsmanager:...}} reference, not the token
    snapshotRetentionLimit: config.snapshotRetentionDays,
    autoMinorVersionUpgrade: true,
    logDeliveryConfigurations: (['slow-log', 'engine-log'] as const).map((logType) => ({
      logType,
      logFormat: 'json',
      destinationType: 'cloudwatch-logs',
      destinationDetails: { cloudWatchLogsDetails: { logGroup: cacheLogGroup(scope, logType, options).logGroupName } },
    })),
  });
  // Production takes a final snapshot on delete; the sandbox deletes it outright.
  replicationGroup.applyRemovalPolicy(destroysData(removalPolicy) ? RemovalPolicy.DESTROY : RemovalPolicy.SNAPSHOT);
  return { replicationGroup, authToken };
}

function cacheLogGroup(scope: Construct, logType: string, options: CacheOptions): logs.LogGroup {
  const id = logType === 'slow-log' ? 'CacheSlowLog' : 'CacheEngineLog';
  return new EncryptedLogGroup(scope, id, { encryptionKey: options.key, retention: options.logRetention, removalPolicy: options.removalPolicy }).logGroup;
}

function spreadOverZones(vpc: ec2.IVpc, nodes: number): string[] {
  const subnets = vpc.isolatedSubnets;
  return Array.from({ length: nodes }, (_, i) => subnets[i % subnets.length].availabilityZone);
}

/** CloudWatch dimension values of each node: ElastiCache names them `<group>-001`, `<group>-002`, ... */
export function cacheNodeIds(replicationGroup: elasticache.CfnReplicationGroup, nodes: number): string[] {
  return Array.from({ length: nodes }, (_, i) => `${replicationGroup.ref}-${String(i + 1).padStart(3, '0')}`);
}
