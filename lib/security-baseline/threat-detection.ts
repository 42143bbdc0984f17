import { Aws, Fn } from 'aws-cdk-lib';
import * as accessanalyzer from 'aws-cdk-lib/aws-accessanalyzer';
import * as events from 'aws-cdk-lib/aws-events';
import * as guardduty from 'aws-cdk-lib/aws-guardduty';
import * as securityhub from 'aws-cdk-lib/aws-securityhub';
import * as sns from 'aws-cdk-lib/aws-sns';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import { RuleScopedTopic } from '../shared/rule-scoped-topic';
import { outsideRegions, REGIONS_WITHOUT_GUARDDUTY_RDS_PROTECTION } from './regions';
import { FINDING_SEVERITIES, FindingSeverity, GuardDutyProtection } from './security-baseline-props';

/** Lowest GuardDuty severity score of each label (GuardDuty's 1.0-10.0 scale). */
export const GUARDDUTY_SEVERITY_SCORE: Readonly<Record<FindingSeverity, number>> = { LOW: 1, MEDIUM: 4, HIGH: 7, CRITICAL: 9 };

/** The labels at or above a threshold, lowest first. */
export function severitiesFrom(threshold: FindingSeverity): FindingSeverity[] {
  return FINDING_SEVERITIES.slice(FINDING_SEVERITIES.indexOf(threshold));
}

/** The standard Security Hub enables, in the stack's region and partition. */
export const FOUNDATIONAL_STANDARD_ARN = `arn:${Aws.PARTITION}:securityhub:${Aws.REGION}::standards/aws-foundational-security-best-practices/v/1.0.0`;

/**
 * The CIS AWS Foundations Benchmark standard Security Hub enables beside the
 * Foundational one: v3.0.0, the newest with a regional standards ARN.
 */
export const CIS_STANDARD_ARN = `arn:${Aws.PARTITION}:securityhub:${Aws.REGION}::standards/cis-aws-foundations-benchmark/v/3.0.0`;

/** GuardDuty's paid protection plans beyond S3 protection, by the prop that switches each on. */
export const GUARDDUTY_OPTIONAL_FEATURES: Readonly<Record<keyof GuardDutyProtection, string>> = {
  eksAuditLogs: 'EKS_AUDIT_LOGS',
  ebsMalwareProtection: 'EBS_MALWARE_PROTECTION',
  rdsLoginEvents: 'RDS_LOGIN_EVENTS',
  lambdaNetworkLogs: 'LAMBDA_NETWORK_LOGS',
  runtimeMonitoring: 'RUNTIME_MONITORING',
};

/**
 * Creates a GuardDuty detector with S3 protection (notes 004: threat detection
 * by machine learning over several logs). CreateDetector turns on every feature
 * it is not told about, billed after the trial: each other plan is listed,
 * DISABLED unless `protection` switches it on.
 */
export function newDetector(scope: Construct, id: string, protection: GuardDutyProtection = {}): guardduty.CfnDetector {
  const optional = Object.entries(GUARDDUTY_OPTIONAL_FEATURES) as [keyof GuardDutyProtection, string][];
  const status = (prop: keyof GuardDutyProtection): string => {
    if (!protection[prop]) return 'DISABLED';
    if (prop !== 'rdsLoginEvents') return 'ENABLED';
    // RDS Protection is not offered everywhere: off where it is missing, so the detector deploys there.
    const offered = outsideRegions(scope, `${id}RdsProtectionOffered`, REGIONS_WITHOUT_GUARDDUTY_RDS_PROTECTION);
    if (typeof offered === 'boolean') return offered ? 'ENABLED' : 'DISABLED';
    return Fn.conditionIf(offered.logicalId, 'ENABLED', 'DISABLED').toString();
  };
  return new guardduty.CfnDetector(scope, id, {
    enable: true,
    findingPublishingFrequency: 'FIFTEEN_MINUTES',
    features: [
      { name: 'S3_DATA_EVENTS', status: 'ENABLED' },
      ...optional.map(([prop, name]) => ({ name, status: status(prop) })),
    ],
  });
}

/**
 * Enables Security Hub with the AWS Foundational Security Best Practices standard and,
 * unless `cis` is false, the CIS AWS Foundations Benchmark (and no others).
 */
export function newSecurityHub(scope: Construct, id: string, cis = true): { hub: securityhub.CfnHub; standards: securityhub.CfnStandard[] } {
  const hub = new securityhub.CfnHub(scope, id, {
    enableDefaultStandards: false,
    controlFindingGenerator: 'SECURITY_CONTROL',
    autoEnableControls: true,
  });
  const standards = [new securityhub.CfnStandard(scope, `${id}FoundationalStandard`, { standardsArn: FOUNDATIONAL_STANDARD_ARN })];
  if (cis) standards.push(new securityhub.CfnStandard(scope, `${id}CisStandard`, { standardsArn: CIS_STANDARD_ARN }));
  for (const standard of standards) standard.node.addDependency(hub);
  return { hub, standards };
}

/** IAM Access Analyzer for the account: reports resources shared outside it. */
export function newAccessAnalyzer(scope: Construct, id: string): accessanalyzer.CfnAnalyzer {
  return new accessanalyzer.CfnAnalyzer(scope, id, { type: 'ACCOUNT' });
}

/**
 * IAM Access Analyzer's unused-access analyzer: IAM roles and users, their access
 * keys, passwords and permissions unused for `unusedAccessAge` days. It is billed
 * per role and user analyzed each month, and IAM is global: one per account.
 */
export function newUnusedAccessAnalyzer(scope: Construct, id: string, unusedAccessAge = 90): accessanalyzer.CfnAnalyzer {
  return new accessanalyzer.CfnAnalyzer(scope, id, {
    type: 'ACCOUNT_UNUSED_ACCESS',
    analyzerConfiguration: { unusedAccessConfiguration: { unusedAccessAge } },
  });
}

/** Routes GuardDuty findings at or above `threshold` to `topic`. */
export function routeGuardDutyFindings(scope: Construct, id: string, topic: sns.ITopic, threshold: FindingSeverity, deadLetterQueue: sqs.IQueue): events.Rule {
  return new events.Rule(scope, id, {
    description: `GuardDuty findings of severity ${threshold} or above, to the alarm topic`,
    eventPattern: {
      source: ['aws.guardduty'],
      detailType: ['GuardDuty Finding'],
      detail: { severity: [{ numeric: ['>=', GUARDDUTY_SEVERITY_SCORE[threshold]] }] },
    },
    targets: [new RuleScopedTopic(topic, deadLetterQueue)],
  });
}

/**
 * Routes new, active Security Hub findings at or above `threshold` to `topic`,
 * except GuardDuty's (Security Hub imports them too; the GuardDuty rule sends them).
 */
export function routeSecurityHubFindings(scope: Construct, id: string, topic: sns.ITopic, threshold: FindingSeverity, deadLetterQueue: sqs.IQueue): events.Rule {
  return new events.Rule(scope, id, {
    description: `Security Hub findings of severity ${threshold} or above, new and active, to the alarm topic`,
    eventPattern: {
      source: ['aws.securityhub'],
      detailType: ['Security Hub Findings - Imported'],
      detail: {
        findings: {
          Severity: { Label: severitiesFrom(threshold) }, Workflow: { Status: ['NEW'] }, RecordState: ['ACTIVE'],
          ProductName: [{ 'anything-but': 'GuardDuty' }],
        },
      },
    },
    targets: [new RuleScopedTopic(topic, deadLetterQueue)],
  });
}
