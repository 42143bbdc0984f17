import * as fs from 'fs';
import * as path from 'path';
import { Template } from 'aws-cdk-lib/assertions';
import { estimateStack, loadPrices, natModeCosts, pricedRegions } from '../../lib/docs/cost';
import { CfnTemplate } from '../../lib/docs/template';
import { Network } from '../../lib/network/network';
import { NetworkProps } from '../../lib/network/network-props';
import { stageTemplates, testStack } from '../harness';

const prices = loadPrices('us-east-1');

describe('idle cost estimator, on hand-written templates', () => {
  test('NAT gateway, its IP, a KMS key and free VPC plumbing', () => {
    const template: CfnTemplate = { Resources: {
      Vpc: { Type: 'AWS::EC2::VPC', Properties: { CidrBlock: '10.0.0.0/16' } },
      Subnet: { Type: 'AWS::EC2::Subnet', Properties: {} },
      Nat: { Type: 'AWS::EC2::NatGateway', Properties: {} },
      Ip: { Type: 'AWS::EC2::EIP', Properties: {} },
      Key: { Type: 'AWS::KMS::Key', Properties: {} },
    } };
    const estimate = estimateStack(template, prices);
    // 0.045 x 730 + 0.005 x 730 + 1 = 32.85 + 3.65 + 1.00
    expect(estimate.total).toBe(37.5);
    expect(estimate.lines.map((l) => [l.logicalId, l.monthly])).toEqual([['Nat', 32.85], ['Ip', 3.65], ['Key', 1]]);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Vpc', 'Subnet']);
    expect(estimate.usage.map((u) => u.item)).toEqual(['KMS requests', 'NAT gateway data processed']);
  });

  test('an Auto Scaling group costs its minimum instances of the launch template\'s type, with their volumes', () => {
    const template: CfnTemplate = { Resources: {
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: {
        InstanceType: 't4g.micro', BlockDeviceMappings: [{ DeviceName: '/dev/xvda', Ebs: { VolumeSize: 10 } }],
      } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '2', MaxSize: '4', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Type: 'application', Scheme: 'internal', Subnets: ['a', 'b'] } },
    } };
    const estimate = estimateStack(template, prices);
    // 2 x 0.0084 x 730 = 12.264; 2 x 10 x 0.08 = 1.6; ALB 0.0225 x 730 = 16.425
    expect(estimate.lines.map((l) => [l.what, +l.monthly.toFixed(3)])).toEqual([
      ['2 x t4g.micro instance hours', 12.264], ['2 x 10 GB gp3 volume', 1.6], ['Application Load Balancer hours', 16.425],
    ]);
    expect(estimate.total).toBe(30.29);
  });

  test('an internet-facing load balancer (the default scheme) holds a public IPv4 address in each AZ, billed by the hour', () => {
    const template: CfnTemplate = { Resources: {
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: ['a', 'b', 'c'] } },
      Mapped: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internet-facing', SubnetMappings: [{ SubnetId: 'a' }, { SubnetId: 'b' }] } },
      Internal: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Scheme: 'internal', Subnets: ['a', 'b'] } },
    } };
    const estimate = estimateStack(template, prices);
    // 3 x 0.005 x 730 = 10.95; 2 x 0.005 x 730 = 7.30; each ALB 16.425
    expect(estimate.lines.map((l) => [l.logicalId, l.what, +l.monthly.toFixed(3)])).toEqual([
      ['Alb', 'Application Load Balancer hours', 16.425], ['Alb', 'Public IPv4 address hours x 3 AZ', 10.95],
      ['Mapped', 'Application Load Balancer hours', 16.425], ['Mapped', 'Public IPv4 address hours x 2 AZ', 7.3],
      ['Internal', 'Application Load Balancer hours', 16.425],
    ]);
  });

  test('subnets known only at deploy leave the addresses, and the total, unknown rather than low', () => {
    const template: CfnTemplate = { Resources: {
      Alb: { Type: 'AWS::ElasticLoadBalancingV2::LoadBalancer', Properties: { Subnets: { 'Fn::Split': [',', { Ref: 'Subnets' }] } } },
    } };
    const estimate = estimateStack(template, prices);
    expect(estimate.lines[1].what).toBe('Public IPv4 address hours x unknown number of AZ');
    expect(estimate.total).toBeNaN();
  });

  test('a desired capacity, when set, is what runs', () => {
    const template: CfnTemplate = { Resources: {
      Lt: { Type: 'AWS::EC2::LaunchTemplate', Properties: { LaunchTemplateData: { InstanceType: 't4g.small' } } },
      Asg: { Type: 'AWS::AutoScaling::AutoScalingGroup', Properties: { MinSize: '1', DesiredCapacity: '3', LaunchTemplate: { LaunchTemplateId: { Ref: 'Lt' } } } },
    } };
    // 3 x 0.0168 x 730 = 36.792; 3 x 8 GB x 0.08 = 1.92
    expect(estimateStack(template, prices).total).toBe(38.71);
  });

  test('WAF, alarms (per metric), interface endpoints per AZ, an API cache', () => {
    const template: CfnTemplate = { Resources: {
      Acl: { Type: 'AWS::WAFv2::WebACL', Properties: { Rules: [{}, {}, {}, {}] } },
      Simple: { Type: 'AWS::CloudWatch::Alarm', Properties: { MetricName: 'Errors' } },
      MathAlarm: { Type: 'AWS::CloudWatch::Alarm', Properties: { Metrics: [{ Expression: 'a+b' }, { MetricStat: {} }, { MetricStat: {} }] } },
      Endpoint: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Interface', SubnetIds: ['a', 'b'] } },
      Gateway: { Type: 'AWS::EC2::VPCEndpoint', Properties: { VpcEndpointType: 'Gateway' } },
      Stage: { Type: 'AWS::ApiGateway::Stage', Properties: { CacheClusterEnabled: true, CacheClusterSize: '0.5' } },
    } };
    const estimate = estimateStack(template, prices);
    // 5 + 4; 0.10; 0.20; 2 x 0.01 x 730 = 14.60; 0.02 x 730 = 14.60
    expect(estimate.lines.map((l) => [l.logicalId, +l.monthly.toFixed(2)])).toEqual([
      ['Acl', 9], ['Simple', 0.1], ['MathAlarm', 0.2], ['Endpoint', 14.6], ['Stage', 14.6],
    ]);
    expect(estimate.total).toBe(38.5);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Gateway']);
  });

  test('provisioned concurrency bills its memory every second', () => {
    const template: CfnTemplate = { Resources: {
      Fn: { Type: 'AWS::Lambda::Function', Properties: { MemorySize: 1024, Architectures: ['arm64'] } },
      Live: { Type: 'AWS::Lambda::Alias', Properties: { FunctionName: { Ref: 'Fn' }, ProvisionedConcurrencyConfig: { ProvisionedConcurrentExecutions: 2 } } },
    } };
    // 2 x 1 GB x 0.0000033334 x 730 x 3600 = 17.52
    expect(estimateStack(template, prices).total).toBe(17.52);
  });

  test('an unknown resource type is listed as not priced, never dropped', () => {
    const template: CfnTemplate = { Resources: {
      Warehouse: { Type: 'AWS::Redshift::Cluster', Properties: {} },
      Queue: { Type: 'AWS::SQS::Queue', Properties: {} },
    } };
    const estimate = estimateStack(template, prices);
    expect(estimate.notPriced).toEqual([{ logicalId: 'Warehouse', type: 'AWS::Redshift::Cluster' }]);
    expect(estimate.total).toBe(0);
    expect(estimate.usage.map((u) => [u.item, u.unit, u.price])).toEqual([['SQS requests (standard)', 'million requests', 0.4]]);
  });

  test('an instance type missing from the price data makes the total unknown rather than low', () => {
    const template: CfnTemplate = { Resources: { I: { Type: 'AWS::EC2::Instance', Properties: { InstanceType: 'x9.huge' } } } };
    const estimate = estimateStack(template, prices);
    expect(estimate.lines[0].what).toBe('1 x x9.huge instance hours (type not in the price data)');
    expect(estimate.total).toBeNaN();
  });
});

