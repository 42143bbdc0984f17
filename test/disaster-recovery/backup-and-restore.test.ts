import { App, Duration, RemovalPolicy, Stack, Stage } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import { BackupAndRestore } from '../../lib/disaster-recovery/backup-and-restore';
import { BackupAndRestoreProps, shortestRetention, validateBackupAndRestoreProps } from '../../lib/disaster-recovery/disaster-recovery-props';
import { DisasterRecoveryStack, NO_STANDBY_REGION_WARNING, RecoveryVaultStack } from '../../lib/disaster-recovery/disaster-recovery-stack';
import { formatFindings, recordAcknowledgements } from '../../lib/shared/compliance';
import { templateFindings } from '../../lib/shared/template-findings';
import { nagFindings, problemsOf, resourcesOf, testApp, testStack } from '../harness';

const COPY_VAULT = 'arn:aws:backup:us-west-2:123456789012:backup-vault:recovery';
const OTHER_ACCOUNT_VAULT = 'arn:aws:backup:eu-central-1:210987654321:backup-vault:dr-copies';

// Two small stacks shared by the file: a production-like one (locked, copied, e-mailed, all restore tests)
// and a disposable one (daily, destroyed, nothing copied, no restore tests).
const lockedStack = testStack('Locked');
const locked = new BackupAndRestore(lockedStack, 'Backup', {
  recovery: { rpo: Duration.minutes(15), rto: Duration.hours(1) },
  retention: Duration.days(35),
  vaultLock: 'compliance',
  removalPolicy: RemovalPolicy.RETAIN,
  copyToVaultArns: [COPY_VAULT, OTHER_ACCOUNT_VAULT],
  alarmEmail: 'ops@example.com',
  restoreTesting: { auroraSubnetGroupName: 'data-tier-subnets' },
});
const lockedTemplate = Template.fromStack(lockedStack);
const disposableStack = testStack('Disposable');
new BackupAndRestore(disposableStack, 'Backup', { recovery: { rpo: Duration.hours(24), rto: Duration.hours(24) }, retention: Duration.days(7), removalPolicy: RemovalPolicy.DESTROY, restoreTesting: false });
new BackupAndRestore(disposableStack, 'SixHourly', { recovery: { rpo: Duration.hours(7), rto: Duration.hours(24) }, removalPolicy: RemovalPolicy.DESTROY, restoreTesting: {} });
const disposableTemplate = Template.fromStack(disposableStack);

const rulesOf = (template: Template, planIdPart: string) => Object.entries(resourcesOf(template, 'AWS::Backup::BackupPlan'))
  .find(([id]) => id.includes(planIdPart))![1].Properties.BackupPlan.BackupPlanRule;
const ruleOf = (template: Template, planIdPart: string, name?: string) => rulesOf(template, planIdPart).find((r: { RuleName: string }) => name === undefined || r.RuleName === name);
const vaultOf = (template: Template, part = 'Backup') => Object.entries(resourcesOf(template, 'AWS::Backup::BackupVault')).find(([id]) => id.startsWith(part))![1];

