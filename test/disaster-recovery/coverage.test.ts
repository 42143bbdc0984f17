import { NOT_BACKED_UP } from '../../lib/disaster-recovery/backup-coverage';
import { resourcesOf } from '../../lib/docs/template';
import { isNotice } from '../../lib/stages/stage-selection';
import { stageTemplates, synthesizedStack } from '../harness';
import { VARIANT_NAMES } from '../synth/variants';

// Every stateful resource of every stage variant is in the stage's backup plan (it carries
// the plan's tag) or is not, for a reason the library states (NOT_BACKED_UP) and the docs repeat.
// The tag is the stage's own (Sandbox and Production may share an account and region).
const tagOf = (variant: string) => ({ Key: 'backup-plan', Value: variant.startsWith('Sandbox') ? 'disaster-recovery-sandbox' : 'disaster-recovery-production' });
const STATEFUL = ['AWS::RDS::DBCluster', 'AWS::DynamoDB::Table', 'AWS::DynamoDB::GlobalTable', 'AWS::S3::Bucket', 'AWS::EFS::FileSystem', 'AWS::EC2::Volume',
  'AWS::ElastiCache::ReplicationGroup', 'AWS::SQS::Queue', 'AWS::Kinesis::Stream', 'AWS::Events::Archive', 'AWS::Logs::LogGroup', 'AWS::SecretsManager::Secret', 'AWS::KMS::Key'];
// What the stages back up, by stack and logical id (the buckets by their owner's id).
const BACKED_UP = [
  ['DataTier', /^DataTierDatabase[0-9A-F]{8}$/],
  ['ServerlessApi', /^ServerlessApi(Global)?Items[0-9A-F]{8}$/],
  ['SecurityBaseline', /^SecurityBaselineAuditBucket[0-9A-F]{8}$/],
  ['SecurityBaseline', /^SecurityBaselineConfigBucket[0-9A-F]{8}$/],
  ['Streaming', /^StreamingStreamBucket[0-9A-F]{8}$/],
] as const;
// Buckets left out, and why (NOT_BACKED_UP's 'Bucket:...' reasons).
const BUCKETS_LEFT_OUT: [RegExp, string][] = [[/AccessLogs|Logs[0-9A-F]{8}$/, 'Bucket:access logs'], [/^StaticSiteContent/, 'Bucket:content']];

const hasTag = (tags: unknown[] | undefined, tag: object) => (tags ?? []).some((t) => JSON.stringify(t) === JSON.stringify(tag));
// A global table carries its tags on each replica.
const taggedWith = (tag: object) => (r: { Properties?: { Tags?: unknown[]; Replicas?: { Tags?: unknown[] }[] } }) =>
  (r.Properties?.Replicas ? r.Properties.Replicas.every((replica) => hasTag(replica.Tags, tag)) : hasTag(r.Properties?.Tags, tag));

