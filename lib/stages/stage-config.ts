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
import { ConfigError, EMAIL, REGION, show, Validator } from '../shared/validation';
import { DOMAIN_NAME, HOSTED_ZONE_ID } from '../domain/domain-props';
import { RegionInfo } from 'aws-cdk-lib/region-info';
import { checkRecovery, DURATION_FORMAT, parseObjective, type RecoveryObjectives, type RecoveryPattern } from '../disaster-recovery/recovery-objectives';
import type { BackupAndRestoreProps } from '../disaster-recovery/disaster-recovery-props';
import { regionOfVaultArn } from '../data-tier/data-tier-props';

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
   * An SNS topic of yours (in the stage's region) that receives every alarm of the stage, and the
   * security baseline's findings; its policy (and key policy) must let CloudWatch and EventBridge publish.
   * An alternative to `alarmEmail`.
   */
  readonly alarmTopicArn?: string;
  /**
   * Refuse to synthesize without `alarmEmail` or `alarmTopicArn`: alarms that notify no one are
   * no alarms. True in the Production profile.
   */
  readonly alarmDestinationRequired?: boolean;
  /**
   * The account's home region, which holds the security baseline's account-wide pieces (one trail,
   * its CIS alarms, the IAM password policy, IAM recording in Config); give it when the stage is
   * deployed to several regions of one account. Undefined: the stage's own region holds them.
   */
  readonly homeRegion?: string;
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
  /**
   * The stage's public endpoints on a domain (Route 53 zone, ACM certificates,
   * alias records, health checks): the `Domain` stack. Undefined keeps the
   * endpoints on their AWS names.
   */
  readonly domain?: StageDomain;
  /**
   * Where the stage's names sit under its domain: `sandbox` puts them at
   * `www.sandbox.example.com`, ..., so that two stages on one domain never share a name.
   * @default none: at the apex (`www.example.com`)
   */
  readonly domainSubdomain?: string;
  /**
   * True when `cdk synth` must refuse this stage unless it serves HTTPS: a
   * `domain` or a `certificateArn`, or the user's `allowPlainHttp`.
   * @default false
   */
  readonly httpsRequired?: boolean;
  /**
   * A second region the stage recovers to when its own is lost: its backups are
   * copied there, and the standby side of a pilot light or warm standby runs there.
   * Another region than `region`, in the same partition.
   * @default none: backup and restore within the stage's region, which no region outage spares
   */
  readonly standbyRegion?: string;
  /**
   * The standby network's VPC CIDR block (pilot light, warm standby): apart from
   * `network.cidr`, so that the regions can be peered or joined by a Transit Gateway later.
   * @default the block after the primary's, of its size, in its /8 (10.0.0.0/16: 10.1.0.0/16)
   */
  readonly standbyNetworkCidr?: string;
  /**
   * What the stage promises after a disaster. The backup schedule and the
   * recovery pattern (with a standby region) are derived from it; synth refuses
   * objectives no pattern (or the chosen one) meets.
   */
  readonly recovery: RecoveryObjectives;
  /**
   * The recovery pattern, when not the cheapest that meets `recovery`
   * (e.g. a warm standby for objectives a pilot light would meet).
   * @default the cheapest pattern meeting `recovery` (see recovery-objectives.ts)
   */
  readonly recoveryPattern?: RecoveryPattern;
  /**
   * The stage's AWS Backup plan (the DisasterRecovery stack): how long recovery points
   * and their copies are kept, the vault lock, restore testing. Its schedule follows `recovery.rpo`;
   * it covers every resource the stage tags (the Aurora cluster, the API's table, the audit and data-lake buckets).
   */
  readonly backup: Pick<BackupAndRestoreProps, 'retention' | 'vaultLock' | 'restoreTesting'>;
  /**
   * A backup vault in another region, or another account, every recovery point is also copied
   * to (create it there first; another account's vault must allow this account to copy into it).
   * @default none
   */
  readonly backupCopyVaultArn?: string;
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

/** The domain a stage's endpoints are published on. */
export interface StageDomain {
  /** The hosted zone's domain name, e.g. `example.com`: the site is `www.`, the web tier `app.`, the API `api.` under it. */
  readonly domainName: string;
  /** Id of the existing public hosted zone (`Z...`), imported without a lookup. */
  readonly hostedZoneId: string;
  /**
   * The regions whose stages serve the shared names (the delivery pipeline's Production
   * regions, in its order). With more than one, `app.` and `api.` are latency records,
   * one per region, each with a health check; the first region's stage also holds the
   * zone's CAA record and the site's name (`www.`; the others' sites are `www-<region>.`).
   * @default only this stage's region
   */
  readonly servingRegions?: readonly string[];
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
    domainSubdomain: 'sandbox',
    plainHttpReason: 'The sandbox is disposable and reached at its load balancer\'s DNS name, which no certificate can cover, so it serves plain HTTP; certificateArn tries HTTPS.',
    network: { azCount: 2, natMode: 'single' },
    fanOut: { subscribers: ORDER_SUBSCRIBERS },
    webTier: { capacity: { min: 2, max: 4 }, cpuTarget: 50, schedules: NOTES_SCHEDULE, timeZone: 'Asia/Seoul' },
    // The notes' Origin Access Identity (legacy; regions launched by December 2022 only): OAC, with a notice, where it is refused.
    staticSite: { originAccess: 'oai', originAccessFallback: true, priceClass: 'PriceClass_100' },
    // No reserved or provisioned concurrency: a brand-new account (10 executions, none reservable) must deploy it.
    serverlessApi: { authorization: 'iam' },
    // Pauses when idle (storage only); the Data API on where offered, for the smoke check; one cache.t4g.micro node, one day of snapshots.
    dataTier: { database: { minCapacity: 0, maxCapacity: 4, dataApi: true }, cache: { nodeType: 'cache.t4g.micro', replicas: 0, snapshotRetentionDays: 1 } },
    securityBaseline: {},
    // A day's work may be lost and a day spent recovering: a daily backup, restored by hand (backup and restore).
    recovery: { rpo: Duration.hours(24), rto: Duration.hours(24) },
    // A week of daily recovery points, unlocked: the sandbox is disposable.
    backup: { retention: Duration.days(7) },
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
    httpsRequired: true,
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
    // A writer and two readers, one per AZ, always warm; the cache's primary and two replicas likewise, with failover. No Data API.
    dataTier: {
      database: { minCapacity: 0.5, maxCapacity: 16, readers: 2, backupRetention: Duration.days(14), databaseInsights: rds.DatabaseInsightsMode.ADVANCED },
      cache: { nodeType: 'cache.t4g.small', replicas: 2, snapshotRetentionDays: 15 },
      // No backupPlan of its own: the stage's DisasterRecovery plan backs the cluster up (by its tag), once.
    },
    // RDS Protection watches the data tier's Aurora logins.
    securityBaseline: { objectLockRetention: Duration.days(365), logArchiveExpiration: Duration.days(7 * 365), guardDutyProtection: { rdsLoginEvents: true } },
    alarmDestinationRequired: true,
    // A quarter-hour of orders lost and an hour down at worst: replication to a standby region
    // (pilot light, the cheapest pattern that meets both; backup and restore loses up to an hour and takes four).
    recovery: { rpo: Duration.minutes(15), rto: Duration.hours(1) },
    // Five weeks of hourly recovery points, locked (compliance mode: immutable after 3 days), copied to the standby region.
    backup: { retention: Duration.days(35), vaultLock: 'compliance' },
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
  /** E-mail address for alarms (context `alarmEmail`, env `ALARM_EMAIL`). @default none; Production requires it or `alarmTopicArn` */
  readonly alarmEmail?: string;
  /** SNS topic ARN for alarms (context `alarmTopicArn`, env `ALARM_TOPIC_ARN`). @default none; Production requires it or `alarmEmail` */
  readonly alarmTopicArn?: string;
  /**
   * Region holding the security baseline's account-wide pieces (context `homeRegion`, env `HOME_REGION`).
   * @default the stage's own region
   */
  readonly homeRegion?: string;
  /** ACM certificate ARN for the web tier's HTTPS listener. @default none (plain HTTP, with a warning) */
  readonly certificateArn?: string;
  /**
   * A backup vault in another region than the stage's (create it there first), in this
   * account or another, every recovery point of the stage's backup plan is also copied to
   * (context `backupCopyVaultArn`, env `BACKUP_COPY_VAULT_ARN`).
   * @default none (with no standby region either, recovery points stay in the stage's region, with a notice)
   */
  readonly backupCopyVaultArn?: string;
  /**
   * Region the stage recovers to (context `standbyRegion`, env `STANDBY_REGION`):
   * another region than `region`, in its partition. @default none (a region outage is not covered, with a notice)
   */
  readonly standbyRegion?: string;
  /**
   * The stage's recovery point objective (context `recoveryPointObjective`): `15m`, `1h`, `1d`
   * or ISO-8601 (`PT15M`). @default the profile's (Sandbox 24 h, Production 15 min)
   */
  readonly recoveryPointObjective?: string;
  /**
   * The stage's recovery time objective (context `recoveryTimeObjective`), written as the RPO is.
   * @default the profile's (Sandbox 24 h, Production 1 h)
   */
  readonly recoveryTimeObjective?: string;
  /**
   * The recovery pattern (context `recoveryPattern`): `backup-and-restore`, `pilot-light`
   * or `warm-standby`. @default the cheapest that meets the objectives
   */
  readonly recoveryPattern?: string;
  /** Domain of the stage's endpoints (`example.com`), with `hostedZoneId`; needs `region`. @default none */
  readonly domainName?: string;
  /** Id of the domain's existing public hosted zone (`Z...`), with `domainName`. @default none */
  readonly hostedZoneId?: string;
  /**
   * Regions that serve the domain's shared names (latency records with health checks),
   * this stage's region among them. @default only this stage's region
   */
  readonly servingRegions?: readonly string[];
  /**
   * Lets a stage whose profile requires HTTPS (Production) synthesize without a domain or
   * certificate, serving plain HTTP: for trying it out. @default false
   */
  readonly allowPlainHttp?: boolean;
}

/** True when a value is given and known at synth (not a token). */
const known = (value: string | undefined): value is string => value !== undefined && !Token.isUnresolved(value);

const ACCOUNT = /^\d{12}$/;
const TOPIC_ARN = /^arn:aws[a-z-]*:sns:[a-z0-9-]+:\d{12}:[A-Za-z0-9_-]{1,256}$/;

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
  if (selection.homeRegion !== undefined) v.check(REGION.test(selection.homeRegion), 'homeRegion', selection.homeRegion, 'expected an AWS region name such as "eu-west-1"');
  checkAlarmDestination(v, selection, profiles[name]);
  const domain = checkDomain(v, selection);
  const recovery = checkRecoverySelection(v, selection, profiles[name]);
  checkBackupCopyVault(v, selection.backupCopyVaultArn, selection.region);
  v.throwIfInvalid();
  return {
    ...profiles[name],
    account: selection.account,
    region: selection.region,
    alarmEmail: selection.alarmEmail,
    alarmTopicArn: selection.alarmTopicArn,
    homeRegion: selection.homeRegion ?? profiles[name]?.homeRegion,
    certificateArn: selection.certificateArn ?? profiles[name].certificateArn,
    backupCopyVaultArn: selection.backupCopyVaultArn ?? profiles[name].backupCopyVaultArn,
    domain: domain ?? profiles[name].domain,
    ...recovery,
  };
}

