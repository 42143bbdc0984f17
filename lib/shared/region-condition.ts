import { Aws, CfnRule, Fn, ICfnConditionExpression, Stack, Token } from 'aws-cdk-lib';
import { Construct, IConstruct } from 'constructs';
import { Validator } from './validation';

/** The region of the stack `scope` is in, or undefined when the stack is environment-agnostic. */
export function knownRegion(scope: IConstruct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
}

/** How {@link requireAnotherRegion} refuses: the prop at synth, the rule at deploy. */
export interface AnotherRegionRefusal {
  /** The Validator's subject (`DataTier props`). */
  readonly subject: string;
  readonly prop: string;
  readonly value: unknown;
  /** What is allowed, given the stack's region. */
  readonly expected: (stackRegion: string) => string;
  /** Id of the template rule, under `scope`. */
  readonly ruleId: string;
  /** The rule's message when the deploy fails on it. */
  readonly atDeploy: string;
}

/**
 * Refuses `otherRegion` when it is the region of the stack `scope` is in (a
 * copy or replica there fails with it): at synth when that region is known,
 * else by a template rule that fails the deploy to that region.
 */
export function requireAnotherRegion(scope: Construct, otherRegion: string, refusal: AnotherRegionRefusal): void {
  const stackRegion = knownRegion(scope);
  if (stackRegion !== undefined) {
    new Validator(refusal.subject).check(otherRegion !== stackRegion, refusal.prop, refusal.value, refusal.expected(stackRegion)).throwIfInvalid();
    return;
  }
  new CfnRule(scope, refusal.ruleId, {
    assertions: [{ assert: Fn.conditionNot(Fn.conditionEquals(Aws.REGION, otherRegion)), assertDescription: refusal.atDeploy }],
  });
}

/**
 * A condition true when the deployment's AWS::Region is one of `regions`, for
 * an environment-agnostic stack. Fn::Or takes 2 to 10 conditions, so a longer
 * list is nested in groups of ten.
 */
export function regionIsOneOf(regions: readonly string[]): ICfnConditionExpression {
  return anyOf(regions.map((r) => Fn.conditionEquals(Aws.REGION, r)));
}

function anyOf(conditions: ICfnConditionExpression[]): ICfnConditionExpression {
  if (conditions.length === 1) return conditions[0];
  if (conditions.length <= 10) return Fn.conditionOr(...conditions);
  const groups: ICfnConditionExpression[] = [];
  for (let i = 0; i < conditions.length; i += 10) groups.push(anyOf(conditions.slice(i, i + 10)));
  return anyOf(groups);
}
