import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandboxTemplate = stackTemplate('Sandbox', 'WebTier');
const productionTemplate = stackTemplate('Production', 'WebTier');

const lbAttributes = (t: Template) => Object.fromEntries(Object.values(resourcesOf(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]
  .Properties.LoadBalancerAttributes.map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
const ingressOf = (t: Template, idPart: string) => Object.entries(resourcesOf(t, 'AWS::EC2::SecurityGroup'))
  .find(([id]) => id.includes(idPart))![1].Properties.SecurityGroupIngress ?? [];

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('WebTier stack, %s profile', (_n, template) => {
  test('an internet-facing ALB in the public subnets of the stage network', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::LoadBalancer', {
      Scheme: 'internet-facing', Type: 'application',
      Subnets: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('PublicSubnet1') }]),
    });
  });

  test('drops invalid headers, defensive desync mitigation, access logs to the bucket', () => {
    expect(lbAttributes(template)).toMatchObject({
      'routing.http.drop_invalid_header_fields.enabled': 'true',
      'routing.http.desync_mitigation_mode': 'defensive',
      'access_logs.s3.enabled': 'true',
      'access_logs.s3.prefix': 'alb',
    });
  });

  test('the access-log bucket lets ELB log delivery write (regional account and service), private and SSE-S3', () => {
    const policy = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement;
    const writers = policy.filter((s: any) => s.Effect === 'Allow' && s.Action === 's3:PutObject');
    expect(writers.map((s: any) => s.Sid).sort()).toEqual(['AlbLogDeliveryByRegionalAccount', 'AlbLogDeliveryByService']);
    expect(writers.find((s: any) => s.Sid === 'AlbLogDeliveryByService').Principal).toEqual({ Service: 'logdelivery.elasticloadbalancing.amazonaws.com' });
    expect(JSON.stringify(writers[0].Resource)).toContain('/alb/AWSLogs/');
    expect(template.toJSON().Mappings).toBeDefined(); // the regional ELB account, looked up at deploy time
    template.hasResourceProperties('AWS::S3::Bucket', {
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'AES256' } }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
    });
  });

  test('the ALB admits 80 and 443 from the allowed CIDRs and nothing else', () => {
    expect(ingressOf(template, 'LoadBalancerSecurityGroup').map((r: any) => [r.CidrIp, r.FromPort, r.ToPort]).sort())
      .toEqual([['0.0.0.0/0', 443, 443], ['0.0.0.0/0', 80, 80]]);
  });

  test('without a certificate: one plain HTTP listener forwarding to the targets', () => {
    template.resourceCountIs('AWS::ElasticLoadBalancingV2::Listener', 1);
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, Protocol: 'HTTP', DefaultActions: [Match.objectLike({ Type: 'forward' })] });
  });

  test('target group: health check on /health, deregistration delay, cross-zone', () => {
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::TargetGroup', {
      HealthCheckPath: '/health', HealthCheckIntervalSeconds: 15, HealthyThresholdCount: 2, UnhealthyThresholdCount: 3, Matcher: { HttpCode: '200' },
      TargetGroupAttributes: Match.arrayWith([
        { Key: 'deregistration_delay.timeout_seconds', Value: '30' },
        { Key: 'load_balancing.cross_zone.enabled', Value: 'true' },
      ]),
    });
  });

  test('launch template: AL2023 arm64, IMDSv2 required, encrypted gp3 root, detailed monitoring, no key pair', () => {
    template.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({
      ImageId: { Ref: Match.stringLikeRegexp('al2023amikernel.*arm64') },
      MetadataOptions: { HttpTokens: 'required', HttpPutResponseHopLimit: 1 },
      Monitoring: { Enabled: true },
      BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { Encrypted: true, VolumeType: 'gp3', VolumeSize: 8, DeleteOnTermination: true } }],
      KeyName: Match.absent(),
      IamInstanceProfile: Match.anyValue(),
      UserData: Match.anyValue(),
    }) });
  });

  test('user data installs a web server with a page naming the instance and AZ and a health endpoint', () => {
    const [lt] = Object.values(resourcesOf(template, 'AWS::EC2::LaunchTemplate'));
    const script = Buffer.from(JSON.stringify(lt.Properties.LaunchTemplateData.UserData)).toString();
    for (const fragment of ['dnf install -y nginx', 'latest/api/token', 'instance-id', 'placement/availability-zone', '/usr/share/nginx/html/health', 'systemctl enable --now nginx']) {
      expect(script).toContain(fragment);
    }
  });

  test('instances: Session Manager role, HTTP from the load balancer only, no SSH', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] }),
      ManagedPolicyArns: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] }],
    });
    const rules = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(rules).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', FromPort: 80, ToPort: 80,
      SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringMatching(/LoadBalancerSecurityGroup/), 'GroupId'] },
    })]);
    expect(ingressOf(template, 'InstanceSecurityGroup')).toEqual([]);
  });

  test('Auto Scaling group in the private subnets with ELB health checks, termination policies, notifications', () => {
    template.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', {
      VPCZoneIdentifier: Match.arrayWith([{ 'Fn::ImportValue': Match.stringLikeRegexp('PrivateSubnet1') }]),
      HealthCheckType: 'ELB', HealthCheckGracePeriod: 180,
      TerminationPolicies: ['OldestInstance', 'Default'],
      DesiredCapacity: Match.absent(),
      NotificationConfigurations: [Match.objectLike({ TopicARN: { Ref: Match.stringLikeRegexp('NotificationsTopic') } })],
      MetricsCollection: [{ Granularity: '1Minute' }],
    });
  });

  test('target tracking on CPU at 50 % and the notes\' schedule (14:00 out, 02:00 in) with a time zone', () => {
    template.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      PolicyType: 'TargetTrackingScaling',
      TargetTrackingConfiguration: { PredefinedMetricSpecification: { PredefinedMetricType: 'ASGAverageCPUUtilization' }, TargetValue: 50 },
    });
    const actions = Object.values(resourcesOf(template, 'AWS::AutoScaling::ScheduledAction')).map((a) => a.Properties);
    expect(actions.map((a) => [a.Recurrence, a.TimeZone])).toEqual([['0 14 * * *', 'Asia/Seoul'], ['0 2 * * *', 'Asia/Seoul']]);
  });

  test('the notification topic\'s key lets Auto Scaling\'s service-linked role and CloudWatch publish', () => {
    template.hasResourceProperties('AWS::KMS::Key', { KeyPolicy: { Statement: Match.arrayWith([
      Match.objectLike({ Principal: { Service: 'cloudwatch.amazonaws.com' } }),
      Match.objectLike({ Sid: 'AllowAutoScalingNotifications', Condition: Match.objectLike({ ArnEquals: { 'aws:PrincipalArn': Match.anyValue() } }) }),
    ]) } });
  });

  test('alarms: 5xx rate above 5 % and any unhealthy host, to the notification topic', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    const rate = alarms.find((a) => a.Metrics)!;
    expect(rate).toMatchObject({ Threshold: 5, ComparisonOperator: 'GreaterThanThreshold' });
    expect(rate.Metrics[0].Expression).toBe('100 * (elb5xx + target5xx) / MAX([requests, 1])');
    expect(alarms.find((a) => a.MetricName === 'UnHealthyHostCount')).toMatchObject({ Threshold: 0 });
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/NotificationsTopic/) }]);
  });

  test('outputs the URL of the load balancer', () => {
    template.hasOutput('LoadBalancerUrl', { Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancer'), 'DNSName'] }, '/']] } });
  });
});

