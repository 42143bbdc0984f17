import { Annotations, Aspects, CrossStackReferences, ReferenceStrength, Stage, Tags } from 'aws-cdk-lib';
import { StageFailover, requireFailoverDomain } from '../disaster-recovery/failover-stage';
import { DomainStack } from '../domain/domain-stack';
import { alarmOnEndpoint, type DomainEndpointProps } from '../domain/endpoint';
import { HEALTH_PATH } from '../web-tier/user-data';
import { Construct } from 'constructs';
import { DataTierStack } from '../data-tier/data-tier-stack';
import { FanOutStack } from '../fan-out/fan-out-stack';
import { NetworkStack } from '../network/network-stack';
import { ServerlessApiStack } from '../serverless-api/serverless-api-stack';
import { effectiveOriginAccess } from '../static-site/static-site-props';
import { StaticSiteStack } from '../static-site/static-site-stack';
import { PLAIN_HTTP_WARNING } from '../web-tier/web-tier';
import { WebTierStack } from '../web-tier/web-tier-stack';
import { SecurityBaselineStack, SecurityBaselineStackProps } from '../security-baseline/security-baseline-stack';
import { recordAcknowledgements } from '../shared/compliance';
import { StreamingStack } from '../streaming/streaming-stack';
import { DisasterRecoveryStack, RecoveryVaultStack } from '../disaster-recovery/disaster-recovery-stack';
import { tagForBackup } from '../disaster-recovery/backup-coverage';
import { shortestRetention, stageBackupTag } from '../disaster-recovery/disaster-recovery-props';
import * as rds from 'aws-cdk-lib/aws-rds';
import { AlarmDestination } from './alarm-destination';
import { addStandby, StandbySide } from '../disaster-recovery/standby-side';
import { standbyPatternOf } from '../disaster-recovery/standby-names';
import { StageConfig, StageDomain } from './stage-config';

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
  /** The stage's domain, with `config.domain`: in us-east-1, whatever the stage's region. */
  readonly domain?: DomainStack;
  readonly streaming: StreamingStack;
  /** The standby region's stacks, with a standby region and a pilot-light or warm-standby pattern. */
  readonly standby?: StandbySide;
  /**
   * Failover to the standby region, with a standby pattern (pilot light, warm
   * standby) and the stage's domain: the switch's stack, the endpoints' PRIMARY records.
   */
  readonly failover?: StageFailover;
  private readonly names?: StageDomainNames;
  /** The stage's backups, in its region: every stage has it. */
  readonly disasterRecovery: DisasterRecoveryStack;
  /** The vault the backups are copied to, in `config.standbyRegion`. */
  readonly recoveryVault?: RecoveryVaultStack;

  constructor(scope: Construct, readonly config: StageConfig) {
    super(scope, config.name, { env: { account: config.account, region: config.region } });
    Tags.of(this).add('project', PROJECT_TAG);
    Tags.of(this).add('stage', config.name);
    recordAcknowledgements(this);
    const common = { terminationProtection: config.terminationProtection };
    // With a standby pattern, the data stacks replicate to the standby region; without, they are as they were.
    this.standby = addStandby(this, config, standbyPatternOf(config));
    const replication = this.standby?.replication;
    const names = config.domain && domainNames(config.domain, config.region!, config.domainSubdomain);
    if (config.domain && names) this.domain = this.newDomainStack(config, config.domain, names, common);
    this.names = names;
    this.failover = this.newFailover(config, common);
    const onDomain = (label: string) => this.domain && {
      domain: this.domain.domain, recordName: names!.under(label), healthCheck: true,
      routing: names!.shared ? { kind: 'latency' as const, setIdentifier: config.region!, region: config.region! } : undefined,
      ...this.failover?.primary(),
    };
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
      domain: onDomain('app'),
    });
    if (config.plainHttpReason) Annotations.of(this.webTier.webTier).acknowledgeWarning(PLAIN_HTTP_WARNING, config.plainHttpReason);
    this.staticSite = new StaticSiteStack(this, 'StaticSite', {
      ...common,
      description: `Static site: CloudFront reading a private S3 bucket through ${effectiveOriginAccess(config.staticSite, config.region) === 'oai' ? 'an origin access identity' : 'origin access control'}`,
      site: { ...config.staticSite, ...replication?.staticSite, removalPolicy: config.removalPolicy, logRetention: config.logRetention },
      // The site's health check is the Domain stack's, on its name: the site already reads the Domain's certificate.
      domain: this.domain && { domain: this.domain.domain, recordName: names!.site, certificate: this.domain.cloudFrontCertificate },
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
        ...replication?.serverlessApi,
        removalPolicy: config.removalPolicy,
        logRetention: config.logRetention,
        deletionProtection: config.deletionProtection,
        alarmEmail: config.alarmEmail,
      },
      domain: onDomain('api'),
    });
    this.dataTier = new DataTierStack(this, 'DataTier', {
      ...common,
      description: 'Data tier: Aurora PostgreSQL Serverless v2 and ElastiCache (Valkey) in isolated subnets, reachable from the web tier only',
      dataTier: {
        ...config.dataTier,
        ...replication?.dataTier,
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
    if (this.domain) this.alarmOnEndpoints(this.domain);
    // The standby's load balancer and API are the failover SECONDARY of the stage's names.
    this.standby?.attach(this.failover && { webTierDomain: this.standbyEndpoint('app'), apiDomain: this.standbyEndpoint('api'), failoverSwitch: this.failover.failoverSwitch });
    this.failover?.watch('App', this.webTier, this.webTier.onDomain?.recordHealthCheck);
    this.failover?.watch('Api', this.serverlessApi, this.serverlessApi.onDomain?.recordHealthCheck);
    if (this.domain && this.failover) this.standby?.alarmOnHealthChecks(this.domain.domain, this.config.webTier.healthCheck?.path ?? HEALTH_PATH);
    this.securityBaseline = new SecurityBaselineStack(this, 'SecurityBaseline', { ...common, ...securityBaselineStackProps(config) });
    this.streaming = new StreamingStack(this, 'Streaming', {
      ...common,
      description: 'Streaming and events: Kinesis Data Stream with a Lambda consumer and Firehose to S3 (Glue, Athena), EventBridge bus with routes, dead-letter queues and archive',
      streaming: { ...config.streaming, removalPolicy: config.removalPolicy, logRetention: config.logRetention, alarmEmail: config.alarmEmail },
    });
    if (config.standbyRegion) this.recoveryVault = this.newRecoveryVault(config, config.standbyRegion, common);
    this.disasterRecovery = this.newDisasterRecovery(config, common);
    if (config.alarmTopicArn) Aspects.of(this).add(new AlarmDestination(config.alarmTopicArn));
  }

  /** The vault, in the standby region, the stage's backups are copied to. */
  private newRecoveryVault(config: StageConfig, standbyRegion: string, common: { terminationProtection: boolean }): RecoveryVaultStack {
    return new RecoveryVaultStack(this, 'RecoveryVault', {
      ...common,
      env: { account: config.account, region: standbyRegion },
      description: `Disaster recovery: the vault in ${standbyRegion} the stage's backups are copied to, with a key of its own`,
      vault: { removalPolicy: config.removalPolicy, lock: config.backup.vaultLock, minRetention: shortestRetention({ recovery: config.recovery, ...config.backup }) },
    });
  }

  /**
   * The stage's backup plan (DisasterRecovery, in its region) over every resource it
   * tags here, copied to the RecoveryVault stack in the standby region (read weakly,
   * across regions) and to the copy vault given.
   */
  private newDisasterRecovery(config: StageConfig, common: { terminationProtection: boolean }): DisasterRecoveryStack {
    const stateful = [
      this.dataTier.dataTier.cluster, this.serverlessApi.api.table, this.streaming.streaming.stream.bucket,
      this.securityBaseline.baseline.auditTrail?.bucket, this.securityBaseline.baseline.configRecorder?.bucket,
    ];
    // A tag of the stage's own: another stage in the account and region has its own plan.
    const selectionTag = stageBackupTag(config.name);
    for (const resource of stateful) if (resource) tagForBackup(resource, selectionTag);
    const { retention, vaultLock, restoreTesting } = config.backup;
    const standbyVault = this.recoveryVault?.vault.vault;
    if (standbyVault) CrossStackReferences.of(standbyVault).produce(ReferenceStrength.WEAK);
    // Restore tests put the restored cluster in the data tier's subnet group (else AWS Backup would look for a default VPC).
    const subnetGroup = this.dataTier.dataTier.cluster.node.tryFindChild('Subnets') as rds.SubnetGroup | undefined;
    return new DisasterRecoveryStack(this, 'DisasterRecovery', {
      ...common,
      description: 'Disaster recovery: AWS Backup plan (schedule from the RPO), locked vault with its own key, copies to another region, job alarms and restore tests',
      backup: {
        recovery: config.recovery,
        selectionTag,
        retention,
        vaultLock,
        removalPolicy: config.removalPolicy,
        alarmEmail: config.alarmEmail,
        copyToVaultArns: [standbyVault?.backupVaultArn, config.backupCopyVaultArn].filter((arn): arn is string => arn !== undefined),
        restoreTesting: restoreTesting === false ? false : { auroraSubnetGroupName: subnetGroup?.subnetGroupName, ...restoreTesting },
      },
      alarmTopicArn: config.alarmTopicArn,
    });
  }

  /**
   * The Domain stack in us-east-1 (CloudFront's certificates, Route 53's health-check
   * metrics): the zone imported by id, CAA once per zone (the first serving region),
   * the site's certificate and health check, the endpoints' alarms. With several
   * serving regions each region's stage has its own, named after its region.
   */
  private newDomainStack(config: StageConfig, domain: StageDomain, names: StageDomainNames, common: { terminationProtection: boolean }): DomainStack {
    return new DomainStack(this, 'Domain', {
      ...common,
      env: { account: config.account, region: 'us-east-1' },
      stackName: names.shared ? `${this.stageName}-Domain-${config.region}` : undefined,
      description: `Domain: ${domain.domainName} in Route 53, the site's us-east-1 certificate, health checks and their alarms`,
      domain: {
        domainName: domain.domainName,
        hostedZoneId: domain.hostedZoneId,
        // CAA is read up the tree: the apex's covers every stage's names; one stage, the first region's at the apex, owns it.
        caa: names.primary && !config.domainSubdomain,
        alarms: true,
        healthChecks: { Site: { fqdn: `${names.site}.${domain.domainName}`, path: '/' } },
        alarmEmail: config.alarmEmail,
        removalPolicy: config.removalPolicy,
        logRetention: config.logRetention,
      },
      cloudFrontNames: [names.site],
    });
  }

  /**
   * The `domain` prop of the standby region's endpoint for `label` (`app` for the
   * web tier, `api` for the API): the failover SECONDARY of the stage's own record,
   * with a health check and a certificate of its own. Only with `failover`.
   */
  standbyEndpoint(label: 'app' | 'api'): DomainEndpointProps {
    if (!this.failover || !this.names) throw new Error(`${this.stageName} has no failover: it needs a standby pattern (-c standbyRegion) and a domain (-c domainName, -c hostedZoneId)`);
    return this.failover.secondary(this.names.under(label));
  }

  /** The failover between the stage's region and its standby region, when its pattern has a standby; refused without a domain. */
  private newFailover(config: StageConfig, common: { terminationProtection: boolean }): StageFailover | undefined {
    // The standby side exists exactly where the pattern has a standby (standbyPatternOf): failover goes with it.
    const standby = this.standby;
    if (!standby) return undefined;
    requireFailoverDomain(standby.pattern, standby.region, this.domain !== undefined, config.domain?.servingRegions?.length);
    return new StageFailover(this, {
      stageName: config.name, account: config.account, primaryRegion: config.region!, standbyRegion: standby.region,
      domain: this.domain!.domain, terminationProtection: common.terminationProtection,
    });
  }

  /** Alarms, in the Domain stack, on the health checks of the load balancer and the API (read across regions, weakly). */
  private alarmOnEndpoints(domain: DomainStack): void {
    const checks = [['App', this.webTier.onDomain, this.config.webTier.healthCheck?.path ?? HEALTH_PATH], ['Api', this.serverlessApi.onDomain, undefined]] as const;
    for (const [name, endpoint, path] of checks) alarmOnEndpoint(domain.domain, name, endpoint, path);
  }
}

/** The stage's names on its domain. */
interface StageDomainNames {
  /** The site's label: `www` in the first serving region, `www-<region>` in the others (one distribution per name). */
  readonly site: string;
  /** A label under the stage's part of the domain: `app` or `app.sandbox`. */
  readonly under: (label: string) => string;
  /** True in the first serving region, which holds the zone-wide records. */
  readonly primary: boolean;
  /** True when several regions serve the shared names (latency records). */
  readonly shared: boolean;
}

function domainNames(domain: StageDomain, region: string, subdomain?: string): StageDomainNames {
  const regions = domain.servingRegions ?? [region];
  const primary = regions[0] === region;
  const under = (label: string) => (subdomain ? `${label}.${subdomain}` : label);
  return { site: under(primary ? 'www' : `www-${region}`), under, primary, shared: regions.length > 1 };
}

/**
 * The security baseline's stack props for a stage: the profile's baseline with
 * the stage's removal policy, log retention, alarm destination and home region.
 */
export function securityBaselineStackProps(config: StageConfig): SecurityBaselineStackProps {
  return {
    description: 'Security baseline: CloudTrail with CIS alarms, AWS Config, GuardDuty, Security Hub, Access Analyzer and safe account settings',
    baseline: {
      ...config.securityBaseline,
      removalPolicy: config.removalPolicy,
      logRetention: config.logRetention,
      alarmEmail: config.alarmEmail,
      homeRegion: config.homeRegion ?? config.securityBaseline.homeRegion,
    },
    // Findings reach the user's topic through EventBridge.
    alarmTopicArn: config.alarmTopicArn,
  };
}
