import { CfnResource, CfnTemplate, importsIn, refsIn, resourcesOf } from './template';

// A Mermaid flowchart of a synthesized stack: the components a reader cares
// about, how requests and messages flow between them, and the network
// boundaries as groups. Plumbing (IAM, keys, policies, custom-resource
// providers, route tables, ACL entries) is left out.

interface Node { readonly id: string; readonly label: string; readonly shape: 'box' | 'db' | 'round' | 'stadium'; readonly group?: string }
interface Edge { readonly from: string; readonly to: string; readonly label?: string; readonly dotted?: boolean }
interface Group { readonly id: string; readonly label: string; readonly parent?: string }

/** What a diagram is drawn from. */
export interface DiagramInput {
  readonly template: CfnTemplate;
  /** Construct id the stack's logical ids start with (`FanOut`), dropped from labels. */
  readonly prefix?: string;
}

const TIERS = ['Public', 'Private', 'Isolated'] as const;

class Diagram {
  readonly nodes = new Map<string, Node>();
  readonly edges: Edge[] = [];
  readonly groups = new Map<string, Group>();

  node(n: Node): void { if (!this.nodes.has(n.id)) this.nodes.set(n.id, n); }
  group(g: Group): void { if (!this.groups.has(g.id)) this.groups.set(g.id, g); }
  edge(e: Edge): void {
    if (e.from === e.to || this.edges.some((x) => x.from === e.from && x.to === e.to && x.label === e.label)) return;
    this.edges.push(e);
  }

  render(direction: 'LR' | 'TB'): string {
    const lines = [`flowchart ${direction}`];
    const renderGroup = (parent: string | undefined, indent: string): void => {
      for (const g of [...this.groups.values()].filter((x) => x.parent === parent)) {
        lines.push(`${indent}subgraph ${g.id}["${g.label}"]`);
        renderGroup(g.id, `${indent}  `);
        for (const n of [...this.nodes.values()].filter((x) => x.group === g.id)) lines.push(`${indent}  ${shape(n)}`);
        lines.push(`${indent}end`);
      }
    };
    renderGroup(undefined, '  ');
    for (const n of [...this.nodes.values()].filter((x) => !x.group)) lines.push(`  ${shape(n)}`);
    for (const e of this.edges) {
      const arrow = e.dotted ? '-.->' : '-->';
      lines.push(`  ${e.from} ${arrow}${e.label ? `|"${e.label}"|` : ''} ${e.to}`);
    }
    return lines.join('\n');
  }
}

