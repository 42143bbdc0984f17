import * as fs from 'fs';
import * as path from 'path';
import { CfnResource, CfnTemplate, refsIn, resourcesOf } from './template';

/** A price and the page it was taken from. */
interface Priced<T = number> {
  readonly price: T;
  readonly source: string;
}

/** A usage-priced item: charged per use, not for standing still. */
export interface UsagePrice {
  readonly item: string;
  readonly unit: string;
  readonly price: number;
  readonly source: string;
}

/** The price data of one region (lib/docs/prices/<region>.json). */
export interface PriceData {
  readonly region: string;
  readonly takenOn: string;
  readonly note: string;
  readonly hoursPerMonth: number;
  readonly idle: {
    readonly natGatewayHour: Priced;
    readonly publicIpv4Hour: Priced;
    readonly interfaceEndpointAzHour: Priced;
    readonly applicationLoadBalancerHour: Priced;
    readonly gp3GbMonth: Priced;
    readonly kmsKeyMonth: Priced;
    readonly wafWebAclMonth: Priced;
    readonly wafRuleMonth: Priced;
    readonly alarmMetricMonth: Priced;
    readonly apiGatewayCacheHour: Priced<Record<string, number>>;
    readonly lambdaProvisionedArmGbSecond: Priced;
    readonly lambdaProvisionedX86GbSecond: Priced;
    readonly auroraServerlessV2AcuHour: Priced;
    readonly databaseInsightsAdvancedAcuHour: Priced;
    readonly secretMonth: Priced;
    /** RDS Proxy in front of Aurora Serverless v2, per ACU-hour of the cluster, with a minimum of 8 ACUs. */
    readonly rdsProxyServerlessAcuHour: Priced;
    readonly hostedZoneMonth: Priced;
    /** A health check of an endpoint in AWS (load balancer, CloudFront, API Gateway), before the first 50 free ones. */
    readonly healthCheckAwsEndpointMonth: Priced;
    /** Each optional feature of a health check (HTTPS, string matching, fast interval, latency). */
    readonly healthCheckOptionalFeatureMonth: Priced;
    readonly kinesisShardHour: Priced;
    readonly kinesisExtendedRetentionShardHour: Priced;
    readonly kinesisOnDemandStreamHour: Priced;
    readonly kinesisEnhancedFanOutConsumerShardHour: Priced;
  };
  readonly ec2Hour: { readonly source: string; readonly price: Record<string, number> };
  /** Node-based ElastiCache, per node-hour; Valkey lists 20% below Redis OSS (Memcached prices as Redis OSS). */
  readonly cacheNodeHour: { readonly source: string; readonly valkey: Record<string, number>; readonly redisOss: Record<string, number> };
  readonly usage: Record<string, UsagePrice>;
}

const PRICES_DIR = path.join(__dirname, 'prices');

/** Regions that have price data. */
export function pricedRegions(): string[] {
  return fs.readdirSync(PRICES_DIR).filter((f) => f.endsWith('.json')).map((f) => f.slice(0, -5)).sort();
}

/** The price data of a region; a clear error naming the regions that have data otherwise. */
export function loadPrices(region = 'us-east-1'): PriceData {
  const regions = pricedRegions();
  if (!regions.includes(region)) {
    throw new Error(`No price data for region "${region}"; prices exist for: ${regions.join(', ')}. Add lib/docs/prices/${region}.json to estimate there.`);
  }
  return JSON.parse(fs.readFileSync(path.join(PRICES_DIR, `${region}.json`), 'utf8'));
}

/** One resource's idle cost. */
export interface CostLine {
  readonly logicalId: string;
  readonly type: string;
  readonly what: string;
  readonly monthly: number;
}

/** A stack's estimate. */
export interface StackEstimate {
  /** Resources that cost money standing still. */
  readonly lines: CostLine[];
  /** Resources that cost nothing idle (free, or charged only per use). */
  readonly idleFree: { readonly logicalId: string; readonly type: string }[];
  /** Resources of types the estimator does not know: never silently dropped. */
  readonly notPriced: { readonly logicalId: string; readonly type: string }[];
  /** Per-use prices that apply to the stack's resources. */
  readonly usage: UsagePrice[];
  /** Sum of the lines, per month. */
  readonly total: number;
}