describe('the data tier', () => {
  const serverlessCluster = (min: number, readers: number, extra: Record<string, unknown> = {}): CfnTemplate => ({ Resources: {
    Cluster: { Type: 'AWS::RDS::DBCluster', Properties: { ServerlessV2ScalingConfiguration: { MinCapacity: min, MaxCapacity: 4 }, ...extra } },
    ...Object.fromEntries(Array.from({ length: readers + 1 }, (_, i) => [`Instance${i}`,
      { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'Cluster' }, DBInstanceClass: 'db.serverless', MonitoringInterval: 60 } }])),
    Other: { Type: 'AWS::RDS::DBInstance', Properties: { DBClusterIdentifier: { Ref: 'OtherCluster' }, DBInstanceClass: 'db.serverless' } },
  } });
  const usageItems = (template: CfnTemplate) => estimateStack(template, prices).usage.map((u) => u.item);

  test('Aurora Serverless v2 at a minimum of 0 ACU costs $0 idle, and says it pauses', () => {
    const estimate = estimateStack(serverlessCluster(0, 0), prices);
    expect(estimate.lines).toEqual([{ logicalId: 'Cluster', type: 'AWS::RDS::DBCluster', what: 'Aurora Serverless v2 1 instance x 0 ACU minimum: $0 idle, paused (storage only)', monthly: 0 }]);
    expect(estimate.total).toBe(0);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Instance0', 'Other']);
    expect(usageItems(serverlessCluster(0, 0))).toEqual(expect.arrayContaining([
      'Aurora Serverless v2 capacity above the minimum', 'Aurora storage (Standard)', 'Aurora I/O (Standard)', 'Aurora backup storage beyond the cluster\'s size',
      'CloudWatch Logs ingestion', // Enhanced Monitoring
    ]));
  });

  test('the minimum ACUs bill on every instance of the cluster (writer and readers), only its own', () => {
    // 1 x 3 instances x 730 h x $0.12 = $262.80
    expect(estimateStack(serverlessCluster(1, 2), prices).lines.map((l) => [l.what, +l.monthly.toFixed(2)])).toEqual([
      ['Aurora Serverless v2 3 instances x 1 ACU minimum', 262.8],
    ]);
    expect(usageItems(serverlessCluster(1, 2))).not.toContain('Database Insights advanced mode, ACU-hours above the minimum');
  });

  test('advanced Database Insights bills the same ACU-hours again, standing and per use', () => {
    const template = serverlessCluster(0.5, 1, { DatabaseInsightsMode: 'advanced' });
    // 0.5 x 2 x 730 = 730 ACU-hours: x $0.12 = $87.60, x $0.003 = $2.19
    expect(estimateStack(template, prices).lines.map((l) => [l.what, +l.monthly.toFixed(2)])).toEqual([
      ['Aurora Serverless v2 2 instances x 0.5 ACU minimum', 87.6], ['Database Insights advanced on 2 instances x 0.5 ACU minimum', 2.19],
    ]);
    expect(usageItems(template)).toContain('Database Insights advanced mode, ACU-hours above the minimum');
  });

  test('what the price data does not hold makes the total unknown rather than low', () => {
    expect(estimateStack(serverlessCluster(0.5, 0, { StorageType: 'aurora-iopt1' }), prices).total).toBeNaN();
    expect(estimateStack(serverlessCluster({ Ref: 'Min' } as unknown as number, 0), prices).total).toBeNaN();
    const provisioned = estimateStack({ Resources: { Db: { Type: 'AWS::RDS::DBInstance', Properties: { DBInstanceClass: 'db.r7g.large' } } } }, prices);
    expect(provisioned.lines[0].what).toBe('1 x db.r7g.large DB instance hours (class not in the price data)');
    expect(provisioned.total).toBeNaN();
  });

  test('cache nodes x their count, Valkey below Redis OSS, shards x (replicas + 1)', () => {
    const template: CfnTemplate = { Resources: {
      Valkey: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { Engine: 'valkey', CacheNodeType: 'cache.t4g.small', NumCacheClusters: 2 } },
      Redis: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { CacheNodeType: 'cache.t4g.micro' } },
      Sharded: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { Engine: 'valkey', CacheNodeType: 'cache.r7g.large', NumNodeGroups: 2, ReplicasPerNodeGroup: 1 } },
      Memcached: { Type: 'AWS::ElastiCache::CacheCluster', Properties: { Engine: 'memcached', CacheNodeType: 'cache.m7g.large', NumCacheNodes: 3 } },
    } };
    // 2 x 0.0256 x 730 = 37.376; 1 x 0.016 x 730 = 11.68; 4 x 0.1752 x 730 = 511.584; 3 x 0.158 x 730 = 346.02
    expect(estimateStack(template, prices).lines.map((l) => [l.what, +l.monthly.toFixed(3)])).toEqual([
      ['2 x cache.t4g.small Valkey node hours', 37.376], ['1 x cache.t4g.micro Redis OSS node hours', 11.68],
      ['4 x cache.r7g.large Valkey node hours', 511.584], ['3 x cache.m7g.large Redis OSS node hours', 346.02],
    ]);
    expect(prices.cacheNodeHour.valkey['cache.t4g.micro']).toBeCloseTo(0.8 * prices.cacheNodeHour.redisOss['cache.t4g.micro'], 6);
    expect(usageItems(template)).toEqual(['ElastiCache snapshot storage']);
  });

  test('an unknown cache node type makes the total unknown', () => {
    const template: CfnTemplate = { Resources: { C: { Type: 'AWS::ElastiCache::ReplicationGroup', Properties: { Engine: 'valkey', CacheNodeType: 'cache.x9.huge' } } } };
    expect(estimateStack(template, prices).lines[0].what).toBe('1 x cache.x9.huge Valkey node hours (type not in the price data)');
    expect(estimateStack(template, prices).total).toBeNaN();
  });

  test('each secret $0.40 a month, its rotation and attachments free, calls per use; backup storage per use', () => {
    const template: CfnTemplate = { Resources: {
      A: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      B: { Type: 'AWS::SecretsManager::Secret', Properties: {} },
      Rotation: { Type: 'AWS::SecretsManager::RotationSchedule', Properties: {} },
      Attachment: { Type: 'AWS::SecretsManager::SecretTargetAttachment', Properties: {} },
      Vault: { Type: 'AWS::Backup::BackupVault', Properties: {} },
      Plan: { Type: 'AWS::Backup::BackupPlan', Properties: {} },
    } };
    const estimate = estimateStack(template, prices);
    expect(estimate.lines.map((l) => [l.logicalId, l.what, l.monthly])).toEqual([['A', 'Secrets Manager secret', 0.4], ['B', 'Secrets Manager secret', 0.4]]);
    expect(estimate.total).toBe(0.8);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Rotation', 'Attachment', 'Vault', 'Plan']);
    expect(estimate.usage.map((u) => [u.item, u.price])).toEqual([['AWS Backup storage of Aurora snapshots', 0.021], ['Data transfer of a copy to another region', 0.02], ['Secrets Manager API calls', 0.05]]);
  });

  test('Production\'s cluster: 0.5 ACU x a writer and two readers, advanced Database Insights, three cache.t4g.small nodes, three secrets (master, app user, cache token)', () => {
    const estimate = estimateStack(stageTemplates('Production').get('DataTier')!.template, prices);
    const byWhat = (pattern: RegExp) => estimate.lines.filter((l) => pattern.test(l.what)).map((l) => [l.what, +l.monthly.toFixed(2)]);
    expect(byWhat(/Aurora|Database Insights/)).toEqual([
      ['Aurora Serverless v2 3 instances x 0.5 ACU minimum', 131.4], ['Database Insights advanced on 3 instances x 0.5 ACU minimum', 3.29],
    ]);
    expect(byWhat(/node hours/)).toEqual([['3 x cache.t4g.small Valkey node hours', 56.06]]);
    expect(byWhat(/secret/)).toEqual([['Secrets Manager secret', 0.4], ['Secrets Manager secret', 0.4], ['Secrets Manager secret', 0.4]]);
  });

  test('RDS Proxy on Serverless v2 bills its 8-ACU minimum while idle: 8 x 730 h x $0.015; its target group nothing', () => {
    const template = { Resources: {
      Proxy: { Type: 'AWS::RDS::DBProxy', Properties: { EngineFamily: 'POSTGRESQL' } },
      Targets: { Type: 'AWS::RDS::DBProxyTargetGroup', Properties: {} },
    } };
    const estimate = estimateStack(template, prices);
    expect(estimate.lines.map((l) => [l.what, +l.monthly.toFixed(2)])).toEqual([['RDS Proxy on Aurora Serverless v2, 8 ACU minimum', 87.6]]);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Targets']);
  });

  test('Sandbox\'s cluster pauses: $0 for the database, one cache.t4g.micro node', () => {
    const estimate = estimateStack(stageTemplates('Sandbox').get('DataTier')!.template, prices);
    expect(estimate.lines.filter((l) => /Aurora|node hours/.test(l.what)).map((l) => [l.what, +l.monthly.toFixed(2)])).toEqual([
      ['Aurora Serverless v2 1 instance x 0 ACU minimum: $0 idle, paused (storage only)', 0], ['1 x cache.t4g.micro Valkey node hours', 9.34],
    ]);
  });
});

