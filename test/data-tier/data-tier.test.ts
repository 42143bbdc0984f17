import { Duration, RemovalPolicy, Stack } from 'aws-cdk-lib';
import { Annotations, Match, Template } from 'aws-cdk-lib/assertions';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import { DataTier } from '../../lib/data-tier/data-tier';
import { DataTierProps } from '../../lib/data-tier/data-tier-props';
import { Network } from '../../lib/network/network';
import { NetworkProps } from '../../lib/network/network-props';
import { formatFindings } from '../../lib/shared/compliance';
import { nagFindings, resourcesOf, testStack } from '../harness';

const COPY_VAULT = 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr-copies';

function build(props: Omit<DataTierProps, 'vpc'> = {}, network: NetworkProps = {}, stack: Stack = testStack()) {
  const { vpc } = new Network(stack, 'Network', network);
  const tier = new DataTier(stack, 'Data', { vpc, ...props });
  const app = new ec2.SecurityGroup(stack, 'AppSg', { vpc });
  const appRole = new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') });
  tier.allowFrom(app);
  tier.grantSecretsRead(appRole);
  return { stack, tier, template: Template.fromStack(stack), app };
}

const ingress = (t: Template, groupIdPart: string) => Object.values(resourcesOf(t, 'AWS::EC2::SecurityGroupIngress'))
  .map((r) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes(groupIdPart));
const idOf = (t: Template, type: string, part: string) => Object.keys(resourcesOf(t, type)).find((id) => id.includes(part))!;

