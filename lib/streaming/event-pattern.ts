// EventBridge event patterns as the service reads them: a shape check at
// synth, and a matcher that decides which events a pattern admits, so routing
// is tested offline against the rules' own patterns (as EventBridge's
// TestEventPattern API would, without AWS). It follows the content-filtering
// rules of the EventBridge user guide: a leaf lists conditions of which one must
// hold; an array in the event matches when any of its elements does; `$or`
// admits the event when any of its sub-patterns does.
import * as events from 'aws-cdk-lib/aws-events';
import { parseIpv4Cidr, Validator } from '../shared/validation';

/** An event pattern in EventBridge's JSON (`detail-type`, not CDK's `detailType`). */
export type EventPatternJson = { readonly [field: string]: unknown };

/** The operators EventBridge's content filters offer. */
export const PATTERN_OPERATORS = ['prefix', 'suffix', 'anything-but', 'numeric', 'exists', 'equals-ignore-case', 'wildcard', 'cidr'] as const;

const CDK_FIELDS: Record<string, string> = { detailType: 'detail-type' };

/** A CDK `EventPattern` in EventBridge's JSON, as the rule's template writes it. */
export function renderEventPattern(pattern: events.EventPattern): EventPatternJson {
  return Object.fromEntries(Object.entries(pattern).filter(([, v]) => v !== undefined).map(([k, v]) => [CDK_FIELDS[k] ?? k, v]));
}

const isObject = (x: unknown): x is Record<string, unknown> => typeof x === 'object' && x !== null && !Array.isArray(x);
const isLiteral = (x: unknown) => x === null || ['string', 'number', 'boolean'].includes(typeof x);

/** Checks a pattern's shape, recording each problem under `prop`. */
export function checkEventPattern(v: Validator, prop: string, pattern: unknown): void {
  if (!isObject(pattern) || Object.keys(pattern).length === 0) {
    v.fail(prop, pattern, 'expected a non-empty event pattern, e.g. { source: [\'app.orders\'] }');
    return;
  }
  for (const [key, value] of Object.entries(pattern)) {
    const at = `${prop}.${key}`;
    if (key === '$or') {
      const ok = Array.isArray(value) && value.length >= 2 && value.every(isObject);
      v.check(ok, at, value, 'expected a list of at least two sub-patterns');
      if (ok) (value as unknown[]).forEach((sub, i) => checkEventPattern(v, `${at}[${i}]`, sub));
    } else if (Array.isArray(value)) {
      v.check(value.length > 0, at, value, 'expected at least one condition');
      value.forEach((c, i) => checkCondition(v, `${at}[${i}]`, c));
    } else if (isObject(value)) {
      checkEventPattern(v, at, value);
    } else {
      v.fail(at, value, 'expected a list of conditions or a nested pattern');
    }
  }
}

function checkCondition(v: Validator, at: string, c: unknown): void {
  if (isLiteral(c)) return;
  const keys = isObject(c) ? Object.keys(c) : [];
  const operator = keys[0];
  if (keys.length !== 1 || !(PATTERN_OPERATORS as readonly string[]).includes(operator)) {
    v.fail(at, c, `expected a string, number, boolean, null or one operator of ${PATTERN_OPERATORS.join(', ')}`);
    return;
  }
  const operand = (c as Record<string, unknown>)[operator];
  if (operator === 'numeric') {
    v.check(numericPairs(operand) !== undefined, at, c, 'expected numeric: [op, number] or [op, number, op, number] with op one of <, <=, =, >, >=');
  } else if (operator === 'exists') {
    v.check(typeof operand === 'boolean', at, c, 'expected exists: true or false');
  } else if (operator === 'cidr') {
    v.check(typeof operand === 'string' && parseIpv4Cidr(operand) !== undefined, at, c, 'expected cidr: an IPv4 CIDR block a.b.c.d/n');
  }
}

