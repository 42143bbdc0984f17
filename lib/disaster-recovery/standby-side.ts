import { Annotations, Aws, CfnOutput, CrossStackReferences, ReferenceStrength, RemovalPolicy, Stack, StackProps, Stage } from 'aws-cdk-lib';
import * as dynamodb from 'aws-cdk-lib/aws-dynamodb';
import * as ec2 from 'aws-cdk-lib/aws-ec2';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as ssm from 'aws-cdk-lib/aws-ssm';
import * as kms from 'aws-cdk-lib/aws-kms';
import { Construct } from 'constructs';
import { StandbyDatabase } from '../data-tier/standby-database';
import type { Domain } from '../domain/domain';
import { alarmOnEndpoint, type DomainEndpointProps } from '../domain/endpoint';
import { NetworkStack } from '../network/network-stack';
import { ServerlessApiStack } from '../serverless-api/serverless-api-stack';
import { keyRemoval } from '../shared/removal';
import { Validator } from '../shared/validation';
import { SiteReplicaBucket } from '../static-site/site-replica-bucket';
import type { DataTierStack } from '../data-tier/data-tier-stack';
import type { StaticSiteStack } from '../static-site/static-site-stack';
import { HEALTH_PATH, WEB_PORT, webServerUserData } from '../web-tier/user-data';
import { PLAIN_HTTP_WARNING } from '../web-tier/web-tier';
import type { CapacityProps } from '../web-tier/web-tier-props';
import { WebTierStack } from '../web-tier/web-tier-stack';
import type { DataTierProps } from '../data-tier/data-tier-props';
import type { ServerlessApiProps } from '../serverless-api/serverless-api-props';
import type { StaticSiteProps } from '../static-site/static-site-props';
import { FailoverScaleUp, FailoverSwitchRef } from './failover-switch';
import { globalClusterIdentifier, replicatesSite, StandbyConfig, StandbyPattern } from './standby-names';

/** What the standby side's endpoints are published with; the failover records are the failover side's. */
export interface StandbyOptions {
  /** The standby load balancer on the domain (its certificate, a SECONDARY failover record). @default none: its own DNS name */
  readonly webTierDomain?: DomainEndpointProps;
  /** The standby API on the domain. @default none: its execute-api URL */
  readonly apiDomain?: DomainEndpointProps;
  /**
   * The stage's failover switch (in this standby region): turning it on scales
   * the standby web tier to the primary's minimum ({@link FailoverScaleUp}).
   * @default none: the operator scales the web tier up
   */
  readonly failoverSwitch?: FailoverSwitchRef;
}

/** The stage the standby side is added to (a ReferenceStage is one): the primary's stacks it replicates from. */
export interface PrimaryStage extends Stage {
  readonly dataTier: DataTierStack;
  readonly serverlessApi: ServerlessApiStack;
  readonly staticSite: StaticSiteStack;
}

/** What the primary region's architectures add to replicate to the standby region. */
export interface PrimaryReplication {
  readonly dataTier: Pick<DataTierProps, 'globalDatabase'>;
  readonly serverlessApi: Pick<ServerlessApiProps, 'tableReplicas'>;
  readonly staticSite: Pick<StaticSiteProps, 'replica'>;
}

/**
 * The standby region's stacks of a stage (note 003's pilot light and warm
 * standby), composed from the architectures' constructs, in two steps:
 * the constructor adds what the primary's stacks replicate into
 * (`StandbyStorage`) and the network, and gives the primary's props
 * (`replication`); {@link attach} then adds the web tier, API and database
 * that reach the primary's. Data is replicated continuously; the web tier is
 * provisioned at zero (pilot light) or minimum (warm standby) capacity, to be
 * scaled up on failover.
 */
export class StandbySide {
  /** Keys the primary replicates with (secrets, items) and the site's replica bucket. */
  readonly storage: StandbyStorageStack;
  readonly network: NetworkStack;
  /** The replication props of the primary's DataTier, ServerlessApi and StaticSite. */
  readonly replication: PrimaryReplication;
  readonly pattern: StandbyPattern;
  readonly region: string;
  private attached?: { webTier: WebTierStack; serverlessApi: ServerlessApiStack; dataTier: StandbyDataTierStack };
  private readonly common: StackProps;
  private readonly what: string;

