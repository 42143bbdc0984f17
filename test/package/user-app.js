// A CDK app as a user writes it against the installed package: every
// construct with their defaults and main options, the five cdk-nag packs
// registered the standard way, and nothing else of the library (no stages,
// no compliance helpers). Run by test/package.test.ts inside a temporary app
// whose node_modules holds the unpacked tarball; prints one JSON line.
'use strict';
const fs = require('fs');
const path = require('path');
const { App, Duration, RemovalPolicy, Stack, Validations } = require('aws-cdk-lib');
const ec2 = require('aws-cdk-lib/aws-ec2');
const iam = require('aws-cdk-lib/aws-iam');
const route53 = require('aws-cdk-lib/aws-route53');
// cdk-nag is the app's, loaded by path so that the library, which must work
// without it, cannot resolve it from its own place in node_modules.
const nag = require(process.env.CDK_NAG_PATH);
const lib = require('aws-reference-architectures');

const [outdir, siteDir] = process.argv.slice(2);
const PINNED = { account: '123456789012', region: 'eu-west-1' };
const CERTIFICATE = 'arn:aws:acm:eu-west-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';
const GLOBAL_CERTIFICATE = 'arn:aws:acm:us-east-1:123456789012:certificate/11111111-2222-3333-4444-555555555555';

/** Every construct with its defaults (FanOut needs its subscribers). */
function defaults(stack) {
  const network = new lib.Network(stack, 'Network');
  new lib.WebTier(stack, 'WebTier', { vpc: network.vpc });
  new lib.StaticSite(stack, 'StaticSite');
  new lib.FanOut(stack, 'FanOut', { subscribers: [{ name: 'orders', consumer: {} }] });
  new lib.ServerlessApi(stack, 'Api');
  new lib.DataTier(stack, 'DataTier', { vpc: network.vpc });
  new lib.SecurityBaseline(stack, 'SecurityBaseline');
  new lib.Domain(stack, 'Domain', { domainName: 'example.com' });
  new lib.Streaming(stack, 'Streaming', { bus: { routes: [{ name: 'orders', eventPattern: { source: ['app.orders'] } }] } });
  // The stream and the bus also stand alone, each with a key and an alarm topic of its own.
  new lib.EventStream(stack, 'EventStream');
  new lib.EventBus(stack, 'EventBus', { routes: [{ name: 'payments', eventPattern: { source: ['app.payments'] } }] });
}

/** The Domain's us-east-1 options: a created zone signed with DNSSEC and logging its queries, health checks, a CloudFront certificate. */
function edge(stack) {
  const domain = new lib.Domain(stack, 'Domain', {
    domainName: 'example.com', dnssec: true, queryLogging: true, alarmEmail: 'ops@example.com',
    healthChecks: { App: { fqdn: 'app.example.com', path: '/health' }, Api: { fqdn: 'api.example.com', protocol: 'TCP' } },
  });
  domain.cloudFrontCertificate(stack, 'SiteCertificate', ['www.example.com']);
}

