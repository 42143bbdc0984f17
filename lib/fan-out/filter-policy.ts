import * as sns from 'aws-cdk-lib/aws-sns';
import { Validator } from '../shared/validation';

/**
 * An SNS filter policy as written in SNS's own JSON syntax, e.g.
 * `{ eventType: ['OrderPlaced'], total: [{ numeric: ['>=', 100] }] }`.
 * On message attributes each key maps to a list of conditions; on the
 * message body keys may also nest.
 */
export type FilterPolicy = { readonly [key: string]: FilterPolicyValue };
/** A list of conditions, or (message-body scope only) a nested policy. */
export type FilterPolicyValue = readonly FilterCondition[] | FilterPolicy;
/** A literal to match, or an operator object such as `{ prefix: 'eu-' }`. */
export type FilterCondition = string | number | boolean | null | { readonly [operator: string]: unknown };

/** Where a filter policy is applied. */
export type FilterPolicyScope = 'MessageAttributes' | 'MessageBody';

const OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'cidr', 'equals-ignore-case', 'wildcard'];

/** Checks a filter policy's shape, recording each problem under `prop`. */
export function checkFilterPolicy(v: Validator, prop: string, policy: unknown, scope: FilterPolicyScope): void {
  if (typeof policy !== 'object' || policy === null || Array.isArray(policy) || Object.keys(policy).length === 0) {
    v.fail(prop, policy, 'expected a non-empty object of attribute names to lists of conditions');
    return;
  }
  for (const [key, value] of Object.entries(policy)) {
    const at = `${prop}.${key}`;
    if (Array.isArray(value)) checkConditions(v, at, value);
    else if (scope === 'MessageBody' && typeof value === 'object' && value !== null) checkFilterPolicy(v, at, value, scope);
    else v.fail(at, value, scope === 'MessageBody' ? 'expected a list of conditions or a nested object' : 'expected a list of conditions');
  }
}

function checkConditions(v: Validator, prop: string, conditions: unknown[]): void {
  v.check(conditions.length > 0, prop, conditions, 'expected at least one condition');
  conditions.forEach((c, i) => {
    if (c === null || ['string', 'number', 'boolean'].includes(typeof c)) return;
    const keys = typeof c === 'object' && !Array.isArray(c) ? Object.keys(c as object) : [];
    v.check(keys.length === 1 && OPERATORS.includes(keys[0]), `${prop}[${i}]`, c,
      `expected a string, number, boolean, null or one operator of ${OPERATORS.join(', ')}`);
  });
}

/** Converts a (checked) filter policy for a message-attribute subscription. */
export function attributeFilters(policy: FilterPolicy): Record<string, sns.SubscriptionFilter> {
  return Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, new sns.SubscriptionFilter(v as unknown[])]));
}

/** Converts a (checked) filter policy for a message-body subscription. */
export function bodyFilters(policy: FilterPolicy): Record<string, sns.FilterOrPolicy> {
  return Object.fromEntries(Object.entries(policy).map(([k, v]) => [k, Array.isArray(v)
    ? sns.FilterOrPolicy.filter(new sns.SubscriptionFilter(v as unknown[]))
    : sns.FilterOrPolicy.policy(bodyFilters(v as FilterPolicy))]));
}