  constructor(private readonly stage: PrimaryStage, private readonly config: StandbyConfig, pattern: StandbyPattern) {
    this.pattern = pattern;
    const identifier = globalClusterIdentifier(config);
    const region = this.region = config.standbyRegion!;
    this.common = { env: { account: config.account, region }, terminationProtection: config.terminationProtection };
    this.what = pattern === 'pilot-light' ? 'pilot light (provisioned at zero)' : 'warm standby (running at minimum capacity)';
    // Lower case, and named by the primary region: the replica bucket's name is made from it.
    const storageStackName = `${stage.stageName}-standby-storage-${config.region}`.toLowerCase().replace(/[^a-z0-9-]+/g, '-');
    this.storage = new StandbyStorageStack(stage, 'StandbyStorage', {
      ...this.common, config, site: replicatesSite(config), stackName: storageStackName,
      description: `Standby storage (${region}): the keys the primary's database secrets and items table replicate with, and the site's content replica`,
    });
    this.network = new NetworkStack(stage, 'StandbyNetwork', {
      ...this.common,
      description: `Standby network (${region}, ${this.what}): VPC with public, private and isolated subnets, NAT, flow logs and endpoints`,
      // Pilot light: one NAT gateway until failover (a third of three's idle cost); warm standby: the stage's layout.
      network: { ...config.network, cidr: standbyNetworkCidr(config), natMode: pattern === 'pilot-light' ? 'single' : config.network.natMode, removalPolicy: config.removalPolicy, flowLogRetention: config.logRetention },
    });
    // The primary's stacks read these when they deploy (Fn::GetStackOutput, weak): no custom resource, no export to hold.
    for (const key of [this.storage.secretsKey, this.storage.itemsKey]) CrossStackReferences.of(key).produce(ReferenceStrength.WEAK);
    // The L1s' attributes: the L2s refuse a generated name across environments, whatever the reference's strength.
    const arnOf = (key: kms.Key) => (key.node.defaultChild as kms.CfnKey).attrArn;
    this.replication = {
      dataTier: { globalDatabase: { identifier, secretReplicas: [{ region, keyArn: arnOf(this.storage.secretsKey) }] } },
      serverlessApi: { tableReplicas: [{ region, keyArn: arnOf(this.storage.itemsKey) }] },
      // An Origin Access Identity (the Sandbox's) cannot be named in another region's bucket policy: that site is redeployed from the repository instead.
      // The replica bucket's name is written on both sides (an IAM grant names it, which a value read from another region could not be acknowledged by).
      staticSite: this.storage.siteReplica ? { replica: { bucketName: replicaBucketName(storageStackName, config.account ?? Aws.ACCOUNT_ID), region } } : {},
    };
  }

