import { checkEventPattern, matchesEventPattern, renderEventPattern } from '../../lib/streaming/event-pattern';
import { Validator } from '../../lib/shared/validation';
import { problemsOf } from '../harness';

// EventBridge's matching rules, each with the user guide's own kind of example
// ("Content filtering in Amazon EventBridge event patterns"), so a mistake in
// the matcher shows as a wrong routing decision here, not in production.
const matches = (pattern: Record<string, unknown>, event: Record<string, unknown>) => matchesEventPattern(pattern, event);

describe('matchesEventPattern', () => {
  test('a leaf lists values of which one must equal the field; every field of the pattern must match', () => {
    const pattern = { 'source': ['aws.ec2'], 'detail-type': ['EC2 Instance State-change Notification'], 'detail': { state: ['running', 'stopped'] } };
    const event = { 'source': 'aws.ec2', 'detail-type': 'EC2 Instance State-change Notification', 'detail': { state: 'running' } };
    expect(matches(pattern, event)).toBe(true);
    expect(matches(pattern, { ...event, detail: { state: 'pending' } })).toBe(false);
    expect(matches(pattern, { ...event, source: 'aws.s3' })).toBe(false);
    // Fields the pattern does not name are ignored.
    expect(matches({ source: ['aws.ec2'] }, event)).toBe(true);
  });

  test('values match exactly: case, type and absence all count', () => {
    expect(matches({ detail: { n: [5] } }, { detail: { n: 5 } })).toBe(true);
    expect(matches({ detail: { n: [5] } }, { detail: { n: '5' } })).toBe(false);
    expect(matches({ detail: { s: ['Running'] } }, { detail: { s: 'running' } })).toBe(false);
    expect(matches({ detail: { s: [null] } }, { detail: { s: null } })).toBe(true);
    expect(matches({ detail: { s: [null] } }, { detail: {} })).toBe(false);
    expect(matches({ detail: { b: [true] } }, { detail: { b: true } })).toBe(true);
    expect(matches({ detail: { s: ['x'] } }, { detail: {} })).toBe(false);
    expect(matches({ detail: { s: ['x'] } }, {})).toBe(false);
  });

  test('an array in the event matches when any of its elements does', () => {
    const pattern = { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] };
    expect(matches(pattern, { resources: ['arn:aws:ec2:us-east-1:123456789012:instance/i-0', 'arn:aws:ec2:us-east-1:123456789012:instance/i-b188560f'] })).toBe(true);
    expect(matches(pattern, { resources: [] })).toBe(false);
  });

  test('prefix and suffix, also ignoring case', () => {
    expect(matches({ region: [{ prefix: 'ca-' }] }, { region: 'ca-central-1' })).toBe(true);
    expect(matches({ region: [{ prefix: 'ca-' }] }, { region: 'us-east-1' })).toBe(false);
    expect(matches({ detail: { key: [{ suffix: '.png' }] } }, { detail: { key: 'a/b.png' } })).toBe(true);
    expect(matches({ detail: { key: [{ suffix: '.png' }] } }, { detail: { key: 'a/b.PNG' } })).toBe(false);
    expect(matches({ detail: { key: [{ suffix: { 'equals-ignore-case': '.png' } }] } }, { detail: { key: 'a/b.PNG' } })).toBe(true);
    expect(matches({ detail: { key: [{ prefix: { 'equals-ignore-case': 'EU-' } }] } }, { detail: { key: 'eu-west-1' } })).toBe(true);
    expect(matches({ source: [{ prefix: '' }] }, { source: 'anything' })).toBe(true);
    expect(matches({ detail: { n: [{ prefix: '1' }] } }, { detail: { n: 12 } })).toBe(false);
  });

  test('anything-but: a value, a list, or a prefix; a missing field does not match', () => {
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'running' } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: { state: 'initializing' } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': ['stopped', 'overloaded'] }] } }, { detail: { state: 'stopped' } })).toBe(false);
    expect(matches({ detail: { n: [{ 'anything-but': [100, 200] }] } }, { detail: { n: 300 } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'initializing' } })).toBe(false);
    expect(matches({ detail: { state: [{ 'anything-but': { prefix: 'init' } }] } }, { detail: { state: 'running' } })).toBe(true);
    expect(matches({ detail: { state: [{ 'anything-but': 'initializing' }] } }, { detail: {} })).toBe(false);
  });

  test('numeric ranges, on numbers only', () => {
    const range = { detail: { c: [{ numeric: ['>', 0, '<=', 5] }] } };
    expect(matches(range, { detail: { c: 5 } })).toBe(true);
    expect(matches(range, { detail: { c: 0 } })).toBe(false);
    expect(matches(range, { detail: { c: 5.01 } })).toBe(false);
    expect(matches(range, { detail: { c: '3' } })).toBe(false);
    expect(matches({ detail: { c: [{ numeric: ['=', 3.0e2] }] } }, { detail: { c: 300 } })).toBe(true);
    expect(matches({ detail: { c: [{ numeric: ['<', 10] }] } }, { detail: { c: -3 } })).toBe(true);
  });

  test('exists: true for a present leaf (null included), false for an absent field; an object is no leaf', () => {
    expect(matches({ detail: { c: [{ exists: true }] } }, { detail: { c: 'x' } })).toBe(true);
    expect(matches({ detail: { c: [{ exists: true }] } }, { detail: { c: null } })).toBe(true);
    expect(matches({ detail: { c: [{ exists: true }] } }, { detail: {} })).toBe(false);
    expect(matches({ detail: { c: [{ exists: false }] } }, { detail: {} })).toBe(true);
    expect(matches({ detail: { c: [{ exists: false }] } }, { detail: { c: 1 } })).toBe(false);
    expect(matches({ detail: { c: [{ exists: true }] } }, { detail: { c: { nested: 1 } } })).toBe(false);
    // The replay exclusion of the docs page: replayed events carry replay-name.
    expect(matches({ 'replay-name': [{ exists: false }] }, { source: 'x' })).toBe(true);
    expect(matches({ 'replay-name': [{ exists: false }] }, { 'source': 'x', 'replay-name': 'r1' })).toBe(false);
  });

  test('equals-ignore-case, wildcard and cidr', () => {
    expect(matches({ detail: { s: [{ 'equals-ignore-case': 'AlIcE' }] } }, { detail: { s: 'alice' } })).toBe(true);
    expect(matches({ detail: { k: [{ wildcard: 'dir/*.png' }] } }, { detail: { k: 'dir/a/b.png' } })).toBe(true);
    expect(matches({ detail: { k: [{ wildcard: 'dir/*.png' }] } }, { detail: { k: 'dir/a.png.bak' } })).toBe(false);
    expect(matches({ detail: { k: [{ wildcard: 'a.b' }] } }, { detail: { k: 'axb' } })).toBe(false);
    expect(matches({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { detail: { ip: '10.0.0.255' } })).toBe(true);
    expect(matches({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { detail: { ip: '10.0.1.0' } })).toBe(false);
    expect(matches({ detail: { ip: [{ cidr: '10.0.0.0/24' }] } }, { detail: { ip: 'not an ip' } })).toBe(false);
  });

  test('$or admits the event when any of its sub-patterns does, together with the other fields', () => {
    const pattern = { source: ['app.orders'], detail: { $or: [{ total: [{ numeric: ['>=', 1000] }] }, { priority: ['high'] }] } };
    expect(matches(pattern, { source: 'app.orders', detail: { total: 1500 } })).toBe(true);
    expect(matches(pattern, { source: 'app.orders', detail: { total: 10, priority: 'high' } })).toBe(true);
    expect(matches(pattern, { source: 'app.orders', detail: { total: 10 } })).toBe(false);
    expect(matches(pattern, { source: 'app.other', detail: { total: 1500 } })).toBe(false);
  });

  test('a nested pattern needs an object in the event', () => {
    expect(matches({ detail: { a: { b: ['x'] } } }, { detail: { a: { b: 'x' } } })).toBe(true);
    expect(matches({ detail: { a: { b: ['x'] } } }, { detail: { a: 'x' } })).toBe(false);
  });
});