type Resources = Record<string, CfnResource>;
type IdleRule = (id: string, r: CfnResource, all: Resources, p: PriceData) => CostLine[];
/** The usage price keys of a resource: fixed per type, or read from its properties. */
type UsageOf = string[] | ((r: CfnResource) => string[]);

const perMonth = (hourly: number, p: PriceData) => hourly * p.hoursPerMonth;
const line = (logicalId: string, type: string, what: string, monthly: number): CostLine => ({ logicalId, type, what, monthly });

/** Types that cost money standing still, and how much. */
const IDLE_RULES: Record<string, IdleRule> = {
  'AWS::EC2::NatGateway': (id, r, _a, p) => [line(id, r.Type, 'NAT gateway hours', perMonth(p.idle.natGatewayHour.price, p))],
  'AWS::EC2::EIP': (id, r, _a, p) => [line(id, r.Type, 'Public IPv4 address hours', perMonth(p.idle.publicIpv4Hour.price, p))],
  'AWS::EC2::Instance': (id, r, _a, p) => instanceLines(id, r, r.Properties?.InstanceType, r.Properties?.BlockDeviceMappings, 1, p, publicIpOf(r)),
  'AWS::AutoScaling::AutoScalingGroup': autoScalingLines,
  'AWS::EC2::VPCEndpoint': (id, r, _a, p) => r.Properties?.VpcEndpointType === 'Interface'
    ? [line(id, r.Type, `Interface endpoint hours x ${(r.Properties.SubnetIds ?? []).length} AZ`, perMonth(p.idle.interfaceEndpointAzHour.price, p) * (r.Properties.SubnetIds ?? []).length)]
    : [],
  'AWS::ElasticLoadBalancingV2::LoadBalancer': loadBalancerLines,
  'AWS::KMS::Key': (id, r, _a, p) => [line(id, r.Type, 'KMS key', p.idle.kmsKeyMonth.price)],
  'AWS::WAFv2::WebACL': (id, r, _a, p) => {
    const rules = (r.Properties?.Rules ?? []).length;
    return [line(id, r.Type, `WAF web ACL and ${rules} rules`, p.idle.wafWebAclMonth.price + rules * p.idle.wafRuleMonth.price)];
  },
  'AWS::CloudWatch::Alarm': (id, r, _a, p) => {
    const metrics = r.Properties?.Metrics ? r.Properties.Metrics.filter((m: { MetricStat?: unknown }) => m.MetricStat).length : 1;
    return [line(id, r.Type, `Alarm on ${metrics} metric${metrics > 1 ? 's' : ''}`, metrics * p.idle.alarmMetricMonth.price)];
  },
  'AWS::ApiGateway::Stage': (id, r, _a, p) => {
    if (!r.Properties?.CacheClusterEnabled) return [];
    const size = String(r.Properties.CacheClusterSize ?? '0.5');
    return [line(id, r.Type, `API cache ${size} GB hours`, perMonth(p.idle.apiGatewayCacheHour.price[size] ?? NaN, p))];
  },
  'AWS::Lambda::Alias': provisionedConcurrencyLines,
  'AWS::RDS::DBCluster': auroraServerlessLines,
  'AWS::RDS::DBInstance': (id, r) => r.Properties?.DBInstanceClass === 'db.serverless' ? [] // its capacity is the cluster's line
    : [line(id, r.Type, `1 x ${r.Properties?.DBInstanceClass ?? 'unknown class'} DB instance hours (class not in the price data)`, NaN)],
  'AWS::ElastiCache::ReplicationGroup': (id, r, _a, p) => cacheNodeLines(id, r, r.Properties?.CacheNodeType, replicationGroupNodes(r.Properties ?? {}), p),
  'AWS::ElastiCache::CacheCluster': (id, r, _a, p) => cacheNodeLines(id, r, r.Properties?.CacheNodeType, Number(r.Properties?.NumCacheNodes ?? 1), p),
  'AWS::SecretsManager::Secret': (id, r, _a, p) => [line(id, r.Type, 'Secrets Manager secret', p.idle.secretMonth.price)],
  // Idle, a Serverless v2 cluster is below the proxy's 8-ACU minimum, which is what it bills.
  'AWS::RDS::DBProxy': (id, r, _a, p) => [line(id, r.Type, 'RDS Proxy on Aurora Serverless v2, 8 ACU minimum', 8 * perMonth(p.idle.rdsProxyServerlessAcuHour.price, p))],
  'AWS::Route53::HostedZone': (id, r, _a, p) => [line(id, r.Type, 'Hosted zone', p.idle.hostedZoneMonth.price)],
  'AWS::Route53::HealthCheck': healthCheckLines,
  'AWS::Kinesis::Stream': kinesisStreamLines,
  'AWS::Kinesis::StreamConsumer': (id, r, all, p) => {
    const [streamId] = refsIn(r.Properties?.StreamARN);
    const shards = streamShards(all[streamId]);
    return [line(id, r.Type, `Enhanced fan-out consumer x ${shards.label}`, shards.count * perMonth(p.idle.kinesisEnhancedFanOutConsumerShardHour.price, p))];
  },
};

