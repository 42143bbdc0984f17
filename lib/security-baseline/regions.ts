import { Aws, CfnCondition, Fn } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { knownRegion, regionIsOneOf } from '../shared/region-condition';

/**
 * Commercial regions opened after February 2022. AWS Config records no global
 * (IAM) resource types in them, and offers only part of its managed rules there.
 */
export const REGIONS_OPENED_SINCE_2022: readonly string[] = [
  'ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ap-east-2',
  'ca-west-1', 'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1', 'mx-central-1',
];

/** The region whose recorder records global resource types when none is given. */
export const DEFAULT_GLOBAL_RESOURCES_REGION = 'us-east-1';

/**
 * Whether something happens in this stack's region: decided at synth time
 * (true or false) when the stack's region is known, or by CloudFormation at
 * deploy time (a condition) when the stack is environment-agnostic.
 */
export type RegionDecision = boolean | CfnCondition;

/** True in `region` only: global resource types are recorded, and the IAM password policy set, there. */
export function inRegion(scope: Construct, id: string, region: string): RegionDecision {
  const known = knownRegion(scope);
  if (known !== undefined) return known === region;
  return new CfnCondition(scope, id, { expression: Fn.conditionEquals(Aws.REGION, region) });
}

/** True outside {@link REGIONS_OPENED_SINCE_2022}: where every AWS Config managed rule of the baseline is offered. */
export function outsideRecentRegions(scope: Construct, id: string): RegionDecision {
  const known = knownRegion(scope);
  if (known !== undefined) return !REGIONS_OPENED_SINCE_2022.includes(known);
  return new CfnCondition(scope, id, { expression: Fn.conditionNot(regionIsOneOf(REGIONS_OPENED_SINCE_2022)) });
}
