import { resourcesOf, stackTemplate } from '../harness';
import { filterMatches } from './filter-pattern';

// The CIS metric filters as deployed (read from the synthesized template), run
// against CloudTrail events of the shapes CloudTrail writes: each filter must
// catch what it is for and let the everyday events next to it pass.
const template = stackTemplate('Production', 'SecurityBaseline');
const filters = Object.values(resourcesOf(template, 'AWS::Logs::MetricFilter')).map((f) => f.Properties);
const patternOf = (name: string) => filters.find((f) => f.MetricTransformations[0].MetricName === name)!.FilterPattern as string;
const alarmOf = (name: string) => Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === name)!.Properties;

const iamUser = { type: 'IAMUser', arn: 'arn:aws:iam::123456789012:user/alice', accountId: '123456789012', userName: 'alice' };
const call = (eventSource: string, eventName: string, extra: Record<string, unknown> = {}) => ({
  eventVersion: '1.09', userIdentity: iamUser, eventTime: '2026-12-06T10:00:00Z', eventSource, eventName, awsRegion: 'eu-west-1',
  sourceIPAddress: '203.0.113.10', eventType: 'AwsApiCall', recipientAccountId: '123456789012', ...extra,
});
const consoleLogin = (extra: Record<string, unknown>) => ({ ...call('signin.amazonaws.com', 'ConsoleLogin'), eventType: 'AwsConsoleSignIn', ...extra });

