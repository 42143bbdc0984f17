import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { STAGE_PROFILES } from '../../lib/stages/stage-config';
import { PLAIN_HTTP_WARNING } from '../../lib/web-tier/web-tier';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';
import { collidingNames, COMMERCIAL_REGIONS, regionGaps } from '../template-rules';
import { STAGE_VARIANTS, VariantName } from '../synth/variants';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandboxTemplate = stackTemplate('Sandbox', 'WebTier');
const productionTemplate = stackTemplate('Production', 'WebTier');

const lbAttributes = (t: Template) => Object.fromEntries(Object.values(resourcesOf(t, 'AWS::ElasticLoadBalancingV2::LoadBalancer'))[0]
  .Properties.LoadBalancerAttributes.map((a: { Key: string; Value: string }) => [a.Key, a.Value]));
/** The launch template's user data as the instance sees it, references shown as ${LogicalId}. */
const userDataOf = (t: Template): string => {
  const data = Object.values(resourcesOf(t, 'AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData['Fn::Base64'];
  const parts: unknown[] = typeof data === 'string' ? [data] : data['Fn::Join'][1];
  return parts.map((p) => (typeof p === 'string' ? p : `\${${(p as { Ref: string }).Ref}}`)).join('');
};
const scheduled = (t: Template) => Object.values(resourcesOf(t, 'AWS::AutoScaling::ScheduledAction'))
  .map((a) => [a.Properties.Recurrence, a.Properties.MinSize, a.Properties.DesiredCapacity]);
/** The unacknowledged plain-HTTP warnings of a stage's web tier. */
const warnings = (variant: VariantName): string[] => synthesizedStack(variant, 'WebTier').messages
  .filter((m) => m.level === 'warning' && m.text.includes(PLAIN_HTTP_WARNING)).map((m) => m.text);
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

  test('without a certificate the ALB admits port 80 from the allowed CIDRs and nothing else: no 443 with no listener behind it', () => {
    expect(ingressOf(template, 'LoadBalancerSecurityGroup').map((r: any) => [r.CidrIp, r.FromPort, r.ToPort]).sort())
      .toEqual([['0.0.0.0/0', 80, 80]]);
  });

  test('the ALB sends only to the instances\' port: its inline egress list revokes EC2\'s default allow-all', () => {
    const [albId, alb] = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('LoadBalancerSecurityGroup'))!;
    // An empty list leaves EC2's default 0.0.0.0/0 rule: CloudFormation revokes it only for a non-empty list.
    expect(alb.Properties.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 }]);
    const egress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties)
      .filter((p) => JSON.stringify(p.GroupId).includes(albId));
    expect(egress).toEqual([expect.objectContaining({
      IpProtocol: 'tcp', FromPort: 80, ToPort: 80, DestinationSecurityGroupId: { 'Fn::GetAtt': [expect.stringContaining('InstanceSecurityGroup'), 'GroupId'] },
    })]);
    expect(JSON.stringify([alb.Properties.SecurityGroupEgress, egress])).not.toMatch(/0\.0\.0\.0\/0|::\/0|"IpProtocol":"-1"/);
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
    const script = userDataOf(template);
    for (const fragment of ['dnf install -y nginx', 'latest/api/token', 'instance-id', 'placement/availability-zone', '/usr/share/nginx/html/health', 'systemctl enable --now nginx']) {
      expect(script).toContain(fragment);
    }
  });

  test('user data signals the group only after nginx answers /health locally, failure on any early exit', () => {
    const script = userDataOf(template);
    const asgId = Object.keys(resourcesOf(template, 'AWS::AutoScaling::AutoScalingGroup'))[0];
    const roleId = Object.keys(resourcesOf(template, 'AWS::IAM::Role')).find((id) => id.includes('InstanceRole'));
    const signal = `/opt/aws/bin/cfn-signal --stack \${AWS::StackName} --resource ${asgId} --region \${AWS::Region} --role \${${roleId}} --exit-code`;
    expect(script.indexOf(`${signal} 0`)).toBeGreaterThan(script.indexOf('until curl -fsS -o /dev/null --max-time 5 "http://127.0.0.1:80/health"'));
    expect(script.indexOf('until curl')).toBeGreaterThan(script.indexOf('systemctl enable --now nginx'));
    expect(script).toContain(`trap exitTrap EXIT`);
    expect(script).toContain(`|| ${signal} 1`);
  });

  test('creation and rolling updates wait for healthy signals, one instance at a time, and fail after 15 minutes', () => {
    const [asg] = Object.values(resourcesOf(template, 'AWS::AutoScaling::AutoScalingGroup'));
    const min = Number(asg.Properties.MinSize);
    expect(asg.CreationPolicy).toEqual({ ResourceSignal: { Count: min, Timeout: 'PT15M' }, AutoScalingCreationPolicy: { MinSuccessfulInstancesPercent: 100 } });
    expect(asg.UpdatePolicy.AutoScalingRollingUpdate).toMatchObject({
      WaitOnResourceSignals: true, PauseTime: 'PT15M', MaxBatchSize: 1, MinInstancesInService: min, MinSuccessfulInstancesPercent: 100,
    });
  });

  test('the instance role may signal this stack only', () => {
    const statements = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).flatMap((p) => p.Properties.PolicyDocument.Statement);
    expect(statements).toEqual([{ Effect: 'Allow', Action: 'cloudformation:SignalResource', Resource: { Ref: 'AWS::StackId' } }]);
  });

  test('no resource carries a physical name another deployment or a retained leftover could share', () => {
    expect(collidingNames(template.toJSON())).toEqual([]);
  });

  test('every region-keyed lookup answers in every commercial region', () => {
    expect(regionGaps(template.toJSON())).toEqual([]);
  });

  test('instances: Session Manager role, HTTP from the load balancer only, no SSH', () => {
    template.hasResourceProperties('AWS::IAM::Role', {
      AssumeRolePolicyDocument: Match.objectLike({ Statement: [Match.objectLike({ Principal: { Service: 'ec2.amazonaws.com' } })] }),
      ManagedPolicyArns: [
        { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::aws:policy/AmazonSSMManagedInstanceCore']] },
        { Ref: Match.stringLikeRegexp('InstanceRoleGrants') },
      ],
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

  test('the schedule moves the minimum, never only the desired count (target tracking would undo it)', () => {
    for (const a of Object.values(resourcesOf(template, 'AWS::AutoScaling::ScheduledAction'))) {
      expect(a.Properties.MinSize).toEqual(expect.any(Number));
      expect(a.Properties.DesiredCapacity).toBeUndefined();
    }
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
    // The 5xx counts are missing in minutes without any: filled with 0, else the rate is missing too and never alarms.
    expect(rate.Metrics[0].Expression).toBe('IF(requests > 0, 100 * (FILL(elb5xx, 0) + FILL(target5xx, 0)) / requests, 0)');
    expect(Object.fromEntries(rate.Metrics.slice(1).map((m: any) => [m.Id, [m.MetricStat.Metric.MetricName, m.MetricStat.Stat, m.ReturnData]]))).toEqual({
      elb5xx: ['HTTPCode_ELB_5XX_Count', 'Sum', false],
      target5xx: ['HTTPCode_Target_5XX_Count', 'Sum', false],
      requests: ['RequestCount', 'Sum', false],
    });
    expect(alarms.find((a) => a.MetricName === 'UnHealthyHostCount')).toMatchObject({ Threshold: 0 });
    for (const a of alarms) expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/NotificationsTopic/) }]);
  });

  test('exports the instance security group and role, so no stack that uses them lets this one be deleted or the group replaced', () => {
    const exported = Object.values(template.toJSON().Outputs as Record<string, any>).filter((o) => o.Export).map((o) => o.Value);
    expect(exported).toEqual(expect.arrayContaining([
      { 'Fn::GetAtt': [expect.stringContaining('InstanceSecurityGroup'), 'GroupId'] },
      { Ref: expect.stringContaining('InstanceRole') },
    ]));
  });

  test('outputs the URL of the load balancer', () => {
    template.hasOutput('LoadBalancerUrl', { Value: { 'Fn::Join': ['', ['http://', { 'Fn::GetAtt': [Match.stringLikeRegexp('LoadBalancer'), 'DNSName'] }, '/']] } });
  });
});