/** Types that cost nothing standing still: free, or priced per use (the keys name the usage prices). */
const IDLE_FREE: Record<string, UsageOf> = {
  'AWS::EC2::VPC': [], 'AWS::EC2::Subnet': [], 'AWS::EC2::RouteTable': [], 'AWS::EC2::Route': [],
  'AWS::EC2::SubnetRouteTableAssociation': [], 'AWS::EC2::InternetGateway': ['dataOutGb'], 'AWS::EC2::VPCGatewayAttachment': [],
  'AWS::EC2::NetworkAcl': [], 'AWS::EC2::NetworkAclEntry': [], 'AWS::EC2::SubnetNetworkAclAssociation': [],
  'AWS::EC2::SecurityGroup': [], 'AWS::EC2::SecurityGroupIngress': [], 'AWS::EC2::SecurityGroupEgress': [],
  'AWS::EC2::FlowLog': ['logsIngestGb'], 'AWS::EC2::LaunchTemplate': [],
  'AWS::IAM::Role': [], 'AWS::IAM::Policy': [], 'AWS::IAM::ManagedPolicy': [], 'AWS::IAM::InstanceProfile': [],
  'AWS::Logs::LogGroup': ['logsIngestGb', 'logsStorageGbMonth'],
  'AWS::SNS::Topic': ['snsPublishes'], 'AWS::SNS::TopicPolicy': [], 'AWS::SNS::Subscription': [],
  'AWS::SQS::Queue': ['sqsRequests'], 'AWS::SQS::QueuePolicy': [],
  'AWS::Lambda::Function': ['lambdaRequests', 'lambdaArmGbSecond'], 'AWS::Lambda::EventSourceMapping': [],
  'AWS::Lambda::Permission': [], 'AWS::Lambda::Version': [],
  'AWS::DynamoDB::Table': ['dynamoDbWrites', 'dynamoDbReads', 'dynamoDbStorageGbMonth', 'dynamoDbPitrGbMonth'],
  'AWS::ApiGateway::RestApi': ['apiGatewayRequests'], 'AWS::ApiGateway::Resource': [], 'AWS::ApiGateway::Method': [],
  'AWS::ApiGateway::Deployment': [], 'AWS::ApiGateway::Account': [], 'AWS::ApiGateway::Model': [],
  'AWS::ApiGateway::RequestValidator': [], 'AWS::ApiGateway::ClientCertificate': [], 'AWS::ApiGateway::Authorizer': [],
  'AWS::ApiGateway::UsagePlan': [], 'AWS::ApiGateway::UsagePlanKey': [], 'AWS::ApiGateway::ApiKey': [],
  'AWS::Cognito::UserPool': ['cognitoMau'], 'AWS::Cognito::UserPoolClient': [],
  'AWS::S3::Bucket': ['s3StorageGbMonth', 's3Puts', 's3Gets'], 'AWS::S3::BucketPolicy': [],
  'AWS::CloudFront::Distribution': ['cloudFrontGb', 'cloudFrontHttpsRequests'], 'AWS::CloudFront::CloudFrontOriginAccessIdentity': [],
  'AWS::CloudFront::OriginAccessControl': [], 'AWS::CloudFront::ResponseHeadersPolicy': [],
  'AWS::ElasticLoadBalancingV2::Listener': ['albLcuHour'], 'AWS::ElasticLoadBalancingV2::TargetGroup': [],
  'AWS::ElasticLoadBalancingV2::ListenerRule': [],
  'AWS::AutoScaling::ScalingPolicy': [], 'AWS::AutoScaling::ScheduledAction': [],
  'AWS::WAFv2::WebACLAssociation': ['wafRequests'], 'AWS::WAFv2::LoggingConfiguration': [],
  'AWS::KMS::Alias': [], 'AWS::CDK::Metadata': [], 'AWS::Lambda::LayerVersion': [],
  // The data tier: capacity is priced on the cluster and the cache; these cost nothing standing still.
  'AWS::RDS::DBSubnetGroup': [], 'AWS::RDS::DBProxyTargetGroup': [], 'AWS::RDS::DBClusterParameterGroup': [], 'AWS::RDS::DBParameterGroup': [],
  'AWS::ElastiCache::SubnetGroup': [], 'AWS::ElastiCache::ParameterGroup': [],
  'AWS::SecretsManager::RotationSchedule': ['secretsManagerApiCalls'], 'AWS::SecretsManager::ResourcePolicy': [],
  'AWS::SecretsManager::SecretTargetAttachment': [],
  'AWS::Backup::BackupVault': ['backupAuroraGbMonth'], 'AWS::Backup::BackupPlan': ['backupAuroraGbMonth', 'backupCrossRegionTransferGb'], 'AWS::Backup::BackupSelection': ['backupDynamoDbGbMonth', 'backupS3GbMonth'],
  // Copies cost the destination's storage and the transfer between regions; a restore test, what it restores while it exists.
  'AWS::Backup::RestoreTestingPlan': [], 'AWS::Backup::RestoreTestingSelection': [],
  // The security baseline: every service of it charges per event, item, check or GB, none by the hour.
  'AWS::CloudTrail::Trail': (r) => ['cloudTrailManagementEvents', ...(hasDataEvents(r) ? ['cloudTrailDataEvents'] : [])],
  'AWS::Logs::MetricFilter': ['customMetricMonth'],
  'AWS::Config::ConfigurationRecorder': ['configItems'], 'AWS::Config::DeliveryChannel': [],
  'AWS::Config::ConfigRule': ['configRuleEvaluations'],
  'AWS::GuardDuty::Detector': (r) => ['guardDutyCloudTrailEvents', 'guardDutyFlowAndDnsGb', ...(guardDutyS3(r) ? ['guardDutyS3DataEvents'] : [])],
  'AWS::SecurityHub::Hub': ['securityHubChecks', 'securityHubFindings'], 'AWS::SecurityHub::Standard': ['securityHubChecks'],
  'AWS::AccessAnalyzer::Analyzer': (r) => [/UNUSED_ACCESS/.test(String(r.Properties?.Type)) ? 'accessAnalyzerUnusedAccess' : 'accessAnalyzerExternalAccess'],
  // A rule on the default bus matches AWS services' events (free); a custom bus's events are priced on the bus.
  'AWS::Events::Rule': (r) => (r.Properties?.EventPattern && !r.Properties?.EventBusName ? ['eventBridgeAwsServiceEvents'] : []),
  // Streaming: priced per GB, event, object or query, none by the hour.
  'AWS::KinesisFirehose::DeliveryStream': ['firehoseIngestGb'], 'AWS::Logs::LogStream': [],
  'AWS::Glue::Database': [], 'AWS::Glue::Table': ['glueCatalogObjects'], 'AWS::Athena::WorkGroup': ['athenaTbScanned'],
  'AWS::Events::EventBus': ['eventBridgeCustomEvents'], 'AWS::Events::EventBusPolicy': [],
  'AWS::Events::Archive': ['eventBridgeArchiveGb', 'eventBridgeArchiveStorageGbMonth'],
  'AWS::Organizations::Policy': [],
  // The domain: records are charged per query (alias queries to AWS resources are free), certificates and DNSSEC nothing.
  'AWS::Route53::RecordSet': ['route53Queries'], 'AWS::Route53::KeySigningKey': [], 'AWS::Route53::DNSSEC': [],
  'AWS::CertificateManager::Certificate': [], 'AWS::ApiGateway::DomainName': [], 'AWS::ApiGateway::BasePathMapping': [],
  'AWS::Logs::ResourcePolicy': [],
};