const COMPARE: Record<string, (a: number, b: number) => boolean> = {
  '<': (a, b) => a < b, '<=': (a, b) => a <= b, '=': (a, b) => a === b, '>': (a, b) => a > b, '>=': (a, b) => a >= b,
};

function numericPairs(operand: unknown): [string, number][] | undefined {
  if (!Array.isArray(operand) || (operand.length !== 2 && operand.length !== 4)) return undefined;
  const pairs: [string, number][] = [];
  for (let i = 0; i < operand.length; i += 2) {
    const [op, n] = [operand[i], operand[i + 1]];
    if (typeof op !== 'string' || !(op in COMPARE) || typeof n !== 'number') return undefined;
    pairs.push([op, n]);
  }
  return pairs;
}

/** Whether EventBridge delivers `event` to a rule with `pattern`. */
export function matchesEventPattern(pattern: EventPatternJson, event: Record<string, unknown>): boolean {
  return Object.entries(pattern).every(([key, expected]) => {
    if (key === '$or') return (expected as EventPatternJson[]).some((sub) => matchesEventPattern(sub, event));
    const present = Object.prototype.hasOwnProperty.call(event, key);
    const actual = event[key];
    if (isObject(expected)) return present && isObject(actual) && matchesEventPattern(expected, actual);
    return (expected as unknown[]).some((condition) => matchesCondition(condition, present, actual));
  });
}

function matchesCondition(condition: unknown, present: boolean, actual: unknown): boolean {
  if (isObject(condition) && 'exists' in condition) {
    // exists matches leaves only: an object is not a value that exists.
    const leaf = present && !isObject(actual) && !(Array.isArray(actual) && actual.length === 0);
    return condition.exists === leaf;
  }
  if (!present) return false;
  const values = Array.isArray(actual) ? actual : [actual];
  return values.some((value) => matchesValue(condition, value));
}

function matchesValue(condition: unknown, value: unknown): boolean {
  if (isLiteral(condition)) return condition === value;
  const [operator, operand] = Object.entries(condition as Record<string, unknown>)[0];
  switch (operator) {
    case 'prefix': return typeof value === 'string' && affixMatches(operand, value, (v, s) => v.startsWith(s));
    case 'suffix': return typeof value === 'string' && affixMatches(operand, value, (v, s) => v.endsWith(s));
    case 'equals-ignore-case': return typeof value === 'string' && typeof operand === 'string' && value.toLowerCase() === operand.toLowerCase();
    case 'wildcard': return typeof value === 'string' && typeof operand === 'string' && wildcard(operand).test(value);
    case 'numeric': return typeof value === 'number' && numericPairs(operand)!.every(([op, n]) => COMPARE[op](value, n));
    case 'cidr': return typeof value === 'string' && inCidr(value, operand as string);
    case 'anything-but': return anythingBut(operand, value);
    default: return false;
  }
}

/** A `prefix`/`suffix` operand: a string, or `{ 'equals-ignore-case': string }`. */
function affixMatches(operand: unknown, value: string, test: (v: string, s: string) => boolean): boolean {
  if (typeof operand === 'string') return test(value, operand);
  const ignoringCase = isObject(operand) ? operand['equals-ignore-case'] : undefined;
  return typeof ignoringCase === 'string' && test(value.toLowerCase(), ignoringCase.toLowerCase());
}

function anythingBut(operand: unknown, value: unknown): boolean {
  if (isObject(operand)) return !matchesValue(operand, value);
  const excluded = Array.isArray(operand) ? operand : [operand];
  return !excluded.some((x) => x === value);
}

function wildcard(operand: string): RegExp {
  const escaped = operand.split('*').map((part) => part.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*');
  return new RegExp(`^${escaped}$`);
}

function inCidr(value: string, cidr: string): boolean {
  const block = parseIpv4Cidr(cidr);
  const address = parseIpv4Cidr(`${value}/32`);
  if (!block || !address) return false;
  const size = 2 ** (32 - block.prefix);
  return address.address >= block.address && address.address < block.address + size;
}
