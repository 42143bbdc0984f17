import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import type { DataTierProps } from '../data-tier/data-tier-props';
import type { FanOutProps, SubscriberProps } from '../fan-out/fan-out-props';
import type { NetworkProps } from '../network/network-props';
import type { ServerlessApiProps } from '../serverless-api/serverless-api-props';
import type { StaticSiteProps } from '../static-site/static-site-props';
import { CERTIFICATE_ARN, type WebTierProps } from '../web-tier/web-tier-props';
import type { SecurityBaselineProps } from '../security-baseline/security-baseline-props';
import type { EventRouteProps } from '../streaming/event-bus-props';
import type { StreamingProps } from '../streaming/streaming';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as rds from 'aws-cdk-lib/aws-rds';
import { Validator } from '../shared/validation';

/** Names of the built-in stage profiles. */
export type StageName = 'Sandbox' | 'Production';

/** Everything that differs between one environment and another. */
export interface StageConfig {
  /** Stage name; prefixes every stack name (`Sandbox-Network`). A user's own profile may use any name. */
  readonly name: string;
  /** AWS account to deploy to; undefined keeps the stage environment-agnostic. */
  readonly account?: string;
  /** AWS region to deploy to; undefined keeps the stage environment-agnostic. */
  readonly region?: string;
  /** What happens to stateful resources (buckets, queues, tables, log groups, keys) on destroy. */
  readonly removalPolicy: RemovalPolicy;
  /** Retention of every log group in the stage. */
  readonly logRetention: logs.RetentionDays;
  /** Deletion protection on resources that offer it (load balancers, tables). */
  readonly deletionProtection: boolean;
  /** CloudFormation termination protection on every stack of the stage. */
  readonly terminationProtection: boolean;
  /** Where alarms are e-mailed; undefined leaves the alarm topics without subscribers. */
  readonly alarmEmail?: string;
  /**
   * ACM certificate of the web tier's load balancer (same account and region):
   * HTTPS with HTTP redirected. Undefined serves plain HTTP, with a warning at synth.
   */
  readonly certificateArn?: string;
  /**
   * Why this stage may serve the web tier over plain HTTP when no certificate is
   * given: acknowledges the warning synth gives then. Undefined keeps the warning.
   */
  readonly plainHttpReason?: string;
  /** Network architecture props. */
  readonly network: NetworkProps;
  /** Fan-out architecture props (removal policy, log retention and alarm e-mail come from the stage). */
  readonly fanOut: FanOutProps;
  /** Web tier props (the VPC, removal policy, log retention, deletion protection, alarm e-mail and certificate come from the stage). */
  readonly webTier: Omit<WebTierProps, 'vpc'>;
  /** Static site props (removal policy and log retention come from the stage). */
  readonly staticSite: StaticSiteProps;
  /** Serverless API props (removal policy, log retention and deletion protection come from the stage). */
  readonly serverlessApi: ServerlessApiProps;
  /** Data tier props (the VPC, removal policy, deletion protection, log retention and alarm e-mail come from the stage). */
  readonly dataTier: Omit<DataTierProps, 'vpc'>;
  /**
   * Security baseline props (removal policy, log retention and alarm e-mail come from the stage). Its
   * per-account services (Config recorder, GuardDuty, Security Hub, Access Analyzer, account settings)
   * exist once per account and region: switch them off in a stage that shares an account and region
   * with another stage, or with Control Tower.
   */
  readonly securityBaseline: SecurityBaselineProps;
  /** Streaming and events props (removal policy, log retention and alarm e-mail come from the stage). */
  readonly streaming: StreamingProps;
}

/**
 * The notes' schedule for the sandbox: peak at 14:00, low at 02:00 (the notes'
 * time zone). It moves the minimum: target tracking would undo a desired count.
 */
export const NOTES_SCHEDULE = [
  { name: 'afternoon-peak', cron: '0 14 * * *', min: 3 },
  { name: 'night-low', cron: '0 2 * * *', min: 2 },
];

