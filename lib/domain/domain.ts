import { Aws, CfnRule, Duration, Fn, RemovalPolicy, Stack, Token } from 'aws-cdk-lib';
import * as acm from 'aws-cdk-lib/aws-certificatemanager';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as route53 from 'aws-cdk-lib/aws-route53';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { AlarmTopic } from '../shared/alarms';
import { EncryptedLogGroup } from '../shared/encrypted-log-group';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { knownRegion } from '../shared/region-condition';
import { Validator } from '../shared/validation';
import { DomainProps, EndpointHealthCheckProps, usEast1Features, validateDomainProps } from './domain-props';
import { publishRoutedRecord, RoutedRecord, RoutedRecordsValidation, validateRoutedRecords } from './routing';

/** The certificate authorities ACM issues from (AWS's CAA guidance for ACM). */
export const AMAZON_CAS = ['amazon.com', 'amazontrust.com', 'awstrust.com', 'amazonaws.com'];

/**
 * A Route 53 public hosted zone (note 001), imported by id or created, with
 * CAA records allowing only Amazon's CA, optional DNSSEC and query logging,
 * health checks with alarms, and what the endpoints on the domain need:
 * DNS-validated ACM certificates in any stack of the app, alias records with
 * routing policies validated at synth.
 */
export class Domain extends Construct {
  readonly domainName: string;
  readonly zone: route53.IHostedZone;
  /** The zone's id: the given one, or the created zone's. */
  readonly hostedZoneId: string;
  /** Health checks by the names given in `healthChecks`. */
  readonly healthChecks: Record<string, route53.HealthCheck> = {};
  /** Alarms of the health checks, by the same names. */
  readonly healthAlarms: Record<string, cloudwatch.Alarm> = {};
  /** The topic health-check alarms notify, when there are health checks. */
  readonly alarmTopic?: sns.Topic;
  /** The DNSSEC signing key, with `dnssec`. */
  readonly dnssecKey?: kms.Key;
  /** The query log group, with `queryLogging`. */
  readonly queryLogs?: logs.LogGroup;