describe('defaults', () => {
  const { stack, template } = build({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false });
  const cluster = () => Object.values(resourcesOf(template, 'AWS::RDS::DBCluster'))[0];

  test('Aurora PostgreSQL Serverless v2 with an engine version that scales to zero, paused after 5 idle minutes', () => {
    expect(cluster().Properties).toMatchObject({
      Engine: 'aurora-postgresql', EngineVersion: '16.9',
      ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300 },
    });
    template.resourcePropertiesCountIs('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless' }, 1);
  });

  test('storage and Performance Insights encrypted with the customer-managed key, which rotates; IAM auth; no Data API unless asked for', () => {
    const key = { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] };
    expect(cluster().Properties).toMatchObject({
      StorageEncrypted: true, KmsKeyId: key, PerformanceInsightsEnabled: true, PerformanceInsightsKmsKeyId: key,
      EnableIAMDatabaseAuthentication: true, DatabaseInsightsMode: 'standard',
    });
    expect(cluster().Properties.EnableHttpEndpoint).toBeUndefined();
    expect(resourcesOf(template, 'AWS::KMS::Key')[idOf(template, 'AWS::KMS::Key', 'DataKey')].Properties.EnableKeyRotation).toBe(true);
  });

  test('the master user has a name of its own, not a default admin name (CT.RDS.PR.21)', () => {
    const master = Object.values(resourcesOf(template, 'AWS::SecretsManager::Secret')).find((r) => String(r.Properties.GenerateSecretString?.SecretStringTemplate).includes('data_admin'));
    expect(JSON.parse(master!.Properties.GenerateSecretString.SecretStringTemplate)).toEqual({ username: 'data_admin' });
    expect(JSON.stringify(template.toJSON())).not.toContain('"postgres"');
  });

  test('the parameter group: TLS, connection logs, pgaudit of DDL and role changes, 1-minute statement and idle-in-transaction timeouts', () => {
    const group = Object.values(resourcesOf(template, 'AWS::RDS::DBClusterParameterGroup'))[0].Properties;
    expect(group.Parameters).toEqual({
      'rds.force_ssl': '1', log_connections: '1', log_disconnections: '1',
      shared_preload_libraries: 'pg_stat_statements,pgaudit', 'pgaudit.log': 'ddl,role', 'pgaudit.log_parameter': '0',
      statement_timeout: '60000', idle_in_transaction_session_timeout: '60000',
    });
  });

  test('TLS is enforced by the cluster parameter group', () => {
    template.hasResourceProperties('AWS::RDS::DBClusterParameterGroup', { Parameters: Match.objectLike({ 'rds.force_ssl': '1' }) });
    expect(cluster().Properties.DBClusterParameterGroupName).toEqual({ Ref: idOf(template, 'AWS::RDS::DBClusterParameterGroup', 'ClusterParameters') });
  });

  test('in the isolated subnets only, never publicly accessible', () => {
    const subnetGroup = Object.values(resourcesOf(template, 'AWS::RDS::DBSubnetGroup'))[0].Properties;
    expect(JSON.stringify(subnetGroup.SubnetIds)).toMatch(/IsolatedSubnet1.*IsolatedSubnet2/);
    expect(JSON.stringify(subnetGroup.SubnetIds)).not.toMatch(/Private|Public/);
    template.allResourcesProperties('AWS::RDS::DBInstance', { PubliclyAccessible: false });
    const cacheSubnets = Object.values(resourcesOf(template, 'AWS::ElastiCache::SubnetGroup'))[0].Properties.SubnetIds;
    expect(JSON.stringify(cacheSubnets)).toMatch(/IsolatedSubnet1.*IsolatedSubnet2/);
    expect(JSON.stringify(cacheSubnets)).not.toMatch(/Private|Public/);
  });

  test.each([['postgresql', 'PostgresLogs'], ['iam-db-auth-error', 'IamDbAuthErrorLogs'], ['instance', 'InstanceLogs']])('the %s log goes to an encrypted log group named for the cluster, created before the instances', (log, id) => {
    expect(cluster().Properties.EnableCloudwatchLogsExports).toEqual(['postgresql', 'iam-db-auth-error', 'instance']);
    const logGroupId = idOf(template, 'AWS::Logs::LogGroup', id);
    expect(resourcesOf(template, 'AWS::Logs::LogGroup')[logGroupId].Properties).toEqual({
      LogGroupName: { 'Fn::Join': ['', ['/aws/rds/cluster/', { Ref: idOf(template, 'AWS::RDS::DBCluster', 'Database') }, `/${log}`]] }, RetentionInDays: 30,
      KmsKeyId: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] },
    });
    template.hasResource('AWS::RDS::DBInstance', { DependsOn: Match.arrayWith([logGroupId]) });
  });

  test('the master password is generated in Secrets Manager, encrypted with the key, rotated every 30 days; no literal password', () => {
    expect(cluster().Properties.MasterUserPassword).toEqual({ 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: expect.any(String) }, ':SecretString:password::}}']] });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: Match.objectLike({ GenerateStringKey: 'password' }), KmsKeyId: Match.anyValue() });
    template.hasResourceProperties('AWS::SecretsManager::RotationSchedule', { RotationRules: { ScheduleExpression: 'rate(30 days)' } });
    const everything = JSON.stringify(template.toJSON());
    expect(everything).not.toMatch(/"(MasterUserPassword|AuthToken)":"[^{]/);
  });

  const schedules = () => Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule'));
  const scheduleOf = (secretPart: string) => schedules().find((r) => JSON.stringify(r.Properties.SecretId).includes(secretPart))!;

  test('rotation by the Secrets Manager hosted functions (no Serverless Application Repository), in the private subnets through NAT: the master single-user, the app user alternating', () => {
    expect([template.toJSON().Transform].flat()).toEqual(['AWS::SecretsManager-2024-09-16']);
    template.resourceCountIs('AWS::Serverless::Application', 0);
    expect(schedules()).toHaveLength(2);
    const key = { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] };
    const master = scheduleOf('DataDatabaseSecretAttachment').Properties;
    expect(master.HostedRotationLambda).toMatchObject({ RotationType: 'PostgreSQLSingleUser', KmsKeyArn: key });
    expect(master.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    const app = scheduleOf('DataAppUserSecret').Properties;
    expect(app.HostedRotationLambda).toMatchObject({
      RotationType: 'PostgreSQLMultiUser', KmsKeyArn: key, MasterSecretArn: { Ref: idOf(template, 'AWS::SecretsManager::SecretTargetAttachment', 'DataDatabaseSecretAttachment') }, MasterSecretKmsKeyArn: key,
    });
    expect(app.RotationRules).toEqual({ ScheduleExpression: 'rate(30 days)' });
    for (const { Properties: p } of schedules()) {
      expect(p.HostedRotationLambda.RotationLambdaName).toBeUndefined();
      expect(JSON.stringify(p.HostedRotationLambda.VpcSubnetIds)).toMatch(/PrivateSubnet1.*PrivateSubnet2/);
    }
    template.resourceCountIs('AWS::EC2::VPCEndpoint', 2); // the Network's S3 and DynamoDB gateways only
  });

  test('the first rotations (at creation) wait for the writer and the application user: none runs before they exist; the app\'s waits for the master\'s schedule', () => {
    const writer = idOf(template, 'AWS::RDS::DBInstance', 'DataDatabaseWriter');
    const user = idOf(template, 'Custom::DatabaseUser', 'DataAppUser');
    expect(scheduleOf('DataDatabaseSecretAttachment').DependsOn.sort()).toEqual([user, writer].sort());
    expect(scheduleOf('DataAppUserSecret').DependsOn.sort()).toEqual([user, idOf(template, 'AWS::SecretsManager::RotationSchedule', 'DataDatabaseSecretAttachmentRotationSchedule')].sort());
  });

  test('the application user: created at deploy, after the writer, by a function in the VPC logging in as the master user', () => {
    const [user] = Object.values(resourcesOf(template, 'AWS::CloudFormation::CustomResource')).concat(Object.values(resourcesOf(template, 'Custom::DatabaseUser')));
    expect(user.Properties).toEqual({
      ServiceToken: expect.anything(), Username: 'app_user', Database: 'app',
      MasterSecretArn: { Ref: idOf(template, 'AWS::SecretsManager::SecretTargetAttachment', 'DataDatabaseSecretAttachment') },
      AppSecretArn: { Ref: idOf(template, 'AWS::SecretsManager::SecretTargetAttachment', 'DataAppUserSecretAttachment') },
    });
    expect(user.DependsOn).toEqual(expect.arrayContaining([idOf(template, 'AWS::RDS::DBInstance', 'DataDatabaseWriter')]));
    const appSecret = resourcesOf(template, 'AWS::SecretsManager::Secret')[idOf(template, 'AWS::SecretsManager::Secret', 'DataAppUserSecret')].Properties;
    // The template joins the master secret's ARN in: {"username":"app_user","dbname":"app","masterarn":"<arn>"}.
    const template_ = JSON.stringify(appSecret.GenerateSecretString.SecretStringTemplate);
    expect(template_).toContain('\\"username\\":\\"app_user\\",\\"dbname\\":\\"app\\",\\"masterarn\\":\\"');
    expect(template_).toContain(idOf(template, 'AWS::SecretsManager::SecretTargetAttachment', 'DataDatabaseSecretAttachment'));
    const fn = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([id]) => id.startsWith('DataAppUserHandler'))![1].Properties;
    expect(fn.Environment.Variables).toEqual({ NODE_EXTRA_CA_CERTS: '/var/runtime/ca-cert.pem' });
    expect(JSON.stringify(fn.VpcConfig.SubnetIds)).toMatch(/PrivateSubnet1.*PrivateSubnet2/);
    expect(fn.VpcConfig.SecurityGroupIds).toEqual([{ 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', 'DataRotationSecurityGroup'), 'GroupId'] }]);
  });

  test('the rotation function\'s group opens 443 (to NAT) and the database port, nothing else', () => {
    const rotationSg = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('RotationSecurityGroup'))![1].Properties;
    expect(rotationSg.SecurityGroupEgress).toEqual([{ CidrIp: '0.0.0.0/0', Description: 'HTTPS to Secrets Manager through NAT', FromPort: 443, IpProtocol: 'tcp', ToPort: 443 }]);
    const egress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes('RotationSecurityGroup'));
    expect(egress).toEqual([expect.objectContaining({ FromPort: 5433, ToPort: 5433, DestinationSecurityGroupId: { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', 'DataDatabaseSecurityGroup'), 'GroupId'] } })]);
  });

  test('the database admits its port from the app group and the rotation function only; no egress', () => {
    const rules = ingress(template, 'DataDatabaseSecurityGroup');
    expect(rules.map((r) => [r.FromPort, r.ToPort, JSON.stringify(r.SourceSecurityGroupId)]).sort()).toEqual([
      [5433, 5433, expect.stringContaining('AppSg')],
      [5433, 5433, expect.stringContaining('RotationSecurityGroup')],
    ]);
    expect(rules.every((r) => r.CidrIp === undefined)).toBe(true);
    const group = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('DataDatabaseSecurityGroup'))![1].Properties;
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic' })]);
  });

  test('the cache admits its port from the app group only; no egress', () => {
    const rules = ingress(template, 'DataCacheSecurityGroup');
    expect(rules).toEqual([expect.objectContaining({ FromPort: 6380, ToPort: 6380, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringContaining('AppSg'), 'GroupId'] } })]);
    const group = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('DataCacheSecurityGroup'))![1].Properties;
    expect(group.SecurityGroupEgress).toEqual([expect.objectContaining({ Description: 'Disallow all traffic' })]);
  });

  test('Valkey encrypted at rest with the key and in transit (required), AUTH token from Secrets Manager, one node', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      Engine: 'valkey', CacheNodeType: 'cache.t4g.micro', NumCacheClusters: 1, AutomaticFailoverEnabled: false, MultiAZEnabled: false,
      AtRestEncryptionEnabled: true, KmsKeyId: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] },
      TransitEncryptionEnabled: true, TransitEncryptionMode: 'required', Port: 6380, SnapshotRetentionLimit: 1,
      AuthToken: { 'Fn::Join': ['', ['{{resolve:secretsmanager:', { Ref: idOf(template, 'AWS::SecretsManager::Secret', 'CacheAuthToken') }, ':SecretString:::}}']] },
    });
    template.hasResourceProperties('AWS::SecretsManager::Secret', { GenerateSecretString: { ExcludePunctuation: true, PasswordLength: 64 } });
  });

  test('the cache\'s slow log and engine log go, in JSON, to log groups encrypted with the key and kept as long as the others', () => {
    const cache = Object.values(resourcesOf(template, 'AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    expect(cache.LogDeliveryConfigurations).toEqual(['slow-log', 'engine-log'].map((LogType) => ({
      LogType, LogFormat: 'json', DestinationType: 'cloudwatch-logs',
      DestinationDetails: { CloudWatchLogsDetails: { LogGroup: { Ref: idOf(template, 'AWS::Logs::LogGroup', LogType === 'slow-log' ? 'CacheSlowLog' : 'CacheEngineLog') } } },
    })));
    for (const id of ['CacheSlowLog', 'CacheEngineLog']) {
      expect(resourcesOf(template, 'AWS::Logs::LogGroup')[idOf(template, 'AWS::Logs::LogGroup', id)].Properties).toEqual({
        RetentionInDays: 30, KmsKeyId: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] },
      });
    }
  });

  test('the application user\'s secret, and only it, carries the database-user=application tag a policy can name it by', () => {
    const tagged = Object.entries(resourcesOf(template, 'AWS::SecretsManager::Secret'))
      .filter(([, r]) => (r.Properties.Tags ?? []).some((t: { Key: string; Value: string }) => t.Key === 'database-user' && t.Value === 'application'))
      .map(([id]) => id);
    expect(tagged).toEqual([idOf(template, 'AWS::SecretsManager::Secret', 'DataAppUserSecret')]);
  });

  test('no physical names: CloudFormation names the cluster, cache, subnet groups and secrets', () => {
    expect(cluster().Properties.DBClusterIdentifier).toBeUndefined();
    const cache = Object.values(resourcesOf(template, 'AWS::ElastiCache::ReplicationGroup'))[0].Properties;
    expect(cache.ReplicationGroupId).toBeUndefined();
    expect(Object.values(resourcesOf(template, 'AWS::ElastiCache::SubnetGroup'))[0].Properties.CacheSubnetGroupName).toBeUndefined();
    for (const secret of Object.values(resourcesOf(template, 'AWS::SecretsManager::Secret'))) expect(secret.Properties.Name).toBeUndefined();
  });

  test('the app role may read the application user\'s secret and the cache token, never the master secret, and decrypt through Secrets Manager only', () => {
    const policy = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find((p) => String(JSON.stringify(p.Properties.Roles)).includes('AppRole'))!.Properties;
    expect(policy.PolicyDocument.Statement).toEqual([
      {
        Action: ['secretsmanager:DescribeSecret', 'secretsmanager:GetSecretValue'], Effect: 'Allow',
        Resource: [{ Ref: idOf(template, 'AWS::SecretsManager::Secret', 'DataAppUserSecret') }, { Ref: idOf(template, 'AWS::SecretsManager::Secret', 'CacheAuthToken') }],
      },
      { Action: 'kms:Decrypt', Effect: 'Allow', Resource: { 'Fn::GetAtt': [idOf(template, 'AWS::KMS::Key', 'DataKey'), 'Arn'] }, Condition: { StringEquals: { 'kms:ViaService': expect.anything() } } },
    ]);
    expect(JSON.stringify(policy)).not.toMatch(/DataDatabaseSecret/);
  });

  test('sandbox removal: everything deleted, no deletion protection, no final snapshot', () => {
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtection: false }) });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Delete' });
    template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Delete' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ PendingWindowInDays: 7 }) });
  });

  test('alarms on CPU, capacity, free memory and connections, cache memory and evictions, all to the alarm topic; no replica lag alarm without readers', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => `${a.MetricName} ${a.ComparisonOperator} ${a.Threshold}`).sort()).toEqual([
      'ACUUtilization GreaterThanThreshold 90',
      'CPUUtilization GreaterThanThreshold 80',
      'DatabaseConnections GreaterThanThreshold 200',
      'DatabaseMemoryUsagePercentage GreaterThanThreshold 80',
      'Evictions GreaterThanThreshold 0',
      'FreeableMemory LessThanThreshold 268435456',
    ]);
    const topic = { Ref: idOf(template, 'AWS::SNS::Topic', 'Alarms') };
    for (const a of alarms) expect(a.AlarmActions).toEqual([topic]);
  });

  test('each alarm\'s period, statistic and periods to breach; missing data (a paused database, an idle cache) never alarms; alarm and recovery both notified', () => {
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties);
    expect(alarms.map((a) => `${a.MetricName} ${a.Statistic} ${a.Period}s x ${a.EvaluationPeriods}`).sort()).toEqual([
      'ACUUtilization Average 300s x 3',
      'CPUUtilization Average 300s x 3',
      'DatabaseConnections Maximum 300s x 2',
      'DatabaseMemoryUsagePercentage Maximum 300s x 3',
      'Evictions Sum 300s x 3',
      'FreeableMemory Minimum 300s x 3',
    ]);
    const topic = { Ref: idOf(template, 'AWS::SNS::Topic', 'Alarms') };
    for (const a of alarms) {
      expect(a.TreatMissingData).toBe('notBreaching');
      expect(a.DatapointsToAlarm).toBeUndefined(); // every period of the window must breach
      expect(a.OKActions).toEqual([topic]);
    }
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('production-like options', () => {
  const { stack, template } = build({
    removalPolicy: RemovalPolicy.RETAIN,
    database: { minCapacity: 0.5, maxCapacity: 16, readers: 1, backupRetention: Duration.days(14) },
    cache: { replicas: 1, snapshotRetentionDays: 15 },
    backupPlan: { copyToVaultArn: COPY_VAULT },
  });

  test('a writer and a reader in different AZs, the reader a failover target scaling with the writer', () => {
    const instances = Object.values(resourcesOf(template, 'AWS::RDS::DBInstance')).map((i) => i.Properties);
    expect(instances.map((i) => [i.AvailabilityZone, i.PromotionTier])).toEqual([
      [{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, 0],
      [{ 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }, 1],
    ]);
  });

  test('the master rotation schedule waits for the writer, the reader and the application user', () => {
    const schedule = Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule')).find((r) => JSON.stringify(r.Properties.SecretId).includes('DataDatabaseSecret'))!;
    expect(schedule.DependsOn.sort()).toEqual([idOf(template, 'Custom::DatabaseUser', 'AppUser'), idOf(template, 'AWS::RDS::DBInstance', 'Reader1'), idOf(template, 'AWS::RDS::DBInstance', 'Writer')].sort());
  });

  test('no auto-pause when the minimum is above zero; 14 days of backups', () => {
    template.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 }, BackupRetentionPeriod: 14 });
  });

  test('deletion protection, snapshot on delete, secrets and key retained', () => {
    template.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: true }) });
    template.hasResource('AWS::ElastiCache::ReplicationGroup', { DeletionPolicy: 'Snapshot' });
    template.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain' });
  });

  test('the cache is replicated across AZs with automatic failover', () => {
    template.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      NumCacheClusters: 2, AutomaticFailoverEnabled: true, MultiAZEnabled: true, SnapshotRetentionLimit: 15,
      PreferredCacheClusterAZs: [{ 'Fn::Select': [0, { 'Fn::GetAZs': '' }] }, { 'Fn::Select': [1, { 'Fn::GetAZs': '' }] }],
    });
  });

  test('a replica lag alarm, and cache alarms on each node', () => {
    template.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AuroraReplicaLagMaximum', Threshold: 1000 });
    const nodes = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).map((a) => a.Properties)
      .filter((a) => a.MetricName === 'Evictions').map((a) => JSON.stringify(a.Dimensions));
    expect(nodes).toEqual([expect.stringContaining('-001'), expect.stringContaining('-002')]);
  });

  test('a daily AWS Backup of the cluster into a vault with a unique name and a key of its own, copied to the second region', () => {
    template.hasResourceProperties('AWS::Backup::BackupPlan', {
      BackupPlan: Match.objectLike({
        BackupPlanRule: [Match.objectLike({
          ScheduleExpression: 'cron(0 5 * * ? *)', Lifecycle: { DeleteAfterDays: 35 },
          CopyActions: [{ DestinationBackupVaultArn: COPY_VAULT, Lifecycle: { DeleteAfterDays: 35 } }],
        })],
      }),
    });
    const vault = Object.values(resourcesOf(template, 'AWS::Backup::BackupVault'))[0].Properties;
    expect(vault.BackupVaultName).toEqual({ 'Fn::Join': ['-', ['data-tier', { 'Fn::Select': [2, { 'Fn::Split': ['/', { Ref: 'AWS::StackId' }] }] }]] });
    const backupKey = idOf(template, 'AWS::KMS::Key', 'DataBackupKey');
    expect(vault.EncryptionKeyArn).toEqual({ 'Fn::GetAtt': [backupKey, 'Arn'] });
    expect(backupKey).not.toBe(idOf(template, 'AWS::KMS::Key', 'DataKey'));
    expect(resourcesOf(template, 'AWS::KMS::Key')[backupKey].Properties.EnableKeyRotation).toBe(true);
    template.hasResource('AWS::KMS::Key', { DeletionPolicy: 'Retain', Properties: Match.objectLike({ Description: Match.stringLikeRegexp('backup vault') }) });
    const selection = Object.values(resourcesOf(template, 'AWS::Backup::BackupSelection'))[0].Properties;
    expect(JSON.stringify(selection.BackupSelection.Resources)).toContain(idOf(template, 'AWS::RDS::DBCluster', 'Database'));
  });

  test('where data is kept, the vault\'s policy denies everyone deleting a recovery point or shortening its life; no lock unless asked for', () => {
    const vault = Object.values(resourcesOf(template, 'AWS::Backup::BackupVault'))[0].Properties;
    expect(vault.AccessPolicy.Statement).toEqual([{
      Effect: 'Deny', Principal: { AWS: '*' }, Action: ['backup:DeleteRecoveryPoint', 'backup:UpdateRecoveryPointLifecycle'], Resource: '*',
    }]);
    expect(vault.LockConfiguration).toBeUndefined();
  });

  test('with a copy in another region, no warning', () => {
    expect(Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('recovery points stay'))).toEqual([]);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('a VPC without egress', () => {
  const { template, stack } = build({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false }, { natMode: 'none', subnetSizes: { private: false } });

  test('rotation runs in the isolated subnets through a Secrets Manager endpoint with private DNS, open to the function alone', () => {
    template.hasResourceProperties('AWS::EC2::VPCEndpoint', { VpcEndpointType: 'Interface', PrivateDnsEnabled: true, ServiceName: { 'Fn::Join': ['', ['com.amazonaws.', { Ref: 'AWS::Region' }, '.secretsmanager']] } });
    const endpointSubnets = Object.values(resourcesOf(template, 'AWS::EC2::VPCEndpoint')).find((e) => e.Properties.VpcEndpointType === 'Interface')!.Properties.SubnetIds;
    expect(JSON.stringify(endpointSubnets)).toMatch(/IsolatedSubnet1.*IsolatedSubnet2/);
    for (const rotation of Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule'))) {
      expect(JSON.stringify(rotation.Properties.HostedRotationLambda.VpcSubnetIds)).toMatch(/IsolatedSubnet1.*IsolatedSubnet2/);
    }
    const userFunction = Object.entries(resourcesOf(template, 'AWS::Lambda::Function')).find(([id]) => id.startsWith('DataAppUserHandler'))![1].Properties;
    expect(JSON.stringify(userFunction.VpcConfig.SubnetIds)).toMatch(/IsolatedSubnet1.*IsolatedSubnet2/);
    const rules = ingress(template, 'SecretsManagerEndpointSecurityGroup');
    expect(rules).toEqual([expect.objectContaining({ FromPort: 443, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringContaining('RotationSecurityGroup'), 'GroupId'] } })]);
    const rotationSg = Object.entries(resourcesOf(template, 'AWS::EC2::SecurityGroup')).find(([id]) => id.includes('RotationSecurityGroup'))![1].Properties;
    // Its rules are separate resources: the inline no-traffic rule is what revokes EC2's default allow-all.
    expect(rotationSg.SecurityGroupEgress).toEqual([{ CidrIp: '255.255.255.255/32', Description: 'Disallow all traffic', IpProtocol: 'icmp', FromPort: 252, ToPort: 86 }]);
    const egress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes('RotationSecurityGroup'));
    expect(egress.map((e) => [e.FromPort, JSON.stringify(e.DestinationSecurityGroupId)]).sort()).toEqual([
      [443, expect.stringContaining('SecretsManagerEndpointSecurityGroup')],
      [5433, expect.stringContaining('DataDatabaseSecurityGroup')],
    ]);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('the Data API, when asked for, is on only where AWS offers it', () => {
  const clusterOf = (t: Template) => Object.values(resourcesOf(t, 'AWS::RDS::DBCluster'))[0].Properties;
  const pinned = (region: string) => new Stack(testStack().node.scope as Stack, `In-${region}`, { env: { account: '123456789012', region } });

  test('an environment-agnostic stack decides by a condition: off in ap-south-2, ap-southeast-4 and ap-southeast-6', () => {
    const { template } = build({ database: { dataApi: true } });
    const [name, condition] = Object.entries(template.toJSON().Conditions as Record<string, any>).find(([n]) => n.includes('DataApiOffered'))!;
    expect(condition).toEqual({ 'Fn::Not': [{ 'Fn::Or': ['ap-south-2', 'ap-southeast-4', 'ap-southeast-6'].map((r) => ({ 'Fn::Equals': [{ Ref: 'AWS::Region' }, r] })) }] });
    expect(clusterOf(template).EnableHttpEndpoint).toEqual({ 'Fn::If': [name, true, false] });
  });

  test.each([['eu-west-1', true], ['ap-southeast-7', true], ['ap-south-2', undefined], ['ap-southeast-4', undefined], ['ap-southeast-6', undefined]])('a stack pinned to %s: %s', (region, on) => {
    const { template } = build({ database: { dataApi: true } }, {}, pinned(region));
    expect(clusterOf(template).EnableHttpEndpoint).toBe(on ?? false);
    expect(template.toJSON().Conditions ?? {}).toEqual({});
  });
});

describe('RDS Proxy, a production option', () => {
  const { stack, template } = build({ removalPolicy: RemovalPolicy.RETAIN, database: { minCapacity: 0.5, proxy: true } });

  test('logs in as the application user (never the master), TLS required, no debug logging of SQL, in the isolated subnets', () => {
    const proxy = Object.values(resourcesOf(template, 'AWS::RDS::DBProxy'))[0].Properties;
    expect(proxy).toMatchObject({ EngineFamily: 'POSTGRESQL', RequireTLS: true, DebugLogging: false });
    expect(proxy.Auth).toEqual([{ AuthScheme: 'SECRETS', IAMAuth: 'DISABLED', SecretArn: { Ref: idOf(template, 'AWS::SecretsManager::Secret', 'DataAppUserSecret') } }]);
    expect(JSON.stringify(proxy.VpcSubnetIds)).toMatch(/IsolatedSubnet1.*IsolatedSubnet2/);
    expect(JSON.stringify(proxy)).not.toContain('DataDatabaseSecret');
    const target = Object.values(resourcesOf(template, 'AWS::RDS::DBProxyTargetGroup'))[0].Properties;
    expect(target.DBClusterIdentifiers).toEqual([{ Ref: idOf(template, 'AWS::RDS::DBCluster', 'Database') }]);
  });

  test('its port (5432) admits the app group only; it reaches the database port only', () => {
    expect(ingress(template, 'DataProxySecurityGroup')).toEqual([expect.objectContaining({ FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: { 'Fn::GetAtt': [expect.stringContaining('AppSg'), 'GroupId'] } })]);
    const egress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupEgress')).map((r) => r.Properties).filter((p) => JSON.stringify(p.GroupId).includes('DataProxySecurityGroup'));
    expect(egress).toEqual([expect.objectContaining({ FromPort: 5433, ToPort: 5433, DestinationSecurityGroupId: { 'Fn::GetAtt': [idOf(template, 'AWS::EC2::SecurityGroup', 'DataDatabaseSecurityGroup'), 'GroupId'] } })]);
  });

  test('the five packs report nothing unacknowledged', () => expect(formatFindings(nagFindings(stack))).toBe(''));
});

describe('backup vault lock and the copy region', () => {
  const vaultOf = (t: Template) => Object.values(resourcesOf(t, 'AWS::Backup::BackupVault'))[0].Properties;

  test('compliance: no deletion before the retention, immutable after a 3-day grace period', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.RETAIN, backupPlan: { retention: Duration.days(40), vaultLock: 'compliance', copyToVaultArn: COPY_VAULT } });
    expect(vaultOf(template).LockConfiguration).toEqual({ MinRetentionDays: 40, ChangeableForDays: 3 });
  });

  test('governance: the same minimum, removable by an allowed principal', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.RETAIN, backupPlan: { vaultLock: 'governance' } });
    expect(vaultOf(template).LockConfiguration).toEqual({ MinRetentionDays: 35 });
  });

  test('a disposable stack (DESTROY) has no deny policy, so its vault can be emptied and deleted', () => {
    const { template } = build({ removalPolicy: RemovalPolicy.DESTROY, deletionProtection: false, backupPlan: {} });
    expect(vaultOf(template).AccessPolicy).toBeUndefined();
  });

  test('without a copy vault, a warning says the recovery points stay in the region', () => {
    const { stack } = build({ backupPlan: {} });
    const [warning] = Annotations.fromStack(stack).findWarning('*', Match.stringLikeRegexp('recovery points stay in this region'));
    expect(String(warning.entry.data)).toContain('[ack: @aws-reference-architectures/data-tier:noBackupCopy]');
  });

  test('an environment-agnostic stack checks at deploy that the copy goes to another region than its own', () => {
    const { template } = build({ backupPlan: { copyToVaultArn: COPY_VAULT } });
    const rules = template.toJSON().Rules;
    expect(Object.keys(rules).filter((r) => r.includes('BackupCopyInAnotherRegion'))).toHaveLength(1);
    expect(Object.entries(rules).filter(([r]) => r.includes('BackupCopyInAnotherRegion')).map(([, r]) => r)).toEqual([{
      Assertions: [{ Assert: { 'Fn::Not': [{ 'Fn::Equals': [{ Ref: 'AWS::Region' }, 'eu-central-1'] }] }, AssertDescription: expect.stringContaining('the copy must go to another region') }],
    }]);
  });
});

test('fails when the backup copy is in the stack\'s own region; a pinned stack in another region needs no deploy-time rule', () => {
  const stack = new Stack(testStack().node.scope as Stack, 'Pinned', { env: { account: '123456789012', region: 'eu-central-1' } });
  expect(() => build({ backupPlan: { copyToVaultArn: COPY_VAULT } }, {}, stack)).toThrow(
    'Invalid DataTier props:\n  - backupPlan.copyToVaultArn: got "arn:aws:backup:eu-central-1:123456789012:backup-vault:dr-copies"; expected a vault in another region than this stack\'s (eu-central-1)');
  const elsewhere = new Stack(testStack().node.scope as Stack, 'Elsewhere', { env: { account: '123456789012', region: 'eu-west-1' } });
  expect(Object.keys(build({ backupPlan: { copyToVaultArn: COPY_VAULT } }, {}, elsewhere).template.toJSON().Rules)).toEqual(['CheckBootstrapVersion']);
});
