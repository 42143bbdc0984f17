import { Aspects, Duration } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { AlarmDestination } from '../../lib/stages/alarm-destination';
import { resourcesOf, testStack } from '../harness';

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
