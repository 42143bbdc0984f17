import { Aws, CfnCondition, CfnResource, Fn, Stack } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { knownRegion, regionIsOneOf } from '../shared/region-condition';

/**
 * Commercial regions opened after February 2022. AWS Config records no global
 * (IAM) resource types in them, and offers only part of its managed rules there.
 */
export const REGIONS_OPENED_SINCE_2022: readonly string[] = [
  'ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ap-east-2',
  'ca-west-1', 'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1', 'mx-central-1',
];

/**
 * Whether something happens in this stack's region: decided at synth time
 * (true or false) when the stack's region is known, or by CloudFormation at
 * deploy time (a condition) when the stack is environment-agnostic.
 */
export type RegionDecision = boolean | CfnCondition;

/**
 * True in the account's home region only, where the account-wide pieces are created:
 * always when no home region is given (the stack's own region is home).
 */
export function inHomeRegion(scope: Construct, id: string, homeRegion: string | undefined): RegionDecision {
  if (homeRegion === undefined) return true;
  const known = knownRegion(scope);
  if (known !== undefined) return known === homeRegion;
  return new CfnCondition(scope, id, { expression: Fn.conditionEquals(Aws.REGION, homeRegion) });
}

/** True where both decisions are: at synth time when both are known, else a condition. */
export function bothHold(scope: Construct, id: string, a: RegionDecision, b: RegionDecision): RegionDecision {
  if (a === false || b === false) return false;
  if (a === true) return b;
  if (b === true) return a;
  return new CfnCondition(scope, id, { expression: Fn.conditionAnd(a, b) });
}

/** Makes every CloudFormation resource under `scope` exist only where `decision` holds. */
export function onlyWhere(scope: IConstruct, decision: RegionDecision): void {
  if (typeof decision === 'boolean') return;
  for (const child of scope.node.findAll()) {
    if (CfnResource.isCfnResource(child) && !child.cfnOptions.condition) child.cfnOptions.condition = decision;
  }
}

/** Regions where GuardDuty offers no RDS Protection (GuardDuty User Guide, region-specific feature availability). */
export const REGIONS_WITHOUT_GUARDDUTY_RDS_PROTECTION: readonly string[] = ['ap-east-2'];

/** True outside `regions`: at synth time when the stack's region is known, else a condition. */
export function outsideRegions(scope: Construct, id: string, regions: readonly string[]): RegionDecision {
  const known = knownRegion(scope);
  if (known !== undefined) return !regions.includes(known);
  return new CfnCondition(scope, id, { expression: Fn.conditionNot(regionIsOneOf(regions)) });
}

const OUTSIDE_RECENT_REGIONS = 'OutsideRegionsOpenedSince2022';

/**
 * True outside {@link REGIONS_OPENED_SINCE_2022}: where every AWS Config
 * managed rule of the baseline is offered, and Config records IAM types.
 */
export function outsideRecentRegions(scope: Construct): RegionDecision {
  // One condition per stack: CloudFormation's validation flags equivalent conditions.
  const stack = Stack.of(scope);
  const existing = stack.node.tryFindChild(OUTSIDE_RECENT_REGIONS);
  return existing instanceof CfnCondition ? existing : outsideRegions(stack, OUTSIDE_RECENT_REGIONS, REGIONS_OPENED_SINCE_2022);
}
