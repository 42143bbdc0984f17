import { Annotations, Stage, Tags } from 'aws-cdk-lib';
import { Construct } from 'constructs';
import { DataTierStack } from '../data-tier/data-tier-stack';
import { FanOutStack } from '../fan-out/fan-out-stack';
import { NetworkStack } from '../network/network-stack';
import { ServerlessApiStack } from '../serverless-api/serverless-api-stack';
import { StaticSiteStack } from '../static-site/static-site-stack';
import { PLAIN_HTTP_WARNING } from '../web-tier/web-tier';
import { WebTierStack } from '../web-tier/web-tier-stack';
import { SecurityBaselineStack } from '../security-baseline/security-baseline-stack';
import { recordAcknowledgements } from '../shared/compliance';
import { StreamingStack } from '../streaming/streaming-stack';
import { StageConfig } from './stage-config';

/** Value of the `project` tag on every resource. */
export const PROJECT_TAG = 'aws-reference-architectures';

/**
 * One environment: every architecture as a stack named after it, so stacks
 * are `Sandbox-Network`, ... and `cdk deploy 'Sandbox/*'` deploys the stage.
 */
export class ReferenceStage extends Stage {
  readonly network: NetworkStack;
  readonly webTier: WebTierStack;
  readonly staticSite: StaticSiteStack;
  readonly fanOut: FanOutStack;
  readonly serverlessApi: ServerlessApiStack;
  readonly dataTier: DataTierStack;
  readonly securityBaseline: SecurityBaselineStack;
  readonly streaming: StreamingStack;

  constructor(scope: Construct, readonly config: StageConfig) {
    super(scope, config.name, { env: { account: config.account, region: config.region } });
    Tags.of(this).add('project', PROJECT_TAG);
    Tags.of(this).add('stage', config.name);
    recordAcknowledgements(this);
    const common = { terminationProtection: config.terminationProtection };
    this.network = new NetworkStack(this, 'Network', {
      ...common,
      description: 'Network: VPC with public, private and isolated subnets, NAT, flow logs and endpoints',
      network: { ...config.network, removalPolicy: config.removalPolicy, flowLogRetention: config.logRetention },
    });
    this.webTier = new WebTierStack(this, 'WebTier', {
      ...common,
      description: 'Web tier: Application Load Balancer in front of an EC2 Auto Scaling group',
      webTier: {
        ...config.webTier,
        vpc: this.network.network.vpc,
        removalPolicy: config.removalPolicy,
        logRetention: config.logRetention,
        deletionProtection: config.deletionProtection,
        alarmEmail: config.alarmEmail,
        certificateArn: config.certificateArn ?? config.webTier.certificateArn,
      },
    });
    if (config.plainHttpReason) Annotations.of(this.webTier.webTier).acknowledgeWarning(PLAIN_HTTP_WARNING, config.plainHttpReason);
    this.staticSite = new StaticSiteStack(this, 'StaticSite', {
      ...common,
      description: `Static site: CloudFront reading a private S3 bucket through ${config.staticSite.originAccess === 'oai' ? 'an origin access identity' : 'origin access control'}`,
      site: { ...config.staticSite, removalPolicy: config.removalPolicy, logRetention: config.logRetention },
    });
    this.fanOut = new FanOutStack(this, 'FanOut', {
      ...common,
      description: 'Fan-out: SNS topic to filtered SQS queues with dead-letter queues, alarms and a Lambda consumer',
      fanOut: { ...config.fanOut, removalPolicy: config.removalPolicy, logRetention: config.logRetention, alarmEmail: config.alarmEmail },
    });
    this.serverlessApi = new ServerlessApiStack(this, 'ServerlessApi', {
      ...common,
      description: 'Serverless API: Lambda behind API Gateway with a DynamoDB table',
      api: {
        ...config.serverlessApi,
        removalPolicy: config.removalPolicy,
        logRetention: config.logRetention,
        deletionProtection: config.deletionProtection,
        alarmEmail: config.alarmEmail,
      },
    });
    this.dataTier = new DataTierStack(this, 'DataTier', {
      ...common,
      description: 'Data tier: Aurora PostgreSQL Serverless v2 and ElastiCache (Valkey) in isolated subnets, reachable from the web tier only',
      dataTier: {
        ...config.dataTier,
        vpc: this.network.network.vpc,
        removalPolicy: config.removalPolicy,
        deletionProtection: config.deletionProtection,
        logRetention: config.logRetention,
        alarmEmail: config.alarmEmail,
      },
    });
    // The web tier's instances are the app tier: only they reach the database and cache, and read their secrets.
    const web = this.webTier.webTier;
    this.dataTier.dataTier.allowFrom(web.instanceSecurityGroup, 'the web tier instances');
    this.dataTier.dataTier.grantSecretsRead(web.instanceRole);
    this.securityBaseline = new SecurityBaselineStack(this, 'SecurityBaseline', {
      ...common,
      description: 'Security baseline: CloudTrail with CIS alarms, AWS Config, GuardDuty, Security Hub, Access Analyzer and safe account settings',
      baseline: { ...config.securityBaseline, removalPolicy: config.removalPolicy, logRetention: config.logRetention, alarmEmail: config.alarmEmail },
    });
    this.streaming = new StreamingStack(this, 'Streaming', {
      ...common,
      description: 'Streaming and events: Kinesis Data Stream with a Lambda consumer and Firehose to S3 (Glue, Athena), EventBridge bus with routes, dead-letter queues and archive',
      streaming: { ...config.streaming, removalPolicy: config.removalPolicy, logRetention: config.logRetention, alarmEmail: config.alarmEmail },
    });
  }
}
