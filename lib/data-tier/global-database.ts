import { Stack, Token } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as rds from 'aws-cdk-lib/aws-rds';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Construct } from 'constructs';
import { Validator } from '../shared/validation';
import { GlobalDatabaseProps } from './data-tier-props';

/**
 * The global database, created from the existing cluster
 * (`SourceDBClusterIdentifier`): Aurora takes the engine, version and
 * encryption from the cluster, whose own properties stay as they are, so a
 * deployed cluster is neither replaced nor modified when this is added.
 */
export function newGlobalCluster(scope: Construct, cluster: rds.DatabaseCluster, global: GlobalDatabaseProps, deletionProtection: boolean): rds.CfnGlobalCluster {
  return new rds.CfnGlobalCluster(scope, 'GlobalCluster', {
    globalClusterIdentifier: global.identifier,
    sourceDbClusterIdentifier: cluster.clusterArn,
    deletionProtection,
  });
}

/** The secrets' replica regions with their keys (an alias ARN names a key without reading it from its region). */
export function secretReplicaRegions(scope: Construct, global: GlobalDatabaseProps | undefined): secretsmanager.ReplicaRegion[] | undefined {
  if (!global?.secretReplicas?.length) return undefined;
  const region = Stack.of(scope).region;
  const v = new Validator('DataTier props');
  global.secretReplicas.forEach((replica, i) => v.check(Token.isUnresolved(region) || replica.region !== region, `globalDatabase.secretReplicas[${i}].region`, replica.region,
    `expected a region other than the stack's own (${region}): a secret is replicated to other regions`));
  v.throwIfInvalid();
  return global.secretReplicas.map((replica, i) => ({
    region: replica.region,
    encryptionKey: kms.Key.fromKeyArn(scope, `SecretReplicaKey${i + 1}`, replica.keyArn),
  }));
}