/** One alarm destination at most; one at least where the profile requires it (Production). */
function checkAlarmDestination(v: Validator, selection: StageSelection, profile: StageConfig | undefined): void {
  const topic = selection.alarmTopicArn;
  if (known(topic)) {
    v.check(TOPIC_ARN.test(topic), 'alarmTopicArn', topic, 'expected an SNS topic ARN such as "arn:aws:sns:eu-west-1:123456789012:ops-alarms"');
    const topicRegion = topic.split(':')[3];
    if (known(selection.region)) {
      v.check(topicRegion === selection.region, 'alarmTopicArn', topic, `expected a topic in the stage's region ${selection.region}: CloudWatch alarms notify topics of their own region`);
    }
  }
  v.check(!(selection.alarmEmail && topic), 'alarmEmail', selection.alarmEmail, 'give alarmEmail or alarmTopicArn, not both (subscribe the address to your topic)');
  if (profile?.alarmDestinationRequired && !selection.alarmEmail && !topic) {
    v.fail('alarmEmail', undefined, `the ${profile.name} stage needs an alarm destination: -c alarmEmail=ops@example.com (or ALARM_EMAIL) to e-mail every alarm, `
      + 'or -c alarmTopicArn=arn:aws:sns:<region>:<account>:<topic> (or ALARM_TOPIC_ARN) for a topic of yours; alarms that notify no one are no alarms');
  }
}