describe('stage differences', () => {
  test('deletion protection off in the sandbox, on in production', () => {
    expect(lbAttributes(sandboxTemplate)['deletion_protection.enabled']).toBe('false');
    expect(lbAttributes(productionTemplate)['deletion_protection.enabled']).toBe('true');
  });

  test('t4g.micro and 2-4 instances in the sandbox; t4g.small and 3-12 in production', () => {
    sandboxTemplate.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 't4g.micro' }) });
    sandboxTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '2', MaxSize: '4' });
    productionTemplate.hasResourceProperties('AWS::EC2::LaunchTemplate', { LaunchTemplateData: Match.objectLike({ InstanceType: 't4g.small' }) });
    productionTemplate.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '3', MaxSize: '12' });
  });

  test('WAF on the ALB in production, opt-in (off) in the sandbox', () => {
    productionTemplate.hasResourceProperties('AWS::WAFv2::WebACLAssociation', {
      ResourceArn: { Ref: Match.stringLikeRegexp('LoadBalancer') }, WebACLArn: { 'Fn::GetAtt': [Match.stringLikeRegexp('WebAcl'), 'Arn'] },
    });
    sandboxTemplate.resourceCountIs('AWS::WAFv2::WebACL', 0);
  });

  test('production also tracks requests per target', () => {
    productionTemplate.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', {
      TargetTrackingConfiguration: Match.objectLike({ PredefinedMetricSpecification: Match.objectLike({ PredefinedMetricType: 'ALBRequestCountPerTarget' }), TargetValue: 1000 }),
    });
  });

  test('the access-log bucket is emptied and deleted in the sandbox, retained in production', () => {
    sandboxTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Delete' });
    productionTemplate.hasResource('AWS::S3::Bucket', { DeletionPolicy: 'Retain' });
  });
});

describe('compliance', () => {
  test.each(['Sandbox', 'Production', 'Sandbox pinned', 'Production pinned'] as const)('%s: the five packs report nothing unacknowledged', (variant) => {
    expect(formatFindings(synthesizedStack(variant, 'WebTier').findings)).toBe('');
  });

  test('the plain-HTTP sandbox listener and open ALB ingress are acknowledged with their reasons', () => {
    const rules = acknowledgedRules(sandboxTemplate);
    expect(rules.get('NIST.800.53.R5-ALBHttpToHttpsRedirection')).toMatch(/plain HTTP/);
    expect(rules.get('AwsSolutions-EC23')).toMatch(/internet-facing/);
    expect(acknowledgedRules(productionTemplate).has('NIST.800.53.R5-ALBWAFEnabled')).toBe(false);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