describe('the backup plan', () => {
  test('runs every interval the RPO allows (hourly for 15 min, every 6 h for 7 h), kept briefly, beside a daily rule kept the retention; daily only for 24 h', () => {
    const tiers = (template: Template, plan: string) => rulesOf(template, plan).map((r: Record<string, unknown>) =>
      [r.RuleName, r.ScheduleExpression, r.StartWindowMinutes, r.CompletionWindowMinutes, r.Lifecycle]);
    expect(tiers(lockedTemplate, 'Backup')).toEqual([
      // Hourly but 05:00, the daily rule's hour; a job has 2 hours to finish.
      ['Every1h', 'cron(0 0-4,6-23 * * ? *)', 60, 120, { DeleteAfterDays: 2 }],
      ['Every24h', 'cron(0 5 * * ? *)', 60, 1440, { DeleteAfterDays: 35 }],
    ]);
    expect(tiers(disposableTemplate, 'SixHourly')).toEqual([
      ['Every6h', 'cron(0 0/6 * * ? *)', 60, 360, { DeleteAfterDays: 2 }],
      ['Every24h', 'cron(0 5 * * ? *)', 60, 1440, { DeleteAfterDays: 35 }],
    ]);
    expect(tiers(disposableTemplate, 'BackupPlan')).toEqual([['Every24h', 'cron(0 5 * * ? *)', 60, 1440, { DeleteAfterDays: 7 }]]);
    expect(locked.interval.toHours()).toBe(1);
  });

  test('at most 2 days of hourly points: 46 Aurora snapshots or table copies per resource and vault, plus 35 daily, instead of 840', () => {
    const points = rulesOf(lockedTemplate, 'Backup').map((r: { ScheduleExpression: string; Lifecycle: { DeleteAfterDays: number } }) =>
      (r.ScheduleExpression === 'cron(0 5 * * ? *)' ? 1 : 23) * r.Lifecycle.DeleteAfterDays);
    expect(points).toEqual([46, 35]);
  });

  test('copies each tier to every vault given, kept as long as the tier', () => {
    expect(ruleOf(lockedTemplate, 'Backup', 'Every1h').CopyActions).toEqual([
      { DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 2 } },
      { DestinationBackupVaultArn: OTHER_ACCOUNT_VAULT, Lifecycle: { DeleteAfterDays: 2 } },
    ]);
    expect(ruleOf(lockedTemplate, 'Backup', 'Every24h').CopyActions).toEqual([
      { DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 35 } },
      { DestinationBackupVaultArn: OTHER_ACCOUNT_VAULT, Lifecycle: { DeleteAfterDays: 35 } },
    ]);
    expect(ruleOf(disposableTemplate, 'BackupPlan').CopyActions).toBeUndefined();
  });

  test('selects by tag backup-plan = disaster-recovery, with a role only AWS Backup assumes, holding AWS\'s backup, restore and S3 policies', () => {
    const selection = Object.values(resourcesOf(lockedTemplate, 'AWS::Backup::BackupSelection'))[0].Properties.BackupSelection;
    expect(selection.ListOfTags).toEqual([{ ConditionType: 'STRINGEQUALS', ConditionKey: 'backup-plan', ConditionValue: 'disaster-recovery' }]);
    expect(selection.Resources).toBeUndefined();
    const role = Object.values(resourcesOf(lockedTemplate, 'AWS::IAM::Role'))[0].Properties;
    expect(role.AssumeRolePolicyDocument.Statement).toEqual([{ Action: 'sts:AssumeRole', Effect: 'Allow', Principal: { Service: 'backup.amazonaws.com' } }]);
    expect(role.ManagedPolicyArns.map((arn: { 'Fn::Join': [string, unknown[]] }) => arn['Fn::Join'][1][2])).toEqual([
      ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForBackup', ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForRestores',
      ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForS3Backup', ':iam::aws:policy/service-role/AWSBackupServiceRolePolicyForS3Restore',
    ]);
    expect(selection.IamRoleArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BackupRole/), 'Arn'] });
    lockedTemplate.resourceCountIs('AWS::IAM::Policy', 0);
  });
});

describe('the vault', () => {
  test('has a key of its own, which rotates; named after the stack\'s deployment id; always retained', () => {
    for (const template of [lockedTemplate, disposableTemplate]) {
      const vault = vaultOf(template);
      expect(vault.Properties.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BackupVaultKey/), 'Arn'] });
      expect(JSON.stringify(vault.Properties.BackupVaultName)).toContain('"Ref":"AWS::StackId"');
      expect(vault.DeletionPolicy).toBe('Retain');
    }
    const keys = (t: Template) => Object.entries(resourcesOf(t, 'AWS::KMS::Key')).filter(([id]) => id.startsWith('BackupVaultKey')).map(([, k]) => [k.Properties.EnableKeyRotation, k.DeletionPolicy, k.Properties.PendingWindowInDays]);
    expect(keys(lockedTemplate)).toEqual([[true, 'Retain', 30]]);
    expect(keys(disposableTemplate)).toEqual([[true, 'Delete', 7]]);
  });

  test('where data is retained: deleting a recovery point or shortening its life is denied to everyone, and the vault is locked in compliance mode (3 days\' grace), its minimum the shortest lifecycle in it (the hourly tier\'s 2 days)', () => {
    const vault = vaultOf(lockedTemplate);
    expect(vault.Properties.AccessPolicy.Statement).toEqual([{
      Effect: 'Deny', Principal: { AWS: '*' }, Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'], Resource: '*',
    }]);
    expect(vault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 2, ChangeableForDays: 3 });
  });

  test('where the stage is disposable: no deny and no lock, so recovery points can be removed by hand', () => {
    expect(vaultOf(disposableTemplate).Properties.AccessPolicy).toBeUndefined();
    expect(vaultOf(disposableTemplate).Properties.LockConfiguration).toBeUndefined();
  });

  test('a governance lock can be removed by the privileged: no grace period is set', () => {
    const stack = testStack('Governance');
    new BackupAndRestore(stack, 'Backup', { recovery: { rpo: Duration.hours(24), rto: Duration.hours(24) }, retention: Duration.days(10), vaultLock: 'governance', restoreTesting: false });
    expect(vaultOf(Template.fromStack(stack)).Properties.LockConfiguration).toEqual({ MinRetentionDays: 10 });
  });
});

