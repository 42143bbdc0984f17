import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DataTier } from './data-tier';
import { databaseOf, DataTierProps } from './data-tier-props';

/** Props of {@link DataTierStack}. */
export interface DataTierStackProps extends StackProps {
  /** Props of the data tier, its VPC included (pass the stage's Network VPC). */
  readonly dataTier: DataTierProps;
}

/**
 * Deploys a {@link DataTier} and outputs what a client and the smoke test need:
 * endpoints, ports and the ARNs of the secrets (never their values).
 */
export class DataTierStack extends Stack {
  readonly dataTier: DataTier;

  constructor(scope: Construct, id: string, props: DataTierStackProps) {
    super(scope, id, props);
    const tier = new DataTier(this, 'DataTier', props.dataTier);
    this.dataTier = tier;
    const output = (name: string, value: string, description: string) => new CfnOutput(this, name, { value, description });
    output('ClusterArn', tier.cluster.clusterArn, 'Aurora cluster; query it with: aws rds-data execute-statement --resource-arn <this> --secret-arn <DatabaseSecretArn> --sql "select 1"');
    output('DatabaseSecretArn', tier.databaseSecret.secretArn, 'Secrets Manager secret of the master credentials (rotated)');
    output('DatabaseName', databaseOf(props.dataTier).databaseName, 'Database created in the cluster');
    output('DatabaseEndpoint', tier.databaseEndpoint, 'Writer endpoint (reachable from the app tier only)');
    output('DatabaseReaderEndpoint', tier.cluster.clusterReadEndpoint.hostname, 'Reader endpoint (reachable from the app tier only)');
    output('DatabasePort', tier.cluster.clusterEndpoint.port.toString(), 'Database port');
    output('CacheEndpoint', tier.cacheEndpoint, 'Valkey primary endpoint, TLS (reachable from the app tier only)');
    output('CachePort', String(tier.cachePort), 'Valkey port');
    output('CacheAuthTokenSecretArn', tier.cacheAuthToken.secretArn, 'Secrets Manager secret of the Valkey AUTH token');
  }
}
