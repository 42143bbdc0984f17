import { CfnParameter, Duration } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EventBusProps, EventRouteProps, validateEventBusProps } from '../../lib/streaming/event-bus-props';
import { EventStreamProps, validateEventStreamProps } from '../../lib/streaming/event-stream-props';
import { Streaming } from '../../lib/streaming/streaming';
import { problemsOf, testStack } from '../harness';

const streamProblems = (props: EventStreamProps) => problemsOf(validateEventStreamProps, props);
const route: EventRouteProps = { name: 'fulfilment', eventPattern: { source: ['app.orders'] } };
const busProblems = (props: Partial<EventBusProps>) => problemsOf(validateEventBusProps, { routes: [route], ...props });
const oneRoute = (r: Partial<EventRouteProps>) => busProblems({ routes: [{ ...route, ...r }] });

describe('EventStream props: bad input fails at synth with a clear message', () => {
  test('accepts the defaults and both stage profiles\' settings', () => {
    expect(streamProblems({})).toEqual([]);
    expect(streamProblems({ capacity: { mode: 'onDemand' }, retention: Duration.days(7), consumer: { maxRecordAge: Duration.hours(6) } })).toEqual([]);
    expect(streamProblems({ capacity: { mode: 'provisioned', shards: 1 }, delivery: { bufferingInterval: Duration.minutes(1), dataExpiration: Duration.days(30) } })).toEqual([]);
  });

  test('fails when the shard count is outside 1-500 or the mode is unknown', () => {
    expect(streamProblems({ capacity: { mode: 'provisioned', shards: 0 } })).toEqual(['capacity.shards: got 0; expected a whole number from 1 to 500']);
    expect(streamProblems({ capacity: { mode: 'serverless' } as never })).toEqual(['capacity.mode: got "serverless"; expected one of "provisioned", "onDemand"']);
  });

  test('fails when retention is outside 24 hours-365 days or not whole hours', () => {
    expect(streamProblems({ retention: Duration.hours(12) })).toEqual(['retention: got 43200; expected a whole number from 86400 to 31536000 seconds (24 hours to 365 days)']);
    expect(streamProblems({ retention: Duration.days(366) })).toHaveLength(1);
    expect(streamProblems({ retention: Duration.minutes(24 * 60 + 30) })).toEqual(['retention: got "88200 s"; expected whole hours']);
  });

  test('fails on consumer settings out of range', () => {
    expect(streamProblems({ consumer: { timeout: Duration.minutes(16), memorySize: 64, batchSize: 10001, retryAttempts: -1, parallelizationFactor: 11, maxIteratorAge: Duration.seconds(30) } })).toEqual([
      'consumer.timeout: got 960; expected a whole number from 1 to 900 seconds',
      'consumer.memorySize: got 64; expected a whole number from 128 to 10240 MB',
      'consumer.batchSize: got 10001; expected a whole number from 1 to 10000',
      'consumer.retryAttempts: got -1; expected a whole number from 0 to 10000',
      'consumer.parallelizationFactor: got 11; expected a whole number from 1 to 10',
      'consumer.maxIteratorAge: got 30; expected a whole number from 60 to 604800 seconds',
    ]);
  });

  test('fails when records may be given up on only after the stream has dropped them', () => {
    expect(streamProblems({ consumer: { maxRecordAge: Duration.hours(25) } })).toEqual([
      'consumer.maxRecordAge: got "90000 s"; must not exceed the stream\'s retention (86400 s): older records are gone before Lambda gives up on them']);
    expect(streamProblems({ retention: Duration.hours(48), consumer: { maxRecordAge: Duration.hours(25) } })).toEqual([]);
    expect(streamProblems({ consumer: { maxRecordAge: Duration.seconds(59) } })).toEqual(['consumer.maxRecordAge: got 59; expected a whole number from 60 to 604800 seconds (60 s to 7 days)']);
  });

  test('fails on delivery settings out of range', () => {
    expect(streamProblems({ delivery: { bufferingInterval: Duration.minutes(16), bufferingSizeMiB: 129, dataExpiration: Duration.days(3651), bytesScannedCutoffPerQuery: 1000 } })).toEqual([
      'delivery.bufferingInterval: got 960; expected a whole number from 0 to 900 seconds',
      'delivery.bufferingSizeMiB: got 129; expected a whole number from 1 to 128 MiB',
      'delivery.dataExpiration: got 3651; expected a whole number from 1 to 3650 days',
      'delivery.bytesScannedCutoffPerQuery: got 1000; expected a whole number of bytes, at least 10485760 (10 MB)',
    ]);
    expect(streamProblems({ delivery: { dataExpiration: Duration.hours(36) } })).toEqual(['delivery.dataExpiration: got 1.5; expected a whole number from 1 to 3650 days']);
  });

  test('fails on malformed Glue columns', () => {
    expect(streamProblems({ delivery: { columns: {} } })).toEqual(['delivery.columns: got {}; expected at least one column']);
    expect(streamProblems({ delivery: { columns: { '1st': 'string', 'total': 'money' } } })).toEqual([
      'delivery.columns.1st: got "1st"; expected a column name of letters, digits and "_", not starting with a digit',
      'delivery.columns.total: got "money"; expected a Hive type such as string, int, bigint, double, boolean, timestamp, decimal(p,s), array<...>, map<...> or struct<...>',
    ]);
    expect(streamProblems({ delivery: { columns: { amount: 'decimal(10,2)', tags: 'array<string>' } } })).toEqual([]);
  });

  test('fails on a malformed alarm e-mail, or one with a topic passed in; a token is not checked', () => {
    expect(streamProblems({ alarmEmail: 'ops' })).toEqual(['alarmEmail: got "ops"; expected an e-mail address']);
    const stack = testStack();
    expect(streamProblems({ alarmEmail: 'ops@example.com', alarmTopic: new sns.Topic(stack, 'T') })).toEqual([
      'alarmEmail: got "ops@example.com"; subscribe the address to the alarmTopic you pass in, or leave alarmTopic out']);
    expect(streamProblems({ alarmEmail: new CfnParameter(stack, 'Email').valueAsString })).toEqual([]);
  });

  test('durations and counts that are tokens are skipped; what is known is still checked', () => {
    const n = new CfnParameter(testStack(), 'N', { type: 'Number' }).valueAsNumber;
    expect(streamProblems({ retention: Duration.hours(n), capacity: { mode: 'provisioned', shards: n }, consumer: { batchSize: n, memorySize: 64 } }))
      .toEqual(['consumer.memorySize: got 64; expected a whole number from 128 to 10240 MB']);
  });
});