describe('failed jobs reach someone', () => {
  const rules = () => Object.values(resourcesOf(lockedTemplate, 'AWS::Events::Rule')).map((r) => r.Properties);

  test('rules on this plan\'s failed, aborted or expired backup jobs (into its vault), failed copy jobs (out of it) and failed restore jobs (with its role, restore tests included)', () => {
    const vault = { 'Fn::GetAtt': [expect.stringMatching(/^BackupVault/), 'BackupVaultArn'] };
    const role = { 'Fn::GetAtt': [expect.stringMatching(/^BackupRole/), 'Arn'] };
    expect(rules().map((r) => r.EventPattern)).toEqual([
      { 'source': ['aws.backup'], 'detail-type': ['Backup Job State Change'], 'detail': { backupVaultArn: [vault], state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] } },
      { 'source': ['aws.backup'], 'detail-type': ['Copy Job State Change'], 'detail': { sourceBackupVaultArn: [vault], state: ['FAILED', 'PARTIAL'] } },
      { 'source': ['aws.backup'], 'detail-type': ['Restore Job State Change'], 'detail': { iamRoleArn: [role], status: ['FAILED', 'ABORTED'] } },
    ]);
  });

  test('each targets the encrypted alarm topic, with a dead-letter queue, and may publish only as itself', () => {
    const topicRef = { Ref: expect.stringMatching(/^BackupAlarmsTopic/) };
    for (const rule of rules()) {
      expect(rule.Targets).toEqual([expect.objectContaining({ Arn: topicRef, DeadLetterConfig: { Arn: { 'Fn::GetAtt': [expect.stringMatching(/^BackupJobFailuresDeadLetterQueue/), 'Arn'] } } })]);
    }
    const statements = Object.values(resourcesOf(lockedTemplate, 'AWS::SNS::TopicPolicy'))[0].Properties.PolicyDocument.Statement;
    const fromRules = statements.filter((s: { Principal: { Service?: string } }) => s.Principal.Service === 'events.amazonaws.com');
    expect(fromRules.map((s: { Condition: unknown }) => s.Condition)).toEqual(Object.keys(resourcesOf(lockedTemplate, 'AWS::Events::Rule'))
      .map((id) => ({ ArnEquals: { 'aws:SourceArn': { 'Fn::GetAtt': [id, 'Arn'] } } })));
    lockedTemplate.hasResourceProperties('AWS::SNS::Topic', { KmsMasterKeyId: { 'Fn::GetAtt': [Match.stringLikeRegexp('^BackupAlarmKey'), 'Arn'] } });
  });

  test('EventBridge may use the topic\'s key for this account only; the address given is subscribed; undelivered failures raise an alarm on a topic and key of their own', () => {
    const key = Object.entries(resourcesOf(lockedTemplate, 'AWS::KMS::Key')).find(([id]) => id.startsWith('BackupAlarmKey'))![1];
    expect(key.Properties.KeyPolicy.Statement).toEqual(expect.arrayContaining([expect.objectContaining({
      Principal: { Service: 'events.amazonaws.com' }, Action: ['kms:Decrypt', 'kms:GenerateDataKey*'], Condition: { StringEquals: { 'aws:SourceAccount': { Ref: 'AWS::AccountId' } } },
    })]));
    // Both topics e-mail the address given.
    const subscriptions = Object.values(resourcesOf(lockedTemplate, 'AWS::SNS::Subscription')).map((r) => [r.Properties.Protocol, r.Properties.Endpoint, r.Properties.TopicArn.Ref.replace(/[0-9A-F]{8}$/, '')]);
    expect(subscriptions).toEqual([['email', 'ops@example.com', 'BackupAlarmsTopic'], ['email', 'ops@example.com', 'BackupJobFailuresUndeliveredTopic']]);
    // The alarm does not go to the topic whose delivery failed, but to one encrypted with another key.
    const alarm = Object.values(resourcesOf(lockedTemplate, 'AWS::CloudWatch::Alarm')).find((r) => r.Properties.MetricName === 'ApproximateNumberOfMessagesVisible')!.Properties;
    expect([alarm.Threshold, alarm.AlarmActions]).toEqual([0, [{ Ref: expect.stringMatching(/^BackupJobFailuresUndeliveredTopic[0-9A-F]{8}$/) }]]);
    const undelivered = Object.entries(resourcesOf(lockedTemplate, 'AWS::SNS::Topic')).find(([id]) => id.startsWith('BackupJobFailuresUndeliveredTopic'))![1];
    expect(undelivered.Properties.KmsMasterKeyId).toEqual({ 'Fn::GetAtt': [expect.stringMatching(/^BackupJobFailuresUndeliveredKey[0-9A-F]{8}$/), 'Arn'] });
  });
});

