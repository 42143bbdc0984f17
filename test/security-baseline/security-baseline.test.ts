import { RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { Match, Template } from 'aws-cdk-lib/assertions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SecurityBaseline } from '../../lib/security-baseline/security-baseline';
import { SecurityBaselineProps } from '../../lib/security-baseline/security-baseline-props';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testStack } from '../harness';

function build(props: SecurityBaselineProps) {
  const stack = testStack();
  const baseline = new SecurityBaseline(stack, 'SecurityBaseline', props);
  return { stack, baseline, template: Template.fromStack(stack) };
}

const SINGLETONS = ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel', 'AWS::GuardDuty::Detector', 'AWS::SecurityHub::Hub',
  'AWS::SecurityHub::Standard', 'AWS::AccessAnalyzer::Analyzer', 'Custom::AccountSetting'];

describe('switching off what the account already has (Control Tower, an organization\'s delegated admin)', () => {
  const { stack, template } = build({
    configRecorder: false, guardDuty: false, securityHub: false, accessAnalyzer: false, unusedAccessAnalyzer: false, accountSettings: false, removalPolicy: RemovalPolicy.DESTROY,
  });

  test('no per-account singleton is created, and no function to set account settings', () => {
    for (const type of SINGLETONS) expect([type, Object.keys(resourcesOf(template, type))]).toEqual([type, []]);
    template.resourceCountIs('AWS::Lambda::Function', 1); // the bucket auto-delete provider of the sandbox only
    template.resourceCountIs('AWS::Events::Rule', 0);
    template.resourceCountIs('AWS::SQS::Queue', 0);
  });

  test('the trail, its alarms and the Config rules (evaluated by the existing recorder) remain', () => {
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    template.resourceCountIs('AWS::Logs::MetricFilter', 15);
    for (const rule of Object.values(resourcesOf(template, 'AWS::Config::ConfigRule'))) expect(rule.DependsOn).toBeUndefined();
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});

describe('options', () => {
  test('each account setting switches off on its own', () => {
    const { template } = build({ accountSettings: { ebsEncryptionByDefault: false, passwordPolicy: false }, configRecorder: false });
    expect(Object.values(resourcesOf(template, 'Custom::AccountSetting')).map((r) => r.Properties.Setting)).toEqual(['S3BlockPublicAccess']);
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.includes('AccountSettingsHandlerRole'))![1];
    expect(JSON.stringify(grants.Properties.PolicyDocument)).not.toMatch(/ec2:|iam:/);
  });

  test('with the account settings off, the function still creates AWS Config\'s service-linked role for the recorder, and may do nothing else', () => {
    const { template } = build({ accountSettings: false });
    expect(Object.values(resourcesOf(template, 'Custom::AccountSetting')).map((r) => r.Properties.Setting)).toEqual(['ConfigServiceLinkedRole']);
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.includes('AccountSettingsHandlerRole'))![1];
    const actions = grants.Properties.PolicyDocument.Statement.flatMap((st: { Action: string | string[] }) => [st.Action].flat());
    expect(actions.filter((a: string) => !/^(logs|xray|kms):/.test(a)).sort()).toEqual(['iam:CreateServiceLinkedRole', 'iam:GetRole']);
  });

  test('a custom password policy reaches the custom resource, and the IAM_PASSWORD_POLICY rule checks that policy', () => {
    const { template } = build({ accountSettings: { passwordPolicy: { minimumLength: 20, maxAgeDays: 60, reusePrevention: 12 } } });
    template.hasResourceProperties('Custom::AccountSetting', { Setting: 'PasswordPolicy', MinimumPasswordLength: 20, MaxPasswordAge: 60, PasswordReusePrevention: 12 });
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { SourceIdentifier: 'IAM_PASSWORD_POLICY' },
      InputParameters: Match.objectLike({ MinimumPasswordLength: '20', MaxPasswordAge: '60', PasswordReusePrevention: '12', RequireSymbols: 'true' }),
    });
  });

  test('without a password policy of its own, the IAM_PASSWORD_POLICY rule keeps its (CIS) defaults', () => {
    const { template } = build({ accountSettings: { passwordPolicy: false } });
    template.hasResourceProperties('AWS::Config::ConfigRule', { Source: { SourceIdentifier: 'IAM_PASSWORD_POLICY' }, InputParameters: Match.absent() });
  });

  test('each GuardDuty protection plan switches on on its own; the others stay DISABLED', () => {
    const { template } = build({ guardDutyProtection: { ebsMalwareProtection: true, runtimeMonitoring: true } });
    const features = Object.values(resourcesOf(template, 'AWS::GuardDuty::Detector'))[0].Properties.Features;
    expect(Object.fromEntries(features.map((f: { Name: string; Status: string }) => [f.Name, f.Status]))).toEqual({
      S3_DATA_EVENTS: 'ENABLED', EBS_MALWARE_PROTECTION: 'ENABLED', RUNTIME_MONITORING: 'ENABLED',
      EKS_AUDIT_LOGS: 'DISABLED', RDS_LOGIN_EVENTS: 'DISABLED', LAMBDA_NETWORK_LOGS: 'DISABLED',
    });
  });

  test('with a home region, an agnostic stack holds the account-wide pieces only there, decided by CloudFormation; the regional services everywhere', () => {
    const { template } = build({ homeRegion: 'eu-west-1' });
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    const [home] = Object.keys(conditions).filter((id) => id.includes('InHomeRegion'));
    expect(conditions[home]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] });
    const resources = template.toJSON().Resources as Record<string, { Type: string; Condition?: string; Properties?: Record<string, any> }>;
    const conditionOf = (type: string, pick: (p: Record<string, any>) => boolean = () => true) =>
      Object.values(resources).filter((r) => r.Type === type && pick(r.Properties ?? {})).map((r) => r.Condition);
    // Account-wide: one trail (its bucket, key, log group), the CIS filters and alarms, the password policy, S3 account BPA, the unused-access analyzer.
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::Logs::MetricFilter']) expect([type, new Set(conditionOf(type))]).toEqual([type, new Set([home])]);
    expect(new Set(conditionOf('AWS::CloudWatch::Alarm', (p) => p.Namespace?.startsWith('CIS/')))).toEqual(new Set([home]));
    expect(Object.entries(resources).filter(([id]) => id.startsWith('SecurityBaselineAudit')).map(([, r]) => r.Condition)).toEqual(expect.arrayContaining([home]));
    for (const [id, r] of Object.entries(resources).filter(([i]) => i.startsWith('SecurityBaselineAudit'))) expect([id, r.Condition]).toEqual([id, home]);
    for (const setting of ['PasswordPolicy', 'S3BlockPublicAccess']) expect(conditionOf('Custom::AccountSetting', (p) => p.Setting === setting)).toEqual([home]);
    expect(conditionOf('AWS::AccessAnalyzer::Analyzer', (p) => p.Type === 'ACCOUNT_UNUSED_ACCESS')).toEqual([home]);
    // Regional: unconditioned.
    for (const type of ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel', 'AWS::GuardDuty::Detector', 'AWS::SecurityHub::Hub', 'AWS::SecurityHub::Standard']) {
      expect([type, conditionOf(type).every((c) => c === undefined)]).toEqual([type, true]);
    }
    expect(conditionOf('AWS::AccessAnalyzer::Analyzer', (p) => p.Type === 'ACCOUNT')).toEqual([undefined]);
    for (const setting of ['EbsEncryptionByDefault', 'ConfigServiceLinkedRole']) expect(conditionOf('Custom::AccountSetting', (p) => p.Setting === setting)).toEqual([undefined]);
    // IAM is recorded at home, and only where Config records it at all.
    const [records] = Object.keys(conditions).filter((id) => id.includes('RecordsGlobalResourceTypes'));
    expect(conditions[records]).toEqual({ 'Fn::And': [{ Condition: home }, { Condition: 'OutsideRegionsOpenedSince2022' }] });
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: { 'Fn::If': [records, true, false] } } });
  });

  test('the deprecated globalResourcesRegion stands for homeRegion', () => {
    const { template } = build({ globalResourcesRegion: 'eu-west-1' });
    const [home] = Object.entries(template.toJSON().Conditions as Record<string, unknown>).filter(([id]) => id.includes('InHomeRegion'));
    expect(home[1]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] });
  });

  test('a stack pinned to the home region holds the account-wide pieces; pinned elsewhere, the regional services only, decided at synth time', () => {
    const pinned = (region: string) => {
      const stack = new Stack(testStack().node.scope as Construct, 'Pinned', { env: { account: '123456789012', region } });
      new SecurityBaseline(stack, 'SecurityBaseline', { homeRegion: 'eu-west-1' });
      return Template.fromStack(stack);
    };
    const home = pinned('eu-west-1');
    home.resourceCountIs('AWS::CloudTrail::Trail', 1);
    home.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true } });
    expect(home.toJSON().Conditions).toBeUndefined();
    const elsewhere = pinned('us-east-1');
    for (const type of ['AWS::CloudTrail::Trail', 'AWS::Logs::MetricFilter']) elsewhere.resourceCountIs(type, 0);
    elsewhere.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false } });
    expect(Object.values(resourcesOf(elsewhere, 'Custom::AccountSetting')).map((r) => r.Properties.Setting).sort()).toEqual(['ConfigServiceLinkedRole', 'EbsEncryptionByDefault']);
    expect(elsewhere.toJSON().Conditions).toBeUndefined();
  });

  test('RDS Protection is left off where GuardDuty does not offer it (ap-east-2), decided at synth time when the region is known', () => {
    const rdsStatus = (region: string) => {
      const stack = new Stack(testStack().node.scope as Construct, `In${region.replace(/-/g, '')}`, { env: { account: '123456789012', region } });
      new SecurityBaseline(stack, 'SecurityBaseline', { guardDutyProtection: { rdsLoginEvents: true } });
      const detector = Object.values(resourcesOf(Template.fromStack(stack), 'AWS::GuardDuty::Detector'))[0].Properties;
      return detector.Features.find((f: { Name: string }) => f.Name === 'RDS_LOGIN_EVENTS').Status;
    };
    expect(rdsStatus('eu-west-1')).toBe('ENABLED');
    expect(rdsStatus('ap-east-2')).toBe('DISABLED');
  });

  test('S3 data events are recorded when asked for', () => {
    const { template } = build({ dataEvents: true });
    template.hasResourceProperties('AWS::CloudTrail::Trail', {
      EventSelectors: Match.arrayWith([Match.objectLike({ DataResources: [{ Type: 'AWS::S3::Object', Values: [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':s3:::']] }] }] })]),
    });
  });

  test('a lower finding threshold widens both rules', () => {
    const { template } = build({ findingSeverity: 'MEDIUM' });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ detail: { severity: [{ numeric: ['>=', 4] }] } }) });
    template.hasResourceProperties('AWS::Events::Rule', { EventPattern: Match.objectLike({ detail: Match.objectLike({ findings: Match.objectLike({ Severity: { Label: ['MEDIUM', 'HIGH', 'CRITICAL'] } }) }) }) });
  });

  test('alarms and findings go to a topic passed in, and no topic or key is created for them', () => {
    const stack = testStack();
    const ops = new sns.Topic(stack, 'Ops');
    new SecurityBaseline(stack, 'SecurityBaseline', { alarmTopic: ops });
    const template = Template.fromStack(stack);
    // Ops, and the undelivered-findings topic: the alarm on findings that did not reach Ops goes elsewhere.
    template.resourceCountIs('AWS::SNS::Topic', 2);
    for (const alarm of Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm'))) {
      const topic = alarm.Properties.MetricName === 'ApproximateNumberOfMessagesVisible' ? /^SecurityBaselineUndeliveredFindingsTopic/ : /^Ops/;
      expect(alarm.Properties.AlarmActions).toEqual([{ Ref: expect.stringMatching(topic) }]);
    }
    for (const rule of Object.values(resourcesOf(template, 'AWS::Events::Rule'))) expect(rule.Properties.Targets[0].Arn).toEqual({ Ref: expect.stringMatching(/^Ops/) });
  });

  test('configRules: [] creates no rule; a list of your own replaces the baseline\'s', () => {
    build({ configRules: [] }).template.resourceCountIs('AWS::Config::ConfigRule', 0);
    const { template } = build({ configRules: ['EC2_IMDSV2_CHECK'] });
    expect(Object.values(resourcesOf(template, 'AWS::Config::ConfigRule')).map((r) => r.Properties.Source.SourceIdentifier)).toEqual(['EC2_IMDSV2_CHECK']);
  });

  test('cisAlarms: false drops the metric filters and their alarms', () => {
    const { template } = build({ cisAlarms: false });
    template.resourceCountIs('AWS::Logs::MetricFilter', 0);
    expect(Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties.MetricName)).toEqual(['ApproximateNumberOfMessagesVisible']);
  });

  test('keeps the bucket, keys and account settings when nobody chose a removal policy', () => {
    const { template } = build({});
    for (const type of ['AWS::S3::Bucket', 'AWS::KMS::Key', 'Custom::AccountSetting', 'AWS::Logs::LogGroup']) {
      for (const r of Object.values(resourcesOf(template, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Retain']);
    }
  });
});

describe('Organizations guardrails (opt-in, management account)', () => {
  const { stack, template } = build({
    organization: { organizationId: 'o-abcdefghij', targetIds: ['ou-ab12-abcdefgh'], allowedRegions: ['eu-west-1', 'us-east-1'] },
  });
  const policies = () => Object.values(resourcesOf(template, 'AWS::Organizations::Policy')).map((p) => p.Properties);
  const statementOf = (suffix: string) => policies().find((p) => JSON.stringify(p.Name).includes(suffix))!.Content.Statement[0];

  test('four service control policies, attached to the targets, named per stack and region', () => {
    expect(policies()).toHaveLength(4);
    for (const p of policies()) {
      expect(p).toMatchObject({ Type: 'SERVICE_CONTROL_POLICY', TargetIds: ['ou-ab12-abcdefgh'] });
      expect(p.Name).toEqual({ 'Fn::Join': ['', ['Unit-Test-', { Ref: 'AWS::Region' }, expect.stringMatching(/^-/)]] });
    }
  });

  test('deny leaving the organization', () => {
    expect(statementOf('DenyLeavingOrganization')).toEqual({ Sid: 'DenyLeavingOrganization', Effect: 'Deny', Action: 'organizations:LeaveOrganization', Resource: '*' });
  });

  test('deny stopping CloudTrail, Config, GuardDuty and Security Hub, except for the exempt role', () => {
    const s = statementOf('DenySecurityServiceTampering');
    expect(s.Effect).toBe('Deny');
    expect(s.Action).toEqual(expect.arrayContaining(['cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'config:StopConfigurationRecorder',
      'config:DeleteDeliveryChannel', 'guardduty:DeleteDetector', 'securityhub:DisableSecurityHub']));
    expect(s.Condition).toEqual({ ArnNotLike: { 'aws:PrincipalArn': [{ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::*:role/OrganizationAccountAccessRole']] }] } });
  });

  test('deny everything to member accounts\' root users', () => {
    expect(statementOf('DenyRootUser')).toMatchObject({ Effect: 'Deny', Action: '*', Condition: { StringLike: { 'aws:PrincipalArn': [expect.anything()] } } });
  });

  test('deny other regions, global services excepted', () => {
    const s = statementOf('RestrictRegions');
    expect(s).toMatchObject({ Effect: 'Deny', Condition: { StringNotEquals: { 'aws:RequestedRegion': ['eu-west-1', 'us-east-1'] } } });
    expect(s.NotAction).toEqual(expect.arrayContaining(['iam:*', 'organizations:*', 'sts:*', 'cloudfront:*']));
  });

  test('the audit bucket denies principals outside the organization (aws:PrincipalOrgID), AWS services excepted', () => {
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SecurityBaselineAuditBucket') },
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({
        Sid: 'DenyPrincipalsOutsideTheOrganization', Effect: 'Deny', Principal: { AWS: '*' }, Action: 's3:*',
        Condition: { StringNotEqualsIfExists: { 'aws:PrincipalOrgID': 'o-abcdefghij' }, BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' } },
      })]) },
    });
  });

  test('without regions or targets: three policies, created but not attached', () => {
    const { template: t } = build({ organization: { organizationId: 'o-abcdefghij' } });
    expect(Object.values(resourcesOf(t, 'AWS::Organizations::Policy')).map((p) => p.Properties.TargetIds)).toEqual([undefined, undefined, undefined]);
  });

  test('the five packs report nothing unacknowledged', () => {
    expect(formatFindings(nagFindings(stack))).toBe('');
  });
});
