import { Duration, Names, RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { deliverServerAccessLogsByPolicy } from '../shared/log-bucket';
import { alarmAbove, AlarmTopic } from '../shared/alarms';
import { acknowledge } from '../shared/compliance';
import { DEFAULT_REMOVAL_POLICY, keyRemoval } from '../shared/removal';
import { AccountSettings, passwordPolicyRuleParameters } from './account-settings';
import { AuditTrail } from './audit-trail';
import { CisAlarms } from './cis-alarms';
import { BASELINE_CONFIG_RULES, BaselineConfigRules, ConfigRecorder } from './config-recorder';
import { OrganizationGuardrails, restrictToOrganization } from './organization-guardrails';
import { bothHold, inHomeRegion, onlyWhere, outsideRecentRegions, RegionDecision } from './regions';
import { SecurityBaselineProps, validateSecurityBaselineProps } from './security-baseline-props';
import {
  newAccessAnalyzer, newDetector, newSecurityHub, newUnusedAccessAnalyzer, routeGuardDutyFindings, routeSecurityHubFindings,
} from './threat-detection';

/**
 * The account security baseline (notes 003, 004): someone is watching the
 * account. CloudTrail records every API call, CIS metric filters alarm on
 * what an attacker or a mistake does, AWS Config records and evaluates
 * resource settings, GuardDuty detects threats, Security Hub checks the AWS
 * Foundational Security Best Practices and the CIS AWS Foundations Benchmark,
 * IAM Access Analyzer reports external and unused access, and safe account
 * settings are on. The account-wide pieces live in the home region only
 * (`homeRegion`); the regional services in every region the baseline deploys
 * to. Each per-account service is a switch, for accounts where Control Tower or
 * an organization already runs it.
 */
export class SecurityBaseline extends Construct {
  /** The account's trail; undefined in a stack pinned outside the home region. */
  readonly auditTrail?: AuditTrail;
  readonly alarmTopic: sns.ITopic;
  /** Encrypts the alarm topic this construct creates. */
  readonly alarmKey?: kms.Key;
  /** Encrypts the regional pieces' data: Config's bucket and deliveries, the account-settings function's logs. */
  readonly key: kms.Key;
  /** Where the alarm on undelivered findings goes (not the alarm topic, whose delivery failed). */
  undeliveredFindingsTopic?: sns.ITopic;
  /**
   * Whether this stack holds the account-wide pieces: true or false when the stack's region is
   * known, a CloudFormation condition when it is environment-agnostic and a home region is given.
   */
  readonly isHome: RegionDecision;
  readonly cisAlarms?: CisAlarms;
  readonly configRecorder?: ConfigRecorder;
  readonly configRules?: BaselineConfigRules;
  readonly detector?: guardduty.CfnDetector;
  readonly securityHub?: securityhub.CfnHub;
  readonly accessAnalyzer?: accessanalyzer.CfnAnalyzer;
  readonly unusedAccessAnalyzer?: accessanalyzer.CfnAnalyzer;
  /** Findings EventBridge could not deliver. */
  readonly findingsDeadLetterQueue?: sqs.Queue;
  readonly accountSettings?: AccountSettings;
  readonly organizationGuardrails?: OrganizationGuardrails;

  constructor(scope: Construct, id: string, props: SecurityBaselineProps = {}) {
    super(scope, id);
    deliverServerAccessLogsByPolicy(this);
    validateSecurityBaselineProps(props);
    const removalPolicy = props.removalPolicy ?? DEFAULT_REMOVAL_POLICY;
    const logRetention = props.logRetention ?? logs.RetentionDays.ONE_YEAR;
    const logArchiveExpiration = props.logArchiveExpiration ?? Duration.days(365);
    this.isHome = inHomeRegion(this, 'InHomeRegion', props.homeRegion ?? props.globalResourcesRegion);
    this.key = new kms.Key(this, 'Key', {
      description: `Encrypts the AWS Config bucket and deliveries and the account-settings function logs of ${this.node.path}`,
      enableKeyRotation: true,
      ...keyRemoval(removalPolicy),
    });
    if (!props.alarmTopic) this.alarmKey = new kms.Key(this, 'AlarmKey', { description: `Encrypts the alarm topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms', { key: this.alarmKey!, email: props.alarmEmail, removalPolicy }).topic;
    if (this.isHome !== false) {
      this.auditTrail = new AuditTrail(this, 'Audit', { dataEvents: props.dataEvents ?? false, logArchiveExpiration, objectLockRetention: props.objectLockRetention, logRetention, removalPolicy });
      onlyWhere(this.auditTrail, this.isHome);
      if (props.cisAlarms ?? true) {
        this.cisAlarms = new CisAlarms(this, 'Cis', {
          logGroup: this.auditTrail.logGroup, topic: this.alarmTopic, namespace: props.metricNamespace ?? `CIS/${Stack.of(this).stackName}`,
        });
        onlyWhere(this.cisAlarms, this.isHome);
      }
    }
    const recorder = props.configRecorder ?? true;
    this.accountSettings = this.newAccountSettings(props, recorder, logRetention, removalPolicy);
    if (recorder) {
      this.configRecorder = new ConfigRecorder(this, 'Config', {
        key: this.key, logArchiveExpiration, removalPolicy,
        // Config records no IAM types in the regions opened since 2022, even at home.
        recordsGlobalTypes: bothHold(this, 'RecordsGlobalResourceTypes', this.isHome, outsideRecentRegions(this)),
        serviceLinkedRole: this.accountSettings?.settings.ConfigServiceLinkedRole,
      });
    }
    this.configRules = this.newConfigRules(props.configRules ?? BASELINE_CONFIG_RULES, props);
    if (props.guardDuty ?? true) this.detector = newDetector(this, 'GuardDuty', props.guardDutyProtection);
    if (props.securityHub ?? true) this.securityHub = newSecurityHub(this, 'SecurityHub', props.cisStandard ?? true).hub;
    this.findingsDeadLetterQueue = this.routeFindings(props, removalPolicy);
    if (props.accessAnalyzer ?? true) this.accessAnalyzer = newAccessAnalyzer(this, 'AccessAnalyzer');
    if ((props.unusedAccessAnalyzer ?? true) && this.isHome !== false) {
      this.unusedAccessAnalyzer = newUnusedAccessAnalyzer(this, 'UnusedAccessAnalyzer');
      onlyWhere(this.unusedAccessAnalyzer, this.isHome);
    }
    if (props.organization) {
      this.organizationGuardrails = new OrganizationGuardrails(this, 'Organization', props.organization);
      if (this.auditTrail) restrictToOrganization(this.auditTrail.bucket, props.organization.organizationId);
      if (this.configRecorder) restrictToOrganization(this.configRecorder.bucket, props.organization.organizationId);
    }
  }

  /** The account settings, and AWS Config's service-linked role for the recorder; undefined when there is neither. */
  private newAccountSettings(props: SecurityBaselineProps, recorder: boolean, logRetention: logs.RetentionDays, removalPolicy: RemovalPolicy): AccountSettings | undefined {
    if (props.accountSettings === false && !recorder) return undefined;
    const settings = props.accountSettings === false ? { ebsEncryptionByDefault: false, s3BlockPublicAccess: false, passwordPolicy: false as const } : props.accountSettings;
    return new AccountSettings(this, 'AccountSettings', {
      ...settings, key: this.key, logRetention, removalPolicy, setsAccountWideSettings: this.isHome, configServiceLinkedRole: recorder,
    });
  }

  private newConfigRules(identifiers: readonly string[], props: SecurityBaselineProps): BaselineConfigRules | undefined {
    if (identifiers.length === 0) return undefined;
    let offered: RegionDecision | undefined;
    const policy = props.accountSettings === false ? false : props.accountSettings?.passwordPolicy;
    const rules = new BaselineConfigRules(this, 'ConfigRules', {
      identifiers,
      limitedRulesOffered: () => (offered ??= outsideRecentRegions(this)),
      // The rule checks the policy this stack sets; with none set, the rule's own (CIS) defaults.
      inputParameters: policy === false ? undefined : { IAM_PASSWORD_POLICY: passwordPolicyRuleParameters(policy) },
    });
    // A rule needs a recorder and a delivery channel in the region: ours, when there are, come first.
    if (this.configRecorder) rules.node.addDependency(this.configRecorder.recorder, this.configRecorder.deliveryChannel);
    return rules;
  }

  /** GuardDuty and Security Hub findings at or above the threshold to the alarm topic; returns the dead-letter queue. */
  private routeFindings(props: SecurityBaselineProps, removalPolicy: RemovalPolicy): sqs.Queue | undefined {
    if (!this.detector && !this.securityHub) return undefined;
    const threshold = props.findingSeverity ?? 'HIGH';
    const deadLetterQueue = this.newFindingsDeadLetterQueue(props, removalPolicy);
    if (this.detector) routeGuardDutyFindings(this, 'GuardDutyFindings', this.alarmTopic, threshold, deadLetterQueue);
    if (this.securityHub) routeSecurityHubFindings(this, 'SecurityHubFindings', this.alarmTopic, threshold, deadLetterQueue);
    this.allowEventBridge();
    return deadLetterQueue;
  }

  /**
   * Findings EventBridge could not deliver to the topic wait here, and raise an alarm on a topic
   * of their own, encrypted with a key of its own: a broken alarm topic or key cannot silence it.
   */
  private newFindingsDeadLetterQueue(props: SecurityBaselineProps, removalPolicy: RemovalPolicy): sqs.Queue {
    // SQS-managed encryption: EventBridge can write to it without a key-policy grant.
    const queue = new sqs.Queue(this, 'FindingsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy,
    });
    acknowledge(queue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the findings rules\' targets, which the rule does not recognise as one.');
    acknowledge(queue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: undelivered findings wait here 14 days for an operator.');
    const topic = props.undeliveredFindingsTopic ?? new AlarmTopic(this, 'UndeliveredFindings', {
      key: new kms.Key(this, 'UndeliveredFindingsKey', { description: `Encrypts the undelivered-findings topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) }),
      email: props.alarmEmail,
      removalPolicy,
    }).topic;
    this.undeliveredFindingsTopic = topic;
    alarmAbove(this, 'FindingsUndelivered', topic, {
      metric: queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), statistic: 'Maximum' }),
      above: 0,
      description: 'GuardDuty or Security Hub findings could not be delivered to the alarm topic; they wait in the findings dead-letter queue',
    });
    return queue;
  }

  /** EventBridge must encrypt with the alarm key to deliver findings; without it they are silently dropped. */
  private allowEventBridge(): void {
    this.alarmKey?.addToResourcePolicy(new iam.PolicyStatement({
      sid: `AllowEventBridgeToPublish${Names.uniqueId(this)}`.slice(0, 128),
      principals: [new iam.ServicePrincipal('events.amazonaws.com')],
      actions: ['kms:Decrypt', 'kms:GenerateDataKey*'],
      resources: ['*'],
      conditions: { StringEquals: { 'aws:SourceAccount': Stack.of(this).account } },
    }));
  }
}