/** For each CIS filter: events it must count, and neighbouring events it must not. */
const CASES: Record<string, { matches: object[]; ignores: object[] }> = {
  RootAccountUse: {
    matches: [call('s3.amazonaws.com', 'ListBuckets', { userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root', accountId: '123456789012' } }),
      consoleLogin({ userIdentity: { type: 'Root', arn: 'arn:aws:iam::123456789012:root' }, responseElements: { ConsoleLogin: 'Success' } })],
    ignores: [call('s3.amazonaws.com', 'ListBuckets'),
      call('s3.amazonaws.com', 'GetBucketAcl', { userIdentity: { type: 'Root', invokedBy: 'support.amazonaws.com' } }),
      call('sts.amazonaws.com', 'AssumeRole', { userIdentity: { type: 'Root' }, eventType: 'AwsServiceEvent' })],
  },
  UnauthorizedApiCalls: {
    matches: [call('ec2.amazonaws.com', 'RunInstances', { errorCode: 'Client.UnauthorizedOperation', errorMessage: 'You are not authorized' }),
      call('s3.amazonaws.com', 'GetObject', { errorCode: 'AccessDenied' }), call('iam.amazonaws.com', 'ListUsers', { errorCode: 'AccessDeniedException' })],
    ignores: [call('ec2.amazonaws.com', 'DescribeInstances'), call('dynamodb.amazonaws.com', 'PutItem', { errorCode: 'ThrottlingException' })],
  },
  ConsoleSignInFailures: {
    matches: [consoleLogin({ errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' } })],
    ignores: [consoleLogin({ responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } })],
  },
  ConsoleSignInWithoutMfa: {
    matches: [consoleLogin({ responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } })],
    ignores: [consoleLogin({ responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'Yes' } }),
      consoleLogin({ errorMessage: 'Failed authentication', responseElements: { ConsoleLogin: 'Failure' }, additionalEventData: { MFAUsed: 'No' } }),
      consoleLogin({ userIdentity: { type: 'AssumedRole' }, responseElements: { ConsoleLogin: 'Success' }, additionalEventData: { MFAUsed: 'No' } })],
  },
  IamPolicyChanges: {
    matches: ['PutRolePolicy', 'AttachUserPolicy', 'CreatePolicyVersion', 'DeleteGroupPolicy', 'DetachRolePolicy'].map((e) => call('iam.amazonaws.com', e)),
    ignores: [call('iam.amazonaws.com', 'GetRolePolicy'), call('iam.amazonaws.com', 'ListAttachedRolePolicies'), call('iam.amazonaws.com', 'CreateRole')],
  },
  CloudTrailChanges: {
    matches: ['StopLogging', 'DeleteTrail', 'UpdateTrail', 'CreateTrail', 'StartLogging'].map((e) => call('cloudtrail.amazonaws.com', e)),
    ignores: [call('cloudtrail.amazonaws.com', 'LookupEvents'), call('cloudtrail.amazonaws.com', 'DescribeTrails')],
  },
  ConfigChanges: {
    matches: ['StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder'].map((e) => call('config.amazonaws.com', e)),
    ignores: [call('config.amazonaws.com', 'DescribeConfigurationRecorders'), call('config.amazonaws.com', 'PutEvaluations')],
  },
  KmsKeyDisabledOrDeleted: {
    matches: [call('kms.amazonaws.com', 'DisableKey'), call('kms.amazonaws.com', 'ScheduleKeyDeletion')],
    ignores: [call('kms.amazonaws.com', 'Decrypt'), call('kms.amazonaws.com', 'EnableKey'), call('kms.amazonaws.com', 'CancelKeyDeletion')],
  },
  SecurityGroupChanges: {
    matches: ['AuthorizeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup'].map((e) => call('ec2.amazonaws.com', e)),
    ignores: [call('ec2.amazonaws.com', 'DescribeSecurityGroups')],
  },
  NetworkAclChanges: {
    matches: ['CreateNetworkAcl', 'CreateNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation'].map((e) => call('ec2.amazonaws.com', e)),
    ignores: [call('ec2.amazonaws.com', 'DescribeNetworkAcls')],
  },
  NetworkGatewayChanges: {
    matches: ['CreateCustomerGateway', 'AttachInternetGateway', 'DetachInternetGateway', 'DeleteInternetGateway'].map((e) => call('ec2.amazonaws.com', e)),
    ignores: [call('ec2.amazonaws.com', 'DescribeInternetGateways')],
  },
  RouteTableChanges: {
    matches: ['CreateRoute', 'ReplaceRoute', 'DeleteRouteTable', 'DisassociateRouteTable'].map((e) => call('ec2.amazonaws.com', e)),
    ignores: [call('ec2.amazonaws.com', 'DescribeRouteTables'), call('route53.amazonaws.com', 'CreateRoute')],
  },
  VpcChanges: {
    matches: ['CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'CreateVpcPeeringConnection', 'AcceptVpcPeeringConnection'].map((e) => call('ec2.amazonaws.com', e)),
    ignores: [call('ec2.amazonaws.com', 'DescribeVpcs')],
  },
  OrganizationsChanges: {
    matches: ['CreateAccount', 'LeaveOrganization', 'AttachPolicy', 'MoveAccount', 'UpdatePolicy'].map((e) => call('organizations.amazonaws.com', e)),
    ignores: [call('organizations.amazonaws.com', 'ListAccounts'), call('iam.amazonaws.com', 'AttachPolicy')],
  },
  S3BucketPolicyChanges: {
    matches: ['PutBucketPolicy', 'DeleteBucketPolicy', 'PutBucketAcl', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication'].map((e) => call('s3.amazonaws.com', e)),
    ignores: [call('s3.amazonaws.com', 'GetBucketPolicy'), call('s3.amazonaws.com', 'PutObject')],
  },
};

describe('the filter-pattern evaluator the CIS tests rely on', () => {
  test('compares case-sensitively, with * as a wildcard in quoted values, && before ||, and NOT EXISTS', () => {
    expect(filterMatches('{ $.userIdentity.type = "Root" }', { userIdentity: { type: 'Root' } })).toBe(true);
    expect(filterMatches('{ $.userIdentity.type = "root" }', { userIdentity: { type: 'Root' } })).toBe(false);
    expect(filterMatches('{ $.errorCode = "AccessDenied*" }', { errorCode: 'AccessDeniedException' })).toBe(true);
    expect(filterMatches('{ $.errorCode = "AccessDenied" }', { errorCode: 'AccessDeniedException' })).toBe(false);
    expect(filterMatches('{ $.a = 1 || $.b = 2 && $.c = 3 }', { a: 1, b: 2 })).toBe(true);
    expect(filterMatches('{ ($.a = 1 || $.b = 2) && $.c = 3 }', { a: 1, b: 2 })).toBe(false);
    expect(filterMatches('{ $.a NOT EXISTS }', { b: 1 })).toBe(true);
    expect(filterMatches('{ $.a != "x" }', { a: 'y' })).toBe(true);
  });
});

describe('CIS metric filters: each catches what it is for, against CloudTrail events', () => {
  test('the fifteen filters of the CIS AWS Foundations Benchmark monitoring section are deployed', () => {
    expect(filters.map((f) => f.MetricTransformations[0].MetricName).sort()).toEqual(Object.keys(CASES).sort());
  });

  test.each(Object.entries(CASES))('%s', (name, { matches, ignores }) => {
    const pattern = patternOf(name);
    for (const event of matches) expect([name, 'matches', event, filterMatches(pattern, event)]).toEqual([name, 'matches', event, true]);
    for (const event of ignores) expect([name, 'ignores', event, filterMatches(pattern, event)]).toEqual([name, 'ignores', event, false]);
  });
});

describe('CIS alarms: when they fire', () => {
  // Events in 5 minutes that raise each alarm: one for each, except the noisy two.
  const THRESHOLDS: Record<string, number> = { UnauthorizedApiCalls: 5, ConsoleSignInFailures: 3 };

  test.each(Object.keys(CASES))('%s: a 5-minute sum at or over its threshold, one period, no data is no breach, ALARM notifies the alarm topic', (name) => {
    expect(alarmOf(name)).toMatchObject({
      Statistic: 'Sum', Period: 300, EvaluationPeriods: 1, Threshold: THRESHOLDS[name] ?? 1,
      ComparisonOperator: 'GreaterThanOrEqualToThreshold', TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: expect.stringMatching(/^SecurityBaselineAlarmsTopic/) }],
    });
  });
});
