import { Aspects, Duration, Stack, Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmDestination } from '../../lib/stages/alarm-destination';
import { resourcesOf, testApp, testStack } from '../harness';

const OPS = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';

describe('alarmTopicArn: every alarm of the stage that notifies a topic notifies the user\'s topic too', () => {
  const stack = testStack();
  const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', period: Duration.minutes(5) });
  const topic = new sns.Topic(stack, 'Own');
  const notifying = new cloudwatch.Alarm(stack, 'Notifying', { metric, threshold: 1, evaluationPeriods: 1 });
  notifying.addAlarmAction(new actions.SnsAction(topic));
  notifying.addOkAction(new actions.SnsAction(topic));
  const alarmOnly = new cloudwatch.Alarm(stack, 'AlarmOnly', { metric, threshold: 1, evaluationPeriods: 1 });
  alarmOnly.addAlarmAction(new actions.SnsAction(sns.Topic.fromTopicArn(stack, 'Imported', 'arn:aws:sns:eu-west-1:123456789012:other')));
  const scaling = new cloudwatch.CfnAlarm(stack, 'Scaling', {
    metricName: 'CPU', namespace: 'AWS/EC2', statistic: 'Average', period: 60, threshold: 80, evaluationPeriods: 1, comparisonOperator: 'GreaterThanThreshold',
    alarmActions: ['arn:aws:autoscaling:eu-west-1:123456789012:scalingPolicy:abc:autoScalingGroupName/asg:policyName/up'],
  });
  new cloudwatch.Alarm(stack, 'Silent', { metric, threshold: 1, evaluationPeriods: 1 });
  Aspects.of(stack).add(new AlarmDestination(OPS));
  const alarms = resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::Alarm');
  const byId = (prefix: string) => Object.entries(alarms).find(([id]) => id.startsWith(prefix))![1].Properties;

  test('on alarm, and on recovery where the alarm already notifies on recovery', () => {
    expect(byId('Notifying').AlarmActions).toEqual([{ Ref: expect.stringMatching(/^Own/) }, OPS]);
    expect(byId('Notifying').OKActions).toEqual([{ Ref: expect.stringMatching(/^Own/) }, OPS]);
    expect(byId('AlarmOnly').AlarmActions).toEqual(['arn:aws:sns:eu-west-1:123456789012:other', OPS]);
    expect(byId('AlarmOnly').OKActions).toBeUndefined();
  });

  test('alarms that act on something else (a scaling policy) or notify no one are left alone', () => {
    expect(byId('Scaling').AlarmActions).toEqual([scaling.alarmActions![0]]);
    expect(byId('Silent').AlarmActions).toBeUndefined();
  });
});

describe('alarmTopicArn: alarms in another region than the topic\'s keep their own topics', () => {
  test('a stack in the standby region (or the Domain\'s us-east-1) is left alone: CloudWatch alarms notify topics of their own region', () => {
    const stage = new Stage(testApp(), 'Regions');
    const metric = new cloudwatch.Metric({ namespace: 'Test', metricName: 'Errors', period: Duration.minutes(5) });
    const alarmIn = (region: string) => {
      const stack = new Stack(stage, `In-${region}`, { env: { account: '123456789012', region } });
      new cloudwatch.Alarm(stack, 'Notifying', { metric, threshold: 1, evaluationPeriods: 1 }).addAlarmAction(new actions.SnsAction(new sns.Topic(stack, 'Own')));
      return stack;
    };
    const home = alarmIn('eu-west-1');
    const standby = alarmIn('us-west-2');
    Aspects.of(stage).add(new AlarmDestination(OPS));
    const actionsOf = (stack: Stack) => Object.values(resourcesOf(Template.fromStack(stack), 'AWS::CloudWatch::Alarm'))[0].Properties.AlarmActions;
    expect(actionsOf(home)).toEqual([{ Ref: expect.stringMatching(/^Own/) }, OPS]);
    expect(actionsOf(standby)).toEqual([{ Ref: expect.stringMatching(/^Own/) }]);
  });
});