/**
 * The selection's standby region and objectives over the profile's: the region
 * known, another than the stage's, in its partition; the durations readable;
 * the objectives met by the pattern (checkRecovery).
 */
function checkRecoverySelection(v: Validator, selection: StageSelection, profile: StageConfig | undefined): Pick<StageConfig, 'standbyRegion' | 'recovery' | 'recoveryPattern'> | undefined {
  const standbyRegion = selection.standbyRegion ?? profile?.standbyRegion;
  if (standbyRegion !== undefined) checkStandbyRegion(v, standbyRegion, selection.region);
  if (standbyRegion !== undefined && selection.region === undefined) {
    v.fail('standbyRegion', standbyRegion, 'the standby region\'s vault (and standby) are read by the stage\'s stacks across regions, which needs the stage\'s region: add -c region=<region> (or CDK_DEPLOY_REGION)');
  }
  const objective = (flag: string, value: string | undefined) => {
    if (value === undefined) return undefined;
    const parsed = parseObjective(value);
    v.check(parsed !== undefined, flag, value, DURATION_FORMAT);
    return parsed;
  };
  const rpo = objective('recoveryPointObjective', selection.recoveryPointObjective);
  const rto = objective('recoveryTimeObjective', selection.recoveryTimeObjective);
  if (!profile) return undefined;
  const recovery = { rpo: rpo ?? profile.recovery.rpo, rto: rto ?? profile.recovery.rto };
  const recoveryPattern = (selection.recoveryPattern ?? profile.recoveryPattern) as RecoveryPattern | undefined;
  const readable = (selection.recoveryPointObjective === undefined || rpo) && (selection.recoveryTimeObjective === undefined || rto);
  if (readable) checkRecovery(v, { region: selection.region, standbyRegion, recovery, recoveryPattern });
  return { standbyRegion, recovery, recoveryPattern };
}