/**
 * The example the stages deploy: `orders` events fanned out to billing (with a
 * Lambda consumer), shipping (only placed orders) and audit (everything).
 */
export const ORDER_SUBSCRIBERS: SubscriberProps[] = [
  { name: 'billing', consumer: { timeout: Duration.seconds(20) } },
  { name: 'shipping', filterPolicy: { eventType: ['OrderPlaced'] }, rawMessageDelivery: true },
  { name: 'audit', maxMessageAge: Duration.hours(1) },
];

/**
 * The example routes the stages deploy on the event bus: placed orders to
 * fulfilment, placed orders of 1,000 or more also to review, failed payments
 * to their own queue.
 */
export const ORDER_ROUTES: EventRouteProps[] = [
  { name: 'fulfilment', eventPattern: { source: ['app.orders'], detailType: ['OrderPlaced'] } },
  { name: 'review', eventPattern: { source: ['app.orders'], detailType: ['OrderPlaced'], detail: { total: [{ numeric: ['>=', 1000] }] } } },
  { name: 'payment-failures', eventPattern: { source: ['app.payments'], detailType: ['PaymentFailed'] } },
];

/** The built-in profiles. The sandbox is cheap and disposable; production is resilient and keeps its data. */
export const STAGE_PROFILES: Readonly<Record<StageName, StageConfig>> = {
  Sandbox: {
    name: 'Sandbox',
    removalPolicy: RemovalPolicy.DESTROY,
    logRetention: logs.RetentionDays.ONE_WEEK,
    deletionProtection: false,
    terminationProtection: false,
    plainHttpReason: 'The sandbox is disposable and reached at its load balancer\'s DNS name, which no certificate can cover, so it serves plain HTTP; certificateArn tries HTTPS.',
    network: { azCount: 2, natMode: 'single' },
    fanOut: { subscribers: ORDER_SUBSCRIBERS },
    webTier: { capacity: { min: 2, max: 4 }, cpuTarget: 50, schedules: NOTES_SCHEDULE, timeZone: 'Asia/Seoul' },
    // The notes' Origin Access Identity (legacy; regions launched by December 2022 only).
    staticSite: { originAccess: 'oai', priceClass: 'PriceClass_100' },
    // No reserved or provisioned concurrency: a brand-new account (10 executions, none reservable) must deploy it.
    serverlessApi: { authorization: 'iam' },
    // Pauses when idle (storage only); one cache.t4g.micro node, one day of snapshots.
    dataTier: { database: { minCapacity: 0, maxCapacity: 4 }, cache: { nodeType: 'cache.t4g.micro', replicas: 0, snapshotRetentionDays: 1 } },
    securityBaseline: {},
    // One provisioned shard (cheapest idle), a day on the stream, a minute's buffering, a month in S3, a week of archive.
    streaming: {
      stream: { capacity: { mode: 'provisioned', shards: 1 }, delivery: { bufferingInterval: Duration.minutes(1), dataExpiration: Duration.days(30) } },
      bus: { routes: ORDER_ROUTES, archiveRetention: Duration.days(7) },
    },
  },
  Production: {
    name: 'Production',
    removalPolicy: RemovalPolicy.RETAIN,
    logRetention: logs.RetentionDays.ONE_YEAR,
    deletionProtection: true,
    terminationProtection: true,
    network: { azCount: 3, natMode: 'perAz' },
    fanOut: { subscribers: ORDER_SUBSCRIBERS },
    webTier: {
      instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL),
      capacity: { min: 3, max: 12 },
      cpuTarget: 50,
      requestsPerTargetPerMinute: 1000,
      webAcl: true,
      schedules: [{ name: 'afternoon-peak', cron: '0 14 * * *', min: 6 }, { name: 'night-low', cron: '0 2 * * *', min: 3 }],
      timeZone: 'Asia/Seoul',
    },
    // Origin Access Control: AWS's recommendation, SSE-KMS-ready and accepted in every region.
    staticSite: { originAccess: 'oac', priceClass: 'PriceClass_All' },
    serverlessApi: { authorization: 'iam', webAcl: true, throttling: { rateLimit: 100, burstLimit: 200 }, reservedConcurrency: 50 },
    // A writer and a reader in another AZ, always warm; the cache replicated across AZs with failover.
    dataTier: {
      database: { minCapacity: 0.5, maxCapacity: 16, readers: 1, backupRetention: Duration.days(14), databaseInsights: rds.DatabaseInsightsMode.ADVANCED },
      cache: { nodeType: 'cache.t4g.small', replicas: 1, snapshotRetentionDays: 15 },
      backupPlan: { retention: Duration.days(35) },
    },
    securityBaseline: { objectLockRetention: Duration.days(365), logArchiveExpiration: Duration.days(7 * 365) },
    // On-demand capacity (no shards to plan), a week on the stream to replay from, a year in S3 and in the archive.
    streaming: {
      stream: { capacity: { mode: 'onDemand' }, retention: Duration.days(7), consumer: { maxRecordAge: Duration.hours(6) } },
      bus: { routes: ORDER_ROUTES, archiveRetention: Duration.days(365) },
    },
  },
};

