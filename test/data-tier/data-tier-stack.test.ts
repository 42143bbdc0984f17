import { Match, Template } from 'aws-cdk-lib/assertions';
import { mermaidDiagram } from '../../lib/docs/diagram';
import { formatFindings } from '../../lib/shared/compliance';
import { acknowledgedRules, normalised, resourcesOf, stackTemplate, synthesizedStack } from '../harness';

// Each stage variant is synthesized once per run (test/setup/global-setup.js).
const sandbox = synthesizedStack('Sandbox', 'DataTier');
const production = synthesizedStack('Production', 'DataTier');
const sandboxTemplate = stackTemplate('Sandbox', 'DataTier');
const productionTemplate = stackTemplate('Production', 'DataTier');

const webTemplates: Record<string, Template> = { Sandbox: stackTemplate('Sandbox', 'WebTier'), Production: stackTemplate('Production', 'WebTier') };
/** Names of the values a stack exports. */
const exportNames = (t: Template): string[] => Object.values(t.toJSON().Outputs as Record<string, any>).map((o) => o.Export?.Name).filter(Boolean);
/** Every intrinsic in a template that reads another stack: `Fn::ImportValue` (strong) or `Fn::GetStackOutput` (weak). */
const crossStackReads = (node: unknown): unknown[] => {
  if (Array.isArray(node)) return node.flatMap(crossStackReads);
  if (node === null || typeof node !== 'object') return [];
  return Object.entries(node).flatMap(([k, v]) => (k === 'Fn::ImportValue' || k === 'Fn::GetStackOutput' ? [{ [k]: v }] : crossStackReads(v)));
};

const webInstanceGroupOutput = (t: Template) => Object.values(resourcesOf(t, 'AWS::EC2::SecurityGroupIngress'))
  .map((r) => r.Properties).filter((p) => JSON.stringify(p.SourceSecurityGroupId).includes('WebTierInstanceSecurityGroup'));

