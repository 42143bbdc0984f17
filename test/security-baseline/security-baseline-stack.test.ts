import { Match, Template } from 'aws-cdk-lib/assertions';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandboxTemplate = stackTemplate('Sandbox', 'SecurityBaseline');
const productionTemplate = stackTemplate('Production', 'SecurityBaseline');

// The expected values are written here, not imported from lib/: a list in lib/ would pass whatever it says.
const CIS_METRICS = ['RootAccountUse', 'UnauthorizedApiCalls', 'ConsoleSignInFailures', 'ConsoleSignInWithoutMfa', 'IamPolicyChanges', 'CloudTrailChanges',
  'ConfigChanges', 'KmsKeyDisabledOrDeleted', 'SecurityGroupChanges', 'NetworkAclChanges', 'NetworkGatewayChanges', 'RouteTableChanges', 'VpcChanges',
  'OrganizationsChanges', 'S3BucketPolicyChanges'];
const CONFIG_RULES = [
  'CLOUD_TRAIL_ENABLED', 'MULTI_REGION_CLOUD_TRAIL_ENABLED', 'CLOUD_TRAIL_ENCRYPTION_ENABLED', 'CLOUD_TRAIL_LOG_FILE_VALIDATION_ENABLED',
  'CLOUD_TRAIL_CLOUD_WATCH_LOGS_ENABLED', 'GUARDDUTY_ENABLED_CENTRALIZED', 'SECURITYHUB_ENABLED', 'EC2_EBS_ENCRYPTION_BY_DEFAULT',
  'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC', 'IAM_PASSWORD_POLICY', 'ROOT_ACCOUNT_MFA_ENABLED', 'IAM_ROOT_ACCESS_KEY_CHECK',
  'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS', 'ENCRYPTED_VOLUMES', 'S3_BUCKET_SERVER_SIDE_ENCRYPTION_ENABLED', 'CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'SNS_ENCRYPTED_KMS',
  'CMK_BACKING_KEY_ROTATION_ENABLED', 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', 'S3_BUCKET_PUBLIC_READ_PROHIBITED', 'S3_BUCKET_PUBLIC_WRITE_PROHIBITED',
  'S3_BUCKET_SSL_REQUESTS_ONLY', 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED', 'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK', 'INCOMING_SSH_DISABLED',
  'VPC_DEFAULT_SECURITY_GROUP_CLOSED', 'VPC_FLOW_LOGS_ENABLED', 'S3_BUCKET_LOGGING_ENABLED', 'ELB_LOGGING_ENABLED', 'API_GW_EXECUTION_LOGGING_ENABLED',
  'EC2_IMDSV2_CHECK', 'S3_BUCKET_VERSIONING_ENABLED', 'DYNAMODB_PITR_ENABLED',
];
// Not known to be offered in the regions opened since 2022 (GUARDDUTY_ENABLED_CENTRALIZED is confirmed missing in ap-southeast-7).
const REGION_LIMITED_RULES = [
  'GUARDDUTY_ENABLED_CENTRALIZED', 'SECURITYHUB_ENABLED', 'S3_ACCOUNT_LEVEL_PUBLIC_ACCESS_BLOCKS_PERIODIC', 'MFA_ENABLED_FOR_IAM_CONSOLE_ACCESS',
  'CLOUDWATCH_LOG_GROUP_ENCRYPTED', 'SNS_ENCRYPTED_KMS', 'S3_BUCKET_LEVEL_PUBLIC_ACCESS_PROHIBITED', 'LAMBDA_FUNCTION_PUBLIC_ACCESS_PROHIBITED',
  'ALB_HTTP_TO_HTTPS_REDIRECTION_CHECK', 'ELB_LOGGING_ENABLED', 'API_GW_EXECUTION_LOGGING_ENABLED', 'DYNAMODB_PITR_ENABLED',
];
const REGIONS_SINCE_2022 = ['ap-south-2', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ap-east-2',
  'ca-west-1', 'eu-central-2', 'eu-south-2', 'il-central-1', 'me-central-1', 'mx-central-1'];

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
    // Named after the stack and region (two stages or regions never collide), so the bucket and key policies can name this trail.
    expect(trail.TrailName).toEqual({ 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'AWS::Region' }, 'audit']] });
  });

  test('the trail is encrypted with a rotated customer-managed key and delivered to the bucket and CloudWatch Logs', () => {
    const trail = only(template, 'AWS::CloudTrail::Trail').Properties;
    const key = keyIdOf(template, /CloudTrail/);
    expect(trail.KMSKeyId).toEqual({ 'Fn::GetAtt': [key, 'Arn'] });
    expect(trail.S3BucketName).toEqual({ Ref: expect.stringMatching(/^SecurityBaselineAuditBucket/) });
    expect(trail.CloudWatchLogsLogGroupArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAuditLogsLogGroup/), 'Arn'] });
    template.hasResourceProperties('AWS::KMS::Key', { Description: Match.stringLikeRegexp('CloudTrail'), EnableKeyRotation: true });
  });

  test('the key lets this trail only encrypt, and only this account decrypt', () => {
    const statements = resourcesOf(template, 'AWS::KMS::Key')[keyIdOf(template, /CloudTrail/)].Properties.KeyPolicy.Statement;
    const trails = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:*:', { Ref: 'AWS::AccountId' }, ':trail/*']] };
    const thisTrail = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':trail/',
      { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'AWS::Region' }, 'audit']] }]] };
    expect(statements).toEqual(expect.arrayContaining([
      expect.objectContaining({
        Sid: 'AllowThisTrailToEncrypt', Effect: 'Allow', Principal: { Service: 'cloudtrail.amazonaws.com' }, Action: 'kms:GenerateDataKey*',
        Condition: { StringEquals: { 'aws:SourceArn': thisTrail, 'kms:EncryptionContext:aws:cloudtrail:arn': thisTrail } },
      }),
      expect.objectContaining({
        Sid: 'AllowCloudTrailToDescribeTheKey', Action: 'kms:DescribeKey', Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
      }),
      expect.objectContaining({
        Sid: 'AllowThisAccountToDecryptTrailFiles', Action: ['kms:Decrypt', 'kms:ReEncryptFrom'],
        Condition: { StringEquals: { 'kms:CallerAccount': { Ref: 'AWS::AccountId' } }, StringLike: { 'kms:EncryptionContext:aws:cloudtrail:arn': trails } },
      }),
    ]));
    const decrypting = statements.filter((s: { Action: string | string[] }) => [s.Action].flat().some((a) => a === 'kms:Decrypt' || a === 'kms:*'));
    for (const s of decrypting) expect(JSON.stringify(s.Principal)).not.toMatch(/"\*"|cloudtrail/);
    // Every statement for a service is conditioned: no service may use the key for another account or resource.
    for (const s of statements.filter((x: { Principal: { Service?: unknown } }) => x.Principal.Service)) expect([s.Sid, s.Condition]).toEqual([s.Sid, expect.anything()]);
  });

  test('the trail bucket admits this trail only (aws:SourceArn), writing this account\'s prefix with the owner in control', () => {
    const thisTrail = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':cloudtrail:', { Ref: 'AWS::Region' }, ':', { Ref: 'AWS::AccountId' }, ':trail/',
      { 'Fn::Join': ['-', [{ Ref: 'AWS::StackName' }, { Ref: 'AWS::Region' }, 'audit']] }]] };
    const [, policy] = Object.entries(resourcesOf(template, 'AWS::S3::BucketPolicy')).find(([id]) => /^SecurityBaselineAuditBucketPolicy/.test(id))!;
    const forCloudTrail = policy.Properties.PolicyDocument.Statement.filter((st: { Principal?: { Service?: string } }) => st.Principal?.Service === 'cloudtrail.amazonaws.com');
    expect(forCloudTrail).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: 's3:GetBucketAcl', Condition: { StringEquals: { 'aws:SourceArn': thisTrail } } }),
      expect.objectContaining({
        Effect: 'Allow', Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAuditBucket/), 'Arn'] }, '/AWSLogs/', { Ref: 'AWS::AccountId' }, '/*']] },
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', 'aws:SourceArn': thisTrail } },
      }),
    ]);
    // The trail is created after the grants it checks.
    expect(only(template, 'AWS::CloudTrail::Trail').DependsOn).toEqual(expect.arrayContaining([
      expect.stringMatching(/^SecurityBaselineAuditBucketPolicy/), expect.stringMatching(/^SecurityBaselineAuditLogsRole/)]));
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
    expect(filters.map((f) => f.MetricTransformations[0].MetricName).sort()).toEqual([...CIS_METRICS].sort());
    for (const f of filters) {
      expect(f.LogGroupName).toEqual({ Ref: expect.stringMatching(/^SecurityBaselineAuditLogsLogGroup/) });
      expect(f.MetricTransformations[0]).toMatchObject({ MetricNamespace: `CIS/${_n}-SecurityBaseline`, MetricValue: '1' });
    }
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties).filter((a) => a.Namespace?.startsWith('CIS/'));
    expect(alarms.map((a) => a.MetricName).sort()).toEqual([...CIS_METRICS].sort());
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

  test('AWS Config records every supported type with its service-linked role, global types here unless the region is too new, to a bucket of its own', () => {
    only(template, 'AWS::Config::ConfigurationRecorder');
    const conditions = template.toJSON().Conditions as Record<string, unknown>;
    const [here] = Object.keys(conditions).filter((id) => id === 'OutsideRegionsOpenedSince2022');
    expect(JSON.stringify(conditions[here])).toMatch(/^\{"Fn::Not":/);
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', {
      RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: { 'Fn::If': [here, true, false] } },
      RoleARN: { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig']] },
    });
    template.resourcePropertiesCountIs('AWS::IAM::Role', { AssumeRolePolicyDocument: { Statement: [Match.objectLike({ Principal: { Service: 'config.amazonaws.com' } })] } }, 0);
    template.hasResourceProperties('AWS::Config::DeliveryChannel', {
      S3BucketName: { Ref: Match.stringLikeRegexp('^SecurityBaselineConfigBucket') }, S3KeyPrefix: 'config',
      S3KmsKeyArn: { 'Fn::GetAtt': [keyIdOf(template, /AWS Config/), 'Arn'] },
    });
    // AWS Config does not deliver to a bucket with Object Lock (AWS::Config::DeliveryChannel reference).
    const [, configBucket] = Object.entries(resourcesOf(template, 'AWS::S3::Bucket')).find(([id]) => /^SecurityBaselineConfigBucket/.test(id))!;
    expect(configBucket.Properties.ObjectLockEnabled).toBeUndefined();
    expect(configBucket.Properties.ObjectLockConfiguration).toBeUndefined();
    expect(configBucket.Properties).toMatchObject({
      VersioningConfiguration: { Status: 'Enabled' }, OwnershipControls: { Rules: [{ ObjectOwnership: 'BucketOwnerEnforced' }] },
      PublicAccessBlockConfiguration: { BlockPublicAcls: true, BlockPublicPolicy: true, IgnorePublicAcls: true, RestrictPublicBuckets: true },
      LoggingConfiguration: { DestinationBucketName: { Ref: expect.stringMatching(/^SecurityBaselineConfigAccessLogs/) } },
    });
  });

  test('a brand-new account gets AWS Config\'s service-linked role before the recorder and channel, which wait for the bucket policy and key too, not each other', () => {
    template.hasResourceProperties('Custom::AccountSetting', { Setting: 'ConfigServiceLinkedRole' });
    for (const type of ['AWS::Config::ConfigurationRecorder', 'AWS::Config::DeliveryChannel']) {
      const dependsOn: string[] = only(template, type).DependsOn;
      expect(dependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineAccountSettingsConfigServiceLinkedRole/),
        expect.stringMatching(/^SecurityBaselineConfigBucketPolicy/), expect.stringMatching(/^SecurityBaselineKey/)]));
      expect(dependsOn.filter((id) => /^SecurityBaselineConfig(Recorder|DeliveryChannel)/.test(id))).toEqual([]);
    }
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('SecurityBaselineAccountSettingsHandlerRole'))![1];
    const slr = { 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':iam::', { Ref: 'AWS::AccountId' }, ':role/aws-service-role/config.amazonaws.com/AWSServiceRoleForConfig']] };
    expect(grants.Properties.PolicyDocument.Statement).toEqual(expect.arrayContaining([
      expect.objectContaining({ Action: 'iam:GetRole', Resource: slr }),
      expect.objectContaining({ Action: 'iam:CreateServiceLinkedRole', Resource: slr, Condition: { StringEquals: { 'iam:AWSServiceName': 'config.amazonaws.com' } } }),
    ]));
  });

  test('AWS Config (the service-linked role) delivers by bucket and key policy, for this account only, under this account\'s prefix', () => {
    const [, policy] = Object.entries(resourcesOf(template, 'AWS::S3::BucketPolicy')).find(([id]) => /^SecurityBaselineConfigBucketPolicy/.test(id))!;
    const forConfig = policy.Properties.PolicyDocument.Statement.filter((st: { Principal?: { Service?: string } }) => st.Principal?.Service === 'config.amazonaws.com');
    const thisAccount = { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } };
    expect(forConfig).toEqual([
      expect.objectContaining({ Effect: 'Allow', Action: ['s3:GetBucketAcl', 's3:ListBucket'], Condition: { StringEquals: thisAccount } }),
      expect.objectContaining({
        Effect: 'Allow', Action: 's3:PutObject',
        Resource: { 'Fn::Join': ['', [{ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineConfigBucket/), 'Arn'] }, '/config/AWSLogs/', { Ref: 'AWS::AccountId' }, '/Config/*']] },
        Condition: { StringEquals: { 's3:x-amz-acl': 'bucket-owner-full-control', ...thisAccount } },
      }),
    ]);
    const keyPolicy = resourcesOf(template, 'AWS::KMS::Key')[keyIdOf(template, /AWS Config/)].Properties.KeyPolicy.Statement;
    expect(keyPolicy).toEqual(expect.arrayContaining([expect.objectContaining({
      Principal: { Service: 'config.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey'], Condition: { StringEquals: thisAccount },
    })]));
  });

  test('the managed Config rules of the baseline, each after the recorder and the delivery channel', () => {
    const rules = Object.values(resourcesOf(template, 'AWS::Config::ConfigRule'));
    expect(rules.map((r) => r.Properties.Source.SourceIdentifier).sort()).toEqual([...CONFIG_RULES].sort());
    for (const r of rules) {
      expect(r.Properties.Source.Owner).toBe('AWS');
      expect(r.Properties.ConfigRuleName).toBeUndefined();
      expect(r.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineConfigDeliveryChannel/), expect.stringMatching(/^SecurityBaselineConfigRecorder/)]));
    }
  });

  test('rules not offered in the regions opened since 2022 (GUARDDUTY_ENABLED_CENTRALIZED...) are created only outside them, decided by CloudFormation', () => {
    const conditions = template.toJSON().Conditions as Record<string, { 'Fn::Not': [unknown] }>;
    const [offered] = Object.keys(conditions).filter((id) => id === 'OutsideRegionsOpenedSince2022');
    const regions = JSON.stringify(conditions[offered]['Fn::Not']).match(/"[a-z]{2}-[a-z]+-\d"/g)!.map((r) => JSON.parse(r));
    expect(regions.sort()).toEqual([...REGIONS_SINCE_2022].sort());
    expect(regions).toEqual(expect.arrayContaining(['ap-southeast-7', 'mx-central-1', 'ap-southeast-5', 'ca-west-1', 'il-central-1']));
    for (const r of Object.values(resourcesOf(template, 'AWS::Config::ConfigRule'))) {
      const limited = REGION_LIMITED_RULES.includes(r.Properties.Source.SourceIdentifier);
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

  test('a GuardDuty detector publishing every 15 minutes with S3 protection, and RDS protection in production where the data tier runs', () => {
    // CreateDetector enables every feature it is not told about (billed after the trial): each is listed, only S3 (and RDS in production) on.
    // Production: on wherever GuardDuty offers it (not ap-east-2), decided by CloudFormation in the agnostic stack.
    const offered = Object.keys(template.toJSON().Conditions).find((id) => id.includes('RdsProtectionOffered'));
    const rds = _n === 'Production' ? { 'Fn::If': [offered, 'ENABLED', 'DISABLED'] } : 'DISABLED';
    if (_n === 'Production') expect(template.toJSON().Conditions[offered!]).toEqual({ 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'ap-east-2'] }] });
    template.hasResourceProperties('AWS::GuardDuty::Detector', { Enable: true, FindingPublishingFrequency: 'FIFTEEN_MINUTES', Features: [
      { Name: 'S3_DATA_EVENTS', Status: 'ENABLED' }, { Name: 'EKS_AUDIT_LOGS', Status: 'DISABLED' }, { Name: 'EBS_MALWARE_PROTECTION', Status: 'DISABLED' },
      { Name: 'RDS_LOGIN_EVENTS', Status: rds }, { Name: 'LAMBDA_NETWORK_LOGS', Status: 'DISABLED' }, { Name: 'RUNTIME_MONITORING', Status: 'DISABLED' },
    ] });
  });

  test('Security Hub with the Foundational standard and the CIS AWS Foundations Benchmark v3.0.0, and no default standards', () => {
    template.hasResourceProperties('AWS::SecurityHub::Hub', { EnableDefaultStandards: false, ControlFindingGenerator: 'SECURITY_CONTROL' });
    const arns = Object.values(resourcesOf(template, 'AWS::SecurityHub::Standard')).map((r) => r.Properties.StandardsArn);
    const standard = (path: string) => ({ 'Fn::Join': ['', ['arn:', { Ref: 'AWS::Partition' }, ':securityhub:', { Ref: 'AWS::Region' }, `::standards/${path}`]] });
    expect(arns).toEqual([standard('aws-foundational-security-best-practices/v/1.0.0'), standard('cis-aws-foundations-benchmark/v/3.0.0')]);
    for (const r of Object.values(resourcesOf(template, 'AWS::SecurityHub::Standard'))) expect(r.DependsOn).toEqual([expect.stringMatching(/^SecurityBaselineSecurityHub/)]);
  });

  test('IAM Access Analyzer for external access, and for access unused 90 days', () => {
    const analyzers = Object.values(resourcesOf(template, 'AWS::AccessAnalyzer::Analyzer')).map(({ Properties: { Tags, ...p } }) => p);
    expect(analyzers).toEqual([
      { Type: 'ACCOUNT' },
      { Type: 'ACCOUNT_UNUSED_ACCESS', AnalyzerConfiguration: { UnusedAccessConfiguration: { UnusedAccessAge: 90 } } },
    ]);
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
    const [, topicPolicy] = Object.entries(resourcesOf(template, 'AWS::SNS::TopicPolicy')).find(([id]) => /^SecurityBaselineAlarmsTopic/.test(id))!;
    const policy = topicPolicy.Properties.PolicyDocument.Statement;
    const forEvents = policy.filter((s: { Principal?: { Service?: string } }) => s.Principal?.Service === 'events.amazonaws.com');
    expect(forEvents).toEqual(['GuardDutyFindings', 'SecurityHubFindings'].map((rule) => expect.objectContaining({
      Effect: 'Allow', Action: 'sns:Publish', Condition: { ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [expect.stringMatching(new RegExp(`^SecurityBaseline${rule}`)), 'Arn'] } } },
    })));
  });

  test('an alarm when findings cannot be delivered, to a topic and key other than the alarm topic\'s (whose delivery failed)', () => {
    const alarm = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).find((a) => a.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')!.Properties;
    expect(alarm).toMatchObject({
      Dimensions: [{ Name: 'QueueName', Value: { 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineFindingsDeadLetterQueue/), 'QueueName'] } }],
      Threshold: 0, ComparisonOperator: 'GreaterThanThreshold', EvaluationPeriods: 1, Statistic: 'Maximum', Period: 300, TreatMissingData: 'notBreaching',
    });
    const undelivered = { Ref: expect.stringMatching(/^SecurityBaselineUndeliveredFindingsTopic/) };
    expect(alarm.AlarmActions).toEqual([undelivered]);
    const [, topic] = Object.entries(resourcesOf(template, 'AWS::SNS::Topic')).find(([id]) => /^SecurityBaselineUndeliveredFindingsTopic/.test(id))!;
    expect(topic.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [keyIdOf(template, /undelivered-findings/), 'Arn'] });
    expect(keyIdOf(template, /undelivered-findings/)).not.toBe(keyIdOf(template, /alarm topic/));
  });

  test('EBS encryption by default, S3 account Block Public Access and a CIS password policy, through one least-privilege function', () => {
    const settings = Object.values(resourcesOf(template, 'Custom::AccountSetting')).map((r) => r.Properties);
    expect(settings.map((s) => s.Setting).sort()).toEqual(['ConfigServiceLinkedRole', 'EbsEncryptionByDefault', 'PasswordPolicy', 'S3BlockPublicAccess']);
    expect(settings.find((s) => s.Setting === 'PasswordPolicy')).toMatchObject({ MinimumPasswordLength: 14, MaxPasswordAge: 90, PasswordReusePrevention: 24 });
    // No home region given: this stack's region holds the account-wide settings, unconditionally.
    for (const r of Object.values(resourcesOf(template, 'Custom::AccountSetting'))) expect([r.Properties.Setting, r.Condition]).toEqual([r.Properties.Setting, undefined]);
    for (const s of settings) expect(s.ServiceToken).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^SecurityBaselineAccountSettingsHandlerFunction/), 'Arn'] });
    // The grants exist before the first invocation, or the first deploy fails with AccessDenied.
    for (const r of Object.values(resourcesOf(template, 'Custom::AccountSetting'))) {
      expect(r.DependsOn).toEqual(expect.arrayContaining([expect.stringMatching(/^SecurityBaselineAccountSettingsHandlerRoleGrants/)]));
    }
    const grants = Object.entries(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find(([id]) => id.startsWith('SecurityBaselineAccountSettingsHandlerRole'))![1];
    const actions = grants.Properties.PolicyDocument.Statement.flatMap((s: { Action: string | string[] }) => [s.Action].flat());
    expect(actions.filter((a: string) => !a.startsWith('logs:') && !a.startsWith('xray:') && !a.startsWith('kms:')).sort()).toEqual([
      'ec2:DisableEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:GetEbsEncryptionByDefault',
      'iam:CreateServiceLinkedRole', 'iam:DeleteAccountPasswordPolicy', 'iam:GetAccountPasswordPolicy', 'iam:GetRole', 'iam:UpdateAccountPasswordPolicy',
      's3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock',
    ]);
  });

  test('no Organizations policy unless asked for', () => {
    template.resourceCountIs('AWS::Organizations::Policy', 0);
  });

  test('no physical name that two stages or regions could collide on', () => {
    for (const [type, prop] of [['AWS::S3::Bucket', 'BucketName'], ['AWS::Config::ConfigurationRecorder', 'Name'],
      ['AWS::Config::DeliveryChannel', 'Name'], ['AWS::Logs::LogGroup', 'LogGroupName'], ['AWS::SNS::Topic', 'TopicName'], ['AWS::IAM::Role', 'RoleName']]) {
      for (const r of Object.values(resourcesOf(template, type))) expect([type, r.Properties?.[prop]]).toEqual([type, undefined]);
    }
  });

  test('outputs what the smoke checks read', () => {
    for (const id of ['TrailArn', 'LogBucketName', 'TrailLogGroupName', 'AlarmTopicArn', 'UndeliveredFindingsTopicArn', 'ConfigRecorderName', 'ConfigBucketName',
      'DetectorId', 'RootAccountUseAlarmName']) template.hasOutput(id, { Condition: Match.absent() });
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

  test('the alarm e-mail of the stage is subscribed to the alarm topic and the undelivered-findings topic', () => {
    const subscriptions = Object.values(resourcesOf(stackTemplate('Production pinned', 'SecurityBaseline'), 'AWS::SNS::Subscription')).map((r) => r.Properties);
    expect(subscriptions.map((p) => [p.Protocol, p.Endpoint, p.TopicArn.Ref.replace(/[0-9A-F]{8}$/, '')]).sort()).toEqual([
      ['email', 'ops@example.com', 'SecurityBaselineAlarmsTopic'], ['email', 'ops@example.com', 'SecurityBaselineUndeliveredFindingsTopic']]);
    sandboxTemplate.resourcePropertiesCountIs('AWS::SNS::Subscription', { Protocol: 'email' }, 0);
  });
});

describe('pinned stages: region decisions at synth time', () => {
  const ruleIds = (template: Template) => Object.values(resourcesOf(template, 'AWS::Config::ConfigRule')).map((r) => r.Properties.Source.SourceIdentifier);

  test('ap-southeast-7 (Production pinned): no rule Thailand lacks, no global types (Config records none there), the account-wide pieces here, no condition', () => {
    const template = stackTemplate('Production pinned', 'SecurityBaseline');
    expect(ruleIds(template)).not.toContain('GUARDDUTY_ENABLED_CENTRALIZED');
    expect(ruleIds(template).sort()).toEqual(CONFIG_RULES.filter((r) => !REGION_LIMITED_RULES.includes(r)).sort());
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: false } });
    expect(Object.values(resourcesOf(template, 'Custom::AccountSetting')).map((r) => r.Properties.Setting).sort())
      .toEqual(['ConfigServiceLinkedRole', 'EbsEncryptionByDefault', 'PasswordPolicy', 'S3BlockPublicAccess']);
    template.resourceCountIs('AWS::CloudTrail::Trail', 1);
    expect(template.toJSON().Conditions).toBeUndefined();
  });

  test('eu-west-1 (Sandbox pinned): every rule, unconditioned; global types recorded here, the stage\'s own region being home', () => {
    const template = stackTemplate('Sandbox pinned', 'SecurityBaseline');
    expect(ruleIds(template).sort()).toEqual([...CONFIG_RULES].sort());
    template.hasResourceProperties('AWS::Config::ConfigurationRecorder', { RecordingGroup: { AllSupported: true, IncludeGlobalResourceTypes: true } });
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
      'AwsSolutions-IAM5[Resource::*]',
      'AwsSolutions-SQS3',
      ...perPack('LambdaConcurrency', 'LambdaDLQ', 'LambdaInsideVPC', 'S3BucketReplicationEnabled', 'S3DefaultEncryptionKMS')
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
