import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FanOut } from '../../lib/fan-out/fan-out';
import { SubscriberQueue } from '../../lib/fan-out/subscriber-queue';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testStack } from '../harness';
import { collidingNames } from '../template-rules';

/** One standard subscriber with the defaults, built once for the tests that only read it. */
let plain: { stack: Stack; template: Template } | undefined;
function oneSubscriber() {
  if (!plain) {
    const stack = testStack();
    new FanOut(stack, 'FanOut', { subscribers: [{ name: 'a' }] });
    plain = { stack, template: Template.fromStack(stack) };
  }
  return plain;
}

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

  test('the FIFO topic\'s name (which must end in .fifo) is built from the stack name at deploy, not a literal', () => {
    const [topic] = Object.values(resourcesOf(template, 'AWS::SNS::Topic')).filter((t) => t.Properties.FifoTopic);
    expect(topic.Properties.TopicName).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, expect.stringMatching(/^-UnitTestFanOut[0-9A-F]{8}\.fifo$/)]] });
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
    const { template } = oneSubscriber();
    for (const type of ['AWS::SQS::Queue', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(template, type))) expect(r.DeletionPolicy).toBe('Retain');
    }
  });

  test('bad props throw before anything is built', () => {
    const stack = testStack();
    expect(() => new FanOut(stack, 'FanOut', { subscribers: [] })).toThrow(/^Invalid FanOut props:\n {2}- subscribers: got \[\]/);
  });
});

describe('subscribers added after construction', () => {
  const late = { name: 'late-orders', filterPolicy: { eventType: ['OrderPlaced'] }, consumer: { timeout: Duration.seconds(10) } };
  // The fan-out with 'late-orders' added after construction, built once for the two tests that read it.
  let lateAdded: { stack: Stack; fanOut: FanOut; queue: SubscriberQueue; template: Template } | undefined;
  const withLateAdded = () => {
    if (!lateAdded) {
      const stack = testStack();
      const fanOut = new FanOut(stack, 'FanOut', { subscribers: [{ name: 'audit' }] });
      const queue = fanOut.addSubscriber(late);
      lateAdded = { stack, fanOut, queue, template: Template.fromStack(stack) };
    }
    return lateAdded;
  };

  test('an added subscriber is built exactly as one given in the props: DLQs, alarms, key grants, filter policy', () => {
    const inProps = testStack();
    new FanOut(inProps, 'FanOut', { subscribers: [{ name: 'audit' }, late] });
    const { fanOut, queue, template } = withLateAdded();
    expect(fanOut.subscribers['late-orders']).toBe(queue);
    expect(template.toJSON()).toEqual(Template.fromStack(inProps).toJSON());
  });

  test('the added queue has its own dead-letter queues and alarms on the shared alarm topic, and passes the five packs', () => {
    const { stack, template } = withLateAdded();
    template.hasResourceProperties('AWS::SQS::Queue', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanOutQueueKey'), 'Arn'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanOutLateOrdersDeadLetterQueue'), 'Arn'] }, maxReceiveCount: 5 },
    });
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanOutLateOrdersQueue'), 'Arn'] },
      FilterPolicy: { eventType: ['OrderPlaced'] },
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanOutLateOrdersDeliveryDeadLetterQueue'), 'Arn'] } },
    });
    const lateAlarms = Object.entries(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('FanOutLateOrders'));
    expect(lateAlarms.map(([, a]) => a.Properties.AlarmActions)).toEqual(Array(4).fill([{ Ref: expect.stringMatching(/^FanOutAlarmsTopic/) }]));
    // The consumer may decrypt with the queue key: its role is granted it.
    const policies = JSON.stringify(resourcesOf(template, 'AWS::IAM::ManagedPolicy'));
    expect(policies).toMatch(/kms:Decrypt.*FanOutQueueKey/);
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('fails, naming the problem, on a name already taken or a FIFO/standard mix', () => {
    const fanOut = new FanOut(testStack(), 'FanOut', { subscribers: [{ name: 'audit' }] });
    expect(() => fanOut.addSubscriber({ name: 'Audit' })).toThrow('Invalid FanOut subscriber:\n  - subscriber.name: got "Audit"; expected a name no other subscriber has, ignoring case, "-" and "_"');
    expect(() => fanOut.addSubscriber({ name: 'x', fifo: true })).toThrow('subscriber.fifo: got true; the topic is standard');
    expect(Object.keys(fanOut.subscribers)).toEqual(['audit']);
  });

  test('names that would make the same construct id collide', () => {
    const fanOut = new FanOut(testStack(), 'FanOut', { subscribers: [{ name: 'order-events' }] });
    expect(() => fanOut.addSubscriber({ name: 'order_events' })).toThrow('expected a name no other subscriber has, ignoring case, "-" and "_"');
  });
});

