import { Match, Template } from 'aws-cdk-lib/assertions';
import { CIS_FILTERS } from '../../lib/security-baseline/cis-alarms';
import { BASELINE_CONFIG_RULES, REGION_LIMITED_CONFIG_RULES } from '../../lib/security-baseline/config-recorder';
import { REGIONS_OPENED_SINCE_2022 } from '../../lib/security-baseline/regions';
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
      expect(a).toMatchObject({ ComparisonOperator: 'GreaterThanOrEqualToThreshold', Statistic: 'Sum', Period: 300, TreatMissingData: 'notBreaching' });
      expect(a.AlarmActions).toEqual([{ Ref: expect.stringMatching(/^SecurityBaselineAlarmsTopic/) }]);
      // Event counts fall back to OK 5 minutes later: an OK mail for each would double the noise.
      expect(a.OKActions).toBeUndefined();
    }
    const threshold = Object.fromEntries(alarms.map((a) => [a.MetricName, a.Threshold]));
    expect(threshold).toMatchObject({ RootAccountUse: 1, UnauthorizedApiCalls: 5, ConsoleSignInFailures: 3, OrganizationsChanges: 1, IamPolicyChanges: 1 });
  });

  test('CIS: console sign-in failures and AWS Organizations changes are watched too', () => {
    const patternOf = (name: string) => Object.values(resourcesOf(template, 'AWS::Logs::MetricFilter'))
      .find((f) => f.Properties.MetricTransformations[0].MetricName === name)!.Properties.FilterPattern;
    expect(patternOf('ConsoleSignInFailures')).toBe('{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }');
    const organizations = ['AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization',
      'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization',
      'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit'];
    expect(patternOf('OrganizationsChanges')).toBe(
      `{ ($.eventSource = organizations.amazonaws.com) && (${organizations.map((e) => `($.eventName = "${e}")`).join(' || ')}) }`);
  });

  test('AWS Config records every supported type, global types in us-east-1 only, and delivers to the audit bucket with its key', () => {
    only(template, 'AWS::Config::ConfigurationRecorder');
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    const [inUsEast1] = Object.keys(conditions).filter((id) => id.includes('InGlobalResourcesRegion'));
    expect(conditions[inUsEast1]).toEqual({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-east-1'] });
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: { 'Fn::If': [inUsEast1, true, false] } },
      RoleARN: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityBaselineConfigRole'), 'Arn'] },
    });
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3BucketName: { Ref: Match.stringLikeRegexp('^SecurityBaselineAuditBucket') }, S3KeyPrefix: 'config',
      S3KmsKeyArn: { 'Fn::GetAtt': [keyIdOf(template, /CloudTrail/), 'Arn'] },
    });
  });

  test('recorder and delivery channel do not wait on each other (that deadlocks the create); both wait for the role\'s grants and the bucket policy', () => {
    for (const type of ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel']) {
      const dependsOn: string[] = only(template, type).DependsOn;
      expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineConfigRoleGrants/), expect.stringMatching(/^SecurityBaselineAuditBucketPolicy/)]));
      expect(dependsOn.filter((id) => /^SecurityBaselineConfig(Recorder|DeliveryChannel)/.test(id))).toEqual([]);
    }
  });

  test('the Config role may write only this account\'s Config prefix of the bucket, with its key', () => {
    const policy = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('SecurityBaselineConfigRole'))![1];
    expect(policy.Properties.PolicyDocument.Statement).toEqual([
      expect.objectContaining({ Action: 's3:GetBucketAcl' }),
      expect.objectContaining({ Action: 's3:PutObject', Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAuditBucket/), 'Arn'] }, '/config/AWSLogs/', { Ref: 'AWS::AccountId' }, '/Config/*']] } }),
      expect.objectContaining({ Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Resource: { 'Fn::GetAtt': [keyIdOf(template, /CloudTrail/), 'Arn'] } }),
    ]);
    // No s3:PutObjectAcl: the bucket owner owns every object (ACLs disabled), and Config sets the ACL in the PutObject call itself.
    const [, audit] = Object.entries(resourcesOf(template, 'AWS::S3::Bucket')).find(([id]) => /^SecurityBaselineAuditBucket/.test(id))!;
    expect(audit.Properties.OwnershipControls).toEqual({ Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] });
  });

  test('the managed Config rules of the baseline, each after the recorder and the delivery channel', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Config::ConfigRule'));
    expect(rules.map((r) => r.Properties.Source.SourceIdentifier).sort()).toEqual([...BASELINE_CONFIG_RULES].sort());
    for (const r of rules) {
      expect(r.Properties.Source.Owner).toBe('AWS');
      expect(r.Properties.ConfigRuleName).toBeUndefined();
      expect(r.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineConfigDeliveryChannel/), expect.stringMatching(/^SecurityBaselineConfigRecorder/)]));
    }
  });

  test('rules not offered in the regions opened since 2022 (GUARDDUTY_ENABLED_CENTRALIZED...) are created only outside them, decided by CloudFormation', () => {
    const conditions = template.toJSON().Conditions as Record<string, { 'Fn::Not': [unknown] }>;
    const [offered] = Object.keys(conditions).filter((id) => id.includes('AllConfigRulesOffered'));
    const regions = JSON.stringify(conditions[offered]['Fn::Not']).match(/"[a-z]{2}-[a-z]+-\d"/g)!.map((r) => JSON.parse(r));
    expect(regions.sort()).toEqual([...REGIONS_OPENED_SINCE_2022].sort());
    expect(regions).toEqual(expect.arrayContaining(['ap-southeast-7', 'mx-central-1', 'ap-southeast-5', 'ca-west-1', 'il-central-1']));
    expect(REGION_LIMITED_CONFIG_RULES).toContain('GUARDDUTY_ENABLED_CENTRALIZED');
    for (const r of Object.values(resourcesOf(template, 'AWS::Config::ConfigRule'))) {
      const limited = REGION_LIMITED_CONFIG_RULES.includes(r.Properties.Source.SourceIdentifier);
      expect([r.Properties.Source.SourceIdentifier, r.Condition]).toEqual([r.Properties.Source.SourceIdentifier, limited ? offered : undefined]);
    }
  });

  test('IAM_PASSWORD_POLICY checks the policy the stack sets, which is written out in full', () => {
    template.hasResourceProperties('AWS::Config::ConfigRule', {
      Source: { Owner: 'AWS', SourceIdentifier: 'IAM_PASSWORD_POLICY' },
      InputParameters: {
        RequireUppercaseCharacters: 'true', RequireLowercaseCharacters: 'true', RequireSymbols: 'true', RequireNumbers: 'true',
        MinimumPasswordLength: '14', PasswordReusePrevention: '24', MaxPasswordAge: '90',
      },
    });
    const policy = Object.values(resourcesOf(template, 'Custom::AccountSetting')).find((r) => r.Properties.Setting === 'PasswordPolicy')!.Properties;
    expect(policy).toMatchObject({
      MinimumPasswordLength: 14, MaxPasswordAge: 90, PasswordReusePrevention: 24, RequireUppercaseCharacters: true, RequireLowercaseCharacters: true,
      RequireSymbols: true, RequireNumbers: true, AllowUsersToChangePassword: true, HardExpiry: false,
    });
  });

  test('a GuardDuty detector with S3 protection, Security Hub with the Foundational standard only, an account Access Analyzer', () => {
    // CreateDetector enables every feature it is not told about (billed after the trial): each is listed, only S3 on.
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true, Features: [
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }, { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' }, { Name: 'EBS_MALWARE_PROTECTION', Status: 'DISABLED' },
      { Name: 'RDS_LOGIN_EVENTS', Status: 'DISABLED' }, { Name: 'LAMBDA_NETWORK_LOGS', Status: 'DISABLED' }, { Name: 'RUNTIME_MONITORING', Status: 'DISABLED' },
    ] });
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false, ControlFindingGenerator: 'SECURITY_CONTROL' });
    template.hasResourceProperties('AWS::SecurityHub::Standard', {
      StandardsArn: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, '::standards/aws-foundational-security-best-practices/v/1.0.0']] },
    });
    template.hasResourceProperties('AWS::AccessAnalyzer::Analyzer', { Type: 'ACCOUNT', AnalyzerName: Match.absent() });
  });

  test('GuardDuty findings of severity 7 (HIGH) and up, and new active HIGH/CRITICAL Security Hub findings other than GuardDuty\'s, reach the alarm topic', () => {
    const topic = { Ref: Match.stringLikeRegexp('^SecurityBaselineAlarmsTopic') };
    const dlq = { DeadLetterConfig: { Arn: { 'Fn::GetAtt': [Match.stringLikeRegexp('^SecurityBaselineFindingsDeadLetterQueue'), 'Arn'] } } };
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.guardduty'], 'detail-type': ['GuardDuty Finding'], 'detail': { severity: [{ numeric: ['>=', 7] }] } },
      Targets: [Match.objectLike({ Arn: topic, ...dlq })],
    });
    template.hasResourceProperties('AWS::Events::Rule', {
      EventPattern: { 'source': ['aws.securityhub'], 'detail-type': ['Security Hub Findings - Imported'],
        'detail': { findings: { Severity: { Label: ['HIGH', 'CRITICAL'] }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'], ProductName: [{ 'anything-but': 'GuardDuty' }] } } },
      Targets: [Match.objectLike({ Arn: topic, ...dlq })],
    });
  });

  test('EventBridge and CloudWatch may use the alarm topic\'s key (without it, findings and alarms are dropped)', () => {
    const statements = resourcesOf(template, 'AWS::KMS::Key')[keyIdOf(template, /alarm topic/)].Properties.KeyPolicy.Statement;
    for (const service of ['events.amazonaws.com', 'cloudwatch.amazonaws.com']) {
      expect(statements).toEqual(expect.arrayContaining([expect.objectContaining({ Principal: { Service: service }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'] })]));
    }
    // One statement for EventBridge, conditioned on this account (no unconditioned duplicate from the SNS target).
    const forEvents = statements.filter((s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'events.amazonaws.com');
    expect(forEvents).toEqual([expect.objectContaining({ Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } } })]);
  });

  test('EventBridge may publish to the alarm topic for the two findings rules only', () => {
    const policy = only(template, 'AWS::SNS::TopicPolicy').Properties.PolicyDocument.Statement;
    const forEvents = policy.filter((s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'events.amazonaws.com');
    expect(forEvents).toEqual(['GuardDutyFindings', 'SecurityHubFindings'].map((rule) => expect.objectContaining({
      Effect: 'Allow', Action: 'sns:Publish', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^SecurityBaseline${rule}`)), 'Arn'] } } },
    })));
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
    // The IAM password policy is global: set from the global-resources region (us-east-1) only.
    const [inUsEast1] = Object.keys(template.toJSON().Conditions).filter((id) => id.includes('InGlobalResourcesRegion'));
    for (const r of Object.values(resourcesOf(template, 'Custom::AccountSetting'))) {
      expect([r.Properties.Setting, r.Condition]).toEqual([r.Properties.Setting, r.Properties.Setting === 'PasswordPolicy' ? inUsEast1 : undefined]);
    }
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

describe('pinned stages: region decisions at synth time', () => {
  const ruleIds = (template: Template) => Object.values(resourcesOf(template, 'AWS::Config::ConfigRule')).map((r) => r.Properties.Source.SourceIdentifier);

  test('ap-southeast-7 (Production pinned): no rule Thailand lacks, no global types (not us-east-1), no password policy, no condition', () => {
    const template = stackTemplate('Production pinned', 'SecurityBaseline');
    expect(ruleIds(template)).not.toContain('GUARDDUTY_ENABLED_CENTRALIZED');
    expect(ruleIds(template).sort()).toEqual(BASELINE_CONFIG_RULES.filter((r) => !REGION_LIMITED_CONFIG_RULES.includes(r)).sort());
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false } });
    expect(Object.values(resourcesOf(template, 'Custom::AccountSetting')).map((r) => r.Properties.Setting).sort()).toEqual(['EbsEncryptionByDefault', 'S3BlockPublicAccess']);
    expect(template.toJSON().Conditions).toBeUndefined();
  });

  test('eu-west-1 (Sandbox pinned): every rule, unconditioned; global types left to us-east-1', () => {
    const template = stackTemplate('Sandbox pinned', 'SecurityBaseline');
    expect(ruleIds(template).sort()).toEqual([...BASELINE_CONFIG_RULES].sort());
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false } });
    expect(template.toJSON().Conditions).toBeUndefined();
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