describe('the security baseline', () => {
  test('its services cost nothing standing still beyond keys and alarms; each one\'s per-use price is listed', () => {
    const estimate = estimateStack(stageTemplates('Sandbox').get('SecurityBaseline')!.template, prices);
    expect([...new Set(estimate.lines.map((l) => l.type))].sort()).toEqual(['AWS::CloudWatch::Alarm', 'AWS::KMS::Key']);
    expect(estimate.usage.map((u) => u.item)).toEqual(expect.arrayContaining([
      'CloudTrail management events, first copy delivered to S3 (free)',
      'AWS Config configuration items recorded', 'AWS Config rule evaluations (first 100,000 a month)',
      'GuardDuty analysis of CloudTrail management events', 'GuardDuty analysis of VPC flow and DNS logs (first 500 GB a month)',
      'GuardDuty S3 Protection, S3 data events analyzed',
      'Security Hub security checks (first 100,000 a month)', 'Security Hub finding ingestion beyond the free 10,000 a month',
      'IAM Access Analyzer external access analysis (free)', 'EventBridge events from AWS services (free)',
      'CloudWatch Logs ingestion', 'CloudWatch custom metrics of metric filters, prorated by the hours they receive data',
    ]));
    // The stage's trail logs management events only.
    expect(estimate.usage.map((u) => u.item)).not.toContain('CloudTrail data events');
  });

  test('data events, S3 Protection and unused-access analysis are listed only when turned on', () => {
    const items = (resources: CfnTemplate['Resources']) => estimateStack({ Resources: resources }, prices).usage.map((u) => u.item);
    expect(items({ T: { Type: 'AWS::CloudTrail::Trail', Properties: { EventSelectors: [{ DataResources: [{ Type: 'AWS::S3::Object', Values: ['arn:aws:s3'] }] }] } } }))
      .toContain('CloudTrail data events');
    expect(items({ T: { Type: 'AWS::CloudTrail::Trail', Properties: { AdvancedEventSelectors: [{ FieldSelectors: [{ Field: 'eventCategory', Equals: ['Data'] }] }] } } }))
      .toContain('CloudTrail data events');
    expect(items({ G: { Type: 'AWS::GuardDuty::Detector', Properties: { Enable: true } } })).not.toContain('GuardDuty S3 Protection, S3 data events analyzed');
    expect(items({ G: { Type: 'AWS::GuardDuty::Detector', Properties: { DataSources: { S3Logs: { Enable: true } } } } })).toContain('GuardDuty S3 Protection, S3 data events analyzed');
    expect(items({ A: { Type: 'AWS::AccessAnalyzer::Analyzer', Properties: { Type: 'ACCOUNT_UNUSED_ACCESS' } } })).toEqual(['IAM Access Analyzer unused access analysis']);
  });
});