  constructor(scope: Construct, id: string, props: DomainProps) {
    super(scope, id);
    validateDomainProps(props, Stack.of(this).region);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    this.domainName = props.domainName;
    requireUsEast1WhenAgnostic(this, usEast1Features(props));
    if (props.queryLogging) this.queryLogs = this.newQueryLogs(props, removalPolicy);
    this.zone = props.hostedZoneId
      ? route53.HostedZone.fromHostedZoneAttributes(this, 'Zone', { hostedZoneId: props.hostedZoneId, zoneName: props.domainName })
      : new route53.PublicHostedZone(this, 'Zone', { zoneName: props.domainName, queryLogsLogGroupArn: this.queryLogs?.logGroupArn, comment: `Zone of ${this.node.path}` });
    this.hostedZoneId = this.zone.hostedZoneId;
    // Route 53 refuses a query-logging config until it may write to the group.
    const queryLogsPolicy = this.node.tryFindChild('QueryLogsPolicy');
    if (queryLogsPolicy) this.zone.node.addDependency(queryLogsPolicy);
    if (!props.hostedZoneId) (this.zone.node.defaultChild as route53.CfnHostedZone).applyRemovalPolicy(removalPolicy);
    if (props.caa ?? true) this.addCaaRecords();
    if (props.dnssec) this.dnssecKey = this.signZone(removalPolicy);
    const checks = Object.entries(props.healthChecks ?? {});
    if (checks.length > 0 || props.alarms) {
      const key = props.encryptionKey ?? new kms.Key(this, 'Key', { description: `Encrypts the health-check alarm topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
      this.alarmTopic = new AlarmTopic(this, 'Alarms', { key, email: props.alarmEmail, removalPolicy }).topic;
      for (const [name, check] of checks) this.addHealthCheck(name, check);
    }
  }

  /** `label.domainName` (the apex for an empty label). */
  fqdn(label: string): string {
    return label ? `${label}.${this.domainName}` : this.domainName;
  }

  /**
   * The zone, for use in `scope`'s stack: imported there by id (no reference
   * between stacks, whatever their regions), or the created zone itself.
   */
  zoneIn(scope: Construct): route53.IHostedZone {
    // A created zone's id is a token: the other stack references it (same region only).
    if (Stack.of(scope) === Stack.of(this) || Token.isUnresolved(this.hostedZoneId)) return this.zone;
    const existing = scope.node.tryFindChild('DomainZone') as route53.IHostedZone | undefined;
    return existing ?? route53.HostedZone.fromHostedZoneAttributes(scope, 'DomainZone', { hostedZoneId: this.hostedZoneId, zoneName: this.domainName });
  }

  /**
   * An ACM certificate for `names`, validated through DNS in this zone, in the
   * region of `scope`'s stack: regional for a load balancer or an API.
   */
  certificate(scope: Construct, id: string, names: string[]): acm.Certificate {
    new Validator('Domain certificate').check(names.length > 0, 'names', names, 'expected at least one name').throwIfInvalid();
    return new acm.Certificate(scope, id, {
      domainName: names[0],
      subjectAlternativeNames: names.length > 1 ? names.slice(1) : undefined,
      validation: acm.CertificateValidation.fromDns(this.zoneIn(scope)),
    });
  }

  /**
   * A certificate CloudFront can use: it must be in us-east-1, whatever region
   * the rest deploys to. `scope`'s stack must be in us-east-1 (a pinned stack
   * elsewhere fails here; an environment-agnostic one gets a template rule).
   */
  cloudFrontCertificate(scope: Construct, id: string, names: string[]): acm.Certificate {
    const region = knownRegion(scope);
    new Validator('Domain certificate').check(region === undefined || region === 'us-east-1', 'region', region,
      'CloudFront uses certificates from us-east-1 only: create this one in a stack with env.region "us-east-1" (the stages\' Domain stack)').throwIfInvalid();
    requireUsEast1WhenAgnostic(scope, ['a CloudFront certificate']);
    return this.certificate(scope, id, names);
  }

  /**
   * Alias records (A, and AAAA when `ipv6`) for each record, in `scope`'s stack,
   * after validating the routing policies of every name together.
   */
  publish(scope: Construct, id: string, records: RoutedRecord[], ipv6: boolean, validation: RoutedRecordsValidation = {}): route53.RecordSet[] {
    validateRoutedRecords(records, validation);
    const zone = this.zoneIn(scope);
    return records.flatMap((record, i) => publishRoutedRecord(scope, records.length === 1 ? id : `${id}${i}`, zone, record, ipv6));
  }

  private addCaaRecords(): void {
    const values = AMAZON_CAS.flatMap((ca) => [
      { flag: 0, tag: route53.CaaTag.ISSUE, value: ca },
      { flag: 0, tag: route53.CaaTag.ISSUEWILD, value: ca },
    ]);
    new route53.CaaRecord(this, 'Caa', { zone: this.zone, values, ttl: Duration.hours(1) });
  }

  /** A key-signing key from an ECC_NIST_P256 KMS key Route 53's DNSSEC service may use, then signing on. */
  private signZone(removalPolicy: RemovalPolicy): kms.Key {
    const key = new kms.Key(this, 'DnssecKey', {
      description: `DNSSEC key-signing key of ${this.domainName}`,
      keySpec: kms.KeySpec.ECC_NIST_P256,
      keyUsage: kms.KeyUsage.SIGN_VERIFY,
      ...keyRemoval(removalPolicy),
    });
    const fromThisAccountsZones = { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } };
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowRoute53DnssecService',
      principals: [new iam.ServicePrincipal('dnssec-route53.amazonaws.com')],
      actions: ['kms:DescribeKey', 'kms:GetPublicKey', 'kms:Sign'],
      resources: ['*'],
      conditions: fromThisAccountsZones,
    }));
    key.addToResourcePolicy(new iam.PolicyStatement({
      sid: 'AllowRoute53DnssecToCreateGrant',
      principals: [new iam.ServicePrincipal('dnssec-route53.amazonaws.com')],
      actions: ['kms:CreateGrant'],
      resources: ['*'],
      conditions: { Bool: { 'kms:GrantIsForAWSResource': true }, ...fromThisAccountsZones },
    }));
    const ksk = new route53.CfnKeySigningKey(this, 'KeySigningKey', {
      hostedZoneId: this.zone.hostedZoneId,
      keyManagementServiceArn: key.keyArn,
      name: 'ksk',
      status: 'ACTIVE',
    });
    // Signing starts once the key-signing key is active.
    new route53.CfnDNSSEC(this, 'Dnssec', { hostedZoneId: this.zone.hostedZoneId }).node.addDependency(ksk);
    return key;
  }

  /** A log group Route 53 may write the zone's queries to (resource policy: route53.amazonaws.com, this account). */
  private newQueryLogs(props: DomainProps, removalPolicy: RemovalPolicy): logs.LogGroup {
    const group = new EncryptedLogGroup(this, 'QueryLogs', { retention: props.logRetention ?? logs.RetentionDays.ONE_MONTH, removalPolicy }).logGroup;
    new logs.ResourcePolicy(this, 'QueryLogsPolicy', {
      policyStatements: [new iam.PolicyStatement({
        principals: [new iam.ServicePrincipal('route53.amazonaws.com')],
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [group.logGroupArn],
        conditions: { StringEquals: { 'aws:SourceAccount': Aws.ACCOUNT_ID } },
      })],
    });
    return group;
  }

  private addHealthCheck(name: string, check: EndpointHealthCheckProps): void {
    this.healthChecks[name] = endpointHealthCheck(this, `${name}HealthCheck`, check);
    this.alarmOnHealthCheck(name, this.healthChecks[name], check);
  }

  /**
   * An alarm in this construct's stack (us-east-1, where Route 53 publishes the
   * metric) when a health check, wherever it was created, fails for two minutes
   * or stops reporting; it notifies `alarmTopic`.
   */
  alarmOnHealthCheck(name: string, healthCheck: route53.IHealthCheck, check: EndpointHealthCheckProps): cloudwatch.Alarm {
    const topic = this.alarmTopic;
    new Validator('Domain health-check alarm').check(topic !== undefined, 'healthChecks', undefined,
      'the Domain has no alarm topic: give it at least one health check, or alarmTopic through healthChecks').throwIfInvalid();
    const https = (check.protocol ?? 'HTTPS') === 'HTTPS';
    const alarm = new cloudwatch.Alarm(this, `${name}HealthAlarm`, {
      metric: healthCheckStatus(healthCheck),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: 2,
      // No data means the check is not reporting at all: as bad as failing.
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
      alarmDescription: `${name} fails its Route 53 health check (${https ? `HTTPS ${check.path ?? '/'}` : 'TCP 443'})`,
    });
    alarm.addAlarmAction(new actions.SnsAction(topic!));
    alarm.addOkAction(new actions.SnsAction(topic!));
    this.healthAlarms[name] = alarm;
    return alarm;
  }
}

/**
 * A Route 53 health check on a public endpoint, from checkers in several
 * regions every 30 seconds, unhealthy after 3 failures. Route 53 checks are
 * global: create one in any stack, its alarm in us-east-1.
 */
export function endpointHealthCheck(scope: Construct, id: string, check: EndpointHealthCheckProps): route53.HealthCheck {
  const https = (check.protocol ?? 'HTTPS') === 'HTTPS';
  return new route53.HealthCheck(scope, id, {
    type: https ? route53.HealthCheckType.HTTPS : route53.HealthCheckType.TCP,
    fqdn: check.fqdn,
    port: 443,
    resourcePath: https ? check.path ?? '/' : undefined,
    enableSNI: https ? true : undefined,
    requestInterval: Duration.seconds(30),
    failureThreshold: 3,
  });
}

/**
 * In an environment-agnostic stack, a template rule that refuses any region
 * but us-east-1 before anything is created (once per stack).
 */
function requireUsEast1WhenAgnostic(scope: Construct, features: string[]): void {
  if (features.length === 0 || !Token.isUnresolved(Stack.of(scope).region)) return;
  const stack = Stack.of(scope);
  if (stack.node.tryFindChild('UsEast1Only')) return;
  new CfnRule(stack, 'UsEast1Only', {
    assertions: [{
      assert: Fn.conditionEquals(Aws.REGION, 'us-east-1'),
      assertDescription: `This stack holds what Route 53 and CloudFront read in us-east-1 only (${features.join(', ')}): deploy it to us-east-1.`,
    }],
  });
}

/**
 * A health check's status each minute (1 healthy, 0 not; its worst in the
 * minute), as Route 53 publishes it in us-east-1 whichever region it checks from.
 */
export function healthCheckStatus(healthCheck: route53.IHealthCheck): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: 'AWS/Route53',
    metricName: 'HealthCheckStatus',
    dimensionsMap: { HealthCheckId: healthCheck.healthCheckId },
    statistic: 'Minimum',
    period: Duration.minutes(1),
  });
}