describe('restore testing', () => {
  const selections = () => Object.values(resourcesOf(lockedTemplate, 'AWS::Backup::RestoreTestingSelection')).map((r) => r.Properties);

  test('every Monday, the latest snapshot of the last week in this vault, started within a day', () => {
    const plan = Object.values(resourcesOf(lockedTemplate, 'AWS::Backup::RestoreTestingPlan'))[0].Properties;
    expect(plan).toMatchObject({
      ScheduleExpression: 'cron(0 6 ? * MON *)', StartWindowHours: 24,
      RecoveryPointSelection: { Algorithm: 'LATEST_WITHIN_WINDOW', IncludeVaults: [{ 'Fn::GetAtt': [expect.stringMatching(/^BackupVault/), 'BackupVaultArn'] }], RecoveryPointTypes: ['SNAPSHOT'], SelectionWindowDays: 7 },
    });
    expect(JSON.stringify(plan.RestoreTestingPlanName)).toContain('"Ref":"AWS::StackId"');
  });

  test('restores the tagged Aurora clusters (into the subnet group given), tables and buckets, with the backup role, kept an hour', () => {
    expect(selections().map((s) => [s.ProtectedResourceType, s.RestoreMetadataOverrides, s.ValidationWindowHours])).toEqual([
      ['Aurora', { dbsubnetgroupname: 'data-tier-subnets' }, 1], ['DynamoDB', undefined, 1], ['S3', undefined, 1],
    ]);
    for (const s of selections()) {
      expect(s).toMatchObject({
        ProtectedResourceArns: ['*'],
        ProtectedResourceConditions: { StringEquals: [{ Key: 'aws:ResourceTag/backup-plan', Value: 'disaster-recovery' }] },
        IamRoleArn: { 'Fn::GetAtt': [expect.stringMatching(/^BackupRole/), 'Arn'] },
      });
    }
  });

  test('exists only where CloudFormation offers it: a condition on the region when the stack is environment-agnostic, left out in a region without it', () => {
    const conditionId = Object.keys(lockedTemplate.toJSON().Conditions).find((id) => id.startsWith('BackupRestoreTestingOffered'))!;
    const regions = ['ap-east-2', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7', 'ca-west-1', 'mx-central-1', 'cn-north-1', 'cn-northwest-1', 'us-gov-east-1', 'us-gov-west-1'];
    expect(lockedTemplate.toJSON().Conditions[conditionId]).toEqual({ 'Fn::Not': [{ 'Fn::Or': regions.map((r) => ({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, r] })) }] });
    for (const type of ['AWS::Backup::RestoreTestingPlan', 'AWS::Backup::RestoreTestingSelection']) {
      for (const r of Object.values(resourcesOf(lockedTemplate, type))) expect(r.Condition).toBe(conditionId);
    }
    const pinned = (region: string) => {
      const stack = new Stack(testApp(), 'Pinned', { env: { account: '123456789012', region } });
      new BackupAndRestore(stack, 'Backup', { recovery: { rpo: Duration.hours(24), rto: Duration.hours(24) } });
      return Template.fromStack(stack).toJSON();
    };
    const inThailand = pinned('ap-southeast-7');
    expect(Object.values(inThailand.Resources).filter((r) => (r as { Type: string }).Type.startsWith('AWS::Backup::RestoreTesting'))).toEqual([]);
    const inIreland = pinned('eu-west-1');
    expect(Object.values(inIreland.Resources).filter((r) => (r as { Type: string }).Type === 'AWS::Backup::RestoreTestingSelection')).toHaveLength(2);
    expect(inIreland.Conditions).toBeUndefined();
  });

  test('skips Aurora without a subnet group (restore tests would look for a default VPC); none when switched off', () => {
    const types = Object.entries(resourcesOf(disposableTemplate, 'AWS::Backup::RestoreTestingSelection')).map(([, r]) => r.Properties.ProtectedResourceType);
    expect(types).toEqual(['DynamoDB', 'S3']);
    expect(Object.keys(resourcesOf(disposableTemplate, 'AWS::Backup::RestoreTestingPlan'))).toEqual([expect.stringMatching(/^SixHourly/)]);
  });
});

