import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, nagFindings, normalised, referenceStage, resourcesOf } from '../harness';
import { literalPhysicalNames } from '../physical-names';

const sandbox = referenceStage('Sandbox');
const production = referenceStage('Production', { alarmEmail: 'ops@example.com' });
const sandboxTemplate = Template.fromStack(sandbox.fanOut);
const productionTemplate = Template.fromStack(production.fanOut);

const queues = (template: Template) => resourcesOf(template, 'AWS::SQS::Queue');
const idOf = (template: Template, pattern: RegExp) => Object.keys(queues(template)).find((id) => pattern.test(id))!;

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('FanOut stack, %s profile', (_n, template) => {
  test('one KMS-encrypted, TLS-only topic to publish to', () => {
    template.hasResourceProperties('AWS::SNS::Topic', {
      KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('FanOutTopicKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      Topics: [{ Ref: Match.stringLikeRegexp('^FanOutTopic[0-9A-F]+$') }],
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Effect: 'Deny', Action: 'sns:Publish', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]) },
    });
  });

  test('three subscribers, each with a queue, a consumer DLQ and a delivery DLQ', () => {
    expect(Object.keys(queues(template)).filter((id) => !id.includes('Alarms'))).toHaveLength(9);
    template.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'sqs' }, 3);
  });

  test('every queue: KMS-encrypted with the queue key, TLS enforced, long polling', () => {
    for (const [id, queue] of Object.entries(queues(template)).filter(([qid]) => !qid.includes('Alarms'))) {
      expect([id, queue.Properties.KmsMasterKeyId]).toEqual([id, { 'Fn::GetAtt': [expect.stringMatching(/FanOutQueueKey/), 'Arn'] }]);
      expect([id, queue.Properties.ReceiveMessageWaitTimeSeconds]).toEqual([id, 20]);
    }
    const policies = Object.values(resourcesOf(template, 'AWS::SQS::QueuePolicy'));
    expect(policies.length).toBeGreaterThanOrEqual(9);
    for (const policy of policies) {
      expect(policy.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
        Effect: 'Deny', Action: 'sqs:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } },
      })]));
    }
  });

  test('each work queue redrives to its own DLQ after 5 receives; DLQs keep messages 14 days', () => {
    for (const name of ['Billing', 'Shipping', 'Audit']) {
      const dlq = idOf(template, new RegExp(`^FanOut${name}DeadLetterQueue`));
      template.hasResourceProperties('AWS::SQS::Queue', {
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [dlq, 'Arn'] }, maxReceiveCount: 5 },
      });
      expect(queues(template)[dlq].Properties.MessageRetentionPeriod).toBe(1209600);
      expect(queues(template)[idOf(template, new RegExp(`^FanOut${name}DeliveryDeadLetterQueue`))].Properties.MessageRetentionPeriod).toBe(1209600);
    }
  });

  test('every subscription has its own delivery dead-letter queue', () => {
    for (const name of ['Billing', 'Shipping', 'Audit']) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Protocol: 'sqs',
        Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^FanOut${name}Queue`), 'Arn'] },
        RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^FanOut${name}DeliveryDeadLetterQueue`), 'Arn'] } },
      });
    }
  });

  test('shipping gets only placed orders, raw; billing and audit get everything in the envelope', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', {
      Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanOutShippingQueue'), 'Arn'] },
      FilterPolicy: { eventType: ['OrderPlaced'] },
      RawMessageDelivery: true,
    });
    for (const name of ['Billing', 'Audit']) {
      template.hasResourceProperties('AWS::SNS::Subscription', {
        Endpoint: { 'Fn::GetAtt': [Match.stringLikeRegexp(`^FanOut${name}Queue`), 'Arn'] },
        FilterPolicy: Match.absent(),
        RawMessageDelivery: false,
      });
    }
  });

  test('the queue key lets this topic (and only it) encrypt messages for the queues: delivery is not silently broken', () => {
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('queues'),
      KeyPolicy: { Statement: Match.arrayWith([{
        Effect: 'Allow',
        Principal: { Service: 'sns.amazonaws.com' },
        Action: ['kms:Decrypt', 'kms:GenerateDataKey'],
        Resource: '*',
        Condition: { ArnEquals: { 'aws:SourceArn': { Ref: Match.stringLikeRegexp('^FanOutTopic[0-9A-F]+$') } } },
      }]) },
    });
  });

  test('each queue policy lets only the topic send to it', () => {
    for (const name of ['Billing', 'Shipping', 'Audit']) {
      template.hasResourceProperties('AWS::SQS::QueuePolicy', {
        Queues: [{ Ref: Match.stringLikeRegexp(`^FanOut${name}Queue`) }],
        PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
          Effect: 'Allow', Action: 'sqs:SendMessage', Principal: { Service: 'sns.amazonaws.com' },
          Condition: { ArnEquals: { 'aws:SourceArn': { Ref: Match.stringLikeRegexp('^FanOutTopic[0-9A-F]+$') } } },
        })]) },
      });
    }
  });

  test('the alarm topic is encrypted and CloudWatch may use its key', () => {
    template.hasResourceProperties('AWS::SNS::Topic', { DisplayName: 'Alarms', KmsMasterKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::KMS::Key', {
      Description: Match.stringLikeRegexp('topic'),
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } })]) },
    });
  });

  test('alarms: any message in each of the six DLQs, message age on each queue, consumer errors', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const dlqAlarms = alarms.filter((a) => a.MetricName === 'ApproximateNumberOfMessagesVisible');
    expect(dlqAlarms).toHaveLength(6);
    for (const a of dlqAlarms) expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Maximum' });
    const ageAlarms = alarms.filter((a) => a.MetricName === 'ApproximateAgeOfOldestMessage');
    expect(ageAlarms.map((a) => a.Threshold).sort()).toEqual([3600, 900, 900]);
    expect(alarms.filter((a) => a.MetricName === 'Errors')).toHaveLength(1);
    for (const a of alarms) {
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^FanOutAlarmsTopic/) }]);
      expect(a.TreatMissingData).toBe('notBreaching');
    }
  });

  test('billing has a Lambda consumer: arm64, Node.js 24, traced, JSON logs, partial batch failures', () => {
    template.hasResourceProperties('AWS::Lambda::Function', {
      Architectures: ['arm64'], Runtime: 'nodejs24.x', Timeout: 20, MemorySize: 256,
      TracingConfig: { Mode: 'Active' },
      LoggingConfig: Match.objectLike({ LogFormat: 'JSON', LogGroup: { Ref: Match.stringLikeRegexp('BillingConsumerLogs') } }),
      Environment: { Variables: { SUBSCRIBER_NAME: 'billing' } },
      KmsKeyArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('FanOutQueueKey'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      EventSourceArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^FanOutBillingQueue'), 'Arn'] },
      FunctionResponseTypes: ['ReportBatchItemFailures'], BatchSize: 10, ScalingConfig: { MaximumConcurrency: 5 },
    });
  });

  test('the billing queue hides a message six times as long as the consumer may take', () => {
    expect(queues(template)[idOf(template, /^FanOutBillingQueue/)].Properties.VisibilityTimeout).toBe(120);
  });

  test('the consumer role may consume the billing queue only, through a managed policy', () => {
    template.resourceCountIs('AWS::IAM::Policy', 0);
    const [policy] = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy'));
    const statements = policy.Properties.PolicyDocument.Statement;
    const sqsStatement = statements.find((s: { Action: string[] }) => s.Action.includes('sqs:ReceiveMessage'));
    expect(sqsStatement.Resource).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^FanOutBillingQueue/), 'Arn'] });
  });

  test('outputs the topic ARN and every queue URL', () => {
    for (const id of ['TopicArn', 'AlarmTopicArn', 'BillingQueueUrl', 'ShippingQueueUrl', 'AuditQueueUrl']) template.hasOutput(id, {});
  });
});