describe.each([['Sandbox', sandboxTemplate], ['Production', productionTemplate]])('DataTier stack, %s profile', (name, template) => {
  test('the database and the cache admit their ports from the web tier\'s instance security group', () => {
    const rules = webInstanceGroupOutput(template);
    expect(rules.map((r) => r.FromPort).sort()).toEqual([5433, 6380]);
    expect(rules.every((r) => JSON.stringify(r.SourceSecurityGroupId).includes(`${name}-WebTier`))).toBe(true);
    const ingress = Object.values(resourcesOf(template, 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress.filter((r) => r.CidrIp !== undefined && r.FromPort !== 443)).toEqual([]);
  });

  test('the web tier\'s instance role reads the application user\'s secret and the cache token, never the master secret, through a policy in this stack', () => {
    const policy = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find((p) => String(JSON.stringify(p.Properties.Roles)).includes('WebTier'))!;
    const secretIds = Object.keys(resourcesOf(template, 'AWS::SecretsManager::Secret'));
    const secret = (part: string) => ({ Ref: secretIds.find((id) => id.includes(part)) });
    expect(policy.Properties.PolicyDocument.Statement[0].Resource).toEqual([secret('DataTierAppUserSecret'), secret('DataTierCacheAuthToken')]);
    expect(JSON.stringify(policy)).not.toContain('DataTierDatabaseSecret');
  });

  test('imports the web tier\'s instance group and role through its exports: strong references, none weak', () => {
    const fromWebTier = { 'Fn::ImportValue': expect.stringMatching(`^${name}-WebTier:`) };
    expect(webInstanceGroupOutput(template).map((r) => r.SourceSecurityGroupId)).toEqual([fromWebTier, fromWebTier]);
    const policy = Object.values(resourcesOf(template, 'AWS::IAM::ManagedPolicy')).find((p) => String(JSON.stringify(p.Properties.Roles)).includes('WebTier'))!;
    expect(policy.Properties.Roles).toEqual([fromWebTier]);
    const reads = crossStackReads(template.toJSON().Resources);
    expect(reads.filter((r: any) => !r['Fn::ImportValue'])).toEqual([]);
    const fromWeb = new Set(reads.map((r: any) => r['Fn::ImportValue']).filter((n: string) => n.startsWith(`${name}-WebTier:`)));
    expect(fromWeb.size).toBe(2); // the group id and the role name
    expect(exportNames(webTemplates[name])).toEqual(expect.arrayContaining([...fromWeb]));
  });

  test('the master rotation schedule, which rotates once at creation, waits for the writer, every reader and the application user', () => {
    const schedule = Object.values(resourcesOf(template, 'AWS::SecretsManager::RotationSchedule')).find((r) => JSON.stringify(r.Properties.SecretId).includes('DatabaseSecret'))!;
    const user = Object.keys(resourcesOf(template, 'Custom::DatabaseUser'));
    expect(schedule.DependsOn.sort()).toEqual([...Object.keys(resourcesOf(template, 'AWS::RDS::DBInstance')), ...user].sort());
    expect(schedule.DependsOn).toHaveLength(name === 'Sandbox' ? 2 : 4);
  });

  test('the application secret\'s rotation, which logs in with the master secret, waits for the master\'s rotation schedule and the user', () => {
    const schedules = resourcesOf(template, 'AWS::SecretsManager::RotationSchedule');
    const [masterId] = Object.entries(schedules).find(([, r]) => JSON.stringify(r.Properties.SecretId).includes('DatabaseSecret'))!;
    const app = Object.entries(schedules).filter(([id]) => id !== masterId);
    expect(app).toHaveLength(1);
    expect(app[0][1].DependsOn.sort()).toEqual([masterId, ...Object.keys(resourcesOf(template, 'Custom::DatabaseUser'))].sort());
  });

  test('in the stage network\'s isolated subnets', () => {
    template.hasResourceProperties('AWS::RDS::DBSubnetGroup', { SubnetIds: Match.arrayWith([Match.objectLike({ 'Fn::ImportValue': Match.stringLikeRegexp('IsolatedSubnet1') })]) });
  });

  test('outputs the ARNs and endpoints the smoke test needs, never a password', () => {
    const outputs = template.toJSON().Outputs;
    expect(Object.keys(outputs)).toEqual(expect.arrayContaining(['ClusterArn', 'DataApi', 'AppSecretArn', 'MasterSecretArn', 'DatabaseName', 'CacheEndpoint', 'CachePort', 'CacheAuthTokenSecretArn']));
    expect(JSON.stringify(outputs)).not.toMatch(/resolve:secretsmanager|SecretString/);
    expect(outputs.AppSecretArn.Value).toEqual({ Ref: expect.stringMatching(/^DataTierAppUserSecret/) });
  });

  test('PostgreSQL logs kept as long as the stage keeps logs', () => {
    template.hasResourceProperties('AWS::Logs::LogGroup', { RetentionInDays: name === 'Sandbox' ? 7 : 365 });
  });
});

describe('stage differences', () => {
  test('Sandbox scales to zero and pauses; Production keeps half an ACU warm, a writer and two readers, one in each of the three AZs', () => {
    sandboxTemplate.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0, MaxCapacity: 4, SecondsUntilAutoPause: 300 }, BackupRetentionPeriod: 1 });
    sandboxTemplate.resourceCountIs('AWS::RDS::DBInstance', 1);
    productionTemplate.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 }, BackupRetentionPeriod: 14 });
    const zones = Object.values(resourcesOf(productionTemplate, 'AWS::RDS::DBInstance')).map((i) => i.Properties.AvailabilityZone);
    expect(zones).toEqual([0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })));
  });

  test('Data API: Sandbox on where AWS offers it (a region condition), Production off; the outputs say which', () => {
    const sandboxCluster = Object.values(resourcesOf(sandboxTemplate, 'AWS::RDS::DBCluster'))[0].Properties;
    expect(sandboxCluster.EnableHttpEndpoint).toEqual({ 'Fn::If': [expect.stringContaining('DataApiOffered'), true, false] });
    expect(sandboxTemplate.toJSON().Outputs.DataApi.Value).toEqual({ 'Fn::If': [expect.stringContaining('DataApiOffered'), 'enabled', 'disabled'] });
    expect(Object.values(resourcesOf(productionTemplate, 'AWS::RDS::DBCluster'))[0].Properties.EnableHttpEndpoint).toBeUndefined();
    expect(productionTemplate.toJSON().Outputs.DataApi.Value).toBe('disabled');
    expect(productionTemplate.toJSON().Outputs.DatabaseEndpoint.Description).toBe('Writer endpoint (on the network, reachable from the app tier and the rotation functions only)');
    expect(sandboxTemplate.toJSON().Outputs.DatabaseEndpoint.Description).toContain('the RDS Data API, when DataApi is enabled, also lets an IAM principal');
  });

  test('Production: deletion protection, snapshot on delete, Database Insights advanced; Sandbox destroys cleanly', () => {
    productionTemplate.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Snapshot', Properties: Match.objectLike({ DeletionProtection: true, DatabaseInsightsMode: 'advanced', PerformanceInsightsRetentionPeriod: 465 }) });
    sandboxTemplate.hasResource('AWS::RDS::DBCluster', { DeletionPolicy: 'Delete', Properties: Match.objectLike({ DeletionProtection: false }) });
    for (const type of ['AWS::SecretsManager::Secret', 'AWS::Logs::LogGroup', 'AWS::KMS::Key', 'AWS::ElastiCache::ReplicationGroup']) {
      sandboxTemplate.allResources(type, { DeletionPolicy: 'Delete' });
    }
    productionTemplate.allResources('AWS::SecretsManager::Secret', { DeletionPolicy: 'Retain' });
  });

  test('Sandbox: one cache.t4g.micro node; Production: a primary and two replicas, one in each of the three AZs, with failover', () => {
    sandboxTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', { CacheNodeType: 'cache.t4g.micro', NumCacheClusters: 1, MultiAZEnabled: false });
    productionTemplate.hasResourceProperties('AWS::ElastiCache::ReplicationGroup', {
      CacheNodeType: 'cache.t4g.small', NumCacheClusters: 3, MultiAZEnabled: true, AutomaticFailoverEnabled: true, SnapshotRetentionLimit: 15,
      PreferredCacheClusterAZs: [0, 1, 2].map((i) => ({ 'Fn::Select': [i, { 'Fn::GetAZs': '' }] })),
    });
  });

  test('Production has a replica lag alarm, Sandbox not; neither stage backs the cluster up here: the stage\'s DisasterRecovery plan selects it by its tag', () => {
    productionTemplate.hasResourceProperties('AWS::CloudWatch::Alarm', { MetricName: 'AuroraReplicaLagMaximum' });
    expect(JSON.stringify(sandboxTemplate.toJSON())).not.toContain('AuroraReplicaLag');
    for (const [template, stage] of [[sandboxTemplate, 'sandbox'], [productionTemplate, 'production']] as const) {
      template.resourceCountIs('AWS::Backup::BackupPlan', 0);
      template.hasResourceProperties('AWS::RDS::DBCluster', { Tags: Match.arrayWith([{ Key: 'backup-plan', Value: `disaster-recovery-${stage}` }]) });
    }
    // Only the cluster: AWS Backup backs an Aurora cluster up whole and refuses its instances alone.
    expect(JSON.stringify(resourcesOf(productionTemplate, 'AWS::RDS::DBInstance'))).not.toContain('backup-plan');
    expect(production.messages.filter((m) => m.level === 'warning')).toEqual([]);
  });

  test('stacks are named after the stage; Production is termination-protected', () => {
    expect(sandbox.stackName).toBe('Sandbox-DataTier');
    expect(production.stackName).toBe('Production-DataTier');
    expect(production.terminationProtection).toBe(true);
  });

  test('environment-agnostic by default, placed when account and region are given', () => {
    expect(sandbox.environment).toBe('aws://unknown-account/unknown-region');
    // The Production profile pinned to a region opened in 2025, as a user deploys it.
    const placed = synthesizedStack('Production pinned', 'DataTier');
    const pinned = stackTemplate('Production pinned', 'DataTier');
    expect(placed.environment).toBe('aws://123456789012/ap-southeast-7');
    // The Sandbox pinned where AWS offers the Data API has it, decided at synth: no condition.
    const sandboxPinned = stackTemplate('Sandbox pinned', 'DataTier');
    expect(Object.values(resourcesOf(sandboxPinned, 'AWS::RDS::DBCluster'))[0].Properties.EnableHttpEndpoint).toBe(true);
    expect(sandboxPinned.toJSON().Outputs.DataApi.Value).toBe('enabled');
    expect(sandboxPinned.toJSON().Conditions ?? {}).toEqual({});
    pinned.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 } });
    pinned.hasResourceProperties('AWS::IAM::ManagedPolicy', {
      PolicyDocument: { Statement: Match.arrayWith([Match.objectLike({ Condition: { StringEquals: { 'kms:ViaService': 'secretsmanager.ap-southeast-7.amazonaws.com' } } })]) },
    });
    expect(formatFindings(placed.findings)).toBe('');
  });
});

