import { Match, Template } from 'aws-cdk-lib/assertions';
import { globalClusterIdentifier } from '../../lib/disaster-recovery/standby-names';
import { standbyNetworkCidr } from '../../lib/disaster-recovery/standby-side';
import { ReferenceStage } from '../../lib/stages/reference-stage';
import { stageConfig } from '../../lib/stages/stage-config';
import { alarmStates, answer, groupCapacityAfter } from './route53-answers';
import { problemsOf, resourcesOf, stackTemplate, stageTemplates, synthesizedStage, testApp } from '../harness';
import { STAGE_VARIANTS } from '../synth/variants';

// Pilot light (Production's objectives with a standby region) as `cdk synth` builds it: the run's one synthesis.
const pilot = (id: string) => stackTemplate('Production standby', id);
const without = (id: string) => stackTemplate('Production pinned', id);
/** A weak reference (read when the consuming stack deploys), for expect() or, with `Match.anyValue()`, for Template. */
const getStackOutput = (stackName: string, region: string, any: unknown = expect.any(String)) => ({ 'Fn::GetStackOutput': { StackName: stackName, Region: region, OutputName: any } });

describe('the stage with a standby region: pilot light', () => {
  const stage = synthesizedStage('Production standby');
  const environment = (id: string) => stage.stacks.find((s) => s.id === id)!.environment;

  test('the standby stacks are in the standby region, the primary\'s in the stage\'s; the app passes the five packs', () => {
    for (const id of ['StandbyStorage', 'StandbyNetwork', 'StandbyWebTier', 'StandbyServerlessApi', 'StandbyDataTier']) expect(environment(id)).toBe('aws://123456789012/us-west-2');
    for (const id of ['Network', 'WebTier', 'StaticSite', 'ServerlessApi', 'DataTier']) expect(environment(id)).toBe('aws://123456789012/eu-west-1');
    expect(stage.exitCode).toBe(0);
    expect(stage.stacks.flatMap((s) => s.findings)).toEqual([]);
  });

  test('Aurora: the primary creates the global database; the standby\'s secondary joins it by name, headless', () => {
    pilot('DataTier').hasResourceProperties('AWS::RDS::GlobalCluster', { GlobalClusterIdentifier: 'production-eu-west-1-data', DeletionProtection: true });
    const secondary = Object.values(resourcesOf(pilot('StandbyDataTier'), 'AWS::RDS::DBCluster'))[0];
    expect(secondary.Properties).toMatchObject({
      GlobalClusterIdentifier: 'production-eu-west-1-data', EngineVersion: '16.9', StorageEncrypted: true, DeletionProtection: true,
      ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 },
    });
    expect(secondary.DeletionPolicy).toBe('Snapshot');
    pilot('StandbyDataTier').resourceCountIs('AWS::RDS::DBInstance', 0);
  });

  test('the database secrets are replicated with the standby storage\'s key, read from it when the data tier deploys', () => {
    const replicated = Object.values(resourcesOf(pilot('DataTier'), 'AWS::SecretsManager::Secret')).filter((s) => s.Properties.ReplicaRegions);
    expect(replicated).toHaveLength(2);
    for (const secret of replicated) {
      expect(secret.Properties.ReplicaRegions).toEqual([{ Region: 'us-west-2', KmsKeyId: getStackOutput('production-standby-storage-eu-west-1', 'us-west-2') }]);
    }
  });

  test('DynamoDB: a global table with its replica in the standby region under the standby key; the standby API serves the replica by the table\'s name', () => {
    const table = Object.values(resourcesOf(pilot('ServerlessApi'), 'AWS::DynamoDB::GlobalTable'))[0];
    const replica = (table.Properties.Replicas as any[]).find((r) => r.Region === 'us-west-2');
    expect(replica).toMatchObject({ DeletionProtectionEnabled: true, PointInTimeRecoverySpecification: { PointInTimeRecoveryEnabled: true } });
    expect(replica.SSESpecification.KMSMasterKeyId).toEqual(getStackOutput('production-standby-storage-eu-west-1', 'us-west-2'));
    pilot('StandbyServerlessApi').resourceCountIs('AWS::DynamoDB::Table', 0);
    pilot('StandbyServerlessApi').resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
    pilot('StandbyServerlessApi').hasResourceProperties('AWS::Lambda::Function', {
      Environment: { Variables: { TABLE_NAME: getStackOutput('Production-ServerlessApi', 'eu-west-1', Match.anyValue()) } },
    });
  });

  test('S3: the site\'s content replicated to the standby storage\'s bucket, both writing its name; the distribution fails over to it', () => {
    const content = Object.values(resourcesOf(pilot('StaticSite'), 'AWS::S3::Bucket')).find((b) => b.Properties.ReplicationConfiguration)!;
    expect(content.Properties.ReplicationConfiguration.Rules[0].Destination).toEqual({ Bucket: 'arn:aws:s3:::production-standby-storage-eu-west-1-site-123456789012' });
    const replica = Object.values(resourcesOf(pilot('StandbyStorage'), 'AWS::S3::Bucket')).find((b) => b.Properties.VersioningConfiguration && b.Properties.BucketName)!;
    // production-standby-storage-eu-west-1 (the stack's name) -site- 123456789012 (the account), at deploy.
    expect(replica.Properties.BucketName).toEqual({ 'Fn::Join': ['', [{ Ref: 'AWS::StackName' }, '-site-', { Ref: 'AWS::AccountId' }]] });
    expect(synthesizedStage('Production standby').stacks.find((s) => s.id === 'StandbyStorage')!.stackName).toBe('production-standby-storage-eu-west-1');
    const config = Object.values(resourcesOf(pilot('StaticSite'), 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig;
    expect(config.OriginGroups.Items[0].FailoverCriteria.StatusCodes.Items).toEqual([500, 502, 503, 504]);
    expect(config.Origins.map((o: any) => o.DomainName)).toContain('production-standby-storage-eu-west-1-site-123456789012.s3.us-west-2.amazonaws.com');
  });

  test('the web tier at zero: no instance until failover, up to the primary\'s most; no schedules; no desired count a deploy would reset', () => {
    const [group] = Object.values(resourcesOf(pilot('StandbyWebTier'), 'AWS::AutoScaling::AutoScalingGroup'));
    expect(group.Properties).toMatchObject({ MinSize: '0', MaxSize: '12' });
    // CloudFormation starts a group without DesiredCapacity at MinSize, and an update without it leaves the running count alone.
    expect(group.Properties.DesiredCapacity).toBeUndefined();
    pilot('StandbyWebTier').resourceCountIs('AWS::AutoScaling::ScheduledAction', 0);
  });

  test('turning the switch on scales the standby web tier to the primary\'s minimum, once: an alarm on the switch\'s metric whose action is the group\'s ExactCapacity policy', () => {
    const template = pilot('StandbyWebTier');
    const [[groupId]] = Object.entries(resourcesOf(template, 'AWS::AutoScaling::AutoScalingGroup'));
    const policies = Object.entries(resourcesOf(template, 'AWS::AutoScaling::ScalingPolicy')).filter(([, p]) => p.Properties.AdjustmentType === 'ExactCapacity');
    expect(policies).toHaveLength(1);
    const [[policyId, policy]] = policies;
    expect(policy.Properties).toEqual({
      AutoScalingGroupName: { Ref: groupId }, PolicyType: 'StepScaling', AdjustmentType: 'ExactCapacity', MetricAggregationType: 'Maximum',
      StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 3 }],
    });
    const alarms = Object.values(resourcesOf(template, 'AWS::CloudWatch::Alarm')).filter((a) => a.Properties.Namespace === 'AwsReferenceArchitectures/Failover');
    expect(alarms).toHaveLength(1);
    const alarm = alarms[0].Properties;
    expect(alarm).toMatchObject({
      MetricName: 'FailoverSwitch', Dimensions: [{ Name: 'Switch', Value: 'Production-eu-west-1' }], Statistic: 'Maximum', Period: 60,
      Threshold: 1, ComparisonOperator: 'GreaterThanOrEqualToThreshold', EvaluationPeriods: 1, TreatMissingData: 'notBreaching',
      AlarmActions: [{ Ref: policyId }],
    });
    expect(alarm.OKActions).toBeUndefined();
    // The switch's own alarm (Route 53's) holds ALARM; this one is in ALARM only the minute the operator publishes 1:
    // CloudWatch repeats an Auto Scaling action every minute in ALARM, so the group is set once, not pinned.
    const [switchAlarm] = Object.values(resourcesOf(stackTemplate('Production standby', 'FailoverSwitch'), 'AWS::CloudWatch::Alarm'));
    expect(alarmStates(switchAlarm.Properties, [1, undefined, undefined, 0])).toEqual(['ALARM', 'ALARM', 'ALARM', 'OK']);
    expect(alarmStates(alarm, [1, undefined, undefined, 0])).toEqual(['ALARM', 'OK', 'OK', 'OK']);
  });

  test('the stage\'s region down: app. stays on the dead PRIMARY until the operator turns the switch on, which scales the standby up and moves app. to it', () => {
    const templates = Object.fromEntries([...stageTemplates('Production standby')].map(([id, s]) => [id, s.template]));
    const after = (switchData: (number | undefined)[]) => {
      const instances = groupCapacityAfter(templates, 'StandbyWebTier', switchData);
      const endpointsUp = (stackId: string) => stackId === 'StandbyServerlessApi' || (stackId === 'StandbyWebTier' && instances > 0);
      return [instances, answer(templates, 'app.example.com.', 'A', { endpointsUp, switchData }).setIdentifier];
    };
    expect(after([])).toEqual([0, 'eu-west-1']);
    expect(after([undefined, undefined, undefined])).toEqual([0, 'eu-west-1']);
    expect(after([1])).toEqual([3, 'us-west-2']);
    expect(after([1, ...Array(60).fill(undefined)])).toEqual([3, 'us-west-2']);
  });

  test('the standby VPC\'s block is apart from the primary\'s (peering, Transit Gateway later)', () => {
    pilot('Network').hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.0.0.0/16' });
    pilot('StandbyNetwork').hasResourceProperties('AWS::EC2::VPC', { CidrBlock: '10.1.0.0/16' });
  });

  test('the Domain stack (us-east-1) alarms when the standby API fails its health check; not on the pilot light\'s web tier, unhealthy at zero by design', () => {
    const alarms = Object.entries(resourcesOf(pilot('Domain'), 'AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('DomainStandby'));
    expect(alarms.map(([id]) => id)).toEqual([expect.stringMatching(/^DomainStandbyApiHealthAlarm/)]);
    expect(alarms[0][1].Properties).toMatchObject({
      Namespace: 'AWS/Route53', MetricName: 'HealthCheckStatus', Statistic: 'Minimum', Threshold: 1, ComparisonOperator: 'LessThanThreshold',
      EvaluationPeriods: 2, TreatMissingData: 'breaching', AlarmDescription: 'StandbyApi fails its Route 53 health check (TCP 443)',
      Dimensions: [{ Name: 'HealthCheckId', Value: getStackOutput('Production-StandbyServerlessApi', 'us-west-2') }],
    });
    expect(alarms[0][1].Properties.AlarmActions).toHaveLength(1);
  });

  test('the standby web tier reads the database host from its own region\'s parameter, never from the replicated secret (the primary\'s host)', () => {
    expect(synthesizedStage('Production standby').stacks.find((s) => s.id === 'StandbyDataTier')!.stackName).toBe('Production-StandbyDataTier');
    const [[parameterId, parameter]] = Object.entries(resourcesOf(pilot('StandbyDataTier'), 'AWS::SSM::Parameter'));
    const [[clusterId]] = Object.entries(resourcesOf(pilot('StandbyDataTier'), 'AWS::RDS::DBCluster'));
    expect(parameter.Properties).toMatchObject({
      Type: 'String', Name: { 'Fn::Join': ['', ['/', { Ref: 'AWS::StackName' }, '/database-host']] }, Value: { 'Fn::GetAtt': [clusterId, 'Endpoint.Address'] },
    });
    const readers = Object.values(resourcesOf(pilot('StandbyDataTier'), 'AWS::IAM::ManagedPolicy')).filter((p) => JSON.stringify(p.Properties.PolicyDocument).includes('ssm:GetParameter'));
    expect(readers).toHaveLength(1);
    expect(readers[0].Properties.Roles).toEqual([{ 'Fn::ImportValue': expect.stringMatching(/^Production-StandbyWebTier:/) }]);
    expect(readers[0].Properties.PolicyDocument.Statement).toEqual([{
      Effect: 'Allow', Action: 'ssm:GetParameter',
      // The name begins with "/": no separator after "parameter".
      Resource: { 'Fn::Join': ['', ['arn:aws:ssm:us-west-2:123456789012:parameter', { Ref: parameterId }]] },
    }]);
    const userData = (id: string) => JSON.stringify(Object.values(resourcesOf(pilot(id), 'AWS::EC2::LaunchTemplate'))[0].Properties.LaunchTemplateData.UserData);
    expect(userData('StandbyWebTier')).toContain("echo 'DATABASE_HOST_PARAMETER=/Production-StandbyDataTier/database-host' > /etc/web-tier/database.env");
    expect(userData('StandbyWebTier')).toContain('dnf install -y nginx');
    expect(userData('WebTier')).not.toContain('DATABASE_HOST_PARAMETER');
  });

  test('one NAT gateway in the pilot light\'s network (the primary has one per AZ)', () => {
    pilot('StandbyNetwork').resourceCountIs('AWS::EC2::NatGateway', 1);
    pilot('Network').resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('the standby web tier reaches the standby database as the primary\'s does: its port, and the application secret\'s replica by tag', () => {
    const ingress = Object.values(resourcesOf(pilot('StandbyDataTier'), 'AWS::EC2::SecurityGroupIngress')).map((r) => r.Properties);
    expect(ingress).toEqual([expect.objectContaining({ FromPort: 5433, ToPort: 5433, SourceSecurityGroupId: { 'Fn::ImportValue': expect.stringMatching(/^Production-StandbyWebTier:/) } })]);
    const policy = Object.values(resourcesOf(pilot('StandbyDataTier'), 'AWS::IAM::ManagedPolicy'))[0].Properties;
    expect(policy.Roles).toEqual([{ 'Fn::ImportValue': expect.stringMatching(/^Production-StandbyWebTier:/) }]);
    expect(policy.PolicyDocument.Statement[0].Condition).toEqual({
      StringEquals: { 'secretsmanager:ResourceTag/stage': 'Production', 'secretsmanager:ResourceTag/database-user': 'application' },
    });
  });
});

describe('a stage without a standby region keeps every resource as it was', () => {
  test('the items table: the regional AWS::DynamoDB::Table at its logical id, no global table', () => {
    expect(Object.keys(resourcesOf(without('ServerlessApi'), 'AWS::DynamoDB::Table'))).toEqual(['ServerlessApiItemsCD20D427']);
    without('ServerlessApi').resourceCountIs('AWS::DynamoDB::GlobalTable', 0);
  });

  test('no global database, no secret replicas, no content replication, no origin group', () => {
    without('DataTier').resourceCountIs('AWS::RDS::GlobalCluster', 0);
    expect(Object.values(resourcesOf(without('DataTier'), 'AWS::SecretsManager::Secret')).filter((s) => s.Properties.ReplicaRegions)).toEqual([]);
    expect(Object.values(resourcesOf(without('StaticSite'), 'AWS::S3::Bucket')).filter((b) => b.Properties.ReplicationConfiguration)).toEqual([]);
    expect(Object.values(resourcesOf(without('StaticSite'), 'AWS::CloudFront::Distribution'))[0].Properties.DistributionConfig.OriginGroups).toBeUndefined();
  });

  test('the primary cluster keeps its logical id and the properties whose change replaces it (the construct test compares every property)', () => {
    const [[id, cluster]] = Object.entries(resourcesOf(without('DataTier'), 'AWS::RDS::DBCluster'));
    const [[standbyId, standbyCluster]] = Object.entries(resourcesOf(pilot('DataTier'), 'AWS::RDS::DBCluster'));
    expect(standbyId).toBe(id);
    const replacing = ['Engine', 'EngineVersion', 'EngineMode', 'StorageEncrypted', 'KmsKeyId', 'DatabaseName', 'MasterUsername', 'DBClusterIdentifier', 'GlobalClusterIdentifier', 'SourceDBClusterIdentifier'];
    const pick = (p: Record<string, unknown>) => Object.fromEntries(replacing.map((k) => [k, p[k]]));
    expect(pick(standbyCluster.Properties)).toEqual(pick(cluster.Properties));
    expect(standbyCluster.Properties.GlobalClusterIdentifier).toBeUndefined();
  });
});

describe('warm standby', () => {
  const config = stageConfig({ ...STAGE_VARIANTS['Production standby'], recoveryPattern: 'warm-standby' });
  const stage = new ReferenceStage(testApp(), config);
  const webTier = Template.fromStack(stage.standby!.webTier);
  const dataTier = Template.fromStack(stage.standby!.dataTier);
  const network = Template.fromStack(stage.standby!.network);

  test('the web tier runs one instance; the secondary one Serverless v2 reader at 0.5 ACU; the network as the primary\'s', () => {
    webTier.hasResourceProperties('AWS::AutoScaling::AutoScalingGroup', { MinSize: '1', DesiredCapacity: Match.absent(), MaxSize: '12' });
    // Warm standby fails over by itself when the primary fails; the switch also scales it to the primary's minimum.
    webTier.hasResourceProperties('AWS::AutoScaling::ScalingPolicy', { AdjustmentType: 'ExactCapacity', StepAdjustments: [{ MetricIntervalLowerBound: 0, ScalingAdjustment: 3 }] });
    dataTier.resourceCountIs('AWS::RDS::DBInstance', 1);
    dataTier.hasResourceProperties('AWS::RDS::DBInstance', { DBInstanceClass: 'db.serverless', PromotionTier: 1 });
    dataTier.hasResourceProperties('AWS::RDS::DBCluster', { ServerlessV2ScalingConfiguration: { MinCapacity: 0.5, MaxCapacity: 16 } });
    network.resourceCountIs('AWS::EC2::NatGateway', 3);
  });

  test('deployment order across regions: the standby storage before the primary\'s data stacks, the secondary and the API after theirs', () => {
    const dependsOn = (stack: { dependencies: { node: { id: string } }[] }) => stack.dependencies.map((d) => d.node.id);
    for (const primary of [stage.dataTier, stage.serverlessApi, stage.staticSite]) expect(dependsOn(primary)).toContain('StandbyStorage');
    expect(dependsOn(stage.standby!.dataTier)).toContain('DataTier');
    expect(dependsOn(stage.standby!.serverlessApi)).toContain('ServerlessApi');
  });

  test('the Domain stack alarms when either standby endpoint fails its health check: the running web tier (HTTPS /health) and the API', () => {
    const domain = Template.fromStack(stage.domain!);
    const alarms = Object.entries(resourcesOf(domain, 'AWS::CloudWatch::Alarm')).filter(([id]) => id.startsWith('DomainStandby'));
    expect(alarms.map(([id, a]) => [id.replace(/[0-9A-F]{8}$/, ''), a.Properties.AlarmDescription]).sort()).toEqual([
      ['DomainStandbyApiHealthAlarm', 'StandbyApi fails its Route 53 health check (TCP 443)'],
      ['DomainStandbyAppHealthAlarm', 'StandbyApp fails its Route 53 health check (HTTPS /health)'],
    ]);
  });

  test('the failover side gets the standby load balancer and API', () => {
    expect(stage.standby!.loadBalancer).toBe(stage.standby!.webTier.webTier.loadBalancer);
    expect(stage.standby!.api).toBe(stage.standby!.serverlessApi.api);
  });
});

describe('the standby network\'s CIDR block', () => {
  const config = stageConfig(STAGE_VARIANTS['Production standby']);
  const cidr = (network: string | undefined, standby?: string) => standbyNetworkCidr({ ...config, network: { ...config.network, cidr: network }, standbyNetworkCidr: standby });

  test('defaults to the block after the primary\'s, of its size, within its /8', () => {
    expect(cidr(undefined)).toBe('10.1.0.0/16');
    expect(cidr('10.0.0.0/16')).toBe('10.1.0.0/16');
    expect(cidr('172.16.0.0/20')).toBe('172.16.16.0/20');
    expect(cidr('10.255.0.0/16')).toBe('10.0.0.0/16');
  });

  test('is the config\'s when given', () => {
    expect(cidr('10.0.0.0/16', '10.20.0.0/16')).toBe('10.20.0.0/16');
  });

  test('fails when it overlaps the primary\'s or is malformed', () => {
    expect(() => cidr('10.0.0.0/16', '10.0.128.0/17')).toThrow(/standbyNetworkCidr: got "10\.0\.128\.0\/17"; expected a block apart from the primary's network\.cidr 10\.0\.0\.0\/16/);
    expect(() => cidr('10.0.0.0/16', '10.1.0.0/33')).toThrow(/standbyNetworkCidr: got "10\.1\.0\.0\/33"; expected an IPv4 CIDR block/);
  });
});

describe('bad input', () => {
  const production = { stage: 'Production', alarmEmail: 'ops@example.com', account: '123456789012' };

  test('fails when the standby region is the stage\'s own', () => {
    expect(problemsOf(stageConfig, { ...production, region: 'eu-west-1', standbyRegion: 'eu-west-1' })).toEqual(
      expect.arrayContaining([expect.stringMatching(/^standbyRegion: got "eu-west-1"; expected another region than the stage's/)]));
  });

  test('fails when the stage has no region to name its global database by', () => {
    const config = { ...stageConfig({ ...production }), standbyRegion: 'us-west-2' };
    expect(() => globalClusterIdentifier(config)).toThrow('standbyRegion: got "us-west-2"; the standby side names the primary\'s global database by the stage\'s region: give -c region=<region> (or CDK_DEPLOY_REGION)');
  });
});
