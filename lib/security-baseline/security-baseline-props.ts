import { Duration, RemovalPolicy, Token } from 'aws-cdk-lib';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { EMAIL, REGION, Validator } from '../shared/validation';
import { REGIONS_OPENED_SINCE_2022 } from './regions';

/** A finding severity, lowest to highest; findings at or above the threshold are notified. */
export type FindingSeverity = 'LOW' | 'MEDIUM' | 'HIGH' | 'CRITICAL';

/** The severities in order, lowest first. */
export const FINDING_SEVERITIES: readonly FindingSeverity[] = ['LOW', 'MEDIUM', 'HIGH', 'CRITICAL'];

/** The IAM password policy the account gets (IAM's UpdateAccountPasswordPolicy fields). */
export interface PasswordPolicy {
  /** Shortest password, 14 to 128 (CIS asks for 14). @default 14 */
  readonly minimumLength?: number;
  /** Days a password is valid, 1 to 1095. @default 90 */
  readonly maxAgeDays?: number;
  /** Previous passwords that cannot be reused, 1 to 24. @default 24 */
  readonly reusePrevention?: number;
}

/** Account settings applied once per account and region, each switchable. */
export interface AccountSettingsProps {
  /**
   * EBS encryption by default in this region (EC2's account setting).
   * @default true
   */
  readonly ebsEncryptionByDefault?: boolean;
  /**
   * S3 Block Public Access for the whole account (all four settings).
   * @default true
   */
  readonly s3BlockPublicAccess?: boolean;
  /**
   * An IAM password policy for the account; `false` leaves it alone. The policy is global: it is set by the
   * stack in `globalResourcesRegion` only, and the IAM_PASSWORD_POLICY Config rule is given the same values.
   * @default { minimumLength: 14, maxAgeDays: 90, reusePrevention: 24 } with every character class required
   */
  readonly passwordPolicy?: PasswordPolicy | false;
}

/**
 * GuardDuty's paid protection plans beyond S3 protection (which is always on).
 * Each is off unless switched on here: GuardDuty would otherwise enable every
 * plan the detector does not mention, billed after the 30-day trial.
 */
export interface GuardDutyProtection {
  /** EKS Protection: EKS audit logs. @default false */
  readonly eksAuditLogs?: boolean;
  /** Malware Protection for EC2: scans the EBS volumes of an instance with a suspicious finding. @default false */
  readonly ebsMalwareProtection?: boolean;
  /** RDS Protection: Aurora and RDS login activity; left off where GuardDuty does not offer it (ap-east-2). @default false */
  readonly rdsLoginEvents?: boolean;
  /** Lambda Protection: network activity of Lambda functions. @default false */
  readonly lambdaNetworkLogs?: boolean;
  /** Runtime Monitoring of EKS, ECS and EC2 workloads (an agent GuardDuty manages). @default false */
  readonly runtimeMonitoring?: boolean;
}

/** Which service control policies to create (Organizations management account only). */
export interface OrganizationGuardrailsProps {
  /** Organization id, `o-` and 10 to 32 lowercase letters or digits; used in the `aws:PrincipalOrgID` bucket policy. */
  readonly organizationId: string;
  /**
   * Roots (`r-...`), OUs (`ou-...`) or account ids the SCPs are attached to.
   * @default none: the policies are created, not attached
   */
  readonly targetIds?: string[];
  /**
   * Regions the accounts may use; anything else is denied (global services excepted).
   * @default no region restriction
   */
  readonly allowedRegions?: string[];
  /**
   * Role ARNs (wildcards allowed) exempt from the deny-stopping-CloudTrail/Config/GuardDuty policy,
   * such as the role your pipeline deploys this stack with.
   * @default the role Organizations creates in member accounts, `OrganizationAccountAccessRole`
   */
  readonly exemptRoleArns?: string[];
}

