import { CfnParameter, Duration, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as elbv2 from 'aws-cdk-lib/aws-elasticloadbalancingv2';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as secretsmanager from 'aws-cdk-lib/aws-secretsmanager';
import { Network } from '../../lib/network/network';
import { formatFindings } from '../../lib/shared/compliance';
import { PLAIN_HTTP_WARNING, WebTier } from '../../lib/web-tier/web-tier';
import { WebTierProps } from '../../lib/web-tier/web-tier-props';
import { nagFindings, resourcesOf, testStack } from '../harness';
import { collidingNames } from '../template-rules';

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

  test('the load balancer admits 443, where the listener is, and 80, which only redirects', () => {
    const [, sg] = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('LoadBalancerSecurityGroup'))!;
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => [r.CidrIp, r.FromPort, r.ToPort])).toEqual([['0.0.0.0/0', 80, 80], ['0.0.0.0/0', 443, 443]]);
  });

  test('a WAF web ACL with the three AWS managed rule groups and a rate limit, logged', () => {
    template.hasResourceProperties('AWS::WAFv2::WebACL', { Scope: 'REGIONAL', Rules: Match.arrayWith([Match.objectLike({ Name: 'RateLimitPerIp' })]) });
    template.resourceCountIs('AWS::WAFv2::WebACLAssociation', 1);
    template.resourceCountIs('AWS::WAFv2::LoggingConfiguration', 1);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));

  test('no plain-HTTP warning; listener is the HTTPS one, where rules go', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp(PLAIN_HTTP_WARNING))).toEqual([]);
    expect(tier.listener.port).toBe(443);
    expect((tier.listener.node.defaultChild as elbv2.CfnListener).protocol).toBe('HTTPS');
  });
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
    expect(sg.Properties.SecurityGroupIngress.map((r: any) => [r.CidrIp, r.FromPort])).toEqual([['203.0.113.0/24', 80]]);
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

describe('reuse: your image, user data, port and health path', () => {
  const stack = testStack();
  const { vpc } = new Network(stack, 'Network');
  const userData = ec2.UserData.forLinux();
  userData.addCommands('docker run -d -p 8080:8080 my-app');
  const tier = new WebTier(stack, 'Web', {
    vpc, userData, port: 8080, healthCheck: { path: '/ready' }, machineImage: ec2.MachineImage.fromSsmParameter('/my-app/ami'),
    launchTimeout: Duration.minutes(20),
  });
  tier.listener.addAction('Maintenance', {
    priority: 10, conditions: [elbv2.ListenerCondition.pathPatterns(['/maintenance'])],
    action: elbv2.ListenerAction.fixedResponse(503, { messageBody: 'back soon' }),
  });
  const template = Template.fromStack(stack);
  const script = JSON.stringify(template.findResources('AWS::EC2::LaunchTemplate'));

  test('the launch template uses your image and your user data, then the health-gated signal on your port and path', () => {
    const [lt] = Object.values(resourcesOf(template, 'AWS::EC2::LaunchTemplate'));
    expect(template.toJSON().Parameters[lt.Properties.LaunchTemplateData.ImageId.Ref].Default).toBe('/my-app/ami');
    expect(script.indexOf('until curl -fsS -o /dev/null --max-time 5 \\"http://127.0.0.1:8080/ready\\"')).toBeGreaterThan(script.indexOf('docker run -d -p 8080:8080 my-app'));
    expect(script).toContain('deadline=$((SECONDS + 1200))');
    expect(script).not.toContain('nginx');
  });

  test('the target group, its health check and the instance ingress use your port and path', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', { Port: 8080, HealthCheckPath: '/ready' });
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', { FromPort: 8080, ToPort: 8080, SourceSecurityGroupId: Match.anyValue() });
  });

  test('creation and updates wait as long as you said', () => {
    const [asg] = Object.values(resourcesOf(template, 'AWS::AutoScaling::AutoScalingGroup'));
    expect([asg.CreationPolicy.ResourceSignal.Timeout, asg.UpdatePolicy.AutoScalingRollingUpdate.PauseTime]).toEqual(['PT20M', 'PT20M']);
  });

  test('the plain-HTTP listener is exposed for your own rules, and the synth warns of plain HTTP', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::ListenerRule', {
      ListenerArn: { Ref: Match.stringLikeRegexp('LoadBalancerHttp') }, Priority: 10,
    });
    expect(Annotations.fromStack(stack).findWarning('/Unit/Test/Web', Match.stringLikeRegexp('serves plain HTTP on port 80: no certificateArn was given'))).toHaveLength(1);
  });

  test('fails on a Windows image: the signal is a shell script', () => {
    const other = testStack();
    expect(() => new WebTier(other, 'Web', { vpc: new Network(other, 'Network').vpc, machineImage: ec2.MachineImage.latestWindows(ec2.WindowsVersion.WINDOWS_SERVER_2022_ENGLISH_FULL_BASE) }))
      .toThrow('machineImage: got "a Windows image"; expected a Linux image: the health-gated signal is a shell script');
  });
});