/** Every construct with its main options, those that add or change resources. */
function options(stack) {
  const network = new lib.Network(stack, 'Network', {
    azCount: 3, natMode: 'instance', blockedCidrs: ['203.0.113.0/24'], removalPolicy: RemovalPolicy.RETAIN,
  });
  new lib.Network(stack, 'IsolatedNetwork', { natMode: 'none', subnetSizes: { private: false } });
  new lib.WebTier(stack, 'WebTier', {
    vpc: network.vpc, certificateArn: CERTIFICATE, allowedCidrs: ['198.51.100.0/24'], webAcl: true,
    instanceType: ec2.InstanceType.of(ec2.InstanceClass.T4G, ec2.InstanceSize.SMALL), capacity: { min: 3, max: 12 },
    requestsPerTargetPerMinute: 1000, stepScaling: {}, stickySessions: Duration.hours(1),
    schedules: [{ name: 'peak', cron: '0 14 * * *', min: 6 }], timeZone: 'Asia/Seoul',
    alarmEmail: 'ops@example.com', deletionProtection: true, removalPolicy: RemovalPolicy.RETAIN,
  });
  new lib.StaticSite(stack, 'StaticSite', {
    originAccess: 'oac', encryption: 'KMS', spa: true, contentPath: siteDir,
    domainNames: ['www.example.com'], certificateArn: GLOBAL_CERTIFICATE, allowCountries: ['KR', 'JP'],
    dynamicContent: { pathPattern: '/api/*', originDomainName: 'api.example.com' }, priceClass: 'PriceClass_All',
    removalPolicy: RemovalPolicy.RETAIN,
  });
  new lib.FanOut(stack, 'FanOut', {
    fifo: true, contentBasedDeduplication: true, alarmEmail: 'ops@example.com', removalPolicy: RemovalPolicy.RETAIN,
    subscribers: [
      { name: 'billing', consumer: { reservedConcurrency: 5, timeout: Duration.seconds(20) } },
      { name: 'shipping', filterPolicy: { eventType: ['OrderPlaced'] }, filterPolicyScope: 'MessageBody', rawMessageDelivery: true },
    ],
  });
  new lib.ServerlessApi(stack, 'CognitoApi', {
    authorization: 'cognito', cognito: { createUserPool: true }, webAcl: true, cacheTtl: Duration.minutes(5),
    corsOrigins: ['https://app.example.com'], reservedConcurrency: 20, provisionedConcurrency: 2, removalPolicy: RemovalPolicy.RETAIN,
  });
  const domain = new lib.Domain(stack, 'Domain', { domainName: 'example.com', hostedZoneId: 'Z0123456789ABCDEFGHIJ', removalPolicy: RemovalPolicy.RETAIN });
  new lib.ServerlessApi(stack, 'KeyApi', {
    customDomain: { domainName: 'api.example.com', certificate: domain.certificate(stack, 'ApiCertificate', ['api.example.com']) },
    disableExecuteApiEndpoint: true,
    authorization: 'apiKey', usagePlan: { rateLimit: 5, burstLimit: 10, quota: { limit: 1000, period: 'DAY' } }, alarmEmail: 'ops@example.com',
  });
  const data = new lib.DataTier(stack, 'DataTier', {
    vpc: network.vpc,
    database: { minCapacity: 0.5, maxCapacity: 16, readers: 2, backupRetention: Duration.days(14), proxy: true, dataApi: true, masterUsername: 'owner', appUsername: 'shop' },
    cache: { nodeType: 'cache.t4g.small', replicas: 2 },
    backupPlan: { retention: Duration.days(35), vaultLock: 'compliance', copyToVaultArn: 'arn:aws:backup:eu-central-1:123456789012:backup-vault:dr' },
    deletionProtection: true, removalPolicy: RemovalPolicy.RETAIN, alarmEmail: 'ops@example.com',
  });
  data.allowFrom(new ec2.SecurityGroup(stack, 'AppGroup', { vpc: network.vpc }), 'the app');
  data.grantSecretsRead(new iam.Role(stack, 'AppRole', { assumedBy: new iam.ServicePrincipal('ec2.amazonaws.com') }));
  new lib.SecurityBaseline(stack, 'SecurityBaseline', {
    dataEvents: true, objectLockRetention: Duration.days(365), logArchiveExpiration: Duration.days(7 * 365),
    removalPolicy: RemovalPolicy.RETAIN, alarmEmail: 'ops@example.com',
  });
}

/** The streaming constructs' options, in a stack of their own: with them, one stack would pass CloudFormation's 500 resources. */
function streamingOptions(stack) {
  new lib.Streaming(stack, 'Streaming', {
    stream: {
      capacity: { mode: 'onDemand' }, retention: Duration.days(7),
      consumer: { enhancedFanOut: true, batchSize: 500, maxRecordAge: Duration.hours(6), parallelizationFactor: 2 },
      delivery: { bufferingInterval: Duration.minutes(1), columns: { deviceId: 'string', reading: 'double' }, bytesScannedCutoffPerQuery: 100 * 1024 ** 2 },
    },
    bus: {
      organizationId: 'o-a1b2c3d4e5', archiveRetention: Duration.days(365),
      routes: [{ name: 'large-orders', eventPattern: { source: ['app.orders'], detail: { total: [{ numeric: ['>=', 1000] }] } }, retryAttempts: 3 }],
    },
    alarmEmail: 'ops@example.com', removalPolicy: RemovalPolicy.RETAIN,
  });
}