describe('reuse', () => {
  test('two fan-outs in one stack: nothing shared, nothing colliding, no findings', () => {
    const stack = testStack();
    new FanOut(stack, 'Orders', { subscribers: [{ name: 'billing', consumer: {} }], alarmEmail: 'ops@example.com' });
    new FanOut(stack, 'Payments', { subscribers: [{ name: 'billing', consumer: {} }], alarmEmail: 'ops@example.com' });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::SNS::Topic', 4);
    template.resourceCountIs('AWS::KMS::Key', 4);
    template.resourceCountIs('AWS::Lambda::Function', 2);
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('imported keys (IKey) encrypt the topic and queues, and synth warns which grants they must hold', () => {
    const stack = testStack();
    const topicKey = kms.Key.fromKeyArn(stack, 'TopicKey', 'arn:aws:kms:eu-west-1:111122223333:key/11111111-1111-1111-1111-111111111111');
    const queueKey = kms.Key.fromKeyArn(stack, 'QueueKey', 'arn:aws:kms:eu-west-1:111122223333:key/22222222-2222-2222-2222-222222222222');
    new FanOut(stack, 'FanOut', { topicKey, queueKey, subscribers: [{ name: 'a', consumer: {} }] });
    const template = Template.fromStack(stack);
    template.resourceCountIs('AWS::KMS::Key', 0);
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: Match.absent(), KmsMasterKeyId: topicKey.keyArn });
    for (const q of Object.values(resourcesOf(template, 'AWS::SQS::Queue'))) expect(q.Properties.KmsMasterKeyId).toBe(queueKey.keyArn);
    // Synth prints the warnings as a validation report; they are asserted below instead.
    const report = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const annotations = Annotations.fromStack(stack);
    report.mockRestore();
    annotations.hasWarning('/Unit/Test/FanOut', Match.stringLikeRegexp('topicKey is imported: .*cloudwatch.amazonaws.com'));
    annotations.hasWarning('/Unit/Test/FanOut', Match.stringLikeRegexp('queueKey is imported: .*sns.amazonaws.com'));
  });

  test('keys of the app raise no warning', () => {
    Annotations.fromStack(oneSubscriber().stack).hasNoWarning('*', Match.stringLikeRegexp('is imported'));
  });

  test('tokens (CloudFormation parameters) are accepted and passed through, unchecked at synth', () => {
    const stack = testStack();
    const number = (id: string) => new CfnParameter(stack, id, { type: 'Number' }).valueAsNumber;
    const email = new CfnParameter(stack, 'AlarmEmail').valueAsString;
    new FanOut(stack, 'FanOut', {
      alarmEmail: email,
      subscribers: [{
        name: 'a',
        maxReceiveCount: number('MaxReceives'),
        retentionPeriod: Duration.seconds(number('Retention')),
        visibilityTimeout: Duration.seconds(number('Visibility')),
        maxMessageAge: Duration.seconds(number('MaxAge')),
        consumer: { timeout: Duration.seconds(number('Timeout')), memorySize: number('Memory'), batchSize: number('Batch'), maxConcurrency: number('Concurrency') },
      }],
    });
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
    template.hasResourceProperties('AWS::SQS::Queue', {
      MessageRetentionPeriod: { Ref: 'Retention' }, VisibilityTimeout: { Ref: 'Visibility' },
      RedrivePolicy: Match.objectLike({ maxReceiveCount: { Ref: 'MaxReceives' } }),
    });
    template.hasResourceProperties('AWS::Lambda::Function', { Timeout: { Ref: 'Timeout' }, MemorySize: { Ref: 'Memory' } });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', { BatchSize: { Ref: 'Batch' }, ScalingConfig: { MaximumConcurrency: { Ref: 'Concurrency' } } });
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'ApproximateAgeOfOldestMessage', Threshold: { Ref: 'MaxAge' } });
  });

  test('a consumer timeout known only at deploy needs an explicit visibility timeout', () => {
    const stack = testStack();
    const timeout = Duration.seconds(new CfnParameter(stack, 'Timeout', { type: 'Number' }).valueAsNumber);
    expect(() => new FanOut(stack, 'FanOut', { subscribers: [{ name: 'a', consumer: { timeout } }] }))
      .toThrow('subscribers[0].consumer.timeout: got "a token"; a consumer timeout known only at deploy needs an explicit visibilityTimeout');
  });

  test('no literal physical names: two stages in one region, or one in two regions, cannot collide', () => {
    const stack = testStack();
    new FanOut(stack, 'FanOut', { fifo: true, alarmEmail: 'ops@example.com', subscribers: [{ name: 'a', consumer: {} }] });
    expect(collidingNames(Template.fromStack(stack).toJSON())).toEqual([]);
  });
});
