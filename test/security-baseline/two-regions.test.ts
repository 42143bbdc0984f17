import { Stage } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import { SecurityBaselineStack } from '../../lib/security-baseline/security-baseline-stack';
import { securityBaselineStackProps } from '../../lib/stages/reference-stage';
import { stageConfig } from '../../lib/stages/stage-config';
import { recordAcknowledgements } from '../../lib/shared/compliance';
import { expectNoFindings, resourcesOf, testApp } from '../harness';

// What the delivery pipeline deploys to an account with two production
// regions: each region's stage pinned, the first region named home, and the
// baseline stack given what ReferenceStage gives it (the rest of the stage is
// left out: it plays no part here, and would triple the synthesis time).
const ACCOUNT = '123456789012';
const app = testApp();
const stacks = Object.fromEntries(['eu-west-1', 'us-east-1'].map((region) => {
  const config = stageConfig({ stage: 'Production', account: ACCOUNT, region, alarmEmail: 'ops@example.com', homeRegion: 'eu-west-1' });
  const stage = new Stage(app, `Production-${region}`, { env: { account: ACCOUNT, region } });
  recordAcknowledgements(stage);
  return [region, new SecurityBaselineStack(stage, 'SecurityBaseline', securityBaselineStackProps(config))];
}));
const templates = Object.fromEntries(Object.entries(stacks).map(([region, stack]) => [region, Template.fromStack(stack)]));
const count = (type: string, pick: (p: Record<string, any>) => boolean = () => true) =>
  Object.fromEntries(Object.entries(templates).map(([region, t]) => [region, Object.values(resourcesOf(t, type)).filter((r) => pick(r.Properties ?? {})).length]));

describe('one account, two regions: the account-wide pieces once, the regional services in each', () => {
  test('one trail, one set of CIS metric filters and alarms, one password policy and S3 account Block Public Access, one unused-access analyzer: in the home region', () => {
    expect(count('AWS::CloudTrail::Trail')).toEqual({ 'eu-west-1': 1, 'us-east-1': 0 });
    expect(count('AWS::Logs::MetricFilter')).toEqual({ 'eu-west-1': 15, 'us-east-1': 0 });
    expect(count('AWS::CloudWatch::Alarm', (p) => String(p.Namespace).startsWith('CIS/'))).toEqual({ 'eu-west-1': 15, 'us-east-1': 0 });
    expect(count('Custom::AccountSetting', (p) => p.Setting === 'PasswordPolicy')).toEqual({ 'eu-west-1': 1, 'us-east-1': 0 });
    expect(count('Custom::AccountSetting', (p) => p.Setting === 'S3BlockPublicAccess')).toEqual({ 'eu-west-1': 1, 'us-east-1': 0 });
    expect(count('AWS::AccessAnalyzer::Analyzer', (p) => p.Type === 'ACCOUNT_UNUSED_ACCESS')).toEqual({ 'eu-west-1': 1, 'us-east-1': 0 });
  });

  test('IAM (global types) is recorded once, in the home region', () => {
    const includes = Object.fromEntries(Object.entries(templates).map(([region, t]) =>
      [region, Object.values(resourcesOf(t, 'AWS::Config::ConfigurationRecorder'))[0].Properties.RecordingGroup.IncludeGlobalResourceTypes]));
    expect(includes).toEqual({ 'eu-west-1': true, 'us-east-1': false });
  });

  test('each region its own GuardDuty (with RDS Protection), Config recorder and bucket, Security Hub and standards, external-access analyzer, EBS encryption', () => {
    for (const [type, n] of [['AWS::GuardDuty::Detector', 1], ['AWS::Config::ConfigurationRecorder', 1], ['AWS::Config::DeliveryChannel', 1],
      ['AWS::SecurityHub::Hub', 1], ['AWS::SecurityHub::Standard', 2]] as const) {
      expect([type, count(type)]).toEqual([type, { 'eu-west-1': n, 'us-east-1': n }]);
    }
    expect(count('AWS::AccessAnalyzer::Analyzer', (p) => p.Type === 'ACCOUNT')).toEqual({ 'eu-west-1': 1, 'us-east-1': 1 });
    expect(count('Custom::AccountSetting', (p) => p.Setting === 'EbsEncryptionByDefault')).toEqual({ 'eu-west-1': 1, 'us-east-1': 1 });
    expect(count('AWS::GuardDuty::Detector', (p) => p.Features.some((f: { Name: string; Status: string }) => f.Name === 'RDS_LOGIN_EVENTS' && f.Status === 'ENABLED')))
      .toEqual({ 'eu-west-1': 1, 'us-east-1': 1 });
  });

  test('the five packs report nothing unacknowledged in either region', () => {
    for (const stack of Object.values(stacks)) expectNoFindings(stack);
  });

  test('no condition: pinned stacks decide at synth time', () => {
    for (const t of Object.values(templates)) expect(t.toJSON().Conditions).toBeUndefined();
  });

  test('the smoke checks find the trail and the CIS alarm in the home region only', () => {
    expect(Object.keys(templates['eu-west-1'].toJSON().Outputs)).toEqual(expect.arrayContaining(['TrailArn', 'RootAccountUseAlarmName']));
    expect(Object.keys(templates['us-east-1'].toJSON().Outputs)).not.toEqual(expect.arrayContaining(['TrailArn']));
    expect(Object.keys(templates['us-east-1'].toJSON().Outputs)).toEqual(expect.arrayContaining(['ConfigRecorderName', 'DetectorId', 'AlarmTopicArn']));
  });
});

describe('an environment-agnostic production stage given a home region', () => {
  const config = stageConfig({ stage: 'Production', alarmEmail: 'ops@example.com', homeRegion: 'eu-west-1' });
  const stage = new Stage(testApp(), 'Production');
  recordAcknowledgements(stage);
  const stack = new SecurityBaselineStack(stage, 'SecurityBaseline', securityBaselineStackProps(config));
  const template = Template.fromStack(stack);

  test('the five packs report nothing unacknowledged', () => expectNoFindings(stack));

  test('decides by a CloudFormation condition on AWS::Region, for the trail and its outputs', () => {
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    const [home] = Object.keys(conditions).filter((id) => id.includes('InHomeRegion'));
    expect(conditions[home]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-west-1'] });
    expect(Object.values(resourcesOf(template, 'AWS::CloudTrail::Trail')).map((r) => r.Condition)).toEqual([home]);
    for (const output of ['TrailArn', 'LogBucketName', 'TrailLogGroupName', 'RootAccountUseAlarmName']) template.hasOutput(output, { Condition: home });
    template.hasOutput('DetectorId', {});
    expect(template.toJSON().Outputs.DetectorId.Condition).toBeUndefined();
  });
});