function shape(n: Node): string {
  const label = n.label.replace(/"/g, "'");
  switch (n.shape) {
    case 'db': return `${n.id}[("${label}")]`;
    case 'round': return `${n.id}(["${label}"])`;
    case 'stadium': return `${n.id}(("${label}"))`;
    default: return `${n.id}["${label}"]`;
  }
}

/** Draws a stack as a Mermaid flowchart. */
export function mermaidDiagram(input: DiagramInput): string {
  const d = new Diagram();
  const all = input.template.Resources ?? {};
  const name = (id: string) => shortName(id, input.prefix);
  const kind = (id: string) => all[id]?.Type;
  drawNetwork(d, all);
  drawImportedNetwork(d, all);
  for (const [id, r] of resourcesOf(input.template)) {
    const p = r.Properties ?? {};
    switch (r.Type) {
      case 'AWS::ElasticLoadBalancingV2::LoadBalancer':
        d.node({ id, label: `Application Load Balancer<br/>${p.Scheme ?? ''}`, shape: 'box', group: importedTier(p.Subnets) });
        d.node({ id: 'users', label: 'Users', shape: 'round' });
        d.edge({ from: 'users', to: wafFor(id, all) ?? id, label: 'HTTP/HTTPS' });
        for (const b of refsIn(attribute(p.LoadBalancerAttributes, 'access_logs.s3.bucket'))) d.edge({ from: id, to: b, label: 'access logs', dotted: true });
        break;
      case 'AWS::AutoScaling::AutoScalingGroup': {
        const lt = all[refsIn(p.LaunchTemplate)[0]]?.Properties?.LaunchTemplateData ?? {};
        d.node({ id, label: `Auto Scaling group<br/>${p.MinSize}-${p.MaxSize} x ${lt.InstanceType ?? 'EC2'}`, shape: 'box', group: importedTier(p.VPCZoneIdentifier) });
        for (const t of refsIn(p.NotificationConfigurations)) d.edge({ from: id, to: t, label: 'scaling events', dotted: true });
        break;
      }
      case 'AWS::ElasticLoadBalancingV2::Listener':
        for (const tg of refsIn(p.DefaultActions)) {
          const group = Object.entries(all).find(([, x]) => x.Type === 'AWS::AutoScaling::AutoScalingGroup' && refsIn(x.Properties?.TargetGroupARNs).includes(tg));
          const health = all[tg]?.Properties?.HealthCheckPath;
          if (group) d.edge({ from: refsIn(p.LoadBalancerArn)[0], to: group[0], label: `${p.Protocol} :${p.Port}${health ? `, health ${health}` : ''}` });
        }
        break;
      case 'AWS::WAFv2::WebACL':
        d.node({ id, label: 'WAF web ACL<br/>managed rules, rate limit', shape: 'box' });
        break;
      case 'AWS::WAFv2::WebACLAssociation': {
        const [acl] = refsIn(p.WebACLArn);
        const target = refsIn(p.ResourceArn).map((t) => kind(t) === 'AWS::ApiGateway::Stage' ? refsIn(all[t].Properties?.RestApiId)[0] : t)[0];
        if (acl && target) d.edge({ from: acl, to: target, label: 'filtered' });
        break;
      }
      case 'AWS::S3::Bucket':
        d.node({ id, label: `S3 bucket<br/>${name(id)}`, shape: 'db' });
        for (const b of refsIn(p.LoggingConfiguration)) d.edge({ from: id, to: b, label: 'access logs', dotted: true });
        break;
      case 'AWS::CloudFront::Distribution':
        drawDistribution(d, id, p.DistributionConfig ?? {}, all);
        break;
      case 'Custom::CDKBucketDeployment':
        d.node({ id, label: 'Content deployment<br/>on every cdk deploy', shape: 'box' });
        for (const b of refsIn(p.DestinationBucketName)) d.edge({ from: id, to: b, label: 'upload' });
        for (const dist of refsIn(p.DistributionId)) d.edge({ from: id, to: dist, label: 'invalidate', dotted: true });
        break;
      case 'AWS::SNS::Topic':
        d.node({ id, label: `SNS topic${name(id) ? `<br/>${name(id)}` : ''}${p.FifoTopic ? ' (FIFO)' : ''}`, shape: 'box', group: alarmOnly(id, all) ? 'operations' : undefined });
        break;
      case 'AWS::SQS::Queue':
        if (eventTargetDeadLetter(id, all)) {
          d.node({ id, label: `EventBridge dead-letter queue<br/>${name(id).replace(/ Delivery$/, '')}`, shape: 'db' });
          break;
        }
        d.node({ id, label: `${/DeliveryDeadLetter/.test(id) ? 'SNS delivery dead-letter queue' : /DeadLetter/.test(id) ? 'SQS dead-letter queue' : 'SQS queue'}<br/>${name(id).replace(/ Delivery$/, '')}${p.FifoQueue ? ' (FIFO)' : ''}`, shape: /DeadLetter/.test(id) ? 'db' : 'box', group: alarmOnly(id, all) ? 'operations' : undefined });
        for (const dlq of refsIn(p.RedrivePolicy)) d.edge({ from: id, to: dlq, label: `after ${p.RedrivePolicy.maxReceiveCount} receives`, dotted: true });
        break;
      case 'AWS::SNS::Subscription':
        drawSubscription(d, p, all);
        break;
      case 'AWS::Lambda::Function':
        if (id.startsWith('Custom') || id.startsWith('AWS679f53fac')) break; // custom-resource providers are plumbing
        d.node({ id, label: `Lambda function<br/>${name(id)}`, shape: 'box' });
        for (const target of refsIn(p.Environment).filter((t) => ['AWS::DynamoDB::Table', 'AWS::SQS::Queue', 'AWS::SNS::Topic', 'AWS::S3::Bucket'].includes(kind(t) ?? ''))) {
          d.edge({ from: id, to: target, label: 'read/write' });
        }
        break;
      case 'AWS::Lambda::EventSourceMapping':
        for (const q of refsIn(p.EventSourceArn)) for (const fn of refsIn(p.FunctionName)) d.edge({ from: q, to: fn, label: `batches of ${p.BatchSize ?? 10}` });
        for (const q of refsIn(p.DestinationConfig?.OnFailure)) for (const fn of refsIn(p.FunctionName)) d.edge({ from: fn, to: q, label: 'batches given up on', dotted: true });
        break;
      case 'AWS::Kinesis::Stream':
      case 'AWS::KinesisFirehose::DeliveryStream':
      case 'AWS::Glue::Table':
      case 'AWS::Athena::WorkGroup':
      case 'AWS::Events::EventBus':
      case 'AWS::Events::Archive':
        drawStreaming(d, id, r, all);
        break;
      case 'AWS::DynamoDB::Table':
        d.node({ id, label: `DynamoDB table<br/>${name(id)}`, shape: 'db' });
        break;
      case 'AWS::ApiGateway::RestApi':
        d.node({ id, label: 'API Gateway REST API<br/>validation, throttling, logs', shape: 'box' });
        d.node({ id: 'clients', label: 'Clients', shape: 'round' });
        d.edge({ from: 'clients', to: wafFor(id, all) ?? id, label: 'HTTPS' });
        break;
      case 'AWS::ApiGateway::Method': {
        const api = refsIn(p.RestApiId)[0];
        for (const t of refsIn(p.Integration?.Uri)) {
          const fn = kind(t) === 'AWS::Lambda::Alias' ? refsIn(all[t].Properties?.FunctionName)[0] : t;
          if (kind(fn) === 'AWS::Lambda::Function') d.edge({ from: api, to: fn, label: 'proxy' });
        }
        break;
      }
      case 'AWS::ApiGateway::Authorizer':
        for (const pool of refsIn(p.ProviderARNs)) d.edge({ from: pool, to: refsIn(p.RestApiId)[0], label: 'tokens', dotted: true });
        break;
      case 'AWS::Cognito::UserPool':
        d.node({ id, label: 'Cognito user pool', shape: 'box' });
        break;
      default:
        break;
    }
  }
  drawDataStores(d, all);
  drawAlarms(d, all);
  drawSecurityServices(d, all);
  return d.render(Object.values(all).some((r) => r.Type === 'AWS::EC2::VPC') ? 'TB' : 'LR');
}

function drawDistribution(d: Diagram, id: string, config: Record<string, any>, all: Record<string, CfnResource>): void {
  d.node({ id, label: `CloudFront distribution<br/>HTTPS, ${config.HttpVersion ?? ''}, ${config.PriceClass ?? ''}`, shape: 'box' });
  d.node({ id: 'viewers', label: 'Viewers', shape: 'round' });
  d.edge({ from: 'viewers', to: id, label: 'HTTPS' });
  for (const origin of config.Origins ?? []) {
    const [bucket] = refsIn(origin.DomainName).filter((b) => all[b]?.Type === 'AWS::S3::Bucket');
    if (bucket) d.edge({ from: id, to: bucket, label: origin.S3OriginConfig?.OriginAccessIdentity ? 'read via OAI' : 'read via OAC' });
    else if (typeof origin.DomainName === 'string') {
      const originId = `origin_${origin.DomainName.replace(/[^A-Za-z0-9]/g, '_')}`;
      d.node({ id: originId, label: `HTTP origin<br/>${origin.DomainName}`, shape: 'box' });
      const pattern = (config.CacheBehaviors ?? []).find((b: { TargetOriginId: string }) => b.TargetOriginId === origin.Id)?.PathPattern;
      d.edge({ from: id, to: originId, label: `${pattern ?? ''} uncached`.trim() });
    }
  }
  for (const b of refsIn(config.Logging)) d.edge({ from: id, to: b, label: 'logs', dotted: true });
}

function drawSubscription(d: Diagram, p: Record<string, any>, all: Record<string, CfnResource>): void {
  const [topic] = refsIn(p.TopicArn);
  if (p.Protocol === 'email') {
    d.node({ id: 'email', label: 'E-mail', shape: 'round' });
    d.edge({ from: topic, to: 'email', dotted: true });
    return;
  }
  const [queue] = refsIn(p.Endpoint).filter((q) => all[q]?.Type === 'AWS::SQS::Queue');
  if (!queue) return;
  const filter = p.FilterPolicy ? Object.entries(p.FilterPolicy).map(([k, v]) => `${k}: ${JSON.stringify(v).replace(/"/g, '')}`).join(', ') : 'all';
  d.edge({ from: topic, to: queue, label: `${filter}${p.RawMessageDelivery ? ', raw' : ''}` });
  for (const dlq of refsIn(p.RedrivePolicy)) d.edge({ from: topic, to: dlq, label: 'undeliverable', dotted: true });
  d.node({ id: 'publishers', label: 'Publishers', shape: 'round' });
  d.edge({ from: 'publishers', to: topic, label: 'publish' });
}

/**
 * Databases and caches in their subnet tier, who may connect to them (security
 * group rules from another stack's group: the app tier), the password
 * rotation function and the backup plan.
 */
function drawDataStores(d: Diagram, all: Record<string, CfnResource>): void {
  const stores = new Map<string, string[]>();
  for (const [id, r] of Object.entries(all)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::RDS::DBCluster') {
      const scaling = p.ServerlessV2ScalingConfiguration;
      const instances = Object.values(all).filter((x) => x.Type === 'AWS::RDS::DBInstance' && refsIn(x.Properties?.DBClusterIdentifier).includes(id)).length;
      d.node({ id, label: `Aurora ${p.Engine} ${p.EngineVersion ?? ''}<br/>${scaling ? `Serverless v2, ${scaling.MinCapacity}-${scaling.MaxCapacity} ACU, ` : ''}${instances} instance${instances === 1 ? '' : 's'}`, shape: 'db', group: importedTier(all[refsIn(p.DBSubnetGroupName)[0]]?.Properties?.SubnetIds) });
      stores.set(id, refsIn(p.VpcSecurityGroupIds));
    } else if (r.Type === 'AWS::ElastiCache::ReplicationGroup') {
      d.node({ id, label: `ElastiCache ${p.Engine}<br/>${p.NumCacheClusters ?? 1} x ${p.CacheNodeType}${p.TransitEncryptionEnabled ? ', TLS' : ''}${p.AuthToken ? ' + AUTH' : ''}`, shape: 'db', group: importedTier(all[refsIn(p.CacheSubnetGroupName)[0]]?.Properties?.SubnetIds) });
      stores.set(id, refsIn(p.SecurityGroupIds));
    }
  }
  for (const r of Object.values(all).filter((x) => x.Type === 'AWS::EC2::SecurityGroupIngress' && importsIn(x.Properties?.SourceSecurityGroupId).length > 0)) {
    const store = [...stores].find(([, groups]) => groups.some((g) => refsIn(r.Properties?.GroupId).includes(g)))?.[0];
    if (!store) continue;
    d.node({ id: 'app_tier', label: 'App tier<br/>(security group of another stack)', shape: 'round' });
    d.edge({ from: 'app_tier', to: store, label: `TCP :${r.Properties?.FromPort}` });
  }
  for (const [id, r] of Object.entries(all)) {
    if (r.Type === 'AWS::SecretsManager::RotationSchedule' && r.Properties?.HostedRotationLambda) {
      d.node({ id, label: `Password rotation<br/>${r.Properties.HostedRotationLambda.RotationType} (hosted Lambda)`, shape: 'box', group: importedTier(r.Properties.HostedRotationLambda.VpcSubnetIds) });
      for (const cluster of [...stores.keys()].filter((s) => all[s].Type === 'AWS::RDS::DBCluster')) d.edge({ from: id, to: cluster, label: 'rotates password', dotted: true });
    } else if (r.Type === 'AWS::Backup::BackupSelection') {
      const plan = refsIn(r.Properties?.BackupPlanId)[0];
      const copies = (all[plan]?.Properties?.BackupPlan?.BackupPlanRule ?? []).some((rule: { CopyActions?: unknown[] }) => rule.CopyActions?.length);
      d.node({ id: plan, label: `AWS Backup plan<br/>daily${copies ? ', copy to a second region' : ''}`, shape: 'box' });
      for (const target of refsIn(r.Properties?.BackupSelection?.Resources)) d.edge({ from: plan, to: target, label: 'backs up', dotted: true });
    }
  }
}