describe('stage differences', () => {
  test('the sandbox schedule: minimum 3 at the 14:00 peak, 2 at the 02:00 low, within its 2-4', () => {
    expect(scheduled(sandboxTemplate)).toEqual([['0 14 * * *', 3, undefined], ['0 2 * * *', 2, undefined]]);
  });

  test('the production schedule: minimum 6 at the peak, 3 at the low, within its 3-12', () => {
    expect(scheduled(productionTemplate)).toEqual([['0 14 * * *', 6, undefined], ['0 2 * * *', 3, undefined]]);
  });

  test('production WAF logs: a name unique to this stack\'s creation, the stage\'s 365-day retention, retained', () => {
    const [id, group] = Object.entries(resourcesOf(productionTemplate, 'AWS::Logs::LogGroup')).find(([, g]) => JSON.stringify(g.Properties.LogGroupName ?? '').includes('aws-waf-logs-'))!;
    expect(group.Properties.LogGroupName).toEqual({ 'Fn::Join': ['', [expect.stringMatching(/^aws-waf-logs-[0-9a-f]{8}-$/), { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] });
    expect(group.Properties.RetentionInDays).toBe(365);
    expect(group.DeletionPolicy).toBe('Retain');
    productionTemplate.hasResourceProperties('AWS::WAFv2::LoggingConfiguration', {
      LogDestinationConfigs: [{ 'Fn::Join': ['', Match.arrayWith([{ Ref: id }])] }],
    });
  });

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

  test('the plain-HTTP listener and open ALB ingress are acknowledged with reasons true in both stages', () => {
    const rules = acknowledgedRules(sandboxTemplate);
    expect(rules.get('NIST.800.53.R5-ALBHttpToHttpsRedirection')).toBe(acknowledgedRules(productionTemplate).get('NIST.800.53.R5-ALBHttpToHttpsRedirection'));
    expect(rules.get('NIST.800.53.R5-ALBHttpToHttpsRedirection')).toMatch(/No certificateArn was given .* plain HTTP: synth warns of it unless the stage profile states why/);
    expect(rules.get('NIST.800.53.R5-ALBHttpToHttpsRedirection')).not.toMatch(/sandbox/);
    expect(rules.get('AwsSolutions-EC23')).toMatch(/internet-facing/);
    expect(acknowledgedRules(productionTemplate).has('NIST.800.53.R5-ALBWAFEnabled')).toBe(false);
  });
});

describe('the certificate', () => {
  test('production without one warns at synth that it serves plain HTTP, and why', () => {
    expect(warnings('Production')).toEqual([expect.stringMatching(/^Production\/WebTier\/WebTier serves plain HTTP on port 80: no certificateArn was given/)]);
  });

  test('the sandbox acknowledges that warning with its own reason', () => {
    expect(warnings('Sandbox')).toEqual([]);
    expect(STAGE_PROFILES.Sandbox.plainHttpReason).toMatch(/sandbox .* plain HTTP/);
  });

  test('production with one serves HTTPS, redirects HTTP, and warns of nothing', () => {
    const template = stackTemplate('Production pinned', 'WebTier');
    const certificateArn = STAGE_VARIANTS['Production pinned'].certificateArn;
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 443, Protocol: 'HTTPS', Certificates: [{ CertificateArn: certificateArn }] });
    template.hasResourceProperties('AWS::ElasticLoadBalancingV2::Listener', { Port: 80, DefaultActions: [Match.objectLike({ Type: 'redirect' })] });
    expect(ingressOf(template, 'LoadBalancerSecurityGroup').map((r: any) => [r.CidrIp, r.FromPort, r.ToPort]).sort())
      .toEqual([['0.0.0.0/0', 443, 443], ['0.0.0.0/0', 80, 80]]);
    template.hasOutput('LoadBalancerUrl', { Value: { 'Fn::Join': ['', ['https://', Match.anyValue(), '/']] } });
    expect(warnings('Production pinned')).toEqual([]);
    expect(formatFindings(synthesizedStack('Production pinned', 'WebTier').findings)).toBe('');
  });
});