/** What selects and places a stage: context values or environment variables. */
export interface StageSelection {
  /** Profile name. @default 'Sandbox' */
  readonly stage?: string;
  /** 12-digit AWS account id. @default none (environment-agnostic) */
  readonly account?: string;
  /** AWS region, e.g. `eu-west-1`. @default none (environment-agnostic) */
  readonly region?: string;
  /** E-mail address for alarms. @default none */
  readonly alarmEmail?: string;
  /** ACM certificate ARN for the web tier's HTTPS listener. @default none (plain HTTP, with a warning) */
  readonly certificateArn?: string;
}

/** True when a value is given and known at synth (not a token). */
const known = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);

const ACCOUNT = /^\d{12}$/;
const EMAIL = /^[^@\s]+@[^@\s]+\.[^@\s]+$/;
const REGION = /^[a-z]{2}(-gov|-iso[a-z]*)?-[a-z]+-\d+$/;

/**
 * Returns the validated profile for a selection, with account and region
 * applied when given. Pass `profiles` to offer your own (e.g. a `Staging`
 * built from `{ ...STAGE_PROFILES.Sandbox, name: 'Staging' }`) without editing ours.
 */
export function stageConfig(
  selection: StageSelection = {},
  profiles: Readonly<Record<string, StageConfig>> = STAGE_PROFILES,
): StageConfig {
  const name = selection.stage ?? 'Sandbox';
  const v = new Validator('stage config');
  v.oneOf('stage', name, Object.keys(profiles));
  if (selection.account !== undefined) v.check(ACCOUNT.test(selection.account), 'account', selection.account, 'expected a 12-digit AWS account id');
  if (selection.region !== undefined) v.check(REGION.test(selection.region), 'region', selection.region, 'expected an AWS region name such as "eu-west-1"');
  if (known(selection.alarmEmail)) v.check(EMAIL.test(selection.alarmEmail), 'alarmEmail', selection.alarmEmail, 'expected an e-mail address');
  if (known(selection.certificateArn)) {
    v.check(CERTIFICATE_ARN.test(selection.certificateArn), 'certificateArn', selection.certificateArn,
      'expected an ACM certificate ARN such as "arn:aws:acm:eu-west-1:123456789012:certificate/<uuid>"');
  }
  v.throwIfInvalid();
  return {
    ...profiles[name],
    account: selection.account,
    region: selection.region,
    alarmEmail: selection.alarmEmail,
    certificateArn: selection.certificateArn ?? profiles[name].certificateArn,
  };
}
