import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as kms from 'aws-cdk-lib/aws-kms';
import { FanOutProps, SubscriberProps, validateFanOutProps, visibilityTimeoutOf } from '../../lib/fan-out/fan-out-props';
import { problemsOf as problemsFor, testStack } from '../harness';

const problemsOf = (props: Partial<FanOutProps>) => problemsFor(validateFanOutProps, { subscribers: [{ name: 'billing' }], ...props });
const one = (s: Partial<SubscriberProps>) => problemsOf({ subscribers: [{ name: 'billing', ...s }] });

describe('FanOut props: bad input fails at synth with a clear message', () => {
  test('accepts the sandbox example', () => {
    expect(problemsOf({})).toEqual([]);
  });

  test('fails when there are no subscribers', () => {
    expect(problemsOf({ subscribers: [] })).toEqual(['subscribers: got []; expected at least one subscriber queue']);
  });

  test('fails on duplicate (case-insensitive) or malformed subscriber names', () => {
    expect(problemsOf({ subscribers: [{ name: 'billing' }, { name: 'Billing' }] }))
      .toEqual(['subscribers[1].name: got "Billing"; expected a name no other subscriber has, ignoring case, "-" and "_"']);
    expect(problemsOf({ subscribers: [{ name: 'bill ing' }] }))
      .toEqual(['subscribers[0].name: got "bill ing"; expected 1 to 40 letters, digits, "-" or "_"']);
  });

  test('fails on an empty filter policy', () => {
    expect(one({ filterPolicy: {} })).toEqual(['subscribers[0].filterPolicy: got {}; expected a non-empty object of attribute names to lists of conditions']);
  });

  test('fails on malformed filter policies', () => {
    expect(one({ filterPolicy: { eventType: 'OrderPlaced' as never } }))
      .toEqual(['subscribers[0].filterPolicy.eventType: got "OrderPlaced"; expected a list of conditions']);
    expect(one({ filterPolicy: { eventType: [] } }))
      .toEqual(['subscribers[0].filterPolicy.eventType: got []; expected at least one condition']);
    expect(one({ filterPolicy: { total: [{ bigger: 100 }] } })).toEqual([
      'subscribers[0].filterPolicy.total[0]: got {"bigger":100}; expected a string, number, boolean, null or one operator of prefix, suffix, anything-but, numeric, exists, cidr, equals-ignore-case, wildcard']);
    expect(one({ filterPolicy: { order: { region: ['eu'] } } }))
      .toEqual(['subscribers[0].filterPolicy.order: got {"region":["eu"]}; expected a list of conditions']);
  });

  test('accepts nested policies on the message body and operators anywhere', () => {
    expect(one({ filterPolicyScope: 'MessageBody', filterPolicy: { order: { region: [{ prefix: 'eu-' }] }, total: [{ numeric: ['>', 0] }] } })).toEqual([]);
  });

  test.each([0, 1001, 2.5])('fails when maxReceiveCount is outside 1-1000: %s', (maxReceiveCount) => {
    expect(one({ maxReceiveCount })).toEqual([`subscribers[0].maxReceiveCount: got ${maxReceiveCount}; expected a whole number from 1 to 1000`]);
  });

  test('fails when the visibility timeout is outside 0-43200 s', () => {
    expect(one({ visibilityTimeout: Duration.hours(13) }))
      .toEqual(['subscribers[0].visibilityTimeout: got 46800; expected a whole number from 0 to 43200 seconds']);
    expect(one({ visibilityTimeout: Duration.seconds(0) })).toEqual([]);
  });

  test('fails when retention is outside 60 s-14 days', () => {
    expect(one({ retentionPeriod: Duration.seconds(59) }))
      .toEqual(['subscribers[0].retentionPeriod: got 59; expected a whole number from 60 to 1209600 seconds (60 s to 14 days)']);
    expect(one({ retentionPeriod: Duration.days(15) }))
      .toEqual(['subscribers[0].retentionPeriod: got 1296000; expected a whole number from 60 to 1209600 seconds (60 s to 14 days)']);
  });

  test('fails when FIFO and standard are mixed', () => {
    expect(problemsOf({ fifo: true, subscribers: [{ name: 'a' }, { name: 'b', fifo: false }] }))
      .toEqual(['subscribers[1].fifo: got false; the topic is FIFO (fifo: true); SNS FIFO topics deliver only to FIFO queues']);
    expect(problemsOf({ subscribers: [{ name: 'a', fifo: true }] }))
      .toEqual(['subscribers[0].fifo: got true; the topic is standard (fifo: false); SNS standard topics deliver only to standard queues']);
    expect(problemsOf({ contentBasedDeduplication: true }))
      .toEqual(['contentBasedDeduplication: got true; applies to FIFO only; set fifo: true or leave it out']);
  });

  test('fails when a consumer timeout breaks the six-times visibility rule', () => {
    expect(one({ visibilityTimeout: Duration.seconds(60), consumer: { timeout: Duration.seconds(30) } })).toEqual([
      'subscribers[0].consumer.timeout: got "30 s"; the queue\'s visibility timeout (60 s) must be at least six times the consumer\'s timeout (180 s), or messages are redelivered while still being processed']);
    expect(one({ visibilityTimeout: Duration.seconds(180), consumer: { timeout: Duration.seconds(30) } })).toEqual([]);
  });

  test('the visibility timeout defaults to six times the consumer timeout', () => {
    expect(visibilityTimeoutOf({ name: 'a', consumer: { timeout: Duration.seconds(20) } }).toSeconds()).toBe(120);
    expect(visibilityTimeoutOf({ name: 'a', consumer: {} }).toSeconds()).toBe(180);
    expect(visibilityTimeoutOf({ name: 'a' }).toSeconds()).toBe(30);
  });

  test('fails on consumer settings out of range', () => {
    expect(one({ consumer: { memorySize: 64, batchSize: 11, maxConcurrency: 1, timeout: Duration.minutes(16) } })).toEqual([
      'subscribers[0].consumer.timeout: got 960; expected a whole number from 1 to 900 seconds',
      'subscribers[0].consumer.memorySize: got 64; expected a whole number from 128 to 10240 MB',
      'subscribers[0].consumer.batchSize: got 11; expected a whole number from 1 to 10',
      'subscribers[0].consumer.maxConcurrency: got 1; expected a whole number from 2 to 1000',
    ]);
  });

  test('fails on a malformed alarm e-mail, or one with a topic passed in', () => {
    expect(problemsOf({ alarmEmail: 'ops' })).toEqual(['alarmEmail: got "ops"; expected an e-mail address']);
  });

  test('an alarm e-mail that is a token (a parameter) is not checked at synth', () => {
    const email = new CfnParameter(testStack(), 'Email').valueAsString;
    expect(problemsOf({ alarmEmail: email })).toEqual([]);
  });

  test('durations and counts that are tokens are skipped; what is known is still checked', () => {
    const n = new CfnParameter(testStack(), 'N', { type: 'Number' }).valueAsNumber;
    expect(one({ maxReceiveCount: n, retentionPeriod: Duration.seconds(n), visibilityTimeout: Duration.seconds(n), consumer: { batchSize: n, memorySize: 64 } }))
      .toEqual(['subscribers[0].consumer.memorySize: got 64; expected a whole number from 128 to 10240 MB']);
  });

  test('fails when the topic and queues share one key', () => {
    const key = new kms.Key(testStack(), 'Key');
    expect(problemsOf({ topicKey: key, queueKey: key })[0]).toMatch(/^queueKey: got "the topicKey"; expected a key other than topicKey/);
  });
});
