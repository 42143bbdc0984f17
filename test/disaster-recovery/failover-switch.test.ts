import { App, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { FailoverPrimaryHealthCheck, validateFailoverPrimaryHealthCheckProps } from '../../lib/disaster-recovery/failover-health-check';
import { ALARM_HEALTH_CHECK_REGIONS, FailoverScaleUp, FailoverSwitch, switchCommand, validateFailoverSwitchProps } from '../../lib/disaster-recovery/failover-switch';
import { problemsOf, resourcesOf, testApp } from '../harness';
import { COMMERCIAL_REGIONS } from '../template-rules';

const account = '123456789012';
const stackIn = (app: App, id: string, region?: string) => new Stack(app, id, region ? { env: { account, region } } : {});

describe('FailoverSwitch', () => {
  const app = testApp();
  const stack = stackIn(app, 'Switch', 'us-west-2');
  const topic = new sns.Topic(stack, 'Topic');
  const failoverSwitch = new FailoverSwitch(stack, 'FailoverSwitch', { switchName: 'Production-eu-west-1', primaryRegion: 'eu-west-1', alarmTopic: topic });
  const template = Template.fromStack(stack);

  test('is one alarm on the operator\'s metric, named for health checks to find, telling the topic both ways', () => {
    const [alarm] = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'));
    expect(alarm.Properties).toMatchObject({
      AlarmName: 'Production-eu-west-1-failover-switch', Namespace: 'AwsReferenceArchitectures/Failover', MetricName: 'FailoverSwitch',
      Dimensions: [{ Name: 'Switch', Value: 'Production-eu-west-1' }], Statistic: 'Maximum', Period: 60, TreatMissingData: 'ignore',
    });
    expect(alarm.Properties.AlarmActions).toHaveLength(1);
    expect(alarm.Properties.OKActions).toEqual(alarm.Properties.AlarmActions);
    expect(failoverSwitch.ref).toEqual({ switchName: 'Production-eu-west-1', region: 'us-west-2' });
  });

  test('the operator\'s command calls CloudWatch in the switch\'s region with the alarm\'s metric', () => {
    expect(switchCommand(failoverSwitch.ref, true)).toBe('aws cloudwatch put-metric-data --region us-west-2 --namespace AwsReferenceArchitectures/Failover --metric-name FailoverSwitch --dimensions Switch=Production-eu-west-1 --value 1');
    expect(switchCommand(failoverSwitch.ref, false)).toMatch(/ --value 0$/);
  });

  const problems = (props: Parameters<typeof validateFailoverSwitchProps>[0], region: string | undefined) => problemsOf((p: typeof props) => validateFailoverSwitchProps(p, region), props);

  test('fails when the switch is in the region it fails away from', () => {
    expect(problems({ switchName: 'S', primaryRegion: 'eu-west-1' }, 'eu-west-1'))
      .toEqual(['region: got "eu-west-1"; the switch must work while eu-west-1 is down: put it in another region (the standby region)']);
  });

  test('fails when its stack is environment-agnostic (health checks must name its region)', () => {
    expect(() => new FailoverSwitch(stackIn(testApp(), 'Agnostic'), 'S', { switchName: 'S', primaryRegion: 'eu-west-1' }))
      .toThrow('region: got "an environment-agnostic stack"; the switch\'s health checks name its region: put the switch in a stack with env.region (the standby region)');
  });

  test('fails when the name or the primary region is malformed', () => {
    expect(problems({ switchName: 'a b', primaryRegion: 'Europe' }, 'us-west-2')).toEqual([
      'switchName: got "a b"; expected 1 to 200 letters, digits, ".", "_" or "-"',
      'primaryRegion: got "Europe"; expected an AWS region name such as "eu-west-1"',
    ]);
  });

  test('fails when Route 53 cannot read alarms of its region', () => {
    expect(problems({ switchName: 'S', primaryRegion: 'eu-west-1' }, 'cn-north-1')).toEqual([expect.stringMatching(/^region: got "cn-north-1"; Route 53 health checks read alarms in us-east-1, .* only$/)]);
  });

  test('every commercial region can hold a switch but one Route 53 does not list for alarms yet (refused above, at synth)', () => {
    expect(COMMERCIAL_REGIONS.filter((r) => !ALARM_HEALTH_CHECK_REGIONS.includes(r))).toEqual(['me-west-1']);
  });
});

describe('FailoverPrimaryHealthCheck', () => {
  const failoverSwitch = { switchName: 'Production-eu-west-1', region: 'us-west-2' };

  test('switch only (automatic: false): a calculated check over the switch alone', () => {
    const stack = stackIn(testApp(), 'Primary', 'eu-west-1');
    const check = new FailoverPrimaryHealthCheck(stack, 'Check', { failoverSwitch, automatic: false });
    const checks = resourcesOf(Template.fromStack(stack), 'AWS::Route53::HealthCheck');
    expect(Object.keys(checks)).toHaveLength(2);
    expect(stack.resolve(check.healthCheck.healthCheckId)).toEqual({ Ref: expect.any(String) });
    const calculated = checks[stack.resolve(check.healthCheck.healthCheckId).Ref].Properties.HealthCheckConfig;
    expect(calculated).toEqual({ Type: 'CALCULATED', ChildHealthChecks: [stack.resolve(check.switchHealthCheck.healthCheckId)], HealthThreshold: 1, Inverted: false });
  });

  const problems = (props: Parameters<typeof validateFailoverPrimaryHealthCheckProps>[0], region = 'eu-west-1') =>
    problemsOf((p: typeof props) => validateFailoverPrimaryHealthCheckProps(p, region), props);
  const endpointHealthCheck = route53.HealthCheck.fromHealthCheckId(stackIn(testApp(), 'Imported', 'eu-west-1'), 'Endpoint', 'abc');

  test('fails when automatic failover has no endpoint health check to read', () => {
    expect(problems({ failoverSwitch })).toEqual([
      'endpointHealthCheck: got undefined; automatic failover (the default) reads the endpoint\'s health check: give endpointHealthCheck, or automatic: false for a switch-only PRIMARY',
    ]);
    expect(problems({ failoverSwitch, endpointHealthCheck })).toEqual([]);
  });

  test('fails when the switch is in the PRIMARY\'s region, or in a region Route 53 reads no alarms of', () => {
    expect(problems({ failoverSwitch: { ...failoverSwitch, region: 'eu-west-1' }, endpointHealthCheck })).toEqual([
      'failoverSwitch.region: got "eu-west-1"; the switch of a PRIMARY in eu-west-1 must be in another region, or it is down when the primary is',
    ]);
    expect(problems({ failoverSwitch: { ...failoverSwitch, region: 'cn-north-1' }, endpointHealthCheck })).toHaveLength(1);
  });

  test('fails when the switch\'s region is a token', () => {
    const agnostic = stackIn(testApp(), 'Agnostic');
    expect(problems({ failoverSwitch: { ...failoverSwitch, region: agnostic.region }, endpointHealthCheck }))
      .toEqual(['failoverSwitch.region: got "a token"; expected the switch\'s region by name (a switch in a stack with env.region)']);
  });
});

describe('FailoverScaleUp', () => {
  const groupIn = (stack: Stack) => {
    const vpc = new ec2.Vpc(stack, 'Vpc', { maxAzs: 1, natGateways: 0, subnetConfiguration: [{ name: 'public', subnetType: ec2.SubnetType.PUBLIC }] });
    return new autoscaling.AutoScalingGroup(stack, 'Group', { vpc, instanceType: new ec2.InstanceType('t4g.micro'), machineImage: ec2.MachineImage.latestAmazonLinux2023(), minCapacity: 0, maxCapacity: 4 });
  };
  const failoverSwitch = { switchName: 'Production-eu-west-1', region: 'us-west-2' };

  test('fails when the group is in another region than the switch (an alarm scales a group of its own region only)', () => {
    const stack = stackIn(testApp(), 'Group', 'us-east-2');
    expect(() => new FailoverScaleUp(stack, 'ScaleUp', { failoverSwitch, autoScalingGroup: groupIn(stack), capacity: 3 }))
      .toThrow(/failoverSwitch\.region: got "us-west-2"; expected the group's stack's region \(us-east-2\)/);
  });

  test('fails when the capacity is not a positive count', () => {
    const stack = stackIn(testApp(), 'Group', 'us-west-2');
    expect(() => new FailoverScaleUp(stack, 'ScaleUp', { failoverSwitch, autoScalingGroup: groupIn(stack), capacity: 0 })).toThrow(/capacity: got 0/);
  });
});
