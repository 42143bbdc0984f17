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
import { DEFAULT_GLOBAL_RESOURCES_REGION, inRegion, outsideRecentRegions, RegionDecision } from './regions';
import { FindingSeverity, SecurityBaselineProps, validateSecurityBaselineProps } from './security-baseline-props';
import {
  newAccessAnalyzer, newDetector, newSecurityHub, routeGuardDutyFindings, routeSecurityHubFindings,
} from './threat-detection';

/**
 * The account security baseline (notes 003, 004): someone is watching the
 * account. CloudTrail records every API call, CIS metric filters alarm on
 * what an attacker or a mistake does, AWS Config records and evaluates
 * resource settings, GuardDuty detects threats, Security Hub checks the AWS
 * Foundational Security Best Practices, IAM Access Analyzer reports external
 * access, and safe account settings are on. Each per-account service is a
 * switch, for accounts where Control Tower or an organization already runs it.
 */
export class SecurityBaseline extends Construct {
  readonly auditTrail: AuditTrail;
  readonly alarmTopic: sns.ITopic;
  /** Encrypts the alarm topic this construct creates. */
  readonly alarmKey?: kms.Key;
  readonly cisAlarms?: CisAlarms;
  readonly configRecorder?: ConfigRecorder;
  readonly configRules?: BaselineConfigRules;
  readonly detector?: guardduty.CfnDetector;
  readonly securityHub?: securityhub.CfnHub;
  readonly accessAnalyzer?: accessanalyzer.CfnAnalyzer;
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
    const inGlobalResourcesRegion = inRegion(this, 'InGlobalResourcesRegion', props.globalResourcesRegion ?? DEFAULT_GLOBAL_RESOURCES_REGION);
    this.auditTrail = new AuditTrail(this, 'Audit', {
      dataEvents: props.dataEvents ?? false,
      logArchiveExpiration: props.logArchiveExpiration ?? Duration.days(365),
      objectLockRetention: props.objectLockRetention,
      logRetention,
      removalPolicy,
    });
    if (!props.alarmTopic) this.alarmKey = new kms.Key(this, 'AlarmKey', { description: `Encrypts the alarm topic of ${this.node.path}`, enableKeyRotation: true, ...keyRemoval(removalPolicy) });
    this.alarmTopic = props.alarmTopic ?? new AlarmTopic(this, 'Alarms', { key: this.alarmKey!, email: props.alarmEmail, removalPolicy }).topic;
    if (props.cisAlarms ?? true) {
      this.cisAlarms = new CisAlarms(this, 'Cis', {
        logGroup: this.auditTrail.logGroup, topic: this.alarmTopic, namespace: props.metricNamespace ?? `CIS/${Stack.of(this).stackName}`,
      });
    }
    if (props.configRecorder ?? true) {
      this.configRecorder = new ConfigRecorder(this, 'Config', { bucket: this.auditTrail.bucket, key: this.auditTrail.key, recordsGlobalTypes: inGlobalResourcesRegion });
    }
    this.configRules = this.newConfigRules(props.configRules ?? BASELINE_CONFIG_RULES, props);
    if (props.guardDuty ?? true) this.detector = newDetector(this, 'GuardDuty', props.guardDutyProtection);
    if (props.securityHub ?? true) this.securityHub = newSecurityHub(this, 'SecurityHub').hub;
    this.findingsDeadLetterQueue = this.routeFindings(props.findingSeverity ?? 'HIGH', removalPolicy);
    if (props.accessAnalyzer ?? true) this.accessAnalyzer = newAccessAnalyzer(this, 'AccessAnalyzer');
    if (props.accountSettings !== false) {
      this.accountSettings = new AccountSettings(this, 'AccountSettings', {
        ...props.accountSettings, key: this.auditTrail.key, logRetention, removalPolicy, setsPasswordPolicy: inGlobalResourcesRegion,
      });
    }
    if (props.organization) {
      this.organizationGuardrails = new OrganizationGuardrails(this, 'Organization', props.organization);
      restrictToOrganization(this.auditTrail.bucket, props.organization.organizationId);
    }
  }

  private newConfigRules(identifiers: readonly string[], props: SecurityBaselineProps): BaselineConfigRules | undefined {
    if (identifiers.length === 0) return undefined;
    let offered: RegionDecision | undefined;
    const policy = props.accountSettings === false ? false : props.accountSettings?.passwordPolicy;
    const rules = new BaselineConfigRules(this, 'ConfigRules', {
      identifiers,
      limitedRulesOffered: () => (offered ??= outsideRecentRegions(this, 'AllConfigRulesOffered')),
      // The rule checks the policy this stack sets; with none set, the rule's own (CIS) defaults.
      inputParameters: policy === false ? undefined : { IAM_PASSWORD_POLICY: passwordPolicyRuleParameters(policy) },
    });
    // A rule needs a recorder and a delivery channel in the region: ours, when there are, come first.
    if (this.configRecorder) rules.node.addDependency(this.configRecorder.recorder, this.configRecorder.deliveryChannel);
    return rules;
  }

  /** GuardDuty and Security Hub findings at or above `threshold` to the alarm topic; returns the dead-letter queue. */
  private routeFindings(threshold: FindingSeverity, removalPolicy: RemovalPolicy): sqs.Queue | undefined {
    if (!this.detector && !this.securityHub) return undefined;
    const deadLetterQueue = this.newFindingsDeadLetterQueue(removalPolicy);
    if (this.detector) routeGuardDutyFindings(this, 'GuardDutyFindings', this.alarmTopic, threshold, deadLetterQueue);
    if (this.securityHub) routeSecurityHubFindings(this, 'SecurityHubFindings', this.alarmTopic, threshold, deadLetterQueue);
    this.allowEventBridge();
    return deadLetterQueue;
  }

  /** Findings EventBridge could not deliver to the topic wait here, and raise an alarm. */
  private newFindingsDeadLetterQueue(removalPolicy: RemovalPolicy): sqs.Queue {
    // SQS-managed encryption: EventBridge can write to it without a key-policy grant.
    const queue = new sqs.Queue(this, 'FindingsDeadLetterQueue', {
      encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true, retentionPeriod: Duration.days(14), removalPolicy,
    });
    acknowledge(queue, 'AwsSolutions-SQS3', 'This queue is the dead-letter queue of the findings rules\' targets, which the rule does not recognise as one.');
    acknowledge(queue, 'Serverless-SQSRedrivePolicy', 'A dead-letter queue is the end of the line: undelivered findings wait here 14 days for an operator.');
    alarmAbove(this, 'FindingsUndelivered', this.alarmTopic, {
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