describe('the domain', () => {
  test('a hosted zone, and health checks: the base price plus each optional feature; records, certificates and DNSSEC cost nothing idle', () => {
    const estimate = estimateStack({ Resources: {
      Zone: { Type: 'AWS::Route53::HostedZone', Properties: { Name: 'example.com.' } },
      Https: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTPS', RequestInterval: 30 } } },
      Tcp: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'TCP', RequestInterval: 30 } } },
      Fast: { Type: 'AWS::Route53::HealthCheck', Properties: { HealthCheckConfig: { Type: 'HTTPS_STR_MATCH', RequestInterval: 10, MeasureLatency: true } } },
      Record: { Type: 'AWS::Route53::RecordSet', Properties: {} },
      Certificate: { Type: 'AWS::CertificateManager::Certificate', Properties: {} },
      Ksk: { Type: 'AWS::Route53::KeySigningKey', Properties: {} },
      Signing: { Type: 'AWS::Route53::DNSSEC', Properties: {} },
    } }, prices);
    // 0.50 zone; 0.50 + 1.00 HTTPS; 0.50 TCP; 0.50 + 4 x 1.00 (HTTPS, string matching, fast interval, latency)
    expect(estimate.lines.map((l) => [l.logicalId, l.what, l.monthly])).toEqual([
      ['Zone', 'Hosted zone', 0.5], ['Https', 'Health check, HTTPS', 1.5], ['Tcp', 'Health check, basic', 0.5],
      ['Fast', 'Health check, HTTPS, string matching, fast interval, latency', 4.5]]);
    expect(estimate.idleFree.map((f) => f.logicalId)).toEqual(['Record', 'Certificate', 'Ksk', 'Signing']);
    expect(estimate.usage.map((u) => u.item)).toContain('Route 53 standard queries (alias queries to AWS resources are free)');
  });

  test('the pinned Production on a domain: what the Domain page says it adds', () => {
    const stacks = stageTemplates('Production pinned');
    const domain = estimateStack(stacks.get('Domain')!.template, prices).total;
    const healthChecks = ['WebTier', 'ServerlessApi'].flatMap((id) => estimateStack(stacks.get(id)!.template, prices).lines)
      .filter((l) => l.type === 'AWS::Route53::HealthCheck').reduce((sum, l) => sum + l.monthly, 0);
    // Domain: key 1.00 + site HTTPS check 1.50 + 3 alarms 0.30; web tier HTTPS check 1.50; API TCP check 0.50.
    expect([domain, healthChecks].map((x) => Math.round(x * 100) / 100)).toEqual([2.8, 2]);
    expect(fs.readFileSync(path.join(__dirname, '..', '..', 'docs', 'architectures', 'Domain.md'), 'utf8')).toContain('adds about **$4.80 a month**');
  });

  test('the pinned Production on a domain: every resource of every stack is priced', () => {
    const notPriced = [...stageTemplates('Production pinned')].flatMap(([name, s]) => estimateStack(s.template, prices).notPriced.map((n) => `${name}: ${n.logicalId} (${n.type})`));
    expect(notPriced).toEqual([]);
  });
});

