import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FanOut } from '../../lib/fan-out/fan-out';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testStack } from '../harness';

describe('FIFO mode', () => {
  const stack = testStack();
  new FanOut(stack, 'FanOut', {
    fifo: true,
    contentBasedDeduplication: true,
    subscribers: [
      { name: 'ledger', consumer: { timeout: Duration.seconds(10), batchSize: 5 } },
      { name: 'fraud', filterPolicy: { amount: [{ numeric: ['>=', 1000] }] } },
    ],
  });
  const template = Template.fromStack(stack);

  test('a FIFO topic with content-based deduplication', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { FifoTopic: true, ContentBasedDeduplication: true, KmsMasterKeyId: Match.anyValue() });
  });

  test('every queue, dead-letter queues included, is FIFO: standard and FIFO never mixed', () => {
    const queues = Object.values(resourcesOf(template, 'AWS::SQS::Queue'));
    expect(queues).toHaveLength(6);
    for (const q of queues) expect(q.Properties.FifoQueue).toBe(true);
    for (const q of queues.filter((x) => x.Properties.RedrivePolicy)) expect(q.Properties.ContentBasedDeduplication).toBe(true);
  });

  test('the numeric filter reaches SNS as written', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { FilterPolicy: { amount: [{ numeric: ['>=', 1000] }] } });
  });

  test('the consumer reads the FIFO queue in batches of 5, reporting failures per message', () => {
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: 5, FunctionResponseTypes: ['ReportBatchItemFailures'] });
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('options', () => {
  test('a filter on the message body is sent with the MessageBody scope', () => {
    const stack = testStack();
    new FanOut(stack, 'FanOut', { subscribers: [{ name: 'eu', filterPolicyScope: 'MessageBody', filterPolicy: { order: { region: [{ prefix: 'eu-' }] } } }] });
    Template.fromStack(stack).hasResourceProperties('AWS::SNS::Subscription', {
      FilterPolicyScope: 'MessageBody', FilterPolicy: { order: { region: [{ prefix: 'eu-' }] } },
    });
  });

  test('alarms go to a topic passed in, and no alarm topic is created', () => {
    const stack = testStack();
    const ops = new sns.Topic(stack, 'Ops');
    new FanOut(stack, 'FanOut', { alarmTopic: ops, subscribers: [{ name: 'a' }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 2);
    for (const alarm of Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) {
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Ops/) }]);
    }
  });

  test('reserved concurrency, when set, replaces the acknowledgement that concurrency is bounded elsewhere', () => {
    const stack = testStack();
    new FanOut(stack, 'FanOut', { subscribers: [{ name: 'a', consumer: { reservedConcurrency: 3 } }] });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Lambda::Function', { ReservedConcurrentExecutions: 3 });
    expect(formatFindings(nagFindings(stack))).toBe('');
    const fn = Object.values(resourcesOf(template, 'AWS::Lambda::Function'))[0];
    expect(JSON.stringify(fn.Metadata)).not.toContain('LambdaConcurrency');
  });

  test('custom retention, visibility and receive count reach the queue', () => {
    const stack = testStack();
    new FanOut(stack, 'FanOut', { subscribers: [{ name: 'a', retentionPeriod: Duration.days(1), visibilityTimeout: Duration.minutes(2), maxReceiveCount: 3 }] });
    Template.fromStack(stack).hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: 86400, VisibilityTimeout: 120, RedrivePolicy: Match.objectLike({ maxReceiveCount: 3 }),
    });
  });

  test('keeps queues and keys when nobody chose a removal policy', () => {
    const stack = testStack();
    new FanOut(stack, 'FanOut', { subscribers: [{ name: 'a' }] });
    const template = Template.fromStack(stack);
    for (const type of ['AWS::SQS::Queue', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(template, type))) expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  test('bad props throw before anything is built', () => {
    const stack = testStack();
    expect(() => new FanOut(stack, 'FanOut', { subscribers: [] })).toThrow(/^Invalid FanOut props:\n {2}- subscribers: got \[\]/);
  });
});