describe('EventBus props: bad input fails at synth with a clear message', () => {
  test('accepts the defaults', () => {
    expect(busProblems({})).toEqual([]);
  });

  test('fails when there are no routes', () => {
    expect(busProblems({ routes: [] })).toEqual(['routes: got []; expected at least one route']);
  });

  test('fails on duplicate (case-insensitive) or malformed route names', () => {
    expect(busProblems({ routes: [route, { ...route, name: 'Fulfil-ment' }] })).toEqual([
      'routes[1].name: got "Fulfil-ment"; expected a name no other route has, ignoring case, "-" and "_"']);
    expect(oneRoute({ name: 'ful filment' })).toEqual(['routes[0].name: got "ful filment"; expected 1 to 40 letters, digits, "-" or "_"']);
  });

  test('fails on a malformed pattern, naming the route and the field', () => {
    expect(oneRoute({ eventPattern: {} })).toEqual(['routes[0].eventPattern: got {}; expected a non-empty event pattern, e.g. { source: [\'app.orders\'] }']);
    expect(oneRoute({ eventPattern: { detailType: [] } })).toEqual(['routes[0].eventPattern.detail-type: got []; expected at least one condition']);
    expect(oneRoute({ eventPattern: { detail: { total: [{ numeric: ['>='] }] } } })).toHaveLength(1);
  });

  test('fails on retries, event age or receives out of range', () => {
    expect(oneRoute({ retryAttempts: 186, maxEventAge: Duration.seconds(59), maxReceiveCount: 0 })).toEqual([
      'routes[0].retryAttempts: got 186; expected a whole number from 0 to 185',
      'routes[0].maxEventAge: got 59; expected a whole number from 60 to 86400 seconds',
      'routes[0].maxReceiveCount: got 0; expected a whole number from 1 to 1000',
    ]);
  });

  test('fails on a malformed organization id', () => {
    expect(busProblems({ organizationId: '123456789012' })).toEqual(['organizationId: got "123456789012"; expected an AWS Organizations id such as "o-a1b2c3d4e5"']);
    expect(busProblems({ organizationId: 'o-a1b2c3d4e5' })).toEqual([]);
  });

  test('fails when the archive retention is not whole days up to 3650', () => {
    expect(busProblems({ archiveRetention: Duration.hours(36) })).toEqual(['archiveRetention: got "129600 s"; expected whole days from 0 (indefinitely) to 3650']);
    expect(busProblems({ archiveRetention: Duration.days(3651) })).toHaveLength(1);
    expect(busProblems({ archiveRetention: Duration.days(0) })).toEqual([]);
  });

  test('fails on a malformed alarm e-mail', () => {
    expect(busProblems({ alarmEmail: 'ops@' })).toEqual(['alarmEmail: got "ops@"; expected an e-mail address']);
  });
});

describe('Streaming props', () => {
  test('fails on a malformed alarm e-mail before building anything', () => {
    expect(() => new Streaming(testStack(), 'S', { bus: { routes: [route] }, alarmEmail: 'nope' })).toThrow('alarmEmail: got "nope"; expected an e-mail address');
  });
});