describe('stage differences', () => {
  test('the sandbox deletes queues, logs and keys on destroy; production retains them', () => {
    for (const type of ['AWS::SQS::Queue', 'AWS::Logs::LogGroup', 'AWS::KMS::Key']) {
      for (const r of Object.values(resourcesOf(sandboxTemplate, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Delete']);
      for (const r of Object.values(resourcesOf(productionTemplate, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Retain']);
    }
  });

  test('consumer logs are kept a week in the sandbox and a year in production', () => {
    sandboxTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 7 });
    productionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: 365 });
  });

  test('an alarm e-mail from config is subscribed to the alarm topic, with a dead-letter queue', () => {
    productionTemplate.hasResourceProperties('AWS::SNS::Subscription', {
      Protocol: 'email', Endpoint: 'ops@example.com',
      RedrivePolicy: { deadLetterTargetArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('AlarmsEmailDeadLetterQueue'), 'Arn'] } },
    });
    productionTemplate.hasResourceProperties('AWS::SQS::Queue', { SqsManagedSseEnabled: true, MessageRetentionPeriod: 1209600 });
    sandboxTemplate.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  });
});

describe('compliance', () => {
  test.each([['Sandbox', sandbox.fanOut], ['Production', production.fanOut]])('%s: the five packs report nothing unacknowledged', (_n, stack) => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('every acknowledgement is written into the template with its reason', () => {
    expect([...acknowledgedRules(sandboxTemplate).keys()].sort()).toEqual([
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SQS3',
      'HIPAA.Security-LambdaConcurrency', 'HIPAA.Security-LambdaDLQ', 'HIPAA.Security-LambdaInsideVPC',
      'NIST.800.53.R5-LambdaConcurrency', 'NIST.800.53.R5-LambdaDLQ', 'NIST.800.53.R5-LambdaInsideVPC',
      'PCI.DSS.321-LambdaConcurrency', 'PCI.DSS.321-LambdaDLQ', 'PCI.DSS.321-LambdaInsideVPC',
      'Serverless-LambdaDLQ', 'Serverless-LambdaEventSourceMappingDestination', 'Serverless-SQSRedrivePolicy',
    ]);
  });
});

describe('side by side', () => {
  test.each([['Sandbox', sandbox], ['Production', production]])('%s: no literal physical names, so stages, regions and retained leftovers never collide', (_n, stage) => {
    expect(literalPhysicalNames(stage.fanOut)).toEqual([]);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