describe('compliance', () => {
  test('the five packs report nothing unacknowledged, in the app and in the templates as a scanner reads them', () => {
    expect(formatFindings(nagFindings(lockedStack))).toBe('');
    expect(formatFindings(nagFindings(disposableStack))).toBe('');
    expect(formatFindings(templateFindings({ Locked: lockedTemplate.toJSON(), Disposable: disposableTemplate.toJSON() }))).toBe('');
  });
});

describe('bad input', () => {
  const props = (over: Partial<BackupAndRestoreProps>): BackupAndRestoreProps => ({ recovery: { rpo: Duration.hours(24), rto: Duration.hours(24) }, ...over });

  test('fails when recovery points would expire before the next is made', () => {
    expect(problemsOf(validateBackupAndRestoreProps, props({ retention: Duration.hours(12) }))).toEqual([
      'retention: got 0.5; expected a whole number from 1 to 36500 days',
      'retention: got "12 h"; expected longer than the backup interval (1 d), else a recovery point expires before the next is made',
    ]);
  });

  test('fails when the frequent points would be kept as long as the daily ones, or not whole days', () => {
    const hourly = { recovery: { rpo: Duration.hours(1), rto: Duration.hours(4) } };
    expect(problemsOf(validateBackupAndRestoreProps, { ...hourly, retention: Duration.days(7), frequentRetention: Duration.days(7) })).toEqual([
      'frequentRetention: got "7 d"; expected shorter than retention (7 d): the daily points are the ones kept long',
    ]);
    expect(problemsOf(validateBackupAndRestoreProps, { ...hourly, frequentRetention: Duration.hours(36) })).toEqual([
      'frequentRetention: got 1.5; expected a whole number from 1 to 36500 days',
    ]);
  });

  test('fails on an unknown lock mode, a reserved or malformed tag, an unknown restore-tested type or a validation window out of range', () => {
    expect(problemsOf(validateBackupAndRestoreProps, props({
      vaultLock: 'strict' as never, selectionTag: { key: 'aws:backup', value: 'a|b' },
      restoreTesting: { resourceTypes: ['EFS' as never], validationWindow: Duration.days(8) },
    }))).toEqual([
      'vaultLock: got "strict"; expected one of "governance", "compliance"',
      'selectionTag.key: got "aws:backup"; expected a tag key of 1 to 128 letters, digits, spaces or _.:/=+-@, not starting with "aws:"',
      'selectionTag.value: got "a|b"; expected a tag value of up to 256 letters, digits, spaces or _.:/=+-@',
      'restoreTesting.validationWindow: got 192; expected a whole number from 1 to 168 hours',
      'restoreTesting.resourceTypes: got ["EFS"]; expected "Aurora", "DynamoDB" or "S3"',
    ]);
  });
});

