import { Aws, Fn, ICfnConditionExpression, Stack, Token } from 'aws-cdk-lib';
import { IConstruct } from 'constructs';

/** The region of the stack `scope` is in, or undefined when the stack is environment-agnostic. */
export function knownRegion(scope: IConstruct): string | undefined {
  const region = Stack.of(scope).region;
  return Token.isUnresolved(region) ? undefined : region;
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
