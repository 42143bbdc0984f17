import { Template } from 'aws-cdk-lib/assertions';
import * as kms from 'aws-cdk-lib/aws-kms';
import { AlarmTopic } from '../../lib/shared/alarms';
import { resourcesOf, stackTemplate, synthesizedStage, testStack } from '../harness';
import { STAGE_VARIANTS, VARIANT_NAMES } from '../synth/variants';

/** A CloudFormation string value written out: joins flattened, pseudo parameters as `${AWS::Region}`. */
function written(value: any): string {
  if (typeof value === 'string') return value;
  if (value?.['Fn::Join']) return value['Fn::Join'][1].map(written).join(value['Fn::Join'][0]);
  if (value?.Ref) return `\${${value.Ref}}`;
  throw new Error(`unexpected value ${JSON.stringify(value)}`);
}

/** The statements of the topic policy attached to `topicId`. */
function topicPolicyStatements(template: Template, topicId: string): any[] {
  const policies = Object.values(resourcesOf(template, 'AWS::SNS::TopicPolicy'))
    .filter((p) => p.Properties.Topics.some((t: any) => t.Ref === topicId));
  expect(policies).toHaveLength(1);
  return policies[0].Properties.PolicyDocument.Statement;
}

const cloudWatchPublish = (statements: any[]) => statements.filter((s) => s.Effect === 'Allow' && s.Principal?.Service === 'cloudwatch.amazonaws.com');

describe('AlarmTopic', () => {
  test('its topic policy lets CloudWatch alarms of this account and region publish (a topic policy replaces SNS\'s default one)', () => {
    const stack = testStack();
    new AlarmTopic(stack, 'Alarms', { key: new kms.Key(stack, 'Key') });
    const template = Template.fromStack(stack);
    const topicId = Object.keys(resourcesOf(template, 'AWS::SNS::Topic'))[0];
    const statements = topicPolicyStatements(template, topicId);
    expect(cloudWatchPublish(statements)).toEqual([expect.objectContaining({
      Action: 'sns:Publish',
      Resource: { Ref: topicId },
      Condition: {
        StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } },
        ArnLike: { 'aws:SourceArn': expect.anything() },
      },
    })]);
    expect(written(cloudWatchPublish(statements)[0].Condition.ArnLike['aws:SourceArn'])).toBe('arn:${AWS::Partition}:cloudwatch:${AWS::Region}:${AWS::AccountId}:alarm:*');
    // TLS is still required of every publisher.
    expect(statements).toContainEqual(expect.objectContaining({ Effect: 'Deny', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }));
  });
});

describe.each(VARIANT_NAMES)('%s: every alarm topic admits CloudWatch alarms', (variant) => {
  const selection = STAGE_VARIANTS[variant] as { account?: string; region?: string };
  const alarmTopics = synthesizedStage(variant).stacks.flatMap((s) => Object.entries(resourcesOf(stackTemplate(variant, s.id), 'AWS::SNS::Topic'))
    .filter(([, topic]) => topic.Properties.DisplayName === 'Alarms').map(([topicId]) => [s.id, topicId] as const));

  test('the stacks with an alarm topic are the ones that alarm', () => {
    // The security baseline and DisasterRecovery have two: alarms (and findings or job failures), and the alarm on those that could not reach it.
    const onDomain = 'domainName' in STAGE_VARIANTS[variant] ? ['Domain'] : [];
    const standby = variant === 'Production standby' ? ['StandbyDataTier', 'StandbyServerlessApi', 'StandbyWebTier'] : [];
    expect(alarmTopics.map(([stackId]) => stackId).sort()).toEqual(['DataTier', 'DisasterRecovery', 'DisasterRecovery', ...onDomain, 'FanOut', 'SecurityBaseline', 'SecurityBaseline', 'ServerlessApi', ...standby, 'Streaming', 'WebTier']);
  });

  test.each(alarmTopics)('%s: %s', (stackId, topicId) => {
    const [statement] = cloudWatchPublish(topicPolicyStatements(stackTemplate(variant, stackId), topicId));
    expect(statement).toMatchObject({ Action: 'sns:Publish', Resource: { Ref: topicId } });
    const account = selection.account ?? '${AWS::AccountId}';
    // The Domain stack is in us-east-1 whatever the stage's region: Route 53 publishes health-check metrics there.
    const standbyRegion = (selection as { standbyRegion?: string }).standbyRegion;
    const region = stackId === 'Domain' ? 'us-east-1' : stackId.startsWith('Standby') ? standbyRegion! : selection.region ?? '${AWS::Region}';
    expect(written(statement.Condition.StringEquals['aws:SourceAccount'])).toBe(account);
    expect(written(statement.Condition.ArnLike['aws:SourceArn'])).toMatch(new RegExp(`^arn:(aws|\\$\\{AWS::Partition\\}):cloudwatch:${region.replace(/[${}]/g, '\\$&')}:${account.replace(/[${}]/g, '\\$&')}:alarm:\\*$`));
  });
});