/** A standby region AWS knows, in the stage's partition (copies and replication do not cross partitions); checkRecovery refuses the stage's own. */
function checkStandbyRegion(v: Validator, standbyRegion: string, region: string | undefined): void {
  const known = RegionInfo.regions.find((r) => r.name === standbyRegion);
  if (!REGION.test(standbyRegion) || !known) {
    v.fail('standbyRegion', standbyRegion, 'expected an AWS region name such as "us-west-2" (a region this version of aws-cdk-lib knows)');
    return;
  }
  if (region === undefined || Token.isUnresolved(region)) return;
  const partition = RegionInfo.regions.find((r) => r.name === region)?.partition;
  if (partition !== undefined) {
    v.check(known.partition === partition, 'standbyRegion', standbyRegion, `expected a region in the stage's partition (${partition}): backups are not copied, nor data replicated, across partitions`);
  }
}

/** A copy vault's ARN, in another region than the stage's (checked at deploy when the stage is environment-agnostic). */
function checkBackupCopyVault(v: Validator, arn: string | undefined, region: string | undefined): void {
  if (!known(arn)) return;
  const copyRegion = regionOfVaultArn(arn);
  v.check(copyRegion !== undefined, 'backupCopyVaultArn', arn, 'expected a backup vault ARN such as "arn:aws:backup:eu-west-1:123456789012:backup-vault:dr-copies"');
  if (copyRegion !== undefined && known(region)) v.check(copyRegion !== region, 'backupCopyVaultArn', arn, `expected a vault in another region than the stage's (${region}): a copy in the same region fails with it`);
}

