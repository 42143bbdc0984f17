import { Match, Template } from 'aws-cdk-lib/assertions';
import { CIS_FILTERS } from '../../lib/security-baseline/cis-alarms';
import { BASELINE_CONFIG_RULES } from '../../lib/security-baseline/config-recorder';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandboxTemplate = stackTemplate('Sandbox', 'SecurityBaseline');
const productionTemplate = stackTemplate('Production', 'SecurityBaseline');

const only = (template: Template, type: string) => {
  const found = Object.values(resourcesOf(template, type));
  expect(found).toHaveLength(1);
  return found[0];
};
const keyIdOf = (template: Template, description: RegExp) =>
  Object.entries(resourcesOf(template, 'AWS::KMS::Key')).find(([, k]) => description.test(k.Properties.Description))![0];

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('SecurityBaseline stack, %s profile', (_n, template) => {
  test('a multi-region trail of all management events, global services included, log file validation on', () => {
    const trail = only(template, 'AWS::CloudTrail::Trail').Properties;
    expect(trail).toMatchObject({
      IsMultiRegionTrail: true, IncludeGlobalServiceEvents: true, EnableLogFileValidation: true, IsLogging: true,
      EventSelectors: [{ IncludeManagementEvents: true, ReadWriteType: 'All' }],
    });
    expect(trail.TrailName).toBeUndefined();
  });

  test('the trail is encrypted with a rotated customer-managed key and delivered to the bucket and CloudWatch Logs', () => {
    const trail = only(template, 'AWS::CloudTrail::Trail').Properties;
    const key = keyIdOf(template, /CloudTrail/);
    expect(trail.KMSKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    expect(trail.S3BucketName).toEqual({ Ref: expect.stringMatching(/^SecurityBaselineAuditBucket/) });
    expect(trail.CloudWatchLogsLogGroupArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAuditLogsLogGroup/), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { Description: Match.stringLikeRegexp('CloudTrail'), EnableKeyRotation: true });
  });

  test('the key lets CloudTrail encrypt for trails of this account only, and only this account decrypt', () => {
    const statements = resourcesOf(template, 'AWS::KMS::Key')[keyIdOf(template, /CloudTrail/)].Properties.KeyPolicy.Statement;
    const trails = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:', { Ref: 'AWS::AccountId' }, ':trail/*']] };
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Sid: 'AllowCloudTrailToEncryptForThisAccount', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*',
        Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails } },
      }),
      expect.objectContaining({
        Sid: 'AllowThisAccountToDecryptTrailFiles', Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Condition: { StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' } }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails } },
      }),
    ]));
    const decrypting = statements.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a === 'kms:Decrypt' || a === 'kms:*'));
    for (const s of decrypting) expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"|cloudtrail/);
  });

  test('the trail bucket: KMS with the trail key, versioned, private, TLS-only, access logged, archived to IA and Glacier', () => {
    const bucket = resourcesOf(template, 'AWS::S3::Bucket');
    const [, audit] = Object.entries(bucket).find(([id]) => /^SecurityBaselineAuditBucket/.test(id))!;
    expect(audit.Properties).toMatchObject({
      BucketEncryption: { ServerSideEncryptionConfiguration: [{ ServerSideEncryptionByDefault: { SSEAlgorithm: 'aws:kms', KMSMasterKeyID: { 'Fn::GetAtt': [keyIdOf(template, /CloudTrail/), 'Arn'] } }, BucketKeyEnabled: true }] },
      VersioningConfiguration: { Status: 'Enabled' },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^SecurityBaselineAuditAccessLogs/) } },
    });
    expect(audit.Properties.LifecycleConfiguration.Rules[0].Transitions).toEqual([
      { StorageClass: 'STANDARD_IA', TransitionInDays: 30 }, { StorageClass: 'GLACIER', TransitionInDays: 90 },
    ]);
    expect(audit.Properties.BucketName).toBeUndefined();
    template.hasResourceProperties('AWS::S3::BucketPolicy', {
      Bucket: { Ref: Match.stringLikeRegexp('^SecurityBaselineAuditBucket') },
      PolicyDocument: { Statement: Match.arrayWith([
        Match.objectLike({ Effect: 'Deny', Action: 's3:*', Condition: { Bool: { 'aws:SecureTransport': 'false' } } }),
        Match.objectLike({ Effect: 'Allow', Action: 's3:PutObject', Principal: { Service: 'cloudtrail.amazonaws.com' } }),
      ]) },
    });
  });

  test('the trail log group is encrypted with the trail key', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyIdOf(template, /CloudTrail/), 'Arn'] } });
  });

  test('a metric filter and an alarm to the alarm topic for each CIS AWS Foundations check', () => {
    const filters = Object.values(resourcesOf(template, 'AWS::Logs::MetricFilter')).map((f) => f.Properties);
    expect(filters.map((f) => f.MetricTransformations[0].MetricName).sort()).toEqual(CIS_FILTERS.map((f) => f.name).sort());
    for (const f of filters) {
      expect(f.LogGroupName).toEqual({ Ref: expect.stringMatching(/^SecurityBaselineAuditLogsLogGroup/) });
      expect(f.MetricTransformations[0]).toMatchObject({ MetricNamespace: `CIS/${_n}-SecurityBaseline`, MetricValue: '1' });
    }
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties).filter((a) => a.Namespace?.startsWith('CIS/'));
    expect(alarms.map((a) => a.MetricName).sort()).toEqual(CIS_FILTERS.map((f) => f.name).sort());
    for (const a of alarms) {
      expect(a).toMatchObject({ Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', Statistic: 'Sum', Period: 300, TreatMissingData: 'notBreaching' });
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SecurityBaselineAlarmsTopic/) }]);
    }
  });

  test('AWS Config records every supported type, global types included, and delivers to the audit bucket with its key', () => {
    only(template, 'AWS::Config::ConfigurationRecorder');
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true },
      RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityBaselineConfigRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3BucketName: { Ref: Match.stringLikeRegexp('^SecurityBaselineAuditBucket') }, S3KeyPrefix: 'config',
      S3KmsKeyArn: { 'Fn::GetAtt': [keyIdOf(template, /CloudTrail/), 'Arn'] },
    });
    expect(only(template, 'AWS::Config::DeliveryChannel').DependsOn).toEqual([expect.stringMatching(/^SecurityBaselineConfigRecorder/)]);
    expect(only(template, 'AWS::Config::ConfigurationRecorder').DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineConfigRoleGrants/)]));
  });

  test('the Config role may write only this account\'s Config prefix of the bucket, with its key', () => {
    const policy = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('SecurityBaselineConfigRole'))![1];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 's3:GetBucketAcl' }),
      expect.objectContaining({ Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAuditBucket/), 'Arn'] }, '/config/AWSLogs/', { Ref: 'AWS::AccountId' }, '/Config/*']] } }),
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [keyIdOf(template, /CloudTrail/), 'Arn'] } }),
    ]);
  });

  test('the managed Config rules of the baseline, each after the recorder', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Config::ConfigRule'));
    expect(rules.map((r) => r.Properties.Source.SourceIdentifier).sort()).toEqual([...BASELINE_CONFIG_RULES].sort());
    for (const r of rules) {
      expect(r.Properties.Source.Owner).toBe('AWS');
      expect(r.Properties.ConfigRuleName).toBeUndefined();
      expect(r.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineConfigDeliveryChannel/)]));
    }
  });

  test('a GuardDuty detector with S3 protection, Security Hub with the Foundational standard only, an account Access Analyzer', () => {
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true, Features: [{ Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }] });
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false, ControlFindingGenerator: 'SECURITY_CONTROL' });
    template.hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, '::standards/aws-foundational-security-best-practices/v/1.0.0']] },
    });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT', AnalyzerName: Match.absent() });
  });

  test('GuardDuty findings of severity 7 (HIGH) and up, and new active HIGH/CRITICAL Security Hub findings, reach the alarm topic', () => {
    const topic = { Ref: Match.stringLikeRegexp('^SecurityBaselineAlarmsTopic') };
    const dlq = { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityBaselineFindingsDeadLetterQueue'), 'Arn'] } } };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], 'detail': { severity: [{ numeric: ['>=', 7] }] } },
      Targets: [Match.objectLike({ Arn: topic, ...dlq })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.securityhub'], 'detail-type': ['Security Hub Findings - Imported'],
        'detail': { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'] } } },
      Targets: [Match.objectLike({ Arn: topic, ...dlq })],
    });
  });

  test('EventBridge and CloudWatch may use the alarm topic\'s key (without it, findings and alarms are dropped)', () => {
    const statements = resourcesOf(template, 'AWS::KMS::Key')[keyIdOf(template, /alarm topic/)].Properties.KeyPolicy.Statement;
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]));
    }
    template.hasResourceProperties('AWS::SNS::TopicPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Action: 'sns:Publish', Principal: { Service: 'events.amazonaws.com' } })]) },
    });
  });

  test('an alarm when findings cannot be delivered', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', {
      MetricName: 'ApproximateNumberOfMessagesVisible',
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityBaselineFindingsDeadLetterQueue'), 'QueueName'] } }],
      Threshold: 0,
    });
  });

  test('EBS encryption by default, S3 account Block Public Access and a CIS password policy, through one least-privilege function', () => {
    const settings = Object.values(resourcesOf(template, 'Custom::AccountSetting')).map((r) => r.Properties);
    expect(settings.map((s) => s.Setting).sort()).toEqual(['EbsEncryptionByDefault', 'PasswordPolicy', 'S3BlockPublicAccess']);
    expect(settings.find((s) => s.Setting === 'PasswordPolicy')).toMatchObject({ MinimumPasswordLength: 14, MaxPasswordAge: 90, PasswordReusePrevention: 24 });
    for (const s of settings) expect(s.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAccountSettingsHandlerFunction/), 'Arn'] });
    // The grants exist before the first invocation, or the first deploy fails with AccessDenied.
    for (const r of Object.values(resourcesOf(template, 'Custom::AccountSetting'))) {
      expect(r.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineAccountSettingsHandlerRoleGrants/)]));
    }
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('SecurityBaselineAccountSettingsHandlerRole'))![1];
    const actions = grants.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions.filter((a: string) => !a.startsWith('logs:') && !a.startsWith('xray:') && !a.startsWith('kms:')).sort()).toEqual([
      'ec2:DisableEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:GetEbsEncryptionByDefault',
      'iam:DeleteAccountPasswordPolicy', 'iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy',
      's3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock',
    ]);
  });

  test('no Organizations policy unless asked for', () => {
    template.resourceCountIs('AWS::Organizations::Policy', 0);
  });

  test('no physical name that two stages or regions could collide on', () => {
    for (const [type, prop] of [['AWS::CloudTrail::Trail', 'TrailName'], ['AWS::S3::Bucket', 'BucketName'], ['AWS::Config::ConfigurationRecorder', 'Name'],
      ['AWS::Config::DeliveryChannel', 'Name'], ['AWS::Logs::LogGroup', 'LogGroupName'], ['AWS::SNS::Topic', 'TopicName'], ['AWS::IAM::Role', 'RoleName']]) {
      for (const r of Object.values(resourcesOf(template, type))) expect([type, r.Properties?.[prop]]).toEqual([type, undefined]);
    }
  });

  test('outputs what the smoke checks read', () => {
    for (const id of ['TrailArn', 'LogBucketName', 'TrailLogGroupName', 'AlarmTopicArn', 'ConfigRecorderName', 'DetectorId', 'RootAccountUseAlarmName']) template.hasOutput(id, {});
  });
});

describe('stage differences', () => {
  test('the sandbox destroys its bucket, logs, keys and queue, and undoes the account settings it made; production retains them', () => {
    for (const type of ['AWS::S3::Bucket', 'AWS::Logs::LogGroup', 'AWS::KMS::Key', 'AWS::SQS::Queue', 'Custom::AccountSetting']) {
      for (const r of Object.values(resourcesOf(sandboxTemplate, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Delete']);
      for (const r of Object.values(resourcesOf(productionTemplate, type))) expect([type, r.DeletionPolicy]).toEqual([type, 'Retain']);
    }
  });

  test('Object Lock (governance, one year) and seven years of archive in production; none and one year in the sandbox', () => {
    productionTemplate.hasResourceProperties('AWS::S3::Bucket', {
      ObjectLockEnabled: true,
      ObjectLockConfiguration: { ObjectLockEnabled: 'Enabled', Rule: { DefaultRetention: { Mode: 'GOVERNANCE', Days: 365 } } },
      LifecycleConfiguration: { Rules: [Match.objectLike({ ExpirationInDays: 2555 })] },
    });
    const sandboxAudit = Object.entries(resourcesOf(sandboxTemplate, 'AWS::S3::Bucket')).find(([id]) => /^SecurityBaselineAuditBucket/.test(id))![1];
    expect(sandboxAudit.Properties.ObjectLockEnabled).toBeUndefined();
    expect(sandboxAudit.Properties.LifecycleConfiguration.Rules[0].ExpirationInDays).toBe(365);
  });

  test('the trail log group keeps a week in the sandbox and a year in production', () => {
    sandboxTemplate.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyIdOf(sandboxTemplate, /CloudTrail/), 'Arn'] }, RetentionInDays: 7 });
    productionTemplate.hasResourceProperties('AWS::Logs::LogGroup', { KmsKeyId: { 'Fn::GetAtt': [keyIdOf(productionTemplate, /CloudTrail/), 'Arn'] }, RetentionInDays: 365 });
  });

  test('the alarm e-mail of the stage is subscribed to the alarm topic', () => {
    stackTemplate('Production pinned', 'SecurityBaseline').hasResourceProperties('AWS::SNS::Subscription', { Protocol: 'email', Endpoint: 'ops@example.com' });
    sandboxTemplate.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  });
});

describe('compliance', () => {
  test.each(['Sandbox', 'Production', 'Sandbox pinned', 'Production pinned'] as const)('%s: the five packs report nothing unacknowledged', (variant) => {
    expect(formatFindings(synthesizedStack(variant, 'SecurityBaseline').findings)).toBe('');
  });

  test('the pinned stage resolves account and region into the key policy, and acknowledges the same rules', () => {
    const template = stackTemplate('Sandbox pinned', 'SecurityBaseline');
    template.hasResourceProperties('AWS::KMS::Key', {
      KeyPolicy: { Statement: Match.arrayWith([Match.objectLike({ Condition: { StringEquals: { 'aws:SourceAccount': '123456789012' } } })]) },
    });
    expect([...acknowledgedRules(template).keys()].sort()).toEqual([...acknowledgedRules(sandboxTemplate).keys()].sort());
  });

  test('every acknowledgement is written into the template with its reason', () => {
    const perPack = (...rules: string[]) => ['HIPAA.Security', 'NIST.800.53.R5', 'PCI.DSS.321'].flatMap((p) => rules.map((r) => `${p}-${r}`));
    expect([...acknowledgedRules(sandboxTemplate).keys()].sort()).toEqual([
      // CDK's S3 auto-delete provider (lib/shared/cdk-provider-acknowledgements.ts) and our own resources.
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWSLambdaBasicExecutionRole]',
      'AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AWS_ConfigRole]',
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-IAM5[Resource::<SecurityBaselineAuditBucketF59486C7.Arn>/config/AWSLogs/<AWS::AccountId>/Config/*]',
      'AwsSolutions-SQS3',
      ...perPack('IAMNoInlinePolicy', 'LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC', 'S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS')
        .filter((r) => r !== 'PCI.DSS.321-LambdaDLQ'),
      'Serverless-LambdaDLQ', 'Serverless-LambdaTracing', 'Serverless-SQSRedrivePolicy',
    ].sort());
    for (const reason of acknowledgedRules(sandboxTemplate).values()) expect(reason.length).toBeGreaterThan(40);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});