describe('placement: the same acknowledgements and conditions, pinned or environment-agnostic', () => {
  // Sandbox pinned is in eu-west-1, which has a regional ELB account; Production pinned in ap-southeast-7, which has none.
  const pinnedTemplate = stackTemplate('Sandbox pinned', 'WebTier');

  test('pinned: the ELB log account is looked up at synth (no mapping, no condition, no transform)', () => {
    const json = pinnedTemplate.toJSON();
    expect([json.Mappings, json.Conditions, json.Transform]).toEqual([undefined, undefined, undefined]);
    pinnedTemplate.hasResourceProperties('AWS::S3::BucketPolicy', { PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
      Sid: 'AlbLogDeliveryByRegionalAccount', Principal: { AWS: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::156460612806:root']] } },
    })]) } });
  });

  test('pinned to a region without an ELB account: the log-delivery service alone', () => {
    const template = stackTemplate('Production pinned', 'WebTier');
    const sids = Object.values(resourcesOf(template, 'AWS::S3::BucketPolicy'))[0].Properties.PolicyDocument.Statement.map((s: any) => s.Sid);
    expect(sids).toContain('AlbLogDeliveryByService');
    expect(sids).not.toContain('AlbLogDeliveryByRegionalAccount');
  });

  test('environment-agnostic: looked up at deploy time, with a default for regions the table lacks', () => {
    const json = productionTemplate.toJSON();
    expect(json.Transform).toEqual(['AWS::LanguageExtensions']);
    expect(Object.values(json.Conditions)).toEqual([{ 'Fn::Not': [{ 'Fn::Equals': [
      { 'Fn::FindInMap': ['ElbLogAccounts', { Ref: 'AWS::Region' }, 'account', { DefaultValue: 'none' }] }, 'none'] }] }]);
  });

  test('the regions the old lookup failed in fall to the default: the log-delivery service alone', () => {
    const newer = ['ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ap-east-2', 'ca-west-1',
      'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1', 'mx-central-1'];
    const mapped = Object.keys(productionTemplate.toJSON().Mappings.ElbLogAccounts);
    expect(newer.filter((r) => mapped.includes(r))).toEqual([]);
    expect(COMMERCIAL_REGIONS).toEqual(expect.arrayContaining(newer));
  });

  test('the acknowledgements are the same rules with the same reasons either way', () => {
    expect([...acknowledgedRules(pinnedTemplate)]).toEqual([...acknowledgedRules(sandboxTemplate)]);
  });

  test('pinned: the five packs report nothing unacknowledged', () => {
    expect(formatFindings(synthesizedStack('Sandbox pinned', 'WebTier').findings)).toBe('');
  });

  test('pinned: every region-keyed lookup still answers everywhere', () => {
    expect(regionGaps(pinnedTemplate.toJSON())).toEqual([]);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