describe('streaming', () => {
  const linesOf = (resources: CfnTemplate['Resources']) => estimateStack({ Resources: resources }, prices).lines.map((l) => [l.what, +l.monthly.toFixed(2)]);

  test('a provisioned stream bills its shard-hours, and retention beyond 24 hours per shard-hour again', () => {
    // 2 x 0.015 x 730 = 21.90; 2 x 0.02 x 730 = 29.20
    expect(linesOf({ S: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 2, RetentionPeriodHours: 168 } } }))
      .toEqual([['Kinesis 2 shards hours', 21.9], ['Kinesis extended retention (168 h) x 2 shards', 29.2]]);
    expect(linesOf({ S: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } } })).toEqual([['Kinesis 1 shard hours', 10.95]]);
  });

  test('an on-demand stream bills its stream-hours; its data and retention are per GB', () => {
    // 0.04 x 730 = 29.20
    const stream = { S: { Type: 'AWS::Kinesis::Stream', Properties: { StreamModeDetails: { StreamMode: 'ON_DEMAND' }, RetentionPeriodHours: 168 } } };
    expect(linesOf(stream)).toEqual([['Kinesis on-demand stream hours', 29.2]]);
    expect(estimateStack({ Resources: stream }, prices).usage.map((u) => u.item)).toEqual([
      'Kinesis on-demand data written', 'Kinesis on-demand retention beyond 24 hours', 'Kinesis on-demand data read']);
  });

  test('an enhanced fan-out consumer bills per shard-hour of its stream', () => {
    // 1 x 0.015 x 730 = 10.95
    expect(linesOf({
      S: { Type: 'AWS::Kinesis::Stream', Properties: { ShardCount: 1 } },
      C: { Type: 'AWS::Kinesis::StreamConsumer', Properties: { StreamARN: { 'Fn::GetAtt': ['S', 'Arn'] } } },
    })).toEqual([['Kinesis 1 shard hours', 10.95], ['Enhanced fan-out consumer x 1 shard', 10.95]]);
  });

  test('Firehose, Glue, Athena, a custom bus and its archive cost nothing idle and list their per-use prices', () => {
    const estimate = estimateStack({ Resources: {
      F: { Type: 'AWS::KinesisFirehose::DeliveryStream', Properties: {} }, T: { Type: 'AWS::Glue::Table', Properties: {} },
      W: { Type: 'AWS::Athena::WorkGroup', Properties: {} }, B: { Type: 'AWS::Events::EventBus', Properties: {} },
      A: { Type: 'AWS::Events::Archive', Properties: {} }, R: { Type: 'AWS::Events::Rule', Properties: { EventBusName: { Ref: 'B' }, EventPattern: {} } },
    } }, prices);
    expect(estimate.total).toBe(0);
    expect(estimate.usage.map((u) => u.item)).toEqual([
      'Athena SQL queries, data scanned (10 MB minimum a query)', 'EventBridge events archived (processing)', 'EventBridge archive storage',
      'EventBridge custom events published', 'Data Firehose ingestion (first 500 TB a month), in 5 KB increments',
      'Glue Data Catalog objects beyond the free first million',
    ]);
  });
});