/** Alarms collapse into one node per topic they notify. */
function drawAlarms(d: Diagram, all: Record<string, CfnResource>): void {
  const byTopic = new Map<string, number>();
  for (const r of Object.values(all).filter((x) => x.Type === 'AWS::CloudWatch::Alarm')) {
    for (const t of refsIn(r.Properties?.AlarmActions)) byTopic.set(t, (byTopic.get(t) ?? 0) + 1);
  }
  if (byTopic.size > 0) d.group({ id: 'operations', label: 'Operations' });
  for (const [topic, count] of byTopic) {
    const id = `alarms_${topic}`;
    d.node({ id, label: `${count} CloudWatch alarm${count > 1 ? 's' : ''}`, shape: 'box', group: 'operations' });
    d.edge({ from: id, to: topic, label: 'notify', dotted: true });
  }
}

/** The VPC of a Network stack: tiers and AZs as groups, gateways, endpoints, flow logs. */
function drawNetwork(d: Diagram, all: Record<string, CfnResource>): void {
  const vpcEntry = Object.entries(all).find(([, r]) => r.Type === 'AWS::EC2::VPC');
  if (!vpcEntry) return;
  const [vpc, vpcResource] = vpcEntry;
  d.group({ id: vpc, label: `VPC ${vpcResource.Properties?.CidrBlock ?? ''}` });
  const subnetTier = new Map<string, string>();
  const tierOfRouteTable = new Map<string, string>();
  const subnetOfRouteTable = new Map<string, string>();
  for (const [id, r] of Object.entries(all).filter(([, x]) => x.Type === 'AWS::EC2::Subnet')) {
    const p = r.Properties ?? {};
    const tier = (p.Tags ?? []).find((t: { Key: string }) => t.Key === 'aws-cdk:subnet-name')?.Value ?? 'Subnets';
    const az = typeof p.AvailabilityZone === 'string' ? p.AvailabilityZone : `AZ ${Number(p.AvailabilityZone?.['Fn::Select']?.[0] ?? 0) + 1}`;
    d.group({ id: `tier_${tier}`, label: `${tier} subnets${tier === 'Public' ? ' (route to internet gateway)' : tier === 'Private' ? ' (egress through NAT)' : tier === 'Isolated' ? ' (no route out)' : ''}`, parent: vpc });
    d.node({ id, label: `${az}<br/>${p.CidrBlock}`, shape: 'box', group: `tier_${tier}` });
    subnetTier.set(id, tier);
  }
  for (const r of Object.values(all).filter((x) => x.Type === 'AWS::EC2::SubnetRouteTableAssociation')) {
    const [rt] = refsIn(r.Properties?.RouteTableId);
    const [subnet] = refsIn(r.Properties?.SubnetId);
    if (rt && subnetTier.has(subnet)) {
      tierOfRouteTable.set(rt, subnetTier.get(subnet)!);
      subnetOfRouteTable.set(rt, subnet);
    }
  }
  for (const [id, r] of Object.entries(all)) {
    const p = r.Properties ?? {};
    if (r.Type === 'AWS::EC2::InternetGateway') {
      d.node({ id, label: 'Internet gateway', shape: 'box', group: vpc });
      d.node({ id: 'internet', label: 'Internet', shape: 'round' });
      d.edge({ from: 'internet', to: id });
    } else if (r.Type === 'AWS::EC2::NatGateway' || (r.Type === 'AWS::EC2::Instance' && p.SourceDestCheck === false)) {
      const [subnet] = refsIn(p.SubnetId ?? p.NetworkInterfaces);
      d.node({ id, label: r.Type === 'AWS::EC2::NatGateway' ? 'NAT gateway' : `NAT instance<br/>${p.InstanceType}`, shape: 'box', group: subnetTier.has(subnet) ? `tier_${subnetTier.get(subnet)}` : vpc });
    } else if (r.Type === 'AWS::EC2::Route') {
      const subnet = subnetOfRouteTable.get(refsIn(p.RouteTableId)[0]);
      const target = refsIn(p.GatewayId ?? p.NatGatewayId ?? p.InstanceId)[0];
      if (subnet && target) d.edge({ from: subnet, to: target, label: p.DestinationCidrBlock });
    } else if (r.Type === 'AWS::EC2::VPCEndpoint') {
      const service = JSON.stringify(p.ServiceName).match(/\.([a-z0-9-]+)"\]\]\}$/)?.[1] ?? 'service';
      d.node({ id, label: `${p.VpcEndpointType ?? 'Gateway'} endpoint<br/>${service}`, shape: 'box', group: vpc });
      const tiers = new Set(refsIn(p.RouteTableIds).map((rt) => tierOfRouteTable.get(rt)).filter(Boolean) as string[]);
      const subnetTiers = new Set(refsIn(p.SubnetIds).map((s) => subnetTier.get(s)).filter(Boolean) as string[]);
      for (const tier of TIERS.filter((t) => (tiers.has(t) && t !== 'Public') || subnetTiers.has(t))) d.edge({ from: `tier_${tier}`, to: id, dotted: true });
    } else if (r.Type === 'AWS::EC2::FlowLog') {
      for (const lg of refsIn(p.LogGroupName)) {
        d.node({ id: lg, label: 'CloudWatch log group<br/>flow log, KMS', shape: 'db' });
        d.edge({ from: vpc, to: lg, label: `flow log: ${p.TrafficType} traffic`, dotted: true });
      }
    }
  }
}

/** A stack that uses another stack's VPC: draw that VPC's tiers as groups to place resources in. */
function drawImportedNetwork(d: Diagram, all: Record<string, CfnResource>): void {
  const imported = new Set(Object.values(all).flatMap((r) => importsIn(r.Properties)));
  const tiers = TIERS.filter((t) => [...imported].some((o) => o.includes(`${t}Subnet`)));
  if (tiers.length === 0) return;
  d.group({ id: 'imported_vpc', label: 'VPC (Network stack)' });
  for (const t of tiers) d.group({ id: `imported_${t}`, label: `${t} subnets, every AZ`, parent: 'imported_vpc' });
}

function importedTier(subnets: unknown): string | undefined {
  const tier = TIERS.find((t) => importsIn(subnets).some((o) => o.includes(`${t}Subnet`)));
  return tier ? `imported_${tier}` : undefined;
}

function wafFor(target: string, all: Record<string, CfnResource>): string | undefined {
  for (const r of Object.values(all).filter((x) => x.Type === 'AWS::WAFv2::WebACLAssociation')) {
    const targets = refsIn(r.Properties?.ResourceArn).map((t) => all[t]?.Type === 'AWS::ApiGateway::Stage' ? refsIn(all[t].Properties?.RestApiId)[0] : t);
    if (targets.includes(target)) return refsIn(r.Properties?.WebACLArn)[0];
  }
  return undefined;
}

function attribute(attributes: { Key: string; Value: unknown }[] | undefined, key: string): unknown {
  return attributes?.find((a) => a.Key === key)?.Value;
}

/**
 * Operations plumbing is drawn with the alarms: a topic alarms notify that
 * delivers to no queue, and the dead-letter queue of such a topic's subscription.
 */
function alarmOnly(id: string, all: Record<string, CfnResource>): boolean {
  const resources = Object.values(all);
  const subscriptions = resources.filter((r) => r.Type === 'AWS::SNS::Subscription');
  if (all[id]?.Type === 'AWS::SQS::Queue') {
    const owner = subscriptions.find((sub) => refsIn(sub.Properties?.RedrivePolicy).includes(id));
    return owner !== undefined && alarmOnly(refsIn(owner.Properties?.TopicArn)[0], all);
  }
  const notified = resources.some((r) => r.Type === 'AWS::CloudWatch::Alarm' && refsIn(r.Properties?.AlarmActions).includes(id));
  const deliversToQueue = subscriptions.some((sub) => sub.Properties?.Protocol === 'sqs' && refsIn(sub.Properties?.TopicArn).includes(id));
  return notified && !deliversToQueue;
}

/** The name in a label: humanized, without the words the type already says. */
export function shortName(logicalId: string, prefix?: string): string {
  return humanize(logicalId, prefix).replace(/( ?(Queue|Topic|Function|Dead Letter|Email))+$/, '').trim();
}

/** `FanOutBillingQueue4A2B1C3D` -> `Billing Queue` (prefix and hash dropped, words split). */
export function humanize(logicalId: string, prefix?: string): string {
  let id = logicalId.replace(/[0-9A-F]{8}$/, '');
  if (prefix && id.startsWith(prefix) && id.length > prefix.length) id = id.slice(prefix.length);
  return id.replace(/([a-z0-9])([A-Z])/g, '$1 $2').trim();
}

const SECURITY_SERVICES: Record<string, string> = {
  'AWS::CloudTrail::Trail': 'CloudTrail trail',
  'AWS::Config::ConfigurationRecorder': 'AWS Config recorder',
  'AWS::GuardDuty::Detector': 'GuardDuty detector',
  'AWS::SecurityHub::Hub': 'Security Hub',
  'AWS::AccessAnalyzer::Analyzer': 'IAM Access Analyzer',
};
const FINDING_SOURCES: Record<string, string> = { 'aws.guardduty': 'AWS::GuardDuty::Detector', 'aws.securityhub': 'AWS::SecurityHub::Hub' };

/** The account's watchers: trail and recorder to their bucket, CIS filters to their alarms, findings to the topic. */
function drawSecurityServices(d: Diagram, all: Record<string, CfnResource>): void {
  const entries = Object.entries(all);
  const ofType = (type: string) => entries.filter(([, r]) => r.Type === type);
  for (const [id, r] of entries.filter(([, x]) => SECURITY_SERVICES[x.Type])) {
    const trail = r.Type === 'AWS::CloudTrail::Trail';
    const unused = r.Properties?.Type === 'ACCOUNT_UNUSED_ACCESS' ? '<br/>unused access' : '';
    d.node({ id, label: `${SECURITY_SERVICES[r.Type]}${trail && r.Properties?.IsMultiRegionTrail ? '<br/>all regions, validated' : ''}${unused}`, shape: 'box' });
    if (trail) {
      d.node({ id: 'apiCalls', label: 'API calls of the account', shape: 'round' });
      d.edge({ from: 'apiCalls', to: id, label: 'events' });
      for (const b of refsIn(r.Properties?.S3BucketName)) d.edge({ from: id, to: b, label: 'log files' });
    }
  }
  const [recorder] = ofType('AWS::Config::ConfigurationRecorder');
  for (const [, channel] of ofType('AWS::Config::DeliveryChannel')) {
    for (const b of refsIn(channel.Properties?.S3BucketName)) if (recorder) d.edge({ from: recorder[0], to: b, label: 'snapshots, history' });
  }
  const rules = ofType('AWS::Config::ConfigRule').length;
  if (rules > 0) {
    d.node({ id: 'configRules', label: `${rules} AWS Config managed rules`, shape: 'box' });
    if (recorder) d.edge({ from: recorder[0], to: 'configRules', label: 'evaluated', dotted: true });
  }
  const [trail] = ofType('AWS::CloudTrail::Trail');
  const filters = ofType('AWS::Logs::MetricFilter').length;
  const filterMetrics = new Set(ofType('AWS::Logs::MetricFilter').flatMap(([, f]) => (f.Properties?.MetricTransformations ?? []).map((m: { MetricName: string }) => m.MetricName)));
  const filterAlarms = ofType('AWS::CloudWatch::Alarm').filter(([, a]) => filterMetrics.has(a.Properties?.MetricName));
  for (const topic of new Set(filterAlarms.flatMap(([, a]) => refsIn(a.Properties?.AlarmActions)))) {
    if (trail && filters > 0) d.edge({ from: trail[0], to: `alarms_${topic}`, label: `${filters} CIS metric filters`, dotted: true });
  }
  for (const [, rule] of ofType('AWS::Events::Rule')) {
    const sources: string[] = rule.Properties?.EventPattern?.source ?? [];
    const from = sources.map((src) => ofType(FINDING_SOURCES[src] ?? '')[0]?.[0]).find(Boolean);
    for (const target of rule.Properties?.Targets ?? []) {
      if (!from) continue;
      for (const t of refsIn(target.Arn)) d.edge({ from, to: t, label: 'findings' });
      for (const dlq of refsIn(target.DeadLetterConfig)) d.edge({ from, to: dlq, label: 'undeliverable', dotted: true });
    }
  }
  if (ofType('Custom::AccountSetting').length > 0) {
    d.node({ id: 'accountSettings', label: 'Account settings<br/>EBS encryption, S3 Block Public Access, password policy', shape: 'box' });
    for (const [fn] of ofType('AWS::Lambda::Function').filter(([id]) => id.includes('AccountSettings'))) d.edge({ from: fn, to: 'accountSettings', label: 'sets, restores on delete' });
  }
}

/** A queue a rule's target sends undeliverable events to. */
function eventTargetDeadLetter(id: string, all: Record<string, CfnResource>): boolean {
  return Object.values(all).some((r) => r.Type === 'AWS::Events::Rule' && (r.Properties?.Targets ?? []).some((t: { DeadLetterConfig?: unknown }) => refsIn(t.DeadLetterConfig).includes(id)));
}

/** A pattern in a few words for an edge: its `detail-type`s, else its sources. */
function patternSummary(pattern: Record<string, any> | undefined): string {
  const types: unknown[] = pattern?.['detail-type'] ?? [];
  const detail = pattern?.detail ? `, ${Object.keys(pattern.detail).join(', ')} filtered` : '';
  return `${(types.length > 0 ? types : pattern?.source ?? ['events']).join(' or ')}${detail}`;
}

/** Streams, delivery, query and event bus: producers in, records and events out. */
function drawStreaming(d: Diagram, id: string, r: CfnResource, all: Record<string, CfnResource>): void {
  const p = r.Properties ?? {};
  switch (r.Type) {
    case 'AWS::Kinesis::Stream': {
      const onDemand = p.StreamModeDetails?.StreamMode === 'ON_DEMAND';
      d.node({ id, label: `Kinesis data stream<br/>${onDemand ? 'on-demand' : `${p.ShardCount} shard${p.ShardCount === 1 ? '' : 's'}`}, ${p.RetentionPeriodHours ?? 24} h`, shape: 'box' });
      d.node({ id: 'producers', label: 'Producers', shape: 'round' });
      d.edge({ from: 'producers', to: id, label: 'put records' });
      break;
    }
    case 'AWS::KinesisFirehose::DeliveryStream': {
      const s3 = p.ExtendedS3DestinationConfiguration ?? {};
      d.node({ id, label: `Firehose delivery<br/>${String(s3.CompressionFormat ?? 'UNCOMPRESSED').toLowerCase()}, every ${s3.BufferingHints?.IntervalInSeconds ?? 300} s`, shape: 'box' });
      for (const stream of refsIn(p.KinesisStreamSourceConfiguration?.KinesisStreamARN)) d.edge({ from: stream, to: id, label: 'every record' });
      for (const bucket of refsIn(s3.BucketARN)) d.edge({ from: id, to: bucket, label: 'data/ by date, errors/' });
      break;
    }
    case 'AWS::Glue::Table':
      d.node({ id, label: `Glue table<br/>${p.TableInput?.Name ?? ''}`, shape: 'box' });
      for (const bucket of refsIn(p.TableInput?.StorageDescriptor?.Location)) d.edge({ from: id, to: bucket, label: 'reads data/', dotted: true });
      break;
    case 'AWS::Athena::WorkGroup': {
      const limit = p.WorkGroupConfiguration?.BytesScannedCutoffPerQuery;
      d.node({ id, label: `Athena workgroup${limit ? `<br/>${Math.round(limit / 1024 ** 2)} MiB per query at most` : ''}`, shape: 'box' });
      for (const [table] of Object.entries(all).filter(([, x]) => x.Type === 'AWS::Glue::Table')) d.edge({ from: id, to: table, label: 'SQL' });
      for (const bucket of refsIn(p.WorkGroupConfiguration?.ResultConfiguration?.OutputLocation)) d.edge({ from: id, to: bucket, label: 'encrypted results', dotted: true });
      break;
    }
    case 'AWS::Events::EventBus': {
      d.node({ id, label: 'EventBridge custom bus', shape: 'box' });
      d.node({ id: 'eventProducers', label: 'Event producers', shape: 'round' });
      d.edge({ from: 'eventProducers', to: id, label: 'put events' });
      for (const rule of Object.values(all).filter((x) => x.Type === 'AWS::Events::Rule' && refsIn(x.Properties?.EventBusName).includes(id))) {
        for (const target of rule.Properties?.Targets ?? []) {
          for (const t of refsIn(target.Arn)) d.edge({ from: id, to: t, label: patternSummary(rule.Properties?.EventPattern) });
          for (const dlq of refsIn(target.DeadLetterConfig)) d.edge({ from: id, to: dlq, label: `after ${target.RetryPolicy?.MaximumRetryAttempts ?? 185} retries`, dotted: true });
        }
      }
      break;
    }
    case 'AWS::Events::Archive':
      d.node({ id, label: `Event archive<br/>${p.RetentionDays ? `${p.RetentionDays} days` : 'indefinitely'}, replayable`, shape: 'db' });
      for (const bus of refsIn(p.SourceArn)) d.edge({ from: bus, to: id, label: 'every event', dotted: true });
      break;
    default:
      break;
  }
}
