import { Duration, Stack } from 'aws-cdk-lib';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import { Network } from '../../lib/network/network';
import { formatFindings } from '../../lib/shared/compliance';
import { WebTier } from '../../lib/web-tier/web-tier';
import { WebTierProps } from '../../lib/web-tier/web-tier-props';
import { nagFindings, resourcesOf, testStack } from '../harness';

const CERT = 'arn:aws:acm:eu-west-1:123456789012:certificate/0f8fad5b-d9cb-469f-a165-70867728950e';

function build(props: Omit<WebTierProps, 'vpc'>): { stack: Stack; template: Template; tier: WebTier } {
  const stack = testStack();
  const { vpc } = new Network(stack, 'Network');
  const tier = new WebTier(stack, 'Web', { vpc, ...props });
  return { stack, tier, template: Template.fromStack(stack) };
}

describe('HTTPS with a certificate', () => {
  const { stack, template, tier } = build({ certificateArn: CERT, webAcl: true });

  test('an HTTPS listener with the TLS 1.3 policy, and HTTP redirected to HTTPS', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 443, Protocol: 'HTTPS', SslPolicy: 'ELBSecurityPolicy-TLS13-1-2-2021-06', Certificates: [{ CertificateArn: CERT }],
    });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', {
      Port: 80, Protocol: 'HTTP',
      DefaultActions: [{ Type: 'redirect', RedirectConfig: { Protocol: 'HTTPS', Port: '443', StatusCode: 'HTTP_301' } }],
    });
    expect(stack.resolve(tier.url)).toEqual({ 'Fn::Join': ['', ['https://', expect.anything(), '/']] });
  });

  test('a WAF web ACL with the three AWS managed rule groups and a rate limit, logged', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitPerIp' })]) });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('scaling options', () => {
  const { stack, template } = build({
    capacity: { min: 1, desired: 2, max: 6 },
    requestsPerTargetPerMinute: 600,
    stepScaling: {},
    schedules: [{ name: 'peak', cron: '0 14 * * *', min: 3, max: 8 }],
    cpuTarget: 65,
  });

  test('step scaling: +2 above 70 % CPU, -1 below 30 %', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling', AdjustmentType: 'ChangeInCapacity',
      StepAdjustments: Match.arrayWith([Match.objectLike({ ScalingAdjustment: 2, MetricIntervalLowerBound: 0 })]),
    });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'StepScaling', StepAdjustments: Match.arrayWith([Match.objectLike({ ScalingAdjustment: -1, MetricIntervalUpperBound: 0 })]),
    });
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties).filter((a) => a.MetricName === 'CPUUtilization');
    expect(alarms.map((a) => [a.ComparisonOperator, a.Threshold]).sort()).toEqual([['GreaterThanOrEqualToThreshold', 70], ['LessThanOrEqualToThreshold', 30]]);
  });

  test('target tracking on CPU and on requests per target', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { TargetTrackingConfiguration: Match.objectLike({ TargetValue: 65 }) });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { TargetTrackingConfiguration: Match.objectLike({
      PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }), TargetValue: 600,
    }) });
  });

  test('a schedule in UTC by default, and an explicit desired capacity', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScheduledAction', { Recurrence: '0 14 * * *', TimeZone: 'UTC', MinSize: 3, MaxSize: 8 });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', DesiredCapacity: '2', MaxSize: '6' });
  });

  test('the explicitly set desired capacity is acknowledged, so the app still synthesizes cleanly', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('other options', () => {
  test('allowed CIDRs narrow the load balancer ingress, and the open-ingress acknowledgement goes', () => {
    const { template, stack } = build({ allowedCidrs: ['203.0.113.0/24'] });
    const [, sg] = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('LoadBalancerSecurityGroup'))!;
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => r.CidrIp)).toEqual(['203.0.113.0/24', '203.0.113.0/24']);
    expect(formatFindings(nagFindings(stack))).toBe('');
    expect(JSON.stringify(sg.Metadata ?? {})).not.toContain('AwsSolutions-EC23');
  });

  test('sticky sessions, a custom health check and deregistration delay reach the target group', () => {
    const { template } = build({ stickySessions: Duration.hours(1), healthCheck: { path: '/ready', interval: Duration.seconds(30) }, deregistrationDelay: Duration.seconds(5) });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/ready', HealthCheckIntervalSeconds: 30,
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '5' },
        { Key: 'stickiness.enabled', Value: 'true' },
        { Key: 'stickiness.lb_cookie.duration_seconds', Value: '3600' },
      ]),
    });
  });

  test('an x86 instance type gets an x86_64 image', () => {
    const { template } = build({ instanceType: ec2.InstanceType.of(ec2.InstanceClass.T3, ec2.InstanceSize.MICRO) });
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({
      InstanceType: 't3.micro', ImageId: { Ref: Match.stringLikeRegexp('x8664') },
    }) });
  });

  test('deletion protection is on and the log bucket retained when nobody chose otherwise', () => {
    const { template } = build({});
    const [lb] = Object.values(resourcesOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer'));
    expect(lb.Properties.LoadBalancerAttributes).toEqual(expect.arrayContaining([{ Key: 'deletion_protection.enabled', Value: 'true' }]));
    template.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });

  test('bad props throw before anything is built', () => {
    expect(() => build({ capacity: { min: 3, max: 2 } })).toThrow(/^Invalid WebTier props:\n {2}- capacity.min: got 3/);
  });
});