/** Props of the {@link SecurityBaseline} construct. Every service can be switched off for an account that already has it. */
export interface SecurityBaselineProps {
  /**
   * Also record S3 object-level (data) events of every bucket in the trail; billed per 100,000 events.
   * @default false
   */
  readonly dataEvents?: boolean;
  /**
   * Keep trail and Config objects in the bucket this long before they expire (they move to
   * Infrequent Access after 30 days and to Glacier Flexible Retrieval after 90).
   * @default Duration.days(365)
   */
  readonly logArchiveExpiration?: Duration;
  /**
   * S3 Object Lock (governance mode) on the log bucket, keeping each object this long; at most `logArchiveExpiration`.
   * Cannot be combined with RemovalPolicy.DESTROY (a locked bucket cannot be emptied).
   * @default none (the Production profile: 365 days)
   */
  readonly objectLockRetention?: Duration;
  /**
   * A CloudWatch alarm on each of the CIS AWS Foundations metric filters.
   * @default true
   */
  readonly cisAlarms?: boolean;
  /**
   * CloudWatch namespace of the CIS metric filters' metrics.
   * @default `CIS/<stack name>`, so two stages in one region never share a metric
   */
  readonly metricNamespace?: string;
  /**
   * An AWS Config configuration recorder and delivery channel. One per account and region:
   * set `false` where Control Tower or an organization already records.
   * @default true
   */
  readonly configRecorder?: boolean;
  /**
   * The one region of the account that holds the account-wide pieces: the multi-region trail and its
   * CIS metric filters and alarms, the IAM password policy and S3 account Block Public Access, the
   * unused-access analyzer, and AWS Config's recording of global resource types (IAM). Every other
   * region gets the regional services only (Config recorder, GuardDuty, Security Hub, external-access
   * analyzer, EBS encryption by default), so an account that deploys the baseline to several regions
   * has one trail, one set of CIS alarms and one password policy. Decided at synth time when the
   * stack's region is known, by a CloudFormation condition on `AWS::Region` when it is
   * environment-agnostic. Must not be a region opened since February 2022 (`REGIONS_OPENED_SINCE_2022`):
   * AWS Config records no IAM types there. Deploy the baseline to this region too.
   * @default the region the stack deploys to: this stack holds them (an account with the baseline in one region)
   */
  readonly homeRegion?: string;
  /**
   * @deprecated use `homeRegion`, which it stands for.
   * @default the region the stack deploys to
   */
  readonly globalResourcesRegion?: string;
  /**
   * AWS Config managed rules to evaluate (identifiers such as `S3_BUCKET_SSL_REQUESTS_ONLY`);
   * they need a recorder in the region, ours or an existing one. `[]` creates none.
   * @default BASELINE_CONFIG_RULES
   */
  readonly configRules?: string[];
  /**
   * A GuardDuty detector with S3 protection. One per account and region.
   * @default true
   */
  readonly guardDuty?: boolean;
  /**
   * GuardDuty's other (paid) protection plans, each switched on here; every one left out is DISABLED.
   * @default none: S3 protection only
   */
  readonly guardDutyProtection?: GuardDutyProtection;
  /**
   * Security Hub with the AWS Foundational Security Best Practices standard. One per account and region.
   * @default true
   */
  readonly securityHub?: boolean;
  /**
   * Security Hub also checks the CIS AWS Foundations Benchmark (v3.0.0) beside the Foundational standard.
   * @default true
   */
  readonly cisStandard?: boolean;
  /**
   * An IAM Access Analyzer for the account (external access). One per account and region.
   * @default true
   */
  readonly accessAnalyzer?: boolean;
  /**
   * An IAM Access Analyzer for unused access (roles, users, keys and permissions unused for 90 days),
   * in the home region only (IAM is global). Billed per IAM role and user analyzed each month.
   * @default true
   */
  readonly unusedAccessAnalyzer?: boolean;
  /**
   * GuardDuty and Security Hub findings at or above this severity reach the alarm topic.
   * @default 'HIGH'
   */
  readonly findingSeverity?: FindingSeverity;
  /**
   * Account settings (EBS encryption by default, S3 account Block Public Access, IAM password policy);
   * `false` switches all three off.
   * @default all three on
   */
  readonly accountSettings?: AccountSettingsProps | false;
  /**
   * Service control policies and an `aws:PrincipalOrgID` bucket policy, for an Organizations management account.
   * @default none
   */
  readonly organization?: OrganizationGuardrailsProps;
  /**
   * Topic receiving alarms and findings.
   * @default a new encrypted topic
   */
  readonly alarmTopic?: sns.ITopic;
  /**
   * E-mail address subscribed to the alarm topic this construct creates, and to the undelivered-findings topic.
   * @default none
   */
  readonly alarmEmail?: string;
  /**
   * Where the alarm on findings EventBridge could not deliver to the alarm topic goes: elsewhere than
   * the topic (and key) that failed.
   * @default a topic of its own, encrypted with a key of its own, subscribed to `alarmEmail`
   */
  readonly undeliveredFindingsTopic?: sns.ITopic;
  /**
   * Retention of the trail's CloudWatch log group.
   * @default logs.RetentionDays.ONE_YEAR
   */
  readonly logRetention?: logs.RetentionDays;
  /**
   * What happens to the bucket, log group, keys and account settings on stack deletion.
   * @default RemovalPolicy.RETAIN
   */
  readonly removalPolicy?: RemovalPolicy;
}