describe.each(VARIANT_NAMES)('%s', (variant) => {
  const stacks = [...stageTemplates(variant)];
  const tagged = taggedWith(tagOf(variant));
  const stateful = stacks.flatMap(([stackId, { template }]) => resourcesOf(template).filter(([, r]) => STATEFUL.includes(r.Type)).map(([id, r]) => ({ stackId, id, r })));

  test('the Aurora cluster, the API\'s table, the audit buckets and the data-lake bucket carry the plan\'s tag, and nothing else does', () => {
    const found = stateful.filter(({ r }) => tagged(r)).map(({ stackId, id }) => `${stackId}/${id}`).sort();
    const expected = BACKED_UP.map(([stackId, id]) => new RegExp(`^${stackId}/${id.source.slice(1)}`));
    expect(found).toHaveLength(expected.length);
    for (const pattern of expected) expect(found.filter((f) => pattern.test(f))).toHaveLength(1);
  });

  test('every other stateful resource is left out for a stated reason', () => {
    const unexplained = stateful.filter(({ r }) => !tagged(r)).filter(({ stackId, id, r }) => {
      if (stackId.startsWith('Standby') && ['AWS::RDS::DBCluster', 'AWS::S3::Bucket'].includes(r.Type)) return !NOT_BACKED_UP['Standby:replica'];
      if (r.Type === 'AWS::S3::Bucket') return !BUCKETS_LEFT_OUT.some(([pattern, reason]) => pattern.test(id) && NOT_BACKED_UP[reason]);
      return !NOT_BACKED_UP[r.Type];
    }).map(({ stackId, id, r }) => `${stackId}/${id} (${r.Type})`);
    expect(unexplained).toEqual([]);
  });

  test('the web tier\'s instances keep nothing: their volumes go with them', () => {
    const templates = new Map(stacks);
    const launchTemplates = resourcesOf(templates.get('WebTier')!.template).filter(([, r]) => r.Type === 'AWS::EC2::LaunchTemplate');
    const devices = launchTemplates.flatMap(([, r]) => (r.Properties?.LaunchTemplateData as { BlockDeviceMappings: { Ebs: { DeleteOnTermination: boolean } }[] }).BlockDeviceMappings);
    expect(devices.map((d) => d.Ebs.DeleteOnTermination)).toEqual([true]);
  });

  test('the stage has its DisasterRecovery stack, backing up daily in the sandbox and hourly in production, and says a region outage is not covered without a standby region (all but Production pinned and Production standby)', () => {
    const { template } = new Map(stacks).get('DisasterRecovery')!;
    const [, plan] = resourcesOf(template).find(([, r]) => r.Type === 'AWS::Backup::BackupPlan')!;
    const rules = (plan.Properties as { BackupPlan: { BackupPlanRule: { ScheduleExpression: string; Lifecycle: unknown }[] } }).BackupPlan.BackupPlanRule;
    // Production: hourly points kept 2 days (no more than 46 Aurora snapshots or table copies at once), daily points kept 35.
    expect(rules.map((rule) => [rule.ScheduleExpression, rule.Lifecycle])).toEqual(variant.startsWith('Sandbox') ? [['cron(0 5 * * ? *)', { DeleteAfterDays: 7 }]]
      : [['cron(0 0-4,6-23 * * ? *)', { DeleteAfterDays: 2 }], ['cron(0 5 * * ? *)', { DeleteAfterDays: 35 }]]);
    // Restore tests where CloudFormation offers them: not in ap-southeast-7 (Production pinned), under a region condition when agnostic.
    const restoreTests = resourcesOf(template).filter(([, r]) => r.Type === 'AWS::Backup::RestoreTestingSelection').map(([, r]) => [(r.Properties as { ProtectedResourceType: string }).ProtectedResourceType, (r as { Condition?: string }).Condition !== undefined]);
    const expected = { 'Sandbox': true, 'Production': true, 'Sandbox pinned': false, 'Production pinned': undefined, 'Production standby': false }[variant];
    expect(restoreTests).toEqual(expected === undefined ? [] : ['Aurora', 'DynamoDB', 'S3'].map((t) => [t, expected]));
    const notices = synthesizedStack(variant, 'DisasterRecovery').messages.filter((m) => isNotice(m.text)).map((m) => m.text);
    expect(notices).toEqual(['Production pinned', 'Production standby'].includes(variant) ? [] : [expect.stringMatching(/^A region outage is not covered: the stage's recovery points stay in its region\./)]);
  });
});

test('Production pinned copies every recovery point to its RecoveryVault in the standby region, kept as long as its tier; the vault is locked at the shortest (2 days)', () => {
  const templates = stageTemplates('Production pinned');
  const [, plan] = resourcesOf(templates.get('DisasterRecovery')!.template).find(([, r]) => r.Type === 'AWS::Backup::BackupPlan')!;
  const rules = (plan.Properties as { BackupPlan: { BackupPlanRule: { CopyActions: unknown[] }[] } }).BackupPlan.BackupPlanRule;
  const destination = { 'Fn::GetStackOutput': { StackName: 'Production-RecoveryVault', Region: 'ap-southeast-1', OutputName: expect.any(String) } };
  expect(rules.map((rule) => rule.CopyActions)).toEqual([
    [{ DestinationBackupVaultArn: destination, Lifecycle: { DeleteAfterDays: 2 } }],
    [{ DestinationBackupVaultArn: destination, Lifecycle: { DeleteAfterDays: 35 } }],
  ]);
  const vaults = resourcesOf(templates.get('RecoveryVault')!.template).filter(([, r]) => r.Type === 'AWS::Backup::BackupVault');
  expect(vaults.map(([, r]) => [(r.Properties as { LockConfiguration: unknown }).LockConfiguration, r.DeletionPolicy])).toEqual([[{ MinRetentionDays: 2, ChangeableForDays: 3 }, 'Retain']]);
  const primaryVaults = resourcesOf(templates.get('DisasterRecovery')!.template).filter(([, r]) => r.Type === 'AWS::Backup::BackupVault');
  expect(primaryVaults.map(([, r]) => (r.Properties as { LockConfiguration: unknown }).LockConfiguration)).toEqual([{ MinRetentionDays: 2, ChangeableForDays: 3 }]);
});

test('the data tier backs nothing up by itself in any stage (the stage\'s plan does, once)', () => {
  for (const variant of VARIANT_NAMES) {
    expect(resourcesOf(stageTemplates(variant).get('DataTier')!.template).filter(([, r]) => r.Type.startsWith('AWS::Backup::'))).toEqual([]);
  }
});

describe('two stages in one account and region (Sandbox pinned and Production standby: 123456789012, eu-west-1)', () => {
  type Resource = { Type: string; Properties: Record<string, any> };
  const templateOf = (variant: 'Sandbox pinned' | 'Production standby') => stageTemplates(variant).get('DisasterRecovery')!.template;
  const ofType = (variant: 'Sandbox pinned' | 'Production standby', type: string) => resourcesOf(templateOf(variant)).filter(([, r]) => r.Type === type) as [string, Resource][];
  const selected = (variant: 'Sandbox pinned' | 'Production standby') => [
    ...ofType(variant, 'AWS::Backup::BackupSelection').flatMap(([, r]) => r.Properties.BackupSelection.ListOfTags.map((t: { ConditionKey: string; ConditionValue: string }) => `${t.ConditionKey}=${t.ConditionValue}`)),
    ...ofType(variant, 'AWS::Backup::RestoreTestingSelection').flatMap(([, r]) => r.Properties.ProtectedResourceConditions.StringEquals.map((t: { Key: string; Value: string }) => `${t.Key}=${t.Value}`)),
  ];

  test('each plan and its restore tests select the stage\'s own tag: the two never back up or restore-test each other\'s resources', () => {
    const both = (value: string) => new Set([`backup-plan=${value}`, `aws:ResourceTag/backup-plan=${value}`]);
    expect(new Set(selected('Sandbox pinned'))).toEqual(both('disaster-recovery-sandbox'));
    expect(new Set(selected('Production standby'))).toEqual(both('disaster-recovery-production'));
  });

  test('the job-failure rules hear only their own plan: backup jobs into its vault, copy jobs out of it, restore jobs run with its role', () => {
    for (const variant of ['Sandbox pinned', 'Production standby'] as const) {
      const [[vaultId]] = ofType(variant, 'AWS::Backup::BackupVault');
      const [[roleId]] = ofType(variant, 'AWS::IAM::Role').filter(([id]) => /^BackupRole/.test(id));
      const patterns = ofType(variant, 'AWS::Events::Rule').map(([, r]) => r.Properties.EventPattern.detail);
      expect(patterns).toEqual([
        { backupVaultArn: [{ 'Fn::GetAtt': [vaultId, 'BackupVaultArn'] }], state: ['FAILED', 'ABORTED', 'EXPIRED', 'PARTIAL'] },
        { sourceBackupVaultArn: [{ 'Fn::GetAtt': [vaultId, 'BackupVaultArn'] }], state: ['FAILED', 'PARTIAL'] },
        { iamRoleArn: [{ 'Fn::GetAtt': [roleId, 'Arn'] }], status: ['FAILED', 'ABORTED'] },
      ]);
    }
  });
});