/** A health check: the base price, plus each optional feature it uses (HTTPS, string matching, 10-second interval, latency). */
function healthCheckLines(id: string, r: CfnResource, _all: Resources, p: PriceData): CostLine[] {
  const config = r.Properties?.HealthCheckConfig ?? {};
  const features = [
    /^HTTPS/.test(String(config.Type)) ? 'HTTPS' : undefined,
    /STR_MATCH$/.test(String(config.Type)) ? 'string matching' : undefined,
    Number(config.RequestInterval) === 10 ? 'fast interval' : undefined,
    config.MeasureLatency === true ? 'latency' : undefined,
  ].filter((f): f is string => f !== undefined);
  const what = `Health check, ${features.length ? features.join(', ') : 'basic'}`;
  return [line(id, r.Type, what, p.idle.healthCheckAwsEndpointMonth.price + features.length * p.idle.healthCheckOptionalFeatureMonth.price)];
}

/** NAT gateways also charge per GB; interface endpoints too. */
const USAGE_OF_IDLE_TYPES: Record<string, UsageOf> = {
  'AWS::EC2::NatGateway': ['natGatewayGb'],
  'AWS::EC2::VPCEndpoint': ['interfaceEndpointGb'],
  'AWS::KMS::Key': ['kmsRequests'],
  'AWS::WAFv2::WebACL': ['wafRequests'],
  'AWS::RDS::DBCluster': (r) => r.Properties?.ServerlessV2ScalingConfiguration
    ? ['auroraAcuHour', 'auroraStorageGbMonth', 'auroraIoRequests', 'auroraBackupGbMonth', ...(advancedInsights(r) ? ['databaseInsightsAdvancedAcuHour'] : [])]
    : ['auroraStorageGbMonth', 'auroraIoRequests', 'auroraBackupGbMonth'],
  // Enhanced Monitoring writes OS metrics to CloudWatch Logs (RDSOSMetrics).
  'AWS::RDS::DBInstance': (r) => (Number(r.Properties?.MonitoringInterval ?? 0) > 0 ? ['logsIngestGb'] : []),
  'AWS::ElastiCache::ReplicationGroup': ['cacheSnapshotGbMonth'],
  'AWS::ElastiCache::CacheCluster': ['cacheSnapshotGbMonth'],
  'AWS::SecretsManager::Secret': ['secretsManagerApiCalls'],
  'AWS::Kinesis::Stream': (r) => (onDemand(r) ? ['kinesisOnDemandIngestGb', 'kinesisOnDemandRetrievalGb', 'kinesisOnDemandRetentionGbMonth'] : ['kinesisPutPayloadUnits']),
  'AWS::Kinesis::StreamConsumer': ['kinesisEnhancedFanOutGb'],
};