describe('subnets: one group each, also in a VPC with two public and two private groups', () => {
  const vpcWithTwoOfEach = (stack: Stack) => new ec2.Vpc(stack, 'Vpc', {
    maxAzs: 2,
    natGateways: 1,
    subnetConfiguration: [
      { name: 'Edge', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'Partners', subnetType: ec2.SubnetType.PUBLIC, cidrMask: 24 },
      { name: 'App', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
      { name: 'Batch', subnetType: ec2.SubnetType.PRIVATE_WITH_EGRESS, cidrMask: 24 },
    ],
  });
  const subnetsOf = (template: Template, type: string, prop: string): string[] =>
    (Object.values(resourcesOf(template, type))[0].Properties[prop] as { Ref: string }[]).map((s) => s.Ref).sort();

  test('by default: the load balancer in one public subnet per AZ, the instances in one private group', () => {
    const stack = testStack();
    new WebTier(stack, 'Web', { vpc: vpcWithTwoOfEach(stack) });
    const template = Template.fromStack(stack);
    expect(subnetsOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'Subnets')).toEqual([expect.stringMatching(/^VpcEdgeSubnet1/), expect.stringMatching(/^VpcEdgeSubnet2/)]);
    expect(subnetsOf(template, 'AWS::AutoScaling::AutoScalingGroup', 'VPCZoneIdentifier')).toEqual([expect.stringMatching(/^VpcAppSubnet1/), expect.stringMatching(/^VpcAppSubnet2/)]);
  });

  test('chosen: the groups you name', () => {
    const stack = testStack();
    new WebTier(stack, 'Web', { vpc: vpcWithTwoOfEach(stack), loadBalancerSubnets: { subnetGroupName: 'Partners' }, instanceSubnets: { subnetGroupName: 'Batch' } });
    const template = Template.fromStack(stack);
    expect(subnetsOf(template, 'AWS::ElasticLoadBalancingV2::LoadBalancer', 'Subnets')).toEqual([expect.stringMatching(/^VpcPartnersSubnet1/), expect.stringMatching(/^VpcPartnersSubnet2/)]);
    expect(subnetsOf(template, 'AWS::AutoScaling::AutoScalingGroup', 'VPCZoneIdentifier')).toEqual([expect.stringMatching(/^VpcBatchSubnet1/), expect.stringMatching(/^VpcBatchSubnet2/)]);
  });

  test('fails when the load balancer would get two subnets in one AZ (CloudFormation refuses it)', () => {
    const stack = testStack();
    expect(() => new WebTier(stack, 'Web', { vpc: vpcWithTwoOfEach(stack), loadBalancerSubnets: { subnetType: ec2.SubnetType.PUBLIC } }))
      .toThrow('loadBalancerSubnets: got "4 subnets in 2 AZs"; expected at most one subnet per Availability Zone (add onePerAz: true or name one subnet group)');
  });
});

