import { Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { SecurityBaseline } from '../../lib/security-baseline/security-baseline';
import { SecurityBaselineProps, validateSecurityBaselineProps } from '../../lib/security-baseline/security-baseline-props';
import { problemsOf as problemsFor, testStack } from '../harness';

const problemsOf = (props: SecurityBaselineProps) => problemsFor(validateSecurityBaselineProps, props);
const org = (o: Partial<NonNullable<SecurityBaselineProps['organization']>>) => problemsOf({ organization: { organizationId: 'o-abcdefghij', ...o } });

describe('SecurityBaseline props: bad input fails at synth with a clear message', () => {
  test('accepts no props, and both stage profiles\' settings', () => {
    expect(problemsOf({})).toEqual([]);
    expect(problemsOf({ objectLockRetention: Duration.days(365), logArchiveExpiration: Duration.days(2555), removalPolicy: RemovalPolicy.RETAIN })).toEqual([]);
  });

  test('fails when the archive expires before objects have spent their minimum in Glacier, or after 100 years', () => {
    expect(problemsOf({ logArchiveExpiration: Duration.days(90) })).toEqual([
      'logArchiveExpiration: got 90; expected a whole number from 180 to 36500 days (objects reach Glacier after 90 days and are billed there 90 days at least)']);
    expect(problemsOf({ logArchiveExpiration: Duration.days(36501) })).toHaveLength(1);
  });

  test('fails when Object Lock outlasts the archive, or would block a DESTROY removal', () => {
    expect(problemsOf({ objectLockRetention: Duration.days(400) })).toEqual([
      'objectLockRetention: got "400 days"; expected at most logArchiveExpiration (365 days): a lifecycle rule cannot expire a locked object']);
    expect(problemsOf({ objectLockRetention: Duration.days(30), removalPolicy: RemovalPolicy.DESTROY })).toEqual([
      'objectLockRetention: got "30 days"; a locked bucket cannot be emptied, so RemovalPolicy.DESTROY cannot delete it; leave Object Lock out of a disposable stage']);
    expect(problemsOf({ objectLockRetention: Duration.hours(12) })).toEqual(['objectLockRetention: got 0.5; expected a whole number from 1 to 36500 days']);
  });

  test('fails on a malformed home region', () => {
    expect(problemsOf({ homeRegion: 'Ireland' })).toEqual(['homeRegion: got "Ireland"; expected an AWS region name such as "eu-west-1"']);
    expect(problemsOf({ globalResourcesRegion: 'Virginia' })).toEqual(['globalResourcesRegion: got "Virginia"; expected an AWS region name such as "eu-west-1"']);
  });

  test('fails on a home region where AWS Config records no IAM types (opened since February 2022)', () => {
    expect(problemsOf({ homeRegion: 'ap-southeast-7' })).toEqual([
      'homeRegion: got "ap-southeast-7"; expected a region opened before February 2022 (AWS Config records no IAM resource types in later ones), such as "eu-west-1"',
    ]);
    expect(problemsOf({ homeRegion: 'eu-west-1' })).toEqual([]);
  });

  test('fails when the deprecated globalResourcesRegion names another region than homeRegion', () => {
    expect(problemsOf({ homeRegion: 'eu-west-1', globalResourcesRegion: 'us-east-1' })).toEqual([
      'globalResourcesRegion: got "us-east-1"; expected the same region as homeRegion ("eu-west-1"), which it stands for, or leave it out']);
    expect(problemsOf({ homeRegion: 'eu-west-1', globalResourcesRegion: 'eu-west-1' })).toEqual([]);
  });

  test('fails on malformed or repeated Config rule identifiers', () => {
    expect(problemsOf({ configRules: ['s3-bucket-ssl-requests-only'] })).toEqual([
      'configRules[0]: got "s3-bucket-ssl-requests-only"; expected an AWS Config managed rule identifier such as "S3_BUCKET_SSL_REQUESTS_ONLY"']);
    expect(problemsOf({ configRules: ['EC2_IMDSV2_CHECK', 'EC2_IMDSV2_CHECK'] })).toEqual(['configRules: got ["EC2_IMDSV2_CHECK","EC2_IMDSV2_CHECK"]; expected each rule once']);
  });

  test('fails on a metric namespace AWS reserves or CloudWatch refuses', () => {
    expect(problemsOf({ metricNamespace: 'AWS/CloudTrail' })).toHaveLength(1);
    expect(problemsOf({ metricNamespace: 'my namespace' })).toEqual([
      'metricNamespace: got "my namespace"; expected 1 to 255 letters, digits or . - _ / # :, not starting with "AWS/" (reserved for AWS services)']);
  });

  test('fails on an unknown finding severity', () => {
    expect(problemsOf({ findingSeverity: 'SEVERE' as never })).toEqual(['findingSeverity: got "SEVERE"; expected one of "LOW", "MEDIUM", "HIGH", "CRITICAL"']);
  });

  test('fails on a password policy weaker or longer than IAM and CIS allow', () => {
    expect(problemsOf({ accountSettings: { passwordPolicy: { minimumLength: 8, maxAgeDays: 0, reusePrevention: 25 } } })).toEqual([
      'accountSettings.passwordPolicy.minimumLength: got 8; expected a whole number from 14 to 128',
      'accountSettings.passwordPolicy.maxAgeDays: got 0; expected a whole number from 1 to 1095',
      'accountSettings.passwordPolicy.reusePrevention: got 25; expected a whole number from 1 to 24',
    ]);
  });

  test('fails on a malformed organization id, target, region or exempt role', () => {
    expect(org({ organizationId: 'org-1' })).toEqual(['organization.organizationId: got "org-1"; expected an organization id such as "o-a1b2c3d4e5"']);
    expect(org({ targetIds: ['ou-1'] })).toEqual(['organization.targetIds[0]: got "ou-1"; expected a root (r-...), an OU (ou-...-...) or a 12-digit account id']);
    expect(org({ targetIds: ['r-ab12', 'ou-ab12-abcdefgh', '123456789012'] })).toEqual([]);
    expect(org({ allowedRegions: [] })).toEqual(['organization.allowedRegions: got []; expected at least one region, or leave it out for no restriction']);
    expect(org({ allowedRegions: ['Europe'] })).toEqual(['organization.allowedRegions[0]: got "Europe"; expected an AWS region name such as "eu-west-1"']);
    expect(org({ exemptRoleArns: ['Admin'] })).toEqual([
      'organization.exemptRoleArns[0]: got "Admin"; expected an IAM role ARN such as "arn:aws:iam::*:role/OrganizationAccountAccessRole"']);
  });

  test('fails on a malformed e-mail, or an e-mail with a topic passed in', () => {
    expect(problemsOf({ alarmEmail: 'ops' })).toEqual(['alarmEmail: got "ops"; expected an e-mail address']);
    const stack = testStack();
    expect(problemsOf({ alarmEmail: 'ops@example.com', alarmTopic: new sns.Topic(stack, 'T') })).toEqual([
      'alarmEmail: got "ops@example.com"; subscribe the address to the alarmTopic you pass in, or leave alarmTopic out']);
  });

  test('the construct throws before building anything', () => {
    expect(() => new SecurityBaseline(testStack(), 'B', { findingSeverity: 'SEVERE' as never })).toThrow(/^Invalid SecurityBaseline props:\n {2}- findingSeverity/);
  });
});