const usageOf = (keys: UsageOf | undefined, r: CfnResource): string[] => (typeof keys === 'function' ? keys(r) : keys ?? []);

/** Estimates what a synthesized stack costs per month standing idle. */
export function estimateStack(template: CfnTemplate, prices: PriceData): StackEstimate {
  const all = template.Resources ?? {};
  const lines: CostLine[] = [];
  const idleFree: StackEstimate['idleFree'] = [];
  const notPriced: StackEstimate['notPriced'] = [];
  const usageKeys = new Set<string>();
  for (const [id, r] of resourcesOf(template)) {
    const rule = IDLE_RULES[r.Type];
    const free = IDLE_FREE[r.Type] ?? (r.Type.startsWith('Custom::') ? [] : undefined);
    if (rule) {
      const priced = rule(id, r, all, prices);
      if (priced.length === 0) idleFree.push({ logicalId: id, type: r.Type });
      lines.push(...priced);
      usageOf(USAGE_OF_IDLE_TYPES[r.Type], r).forEach((k) => usageKeys.add(k));
    } else if (free) {
      idleFree.push({ logicalId: id, type: r.Type });
      usageOf(free, r).forEach((k) => usageKeys.add(k));
    } else {
      notPriced.push({ logicalId: id, type: r.Type });
    }
  }
  const usage = [...usageKeys].sort().map((k) => prices.usage[k]);
  return { lines, idleFree, notPriced, usage, total: round(lines.reduce((sum, l) => sum + l.monthly, 0)) };
}