/** The selection's domain, validated: both names, the stage's region known and among the serving regions. */
function checkDomain(v: Validator, selection: StageSelection): StageDomain | undefined {
  const { domainName, hostedZoneId, servingRegions, region } = selection;
  if (domainName === undefined && hostedZoneId === undefined) {
    if (servingRegions !== undefined) v.fail('servingRegions', servingRegions, 'the regions serve a domain: give domainName and hostedZoneId too');
    return undefined;
  }
  v.check(domainName !== undefined, 'domainName', domainName, 'expected the hosted zone\'s domain name with hostedZoneId, e.g. -c domainName=example.com');
  v.check(hostedZoneId !== undefined, 'hostedZoneId', hostedZoneId, 'expected the id of the domain\'s public hosted zone with domainName, e.g. -c hostedZoneId=Z0123456789ABCDEFGHIJ');
  if (domainName !== undefined) v.check(DOMAIN_NAME.test(domainName), 'domainName', domainName, 'expected a lower-case DNS name such as "example.com"');
  if (hostedZoneId !== undefined) v.check(HOSTED_ZONE_ID.test(hostedZoneId), 'hostedZoneId', hostedZoneId, 'expected a Route 53 hosted zone id such as "Z0123456789ABCDEFGHIJ"');
  v.check(region !== undefined, 'domainName', domainName, 'the site\'s CloudFront certificate is made in us-east-1 and read by the stage\'s StaticSite stack across regions, which needs the stage\'s region: add -c region=<region> (or CDK_DEPLOY_REGION)');
  if (servingRegions !== undefined) {
    servingRegions.forEach((r, i) => v.check(REGION.test(r), `servingRegions[${i}]`, r, 'expected an AWS region name such as "eu-west-1"'));
    v.check(new Set(servingRegions).size === servingRegions.length, 'servingRegions', servingRegions, 'expected each region once');
    if (region !== undefined) v.check(servingRegions.includes(region), 'servingRegions', servingRegions, `expected the stage's region ${region} among them`);
  }
  return domainName && hostedZoneId ? { domainName, hostedZoneId, servingRegions } : undefined;
}

/**
 * Refuses a stage whose profile requires HTTPS (Production) but would serve
 * plain HTTP: no domain and no certificate, and the user did not say
 * `allowPlainHttp`. `cdk synth` calls it; a pipeline building the stage
 * from the same flags should too.
 */
export function requireHttps(config: StageConfig, allowPlainHttp = false): void {
  const problem = plainHttpProblem(config, allowPlainHttp);
  if (problem) throw new ConfigError('stage config', [problem]);
}

/** Why a stage that must serve HTTPS would serve plain HTTP (no domain, no certificate, not allowed); undefined when it does not. */
function plainHttpProblem(config: Pick<StageConfig, 'name' | 'httpsRequired' | 'domain' | 'certificateArn'>, allowPlainHttp = false): string | undefined {
  if (!config.httpsRequired || config.domain || config.certificateArn || allowPlainHttp) return undefined;
  return `stage: got ${show(config.name)}; it serves HTTPS or does not synthesize: put its endpoints on your domain `
    + '(-c domainName=example.com -c hostedZoneId=Z... -c region=..., or DOMAIN_NAME, HOSTED_ZONE_ID), or give the web tier an existing certificate '
    + '(-c certificateArn=arn:aws:acm:..., or CERTIFICATE_ARN); -c allowPlainHttp=true synthesizes it over plain HTTP, only to try it out';
}

/**
 * The stage `cdk synth` builds: {@link stageConfig} and {@link requireHttps}
 * together, so a selection with several problems (no alarm destination and
 * no HTTPS, say) is refused with all of them at once, not one per attempt.
 */
export function stageConfigRequiringHttps(selection: StageSelection = {}, profiles: Readonly<Record<string, StageConfig>> = STAGE_PROFILES): StageConfig {
  const profile = profiles[selection.stage ?? 'Sandbox'];
  // The stage as stageConfig would build it, as far as HTTPS goes: known before its other checks pass.
  const https = profile && plainHttpProblem({
    ...profile,
    domain: known(selection.domainName) && known(selection.hostedZoneId) ? { domainName: selection.domainName, hostedZoneId: selection.hostedZoneId } : profile.domain,
    certificateArn: selection.certificateArn ?? profile.certificateArn,
  }, selection.allowPlainHttp);
  let config: StageConfig;
  try {
    config = stageConfig(selection, profiles);
  } catch (error) {
    if (error instanceof ConfigError && https) throw new ConfigError(error.subject, [...error.problems, https]);
    throw error;
  }
  requireHttps(config, selection.allowPlainHttp);
  return config;
}