describe('the stacks', () => {
  const recovery = { rpo: Duration.hours(1), rto: Duration.hours(4) };

  test('DisasterRecovery says a region outage is not covered when nothing is copied out of the region', () => {
    const stack = new DisasterRecoveryStack(testApp(), 'DisasterRecovery', { backup: { recovery, restoreTesting: false } });
    Annotations.fromStack(stack).hasWarning('*', Match.stringLikeRegexp(`^A region outage is not covered: .*-c standbyRegion=.*\\[ack: ${NO_STANDBY_REGION_WARNING}\\]$`));
  });

  test('failed jobs go to the user\'s own topic when given one (no alarm topic of its own); the alarm on undelivered ones to a topic and key of their own, e-mailed', () => {
    const topicArn = 'arn:aws:sns:eu-west-1:123456789012:ops-alarms';
    const stack = new DisasterRecoveryStack(testApp(), 'DisasterRecovery', { alarmTopicArn: topicArn, backup: { recovery, alarmEmail: 'ops@example.com', restoreTesting: false } });
    const template = Template.fromStack(stack);
    const ids = (type: string) => Object.keys(resourcesOf(template, type)).map((id) => id.replace(/[0-9A-F]{8}$/, ''));
    expect(ids('AWS::SNS::Topic')).toEqual(['BackupJobFailuresUndeliveredTopic']);
    expect(ids('AWS::KMS::Key')).toEqual(['BackupVaultKey', 'BackupJobFailuresUndeliveredKey']);
    template.resourceCountIs('AWS::SNS::Subscription', 1);
    for (const rule of Object.values(resourcesOf(template, 'AWS::Events::Rule'))) expect(rule.Properties.Targets[0].Arn).toBe(topicArn);
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { AlarmActions: [{ Ref: Match.stringLikeRegexp('^BackupJobFailuresUndeliveredTopic') }] });
    expect(template.toJSON().Outputs.UndeliveredJobFailuresTopicArn.Value).toEqual({ Ref: expect.stringMatching(/^BackupJobFailuresUndeliveredTopic/) });
  });

  test('fails when the copy vault is in the stack\'s own region; checks it at deploy when the stack is environment-agnostic', () => {
    expect(() => new DisasterRecoveryStack(testApp(), 'DisasterRecovery', {
      env: { region: 'us-west-2' }, backup: { recovery, copyToVaultArns: [COPY_VAULT], restoreTesting: false },
    })).toThrow(`backup.copyToVaultArns: got "${COPY_VAULT}"; expected a vault in another region than this stack's (us-west-2): a copy in the same region fails with it`);
    const agnostic = new DisasterRecoveryStack(testApp(), 'DisasterRecovery', { backup: { recovery, copyToVaultArns: [COPY_VAULT], restoreTesting: false } });
    expect(Template.fromStack(agnostic).toJSON().Rules).toMatchObject({
      CopyOutsideuswest2: { Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'us-west-2'] }] }, AssertDescription: expect.stringContaining('the copy must go to another region') }] },
    });
  });

  test('two regions: the standby\'s RecoveryVault, locked like the primary, is copied to through its ARN, read when the primary deploys (no custom resource)', () => {
    const app: App = testApp();
    const stage = new Stage(app, 'Production', { env: { account: '123456789012', region: 'eu-west-1' } });
    recordAcknowledgements(stage);
    const standby = new RecoveryVaultStack(stage, 'RecoveryVault', {
      env: { account: '123456789012', region: 'us-west-2' }, vault: { lock: 'compliance', minRetention: shortestRetention({ recovery, retention: Duration.days(35) }) },
    });
    const primary = new DisasterRecoveryStack(stage, 'DisasterRecovery', { backup: { recovery, retention: Duration.days(35), vaultLock: 'compliance', copyToVaultArns: [standby.vault.vault.backupVaultArn], restoreTesting: false } });
    const standbyVault = Object.values(resourcesOf(Template.fromStack(standby), 'AWS::Backup::BackupVault'))[0];
    // The hourly tier's copies live 2 days: a lock asking more would fail them.
    expect(standbyVault.Properties.LockConfiguration).toEqual({ MinRetentionDays: 2, ChangeableForDays: 3 });
    expect(standbyVault.Properties.AccessPolicy.Statement[0]).toMatchObject({ Effect: 'Deny', Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'] });
    const copy = ruleOf(Template.fromStack(primary), 'Backup').CopyActions[0];
    expect(copy.DestinationBackupVaultArn).toEqual({ 'Fn::GetStackOutput': { StackName: 'Production-RecoveryVault', Region: 'us-west-2', OutputName: expect.any(String) } });
    expect(Object.values(Template.fromStack(primary).toJSON().Resources).filter((r) => (r as { Type: string }).Type.startsWith('Custom::'))).toEqual([]);
    expect(primary.dependencies.map((s: Stack) => s.stackName)).toEqual(['Production-RecoveryVault']);
    expect(formatFindings(nagFindings(primary))).toBe('');
  });
});