const ORG_ID = /^o-[a-z0-9]{10,32}$/;
const TARGET_ID = /^(r-[0-9a-z]{4,32}|ou-[0-9a-z]{4,32}-[a-z0-9]{8,32}|\d{12})$/;
const RULE_ID = /^[A-Z0-9_]{3,128}$/;
const NAMESPACE = /^[A-Za-z0-9.\-_/#:]{1,255}$/;

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateSecurityBaselineProps(props: SecurityBaselineProps): void {
  const v = new Validator('SecurityBaseline props');
  checkArchive(v, props);
  for (const prop of ['homeRegion', 'globalResourcesRegion'] as const) checkHomeRegion(v, prop, props[prop]);
  v.check(!(props.homeRegion && props.globalResourcesRegion && props.homeRegion !== props.globalResourcesRegion), 'globalResourcesRegion',
    props.globalResourcesRegion, `expected the same region as homeRegion ("${props.homeRegion}"), which it stands for, or leave it out`);
  (props.configRules ?? []).forEach((id, i) => v.check(RULE_ID.test(id), `configRules[${i}]`, id, 'expected an AWS Config managed rule identifier such as "S3_BUCKET_SSL_REQUESTS_ONLY"'));
  v.check(new Set(props.configRules ?? []).size === (props.configRules ?? []).length, 'configRules', props.configRules, 'expected each rule once');
  if (props.metricNamespace !== undefined && !Token.isUnresolved(props.metricNamespace)) {
    v.check(NAMESPACE.test(props.metricNamespace) && !props.metricNamespace.startsWith('AWS/'), 'metricNamespace', props.metricNamespace,
      'expected 1 to 255 letters, digits or . - _ / # :, not starting with "AWS/" (reserved for AWS services)');
  }
  v.oneOf('findingSeverity', props.findingSeverity, FINDING_SEVERITIES);
  if (props.accountSettings) checkPasswordPolicy(v, props.accountSettings.passwordPolicy);
  if (props.organization) checkOrganization(v, props.organization);
  if (props.alarmEmail !== undefined) v.check(EMAIL.test(props.alarmEmail), 'alarmEmail', props.alarmEmail, 'expected an e-mail address');
  v.check(!(props.alarmEmail && props.alarmTopic), 'alarmEmail', props.alarmEmail, 'subscribe the address to the alarmTopic you pass in, or leave alarmTopic out');
  v.throwIfInvalid();
}

function checkHomeRegion(v: Validator, prop: string, region: string | undefined): void {
  if (region === undefined || Token.isUnresolved(region)) return;
  v.check(REGION.test(region), prop, region, 'expected an AWS region name such as "eu-west-1"');
  v.check(!REGIONS_OPENED_SINCE_2022.includes(region), prop, region,
    'expected a region opened before February 2022 (AWS Config records no IAM resource types in later ones), such as "eu-west-1"');
}

function checkArchive(v: Validator, props: SecurityBaselineProps): void {
  const expiration = props.logArchiveExpiration?.toDays({ integral: false });
  // Objects move to Glacier after 90 days, whose minimum storage is 90 days more.
  v.intRange('logArchiveExpiration', expiration, 180, 36500, ' days (objects reach Glacier after 90 days and are billed there 90 days at least)');
  const lock = props.objectLockRetention?.toDays({ integral: false });
  v.intRange('objectLockRetention', lock, 1, 36500, ' days');
  if (lock !== undefined) {
    v.check(lock <= (expiration ?? 365), 'objectLockRetention', `${lock} days`, `expected at most logArchiveExpiration (${expiration ?? 365} days): a lifecycle rule cannot expire a locked object`);
    v.check(props.removalPolicy !== RemovalPolicy.DESTROY, 'objectLockRetention', `${lock} days`, 'a locked bucket cannot be emptied, so RemovalPolicy.DESTROY cannot delete it; leave Object Lock out of a disposable stage');
  }
}

function checkPasswordPolicy(v: Validator, policy: PasswordPolicy | false | undefined): void {
  if (!policy) return;
  v.intRange('accountSettings.passwordPolicy.minimumLength', policy.minimumLength, 14, 128);
  v.intRange('accountSettings.passwordPolicy.maxAgeDays', policy.maxAgeDays, 1, 1095);
  v.intRange('accountSettings.passwordPolicy.reusePrevention', policy.reusePrevention, 1, 24);
}

function checkOrganization(v: Validator, org: OrganizationGuardrailsProps): void {
  v.check(ORG_ID.test(org.organizationId), 'organization.organizationId', org.organizationId, 'expected an organization id such as "o-a1b2c3d4e5"');
  (org.targetIds ?? []).forEach((id, i) => v.check(TARGET_ID.test(id), `organization.targetIds[${i}]`, id, 'expected a root (r-...), an OU (ou-...-...) or a 12-digit account id'));
  if (org.allowedRegions !== undefined) {
    v.check(org.allowedRegions.length > 0, 'organization.allowedRegions', org.allowedRegions, 'expected at least one region, or leave it out for no restriction');
    org.allowedRegions.forEach((r, i) => v.check(REGION.test(r), `organization.allowedRegions[${i}]`, r, 'expected an AWS region name such as "eu-west-1"'));
  }
  (org.exemptRoleArns ?? []).forEach((arn, i) => v.check(/^arn:aws[a-z-]*:iam::(\d{12}|\*):role\/.+$/.test(arn), `organization.exemptRoleArns[${i}]`, arn,
    'expected an IAM role ARN such as "arn:aws:iam::*:role/OrganizationAccountAccessRole"'));
}