  /** Adds the standby web tier, API and database, once the stage's primary stacks exist. */
  attach(options: StandbyOptions = {}): void {
    const { stage, config, common, what, region } = this;
    const dataTier = new StandbyDataTierStack(stage, 'StandbyDataTier', {
      ...common, config, pattern: this.pattern, network: this.network, secretsKey: this.storage.secretsKey,
      description: `Standby data tier (${region}, ${what}): the Aurora Global Database's secondary cluster`,
    });
    const webTier = new WebTierStack(stage, 'StandbyWebTier', {
      ...common,
      description: `Standby web tier (${region}, ${what}): Application Load Balancer in front of an EC2 Auto Scaling group`,
      webTier: {
        ...config.webTier,
        // No schedules: the primary's peak would start the standby's instances daily.
        schedules: undefined,
        capacity: standbyCapacity(config, this.pattern),
        // The database's host from this region's parameter, never from the replicated secret's (the primary's host).
        userData: withDatabaseHostParameter(config, dataTier.databaseHostParameterName),
        vpc: this.network.network.vpc,
        removalPolicy: config.removalPolicy,
        logRetention: config.logRetention,
        deletionProtection: config.deletionProtection,
        alarmEmail: config.alarmEmail,
        // A certificate is regional: the primary's does not serve here.
        certificateArn: undefined,
      },
      domain: options.webTierDomain,
    });
    if (options.failoverSwitch) {
      new FailoverScaleUp(webTier, 'FailoverScaleUp', {
        failoverSwitch: options.failoverSwitch, autoScalingGroup: webTier.webTier.autoScalingGroup, capacity: primaryMinimum(config),
      });
    }
    if (config.plainHttpReason) Annotations.of(webTier.webTier).acknowledgeWarning(PLAIN_HTTP_WARNING, config.plainHttpReason);
    const table = stage.serverlessApi.api.table!;
    // The replica's name is the global table's, read when this stack deploys; its ARN is this region's.
    CrossStackReferences.of(table).produce(ReferenceStrength.WEAK);
    const tableName = (table.node.defaultChild as dynamodb.CfnGlobalTable).ref;
    const replica = dynamodb.TableV2.fromTableAttributes(this.network, 'ItemsReplica', {
      tableArn: `arn:${Aws.PARTITION}:dynamodb:${region}:${Aws.ACCOUNT_ID}:table/${tableName}`,
      encryptionKey: this.storage.itemsKey,
    });
    const serverlessApi = new ServerlessApiStack(stage, 'StandbyServerlessApi', {
      ...common,
      description: `Standby serverless API (${region}): Lambda behind API Gateway on the items table's replica`,
      api: {
        ...config.serverlessApi,
        existingTable: replica,
        removalPolicy: config.removalPolicy,
        logRetention: config.logRetention,
        deletionProtection: config.deletionProtection,
        alarmEmail: config.alarmEmail,
      },
      domain: options.apiDomain,
    });
    // The standby web tier reaches the standby database as the primary's does its own.
    dataTier.database.allowFrom(webTier.webTier.instanceSecurityGroup, 'the standby web tier instances');
    dataTier.database.grantSecretsRead(webTier.webTier.instanceRole, { stage: config.name });
    dataTier.grantDatabaseHostRead(webTier.webTier.instanceRole);
    // Deployment order across regions (a weak reference orders nothing): the keys and bucket before the primary's stacks
    // replicate into them; the secondary after the global database it joins by name; the API after its table's replica.
    for (const primary of [stage.dataTier, stage.serverlessApi, stage.staticSite]) primary.addStackDependency(this.storage, 'replicates into the standby region\'s keys and bucket');
    dataTier.addStackDependency(stage.dataTier, 'the secondary cluster joins the primary\'s global database');
    serverlessApi.addStackDependency(stage.serverlessApi, 'serves the replica the primary\'s global table creates');
    this.attached = { webTier, serverlessApi, dataTier };
  }

  /**
   * Alarms in the Domain's stack (us-east-1) when a standby endpoint fails its
   * Route 53 health check, so that a standby that broke is noticed before it is
   * needed: the API always (Lambda answers at zero capacity), the load balancer
   * only for warm standby. A pilot light's web tier has no instance until
   * failover, so its check is unhealthy by design: an alarm on it would always be
   * on, and the readiness checks (smoke) cover it instead.
   */
  alarmOnHealthChecks(domain: Domain, webTierHealthPath: string): void {
    const { webTier, serverlessApi } = this.part();
    const checks = [
      ...this.pattern === 'warm-standby' ? [['StandbyApp', webTier.onDomain, webTierHealthPath] as const] : [],
      ['StandbyApi', serverlessApi.onDomain, undefined] as const,
    ];
    for (const [name, endpoint, path] of checks) alarmOnEndpoint(domain, name, endpoint, path);
  }

  /** The standby web tier stack (after attach). */
  get webTier(): WebTierStack {
    return this.part().webTier;
  }

  /** The standby API stack (after attach). */
  get serverlessApi(): ServerlessApiStack {
    return this.part().serverlessApi;
  }

  /** The standby database stack (after attach). */
  get dataTier(): StandbyDataTierStack {
    return this.part().dataTier;
  }

  /** The standby load balancer: what the failover side's SECONDARY record points at. */
  get loadBalancer() {
    return this.webTier.webTier.loadBalancer;
  }

  /** The standby API. */
  get api() {
    return this.serverlessApi.api;
  }

  private part() {
    if (!this.attached) throw new Error('StandbySide.attach has not been called: the standby web tier, API and database come after the primary stacks');
    return this.attached;
  }
}

/**
 * The standby VPC's CIDR block: the config's, else the block after the primary's, of its size, within its /8
 * (10.0.0.0/16: 10.1.0.0/16; 10.255.0.0/16: 10.0.0.0/16... wraps). Refused when it overlaps the primary's:
 * overlapping VPCs cannot be peered or routed through a Transit Gateway.
 */