/**
 * Disaster recovery as a user composes it across two regions: backups copied to a
 * vault of the other region, an Aurora global database and its secondary, the
 * failover switch in the standby region and the PRIMARY's calculated health check.
 */
function recovery(primary, standby) {
  new lib.RecoveryVault(standby, 'RecoveryVault', { lock: 'governance', minRetention: Duration.days(2) });
  const network = new lib.Network(primary, 'Network');
  new lib.DataTier(primary, 'DataTier', { vpc: network.vpc, globalDatabase: { identifier: 'shop-eu-west-1-data' } });
  new lib.BackupAndRestore(primary, 'Backups', {
    recovery: { rpo: Duration.hours(1), rto: Duration.hours(4) }, alarmEmail: 'ops@example.com',
    copyToVaultArns: ['arn:aws:backup:us-west-2:123456789012:backup-vault:shop-copies'],
  });
  const standbyNetwork = new lib.Network(standby, 'Network', { cidr: '10.1.0.0/16' });
  new lib.StandbyDatabase(standby, 'Database', { vpc: standbyNetwork.vpc, globalClusterIdentifier: 'shop-eu-west-1-data' });
  const failoverSwitch = new lib.FailoverSwitch(standby, 'Switch', { switchName: 'shop-eu-west-1', primaryRegion: 'eu-west-1' });
  const endpointHealthCheck = new route53.HealthCheck(primary, 'AppHealthCheck', { type: route53.HealthCheckType.HTTPS, fqdn: 'app.example.com', resourcePath: '/health' });
  new lib.FailoverPrimaryHealthCheck(primary, 'PrimaryHealth', { failoverSwitch: failoverSwitch.ref, endpointHealthCheck });
}

// Left out, as in the repository's own test apps (lib/docs/generate.ts
// templateApp), is what nothing below reads: CloudFormation's schema
// validation, the construct tree (tree.json) and the JavaScript stack trace
// CDK records in the metadata for every resource and annotation (about a
// tenth of this process's CPU). Templates and assets are the same.
const app = new App({
  outdir, builtinCloudFormationValidation: false, treeMetadata: false, stackTraces: false,
  context: { 'aws:cdk:disable-creation-stack-traces': true },
});
Validations.of(app).addPlugins(
  new nag.AwsSolutionsChecks(app), new nag.ServerlessChecks(app), new nag.NIST80053R5Checks(app),
  new nag.HIPAASecurityChecks(app), new nag.PCIDSS321Checks(app),
);
defaults(new Stack(app, 'Defaults'));
defaults(new Stack(app, 'DefaultsPinned', { env: PINNED }));
options(new Stack(app, 'Options'));
options(new Stack(app, 'OptionsPinned', { env: PINNED }));
streamingOptions(new Stack(app, 'StreamingOptions'));
streamingOptions(new Stack(app, 'StreamingOptionsPinned', { env: PINNED }));
edge(new Stack(app, 'Edge', { env: { account: PINNED.account, region: 'us-east-1' } }));
recovery(new Stack(app, 'Recovery', { env: PINNED }), new Stack(app, 'RecoveryStandby', { env: { account: PINNED.account, region: 'us-west-2' } }));

let error;
try {
  app.synth();
} catch (e) {
  error = e.message;
}
const report = path.join(outdir, 'validation-report.json');
const findings = !fs.existsSync(report) ? [] : JSON.parse(fs.readFileSync(report, 'utf8')).pluginReports.flatMap((r) =>
  r.violations.flatMap((v) => v.violatingConstructs.map((c) => `${v.ruleName} at ${c.constructPath}`)));
const template = JSON.parse(fs.readFileSync(path.join(outdir, 'Defaults.template.json'), 'utf8'));
const idleMonthly = lib.estimateStack(template, lib.loadPrices()).total;
const libraryDir = path.dirname(require.resolve('aws-reference-architectures'));
const resolvesFromLibrary = Object.fromEntries(['cdk-nag', 'esbuild'].map((name) => {
  try {
    require.resolve(name, { paths: [libraryDir] });
    return [name, true];
  } catch {
    return [name, false];
  }
}));
console.log(JSON.stringify({ error, findings, idleMonthly, resolvesFromLibrary }));
