import { CfnCondition, Fn } from 'aws-cdk-lib';
import * as rds from 'aws-cdk-lib/aws-rds';
import { knownRegion, regionIsOneOf } from '../shared/region-condition';

/**
 * Regions whose table of "Supported Regions and Aurora DB engines for RDS Data
 * API" (Aurora User Guide) says "Not available" for Aurora PostgreSQL
 * Serverless v2 and provisioned clusters: Asia Pacific (Hyderabad),
 * (Melbourne) and (New Zealand). A cluster asking for it there fails to deploy.
 */
export const DATA_API_UNAVAILABLE_REGIONS: readonly string[] = ['ap-south-2', 'ap-southeast-4', 'ap-southeast-6'];

/**
 * Turns the RDS Data API on where AWS offers it: known at synth for a stack
 * in a region, by a condition on AWS::Region for an environment-agnostic one.
 * Returns what the cluster has: `enabled`, `disabled`, or a token of the two.
 */
export function enableDataApiWhereOffered(cluster: rds.DatabaseCluster): string {
  const cfn = cluster.node.defaultChild as rds.CfnDBCluster;
  const region = knownRegion(cluster);
  if (region !== undefined) {
    const offered = !DATA_API_UNAVAILABLE_REGIONS.includes(region);
    cfn.enableHttpEndpoint = offered;
    return offered ? 'enabled' : 'disabled';
  }
  const condition = new CfnCondition(cluster, 'DataApiOffered', { expression: Fn.conditionNot(regionIsOneOf(DATA_API_UNAVAILABLE_REGIONS)) });
  cfn.enableHttpEndpoint = Fn.conditionIf(condition.logicalId, true, false) as never;
  return Fn.conditionIf(condition.logicalId, 'enabled', 'disabled').toString();
}