export function standbyNetworkCidr(config: StandbyConfig): string {
  const primary = config.network.cidr ?? '10.0.0.0/16';
  const v = new Validator('stage config');
  const block = v.cidr('network.cidr', primary, 8, 28);
  v.throwIfInvalid();
  const size = 2 ** (32 - block!.prefix);
  const eight = block!.address - (block!.address % 2 ** 24);
  const next = eight + ((block!.address - eight + size) % 2 ** 24);
  const chosen = config.standbyNetworkCidr ?? `${dotted(next)}/${block!.prefix}`;
  const standby = v.cidr('standbyNetworkCidr', chosen, 16, 28);
  if (standby) {
    const overlaps = Math.max(block!.address, standby.address) < Math.min(block!.address + size, standby.address + 2 ** (32 - standby.prefix));
    v.check(!overlaps, 'standbyNetworkCidr', chosen, `expected a block apart from the primary's network.cidr ${primary}: overlapping VPCs cannot be peered or joined by a Transit Gateway`);
  }
  v.throwIfInvalid();
  return chosen;
}

function dotted(address: number): string {
  return [24, 16, 8, 0].map((shift) => Math.floor(address / 2 ** shift) % 256).join('.');
}

/** Where the standby's instances find the name of the parameter holding the database's host. */
export const DATABASE_ENV_FILE = '/etc/web-tier/database.env';

/**
 * The standby web tier's user data: the stage's (or the default web server's),
 * after a line that writes `DATABASE_HOST_PARAMETER=<name>` to {@link DATABASE_ENV_FILE}.
 * The replicated secrets carry the primary cluster's host: an application on the
 * standby reads its credentials from the secret and its host from that parameter.
 */
function withDatabaseHostParameter(config: StandbyConfig, parameterName: string): ec2.UserData {
  const { webTier } = config;
  const base = webTier.userData ?? webServerUserData({ port: webTier.port ?? WEB_PORT, healthPath: webTier.healthCheck?.path ?? HEALTH_PATH });
  const userData = ec2.UserData.forLinux();
  userData.addCommands(
    `install -d -m 755 ${DATABASE_ENV_FILE.replace(/\/[^/]+$/, '')}`,
    `echo 'DATABASE_HOST_PARAMETER=${parameterName}' > ${DATABASE_ENV_FILE}`,
    base.render(),
  );
  return userData;
}

/** The site replica's bucket name: its stack's name (lower case, per stage and primary region) and the account, unique worldwide. */
function replicaBucketName(stackName: string, account: string): string {
  return `${stackName}-site-${account}`;
}

/**
 * The standby web tier's instance counts: none (pilot light) or one (warm standby), up to the primary's most.
 * No desired count: CloudFormation starts the group at its minimum, and a deploy during a failover leaves the
 * capacity serving traffic as it is (a desired count in the template would reset it).
 */
function standbyCapacity(config: StandbyConfig, pattern: StandbyPattern): CapacityProps {
  const min = pattern === 'pilot-light' ? 0 : 1;
  return { min, max: Math.max(config.webTier.capacity?.max ?? 4, primaryMinimum(config), 1) };
}

/** The primary web tier's minimum (WebTierProps' default 2): what the standby is scaled to on failover. */
function primaryMinimum(config: StandbyConfig): number {
  return config.webTier.capacity?.min ?? 2;
}

/** Props of {@link StandbyStorageStack}. */
export interface StandbyStorageStackProps extends StackProps {
  readonly config: StandbyConfig;
  /** Whether the site's content is replicated here. */
  readonly site: boolean;
}

/** The standby region's keys the primary replicates with, and the site's replica bucket. */
export class StandbyStorageStack extends Stack {
  /** Encrypts the replicas of the database secrets. */
  readonly secretsKey: kms.Key;
  /** Encrypts the items table's replica. */
  readonly itemsKey: kms.Key;
  readonly siteReplica?: SiteReplicaBucket;