/** Rounds to cents. */
export function round(amount: number): number {
  return Math.round(amount * 100) / 100;
}

function instanceLines(id: string, r: CfnResource, instanceType: string | undefined, blockDevices: any[] | undefined,
  count: number, p: PriceData, publicIp: boolean): CostLine[] {
  const hourly = instanceType ? p.ec2Hour.price[instanceType] : undefined;
  const lines = [line(id, r.Type, `${count} x ${instanceType ?? 'unknown type'} instance hours${hourly === undefined ? ' (type not in the price data)' : ''}`,
    hourly === undefined ? NaN : count * perMonth(hourly, p))];
  // Without an explicit size, Amazon Linux 2023's 8 GB root volume is assumed.
  const gb = (blockDevices ?? []).reduce((sum: number, d: any) => sum + (d.Ebs?.VolumeSize ?? 0), 0) || 8;
  lines.push(line(id, r.Type, `${count} x ${gb} GB gp3 volume`, count * gb * p.idle.gp3GbMonth.price));
  if (publicIp) lines.push(line(id, r.Type, `${count} x public IPv4 address hours`, count * perMonth(p.idle.publicIpv4Hour.price, p)));
  return lines;
}

function publicIpOf(r: CfnResource): boolean {
  return (r.Properties?.NetworkInterfaces ?? []).some((n: { AssociatePublicIpAddress?: boolean }) => n.AssociatePublicIpAddress);
}

/**
 * An Application Load Balancer's hours and, when internet-facing (the default
 * scheme), the public IPv4 address its node holds in each AZ: billed per hour
 * since February 2024, at least one per subnet, more while it scales out.
 */
function loadBalancerLines(id: string, r: CfnResource, _all: Resources, p: PriceData): CostLine[] {
  const props = r.Properties ?? {};
  if ((props.Type ?? 'application') !== 'application') return [];
  const lines = [line(id, r.Type, 'Application Load Balancer hours', perMonth(p.idle.applicationLoadBalancerHour.price, p))];
  if ((props.Scheme ?? 'internet-facing') === 'internet-facing') {
    const subnets = props.SubnetMappings ?? props.Subnets;
    // A list resolved only at deploy (one token) leaves the AZ count, and so the total, unknown.
    const azs = Array.isArray(subnets) ? subnets.length : NaN;
    lines.push(line(id, r.Type, `Public IPv4 address hours x ${Number.isNaN(azs) ? 'unknown number of' : azs} AZ`, azs * perMonth(p.idle.publicIpv4Hour.price, p)));
  }
  return lines;
}

/** Idle instances of a group: its desired count, else its minimum. */
function autoScalingLines(id: string, r: CfnResource, all: Resources, p: PriceData): CostLine[] {
  const props = r.Properties ?? {};
  const count = Number(props.DesiredCapacity ?? props.MinSize ?? 0);
  const [templateId] = refsIn(props.LaunchTemplate);
  const data = all[templateId]?.Properties?.LaunchTemplateData ?? {};
  if (count === 0) return [];
  return instanceLines(id, r, data.InstanceType, data.BlockDeviceMappings, count, p, false);
}