describe('compliance', () => {
  test.each([['Sandbox', sandbox], ['Production', production]])('%s: the five packs report nothing unacknowledged', (_n, stack) => {
    expect(formatFindings(stack.findings)).toBe('');
  });

  test('deletion protection and a single cache node are acknowledged in the sandbox only', () => {
    const sandboxRules = acknowledgedRules(sandboxTemplate);
    expect(sandboxRules.get('AwsSolutions-RDS10')).toMatch(/sandbox/);
    expect(sandboxRules.get('AwsSolutions-AEC4')).toMatch(/One node/);
    const productionRules = acknowledgedRules(productionTemplate);
    expect(productionRules.has('AwsSolutions-RDS10')).toBe(false);
    expect(productionRules.has('AwsSolutions-AEC4')).toBe(false);
    expect(productionRules.has('NIST.800.53.R5-ElastiCacheRedisClusterAutomaticBackup')).toBe(false);
  });
});

describe('snapshots (drift only; the assertions above are the specification)', () => {
  test('Sandbox', () => expect(normalised(sandboxTemplate)).toMatchSnapshot());
  test('Production', () => expect(normalised(productionTemplate)).toMatchSnapshot());
});

describe('generated diagram', () => {
  test('draws the database and cache in the isolated tier, reached from the app tier, with rotation (the backup is the DisasterRecovery stack\'s)', () => {
    const diagram = mermaidDiagram({ template: productionTemplate.toJSON(), prefix: 'DataTier' });
    const isolated = diagram.slice(diagram.indexOf('subgraph imported_Isolated'), diagram.indexOf('end', diagram.indexOf('subgraph imported_Isolated')));
    expect(isolated).toContain('Aurora aurora-postgresql');
    expect(isolated).toContain('ElastiCache valkey<br/>3 x cache.t4g.small, TLS + AUTH');
    expect(diagram).toMatch(/app_tier -->\|"TCP :5433"\| DataTierDatabase/);
    expect(diagram).toMatch(/app_tier -->\|"TCP :6380"\| DataTierCache/);
    expect(diagram).toContain('rotates password');
    expect(diagram).not.toContain('backs up');
  });
});