describe('two web tiers in one stack', () => {
  const stack = testStack();
  const { vpc } = new Network(stack, 'Network');
  new WebTier(stack, 'Shop', { vpc, webAcl: true });
  new WebTier(stack, 'Admin', { vpc, webAcl: true, allowedCidrs: ['203.0.113.0/24'] });
  const template = Template.fromStack(stack);

  test('synthesize side by side: two load balancers and groups, one ELB account mapping, distinct WAF log groups', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::LoadBalancer', 2);
    template.resourceCountIs('AWS::AutoScaling::AutoScalingGroup', 2);
    expect(Object.keys(template.toJSON().Mappings)).toEqual(['ElbLogAccounts']);
    const names = Object.values(resourcesOf(template, 'AWS::Logs::LogGroup')).map((g) => JSON.stringify(g.Properties.LogGroupName ?? '')).filter((n) => n.includes('aws-waf-logs-'));
    expect(new Set(names).size).toBe(2);
  });

  test('no literal physical names, and nothing unacknowledged', () => {
    expect(collidingNames(template.toJSON())).toEqual([]);
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('handles for other tiers: the instance security group and role', () => {
  const stack = testStack();
  const { vpc } = new Network(stack, 'Network');
  const tier = new WebTier(stack, 'Web', { vpc });
  // What a data tier does with them: admit its port from the web instances, grant its secret to them.
  const database = new ec2.SecurityGroup(stack, 'DatabaseSecurityGroup', { vpc, description: 'Database' });
  database.connections.allowFrom(tier.instanceSecurityGroup, ec2.Port.tcp(5432), 'PostgreSQL from the web tier');
  const secret = new secretsmanager.Secret(stack, 'DatabaseSecret');
  secret.grantRead(tier.instanceRole);
  const template = Template.fromStack(stack);

  test('a database port opened to the instance security group', () => {
    template.hasResourceProperties('AWS::EC2::SecurityGroupIngress', {
      FromPort: 5432, GroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('DatabaseSecurityGroup'), 'GroupId'] },
      SourceSecurityGroupId: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebInstanceSecurityGroup'), 'GroupId'] },
    });
  });

  test('a secret granted to the instance role lands in its managed policy, beside the signal permission', () => {
    const [, policy] = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('WebInstanceRoleGrants'))!;
    expect(policy.Properties.PolicyDocument.Statement.map((st: any) => st.Action)).toEqual([
      'cloudformation:SignalResource', ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue']]);
    template.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('your own key', () => {
  test('encrypts the notifications and WAF logs; no key is created', () => {
    const stack = testStack();
    const key = kms.Key.fromKeyArn(stack, 'Key', 'arn:aws:kms:eu-west-1:123456789012:key/0f8fad5b-d9cb-469f-a165-70867728950e');
    const tier = new WebTier(stack, 'Web', { vpc: new Network(stack, 'Network').vpc, encryptionKey: key, webAcl: true, logRetention: logs.RetentionDays.ONE_YEAR });
    const template = Template.fromStack(stack);
    expect(tier.key).toBe(key);
    expect(Object.keys(resourcesOf(template, 'AWS::KMS::Key')).filter((id) => id.startsWith('Web'))).toEqual([]);
    template.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: key.keyArn });
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: key.keyArn, RetentionInDays: 365 });
  });
});

describe('values known only at deploy time (CloudFormation parameters)', () => {
  const stack = testStack();
  const param = (id: string, type = 'String') => new CfnParameter(stack, id, { type });
  const tier = new WebTier(stack, 'Web', {
    vpc: new Network(stack, 'Network').vpc,
    alarmEmail: param('AlarmEmail').valueAsString,
    allowedCidrs: [param('OfficeCidr').valueAsString],
    certificateArn: param('CertificateArn').valueAsString,
    capacity: { min: param('MinInstances', 'Number').valueAsNumber, max: 6 },
    cpuTarget: param('CpuTarget', 'Number').valueAsNumber,
    timeZone: param('TimeZone').valueAsString,
  });
  const template = Template.fromStack(stack);

  test('are accepted and reach the template as references', () => {
    template.hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: { Ref: 'AlarmEmail' } });
    template.hasResourceProperties('AWS::EC2::SecurityGroup', { SecurityGroupIngress: Match.arrayWith([Match.objectLike({ CidrIp: { Ref: 'OfficeCidr' }, FromPort: 443 })]) });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Certificates: [{ CertificateArn: { Ref: 'CertificateArn' } }] });
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: { Ref: 'MinInstances' }, MaxSize: '6' });
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { TargetTrackingConfiguration: Match.objectLike({ TargetValue: { Ref: 'CpuTarget' } }) });
    expect(tier.url).toMatch(/^https:/);
  });

  test('a list parameter for allowedCidrs fails: it cannot become one rule per CIDR', () => {
    const other = testStack();
    expect(() => new WebTier(other, 'Web', { vpc: new Network(other, 'Network').vpc, allowedCidrs: new CfnParameter(other, 'Cidrs', { type: 'CommaDelimitedList' }).valueAsList }))
      .toThrow(/allowedCidrs: got .*; expected a list of CIDRs, each a string or a token/);
  });
});