  constructor(scope: Construct, id: string, props: StandbyStorageStackProps) {
    super(scope, id, props);
    const { config } = props;
    const key = (keyId: string, what: string) => new kms.Key(this, keyId, {
      description: `Encrypts ${what} in this standby region (stage ${config.name})`, enableKeyRotation: true, ...keyRemoval(config.removalPolicy),
    });
    this.secretsKey = key('SecretsKey', 'the replicas of the data tier\'s secrets');
    this.itemsKey = key('ItemsKey', 'the replica of the items table');
    if (props.site) {
      this.siteReplica = new SiteReplicaBucket(this, 'SiteReplica', {
        // Named from this stack (CloudFormation's own name for it: no literal another deployment could share), as the primary names it.
        bucketName: replicaBucketName(Aws.STACK_NAME, Aws.ACCOUNT_ID),
        // A copy: the content bucket and the repository keep the site, and a retained replica would hold the name.
        removalPolicy: RemovalPolicy.DESTROY,
        noncurrentVersionDays: config.staticSite.noncurrentVersionDays,
      });
      new CfnOutput(this, 'SiteReplicaBucketName', { value: this.siteReplica.bucketName, description: 'The site\'s content replica, the distribution\'s fallback origin' });
    }
  }
}

/** Props of {@link StandbyDataTierStack}. */
export interface StandbyDataTierStackProps extends StackProps {
  readonly config: StandbyConfig;
  readonly pattern: StandbyPattern;
  readonly network: NetworkStack;
  readonly secretsKey: kms.IKey;
}

/** The Aurora global database's secondary cluster in the standby region. */
export class StandbyDataTierStack extends Stack {
  readonly database: StandbyDatabase;
  /** This region's cluster endpoint's host name, for the standby's instances (the replicated secrets carry the primary's). */
  readonly databaseHost: ssm.StringParameter;
  /** The parameter's name, `/<this stack's name>/database-host`: known at synth, so the web tier needs no reference to this stack. */
  readonly databaseHostParameterName: string;

  constructor(scope: Construct, id: string, props: StandbyDataTierStackProps) {
    super(scope, id, props);
    const { config } = props;
    const identifier = globalClusterIdentifier(config);
    this.database = new StandbyDatabase(this, 'StandbyDatabase', {
      vpc: props.network.network.vpc,
      globalClusterIdentifier: identifier,
      database: config.dataTier.database,
      instances: props.pattern === 'pilot-light' ? 0 : 1,
      secretsKey: props.secretsKey,
      deletionProtection: config.deletionProtection,
      removalPolicy: config.removalPolicy,
      logRetention: config.logRetention,
      alarmEmail: config.alarmEmail,
    });
    this.databaseHostParameterName = `/${this.stackName}/database-host`;
    this.databaseHost = new ssm.StringParameter(this, 'DatabaseHost', {
      // The stack's name by reference in the template (what no other deployment shares), the same text as databaseHostParameterName.
      parameterName: `/${Aws.STACK_NAME}/database-host`,
      simpleName: false,
      stringValue: this.database.endpoint,
      description: 'The standby cluster endpoint\'s host (the writer\'s after a failover): the standby web tier connects here, not to the replicated secret\'s host',
    });
    new CfnOutput(this, 'DatabaseEndpoint', { value: this.database.endpoint, description: 'The secondary cluster\'s endpoint: read-only until the global database fails over here, the writer after' });
    new CfnOutput(this, 'GlobalClusterIdentifier', { value: identifier, description: 'aws rds failover-global-cluster --global-cluster-identifier <this> --target-db-cluster-identifier <secondary ARN> --allow-data-loss (region down) or switchover-global-cluster (planned)' });
  }

  /** Lets `role` read the database host's parameter; the policy is written in this stack, attached to the role. */
  grantDatabaseHostRead(role: iam.IRole): iam.ManagedPolicy {
    return new iam.ManagedPolicy(this, 'DatabaseHostReader', {
      description: 'Reads the standby database\'s host parameter',
      roles: [role],
      statements: [new iam.PolicyStatement({ actions: ['ssm:GetParameter'], resources: [this.databaseHost.parameterArn] })],
    });
  }
}

/**
 * The standby side of a stage with a pilot-light or warm-standby pattern (what
 * the stage calls before its primary stacks, giving them `replication`, then
 * `attach` after them); undefined for backup and restore.
 */
export function addStandby(stage: PrimaryStage, config: StandbyConfig, pattern: StandbyPattern | undefined): StandbySide | undefined {
  return pattern ? new StandbySide(stage, config, pattern) : undefined;
}