describe('renderEventPattern', () => {
  test('writes CDK\'s typed pattern as EventBridge reads it', () => {
    expect(renderEventPattern({ source: ['app.orders'], detailType: ['OrderPlaced'], detail: { total: [{ numeric: ['>', 0] }] } }))
      .toEqual({ 'source': ['app.orders'], 'detail-type': ['OrderPlaced'], 'detail': { total: [{ numeric: ['>', 0] }] } });
  });
});

describe('checkEventPattern: a malformed pattern fails at synth, naming where', () => {
  const problems = (pattern: unknown) => problemsOf((p: unknown) => {
    const v = new Validator('pattern');
    checkEventPattern(v, 'eventPattern', p);
    v.throwIfInvalid();
  }, pattern);

  test('accepts the stage\'s patterns and every operator', () => {
    expect(problems({ 'source': ['app.orders'], 'detail-type': ['OrderPlaced'], 'detail': { total: [{ numeric: ['>=', 1000] }] } })).toEqual([]);
    expect(problems({ detail: { a: [{ prefix: 'x' }, { suffix: 'y' }, { 'anything-but': ['z'] }, { exists: true }, { 'equals-ignore-case': 'q' }, { wildcard: 'a*' }, { cidr: '10.0.0.0/8' }, null, 1, true] } })).toEqual([]);
  });

  test('fails when the pattern is empty', () => {
    expect(problems({})).toEqual(['eventPattern: got {}; expected a non-empty event pattern, e.g. { source: [\'app.orders\'] }']);
  });

  test('fails when a field is not a list or a nested pattern, or its list is empty', () => {
    expect(problems({ source: 'app.orders' })).toEqual(['eventPattern.source: got "app.orders"; expected a list of conditions or a nested pattern']);
    expect(problems({ source: [] })).toEqual(['eventPattern.source: got []; expected at least one condition']);
    expect(problems({ detail: {} })).toEqual(['eventPattern.detail: got {}; expected a non-empty event pattern, e.g. { source: [\'app.orders\'] }']);
  });

  test('fails on an unknown operator or a malformed operand', () => {
    expect(problems({ detail: { total: [{ bigger: 1 }] } })).toEqual([
      'eventPattern.detail.total[0]: got {"bigger":1}; expected a string, number, boolean, null or one operator of prefix, suffix, anything-but, numeric, exists, equals-ignore-case, wildcard, cidr']);
    expect(problems({ detail: { total: [{ numeric: ['>>', 1] }] } })).toEqual([
      'eventPattern.detail.total[0]: got {"numeric":[">>",1]}; expected numeric: [op, number] or [op, number, op, number] with op one of <, <=, =, >, >=']);
    expect(problems({ detail: { total: [{ numeric: ['>', '1'] }] } })).toHaveLength(1);
    expect(problems({ detail: { c: [{ exists: 'yes' }] } })).toEqual(['eventPattern.detail.c[0]: got {"exists":"yes"}; expected exists: true or false']);
    expect(problems({ detail: { ip: [{ cidr: '10.0.0.1/8' }] } })).toEqual(['eventPattern.detail.ip[0]: got {"cidr":"10.0.0.1/8"}; expected cidr: an IPv4 CIDR block a.b.c.d/n']);
  });

  test('fails when $or has fewer than two sub-patterns, and checks each', () => {
    expect(problems({ detail: { $or: [{ a: ['x'] }] } })).toEqual(['eventPattern.detail.$or: got [{"a":["x"]}]; expected a list of at least two sub-patterns']);
    expect(problems({ detail: { $or: [{ a: ['x'] }, { b: [] }] } })).toEqual(['eventPattern.detail.$or[1].b: got []; expected at least one condition']);
  });
});