/** Provisioned concurrency bills every second it is configured. */
function provisionedConcurrencyLines(id: string, r: CfnResource, all: Resources, p: PriceData): CostLine[] {
  const count = r.Properties?.ProvisionedConcurrencyConfig?.ProvisionedConcurrentExecutions;
  if (!count) return [];
  const [fnId] = refsIn(r.Properties?.FunctionName);
  const fn = all[fnId]?.Properties ?? {};
  const gb = (fn.MemorySize ?? 128) / 1024;
  const arm = (fn.Architectures ?? ['x86_64']).includes('arm64');
  const perGbSecond = arm ? p.idle.lambdaProvisionedArmGbSecond.price : p.idle.lambdaProvisionedX86GbSecond.price;
  return [line(id, r.Type, `Provisioned concurrency ${count} x ${fn.MemorySize ?? 128} MB`, count * gb * perGbSecond * p.hoursPerMonth * 3600)];
}

/**
 * Aurora Serverless v2 bills each instance (writer and readers) its minimum
 * ACUs every hour, and advanced Database Insights bills the same ACU-hours
 * again; a minimum of 0 pauses when idle, leaving storage only.
 */
function auroraServerlessLines(id: string, r: CfnResource, all: Resources, p: PriceData): CostLine[] {
  const scaling = r.Properties?.ServerlessV2ScalingConfiguration;
  if (!scaling) return [];
  const instances = Object.values(all).filter((i) => i.Type === 'AWS::RDS::DBInstance'
    && i.Properties?.DBInstanceClass === 'db.serverless' && refsIn(i.Properties?.DBClusterIdentifier).includes(id)).length;
  const min = typeof scaling.MinCapacity === 'number' ? scaling.MinCapacity : NaN;
  const count = `${instances} instance${instances === 1 ? '' : 's'}`;
  if (r.Properties?.StorageType === 'aurora-iopt1') {
    return [line(id, r.Type, `Aurora Serverless v2 ${count} x ${min} ACU minimum (I/O-Optimized not in the price data)`, NaN)];
  }
  if (min === 0) return [line(id, r.Type, `Aurora Serverless v2 ${count} x 0 ACU minimum: $0 idle, paused (storage only)`, 0)];
  const acuHours = instances * min * p.hoursPerMonth;
  const lines = [line(id, r.Type, `Aurora Serverless v2 ${count} x ${Number.isNaN(min) ? 'unknown' : min} ACU minimum`, acuHours * p.idle.auroraServerlessV2AcuHour.price)];
  if (advancedInsights(r)) {
    lines.push(line(id, r.Type, `Database Insights advanced on ${count} x ${min} ACU minimum`, acuHours * p.idle.databaseInsightsAdvancedAcuHour.price));
  }
  return lines;
}

function advancedInsights(r: CfnResource): boolean {
  return r.Properties?.DatabaseInsightsMode === 'advanced';
}

const onDemand = (r: CfnResource | undefined) => r?.Properties?.StreamModeDetails?.StreamMode === 'ON_DEMAND';

/** An on-demand stream starts with (and idles at) 4 shards' capacity; a provisioned one has its shard count. */
function streamShards(r: CfnResource | undefined): { count: number; label: string } {
  if (onDemand(r)) return { count: 4, label: '4 shards (an idle on-demand stream\'s)' };
  const count = typeof r?.Properties?.ShardCount === 'number' ? r.Properties.ShardCount : NaN;
  return { count, label: `${Number.isNaN(count) ? 'unknown' : count} shard${count === 1 ? '' : 's'}` };
}

/**
 * A provisioned stream bills every shard-hour, and retention beyond 24 hours
 * per shard-hour again; an on-demand stream bills a stream-hour (its data and
 * extended retention are priced per GB).
 */