describe('the reference stages', () => {
  test.each(['Sandbox', 'Production'] as const)('no resource of any stack of %s is left not priced', (stage) => {
    const notPriced = [...stageTemplates(stage)].flatMap(([name, s]) => estimateStack(s.template, prices).notPriced.map((n) => `${name}: ${n.logicalId} (${n.type})`));
    expect(notPriced).toEqual([]);
  });

  test.each(['Sandbox', 'Production'] as const)('every stack of %s has a known total', (stage) => {
    for (const [name, s] of stageTemplates(stage)) expect([name, Number.isNaN(estimateStack(s.template, prices).total)]).toEqual([name, false]);
  });
});

describe('public IPv4 addresses of a synthesized Network', () => {
  const ipv4Lines = (props: NetworkProps) => {
    const stack = testStack();
    new Network(stack, 'Network', props);
    return estimateStack(Template.fromStack(stack).toJSON(), prices).lines.filter((l) => /public IPv4/i.test(l.what)).map((l) => [l.type, l.what, +l.monthly.toFixed(2)]);
  };

  test('each NAT gateway\'s Elastic IP', () => {
    expect(ipv4Lines({ natMode: 'single' })).toEqual([['AWS::EC2::EIP', 'Public IPv4 address hours', 3.65]]);
    expect(ipv4Lines({ natMode: 'perAz', azCount: 3 })).toEqual(Array(3).fill(['AWS::EC2::EIP', 'Public IPv4 address hours', 3.65]));
  });

  test('the NAT instance\'s public address', () => {
    expect(ipv4Lines({ natMode: 'instance' })).toEqual([['AWS::EC2::Instance', '1 x public IPv4 address hours', 3.65]]);
  });

  test('no NAT, no address', () => {
    expect(ipv4Lines({ natMode: 'none', subnetSizes: { private: false } })).toEqual([]);
  });
});

describe('price data', () => {
  test('an unknown region gives a clear error naming the regions that have data', () => {
    expect(() => loadPrices('eu-west-1')).toThrow('No price data for region "eu-west-1"; prices exist for: us-east-1.');
    expect(pricedRegions()).toEqual(['us-east-1']);
  });

  test('every price says where it came from and when', () => {
    expect(prices.takenOn).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    for (const priced of [...Object.values(prices.idle), ...Object.values(prices.usage), prices.ec2Hour, prices.cacheNodeHour]) {
      expect(priced.source).toMatch(/^https:\/\/aws\.amazon\.com\//);
    }
  });

  test('NAT modes from the same data', () => {
    expect(natModeCosts(prices).map((r) => [r.mode, r.monthly])).toEqual([
      ['perAz (3 AZs)', 109.5], ['single', 36.5], ['instance', 7.36], ['none', 0],
    ]);
  });
});
