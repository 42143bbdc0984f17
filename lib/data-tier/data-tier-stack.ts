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
    const dataApi = tier.dataApi === 'disabled' ? '' : '; the RDS Data API, when DataApi is enabled, also lets an IAM principal allowed rds-data:ExecuteStatement and a database secret run SQL';
    output('ClusterArn', tier.cluster.clusterArn, 'Aurora cluster; with the Data API on: aws rds-data execute-statement --resource-arn <this> --secret-arn <AppSecretArn> --database <DatabaseName> --sql "select 1"');
    output('DataApi', tier.dataApi, 'Whether the RDS Data API is on (enabled or disabled): off unless asked for, and where AWS does not offer it');
    output('AppSecretArn', tier.appSecret.secretArn, 'Secrets Manager secret of the application user\'s credentials (rotated by alternating users): what the app tier reads');
    output('MasterSecretArn', tier.masterSecret.secretArn, 'Secrets Manager secret of the master (admin) credentials (rotated): for rotation and break-glass only');
    output('DatabaseName', databaseOf(props.dataTier).databaseName, 'Database created in the cluster');
    output('DatabaseEndpoint', tier.databaseEndpoint, `Writer endpoint (on the network, reachable from the app tier and the rotation functions only${dataApi})`);
    output('DatabaseReaderEndpoint', tier.cluster.clusterReadEndpoint.hostname, 'Reader endpoint (on the network, reachable from the app tier and the rotation functions only)');
    output('DatabasePort', tier.cluster.clusterEndpoint.port.toString(), 'Database port');
    if (tier.proxy) output('ProxyEndpoint', tier.proxy.endpoint, 'RDS Proxy endpoint, port 5432, TLS, as the application user (on the network, reachable from the app tier only)');
    output('CacheEndpoint', tier.cacheEndpoint, 'Valkey primary endpoint, TLS (on the network, reachable from the app tier only)');
    output('CachePort', String(tier.cachePort), 'Valkey port');
    output('CacheAuthTokenSecretArn', tier.cacheAuthToken.secretArn, 'Secrets Manager secret of the Valkey AUTH token');
  }
}