function kinesisStreamLines(id: string, r: CfnResource, _all: Resources, p: PriceData): CostLine[] {
  if (onDemand(r)) return [line(id, r.Type, 'Kinesis on-demand stream hours', perMonth(p.idle.kinesisOnDemandStreamHour.price, p))];
  const shards = streamShards(r);
  const lines = [line(id, r.Type, `Kinesis ${shards.label} hours`, shards.count * perMonth(p.idle.kinesisShardHour.price, p))];
  const retentionHours = Number(r.Properties?.RetentionPeriodHours ?? 24);
  if (retentionHours > 24) {
    lines.push(line(id, r.Type, `Kinesis extended retention (${retentionHours} h) x ${shards.label}`, shards.count * perMonth(p.idle.kinesisExtendedRetentionShardHour.price, p)));
  }
  return lines;
}

/** Nodes of a replication group: its cache clusters, else shards x (replicas + 1). */
function replicationGroupNodes(props: Record<string, any>): number {
  if (props.NumCacheClusters !== undefined) return Number(props.NumCacheClusters);
  if (props.NumNodeGroups !== undefined) return Number(props.NumNodeGroups) * (Number(props.ReplicasPerNodeGroup ?? 0) + 1);
  return 1;
}

/** Node-based ElastiCache bills every node-hour; Valkey at its own (lower) prices, Redis OSS and Memcached at Redis OSS's. */
function cacheNodeLines(id: string, r: CfnResource, nodeType: string | undefined, nodes: number, p: PriceData): CostLine[] {
  const valkey = String(r.Properties?.Engine ?? 'redis').toLowerCase() === 'valkey';
  const hourly = nodeType ? (valkey ? p.cacheNodeHour.valkey : p.cacheNodeHour.redisOss)[nodeType] : undefined;
  return [line(id, r.Type, `${nodes} x ${nodeType ?? 'unknown type'} ${valkey ? 'Valkey' : 'Redis OSS'} node hours${hourly === undefined ? ' (type not in the price data)' : ''}`,
    hourly === undefined ? NaN : nodes * perMonth(hourly, p))];
}

/** A trail logs data events when an event selector names data resources, or an advanced selector picks anything but management events. */
function hasDataEvents(r: CfnResource): boolean {
  const props = r.Properties ?? {};
  return (props.EventSelectors ?? []).some((s: { DataResources?: unknown[] }) => (s.DataResources ?? []).length > 0)
    || JSON.stringify(props.AdvancedEventSelectors ?? []).includes('"Data"');
}

function guardDutyS3(r: CfnResource): boolean {
  const props = r.Properties ?? {};
  return (props.Features ?? []).some((f: { Name: string; Status: string }) => f.Name === 'S3_DATA_EVENTS' && f.Status === 'ENABLED')
    || props.DataSources?.S3Logs?.Enable === true;
}

/** Idle monthly cost of each NAT mode (the Network section's table), from the price data. */
export function natModeCosts(p: PriceData, azs = 3): { mode: string; monthly: number; what: string }[] {
  const nat = perMonth(p.idle.natGatewayHour.price, p);
  const ip = perMonth(p.idle.publicIpv4Hour.price, p);
  const nano = perMonth(p.ec2Hour.price['t4g.nano'], p);
  const volume = 8 * p.idle.gp3GbMonth.price;
  const usd = (n: number) => `$${n.toFixed(2)}`;
  return [
    { mode: `perAz (${azs} AZs)`, monthly: round(azs * (nat + ip)), what: `${azs} NAT gateways x ${usd(nat)}, ${azs} public IPv4 x ${usd(ip)}` },
    { mode: 'single', monthly: round(nat + ip), what: `1 NAT gateway ${usd(nat)}, 1 public IPv4 ${usd(ip)}` },
    { mode: 'instance', monthly: round(nano + volume + ip), what: `t4g.nano ${usd(nano)}, 8 GB gp3 ${usd(volume)}, 1 public IPv4 ${usd(ip)}` },
    { mode: 'none', monthly: 0, what: 'nothing' },
  ];
}
