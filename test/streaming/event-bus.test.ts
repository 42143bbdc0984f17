import { Duration } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as iam from 'aws-cdk-lib/aws-iam';
import { formatFindings } from '../../lib/shared/compliance';
import { ConfigError } from '../../lib/shared/validation';
import { EventBus } from '../../lib/streaming/event-bus';
import { nagFindings, resourcesOf, testStack } from '../harness';

const orders = { name: 'orders', eventPattern: { source: ['app.orders'] } };

describe('EventBus on its own', () => {
  // One bus for the organization with a route added later: the five packs run once on it.
  const stack = testStack();
  const bus = new EventBus(stack, 'Bus', { routes: [orders], organizationId: 'o-a1b2c3d4e5' });
  bus.addRoute({ name: 'refunds', eventPattern: { source: ['app.payments'], detailType: ['RefundIssued'] }, retryAttempts: 2, maxEventAge: Duration.hours(1) });

  test('the archive names no key (an empty KmsKeyIdentifier is refused in some regions): it uses an AWS-owned key, as the bus', () => {
    const [archive] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::Events::Archive'));
    expect(archive.Properties).not.toHaveProperty('KmsKeyIdentifier');
  });

  test('admits every account of the organization when given one, and nobody else', () => {
    const [policy] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::Events::EventBusPolicy'));
    expect(policy.Properties.Statement).toMatchObject({
      Effect: 'Allow', Action: 'events:PutEvents', Principal: { AWS: '*' }, Condition: { StringEquals: { 'aws:PrincipalOrgID': 'o-a1b2c3d4e5' } },
    });
  });

  test('addRoute adds a rule, its queues and alarms as the props\' routes get, and refuses a name taken', () => {
    const template = Template.fromStack(stack);
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['app.payments'], 'detail-type': ['RefundIssued'] },
      Targets: [Match.objectLike({ RetryPolicy: { MaximumRetryAttempts: 2, MaximumEventAgeInSeconds: 3600 }, DeadLetterConfig: Match.anyValue() })],
    });
    expect(Object.keys(resourcesOf(template, 'AWS::SQS::Queue')).filter((id) => id.startsWith('BusRefunds'))).toHaveLength(2);
    expect(Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'FailedInvocations')).toHaveLength(2);
    expect(Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties.MetricName === 'InvocationsFailedToBeSentToDlq')).toHaveLength(2);
    expect(() => bus.addRoute({ ...orders, name: 'Orders' })).toThrow(ConfigError);
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });

  test('an archive retention of zero days keeps events indefinitely (EventBridge reads 0 so)', () => {
    const stack = testStack();
    new EventBus(stack, 'Bus', { routes: [orders], archiveRetention: Duration.days(0) });
    const [archive] = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::Events::Archive'));
    expect(archive.Properties.RetentionDays).toBe(0);
  });

  test('grantPut lets a producer put events on this bus only', () => {
    const stack = testStack();
    const bus = new EventBus(stack, 'Bus', { routes: [orders] });
    const producer = new iam.Role(stack, 'Producer', { assumedBy: new iam.AccountRootPrincipal() });
    bus.grantPut(producer);
    Template.fromStack(stack).hasResourceProperties('AWS::IAM::Policy', {
      PolicyDocument: { Statement: [{ Action: 'events:PutEvents', Effect: 'Allow', Resource: { 'Fn::GetAtt': [Match.stringLikeRegexp('^Bus[0-9A-F]{8}$'), 'Arn'] } }] },
    });
  });
});
