import * as path from 'path';
import { Aws, CustomResource, Duration, RemovalPolicy } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as kms from 'aws-cdk-lib/aws-kms';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { acknowledge, CONFIG_RULE_PACKS } from '../shared/compliance';
import { HardenedFunction } from '../shared/hardened-function';
import type { SettingName } from './account-settings/settings';
import { configServiceLinkedRoleArn } from './config-recorder';
import { onlyWhere, RegionDecision } from './regions';
import { AccountSettingsProps, PasswordPolicy } from './security-baseline-props';

/** The password policy used when none is given (CIS AWS Foundations 1.8-1.9, plus a 90-day age). */
export const DEFAULT_PASSWORD_POLICY: Required<PasswordPolicy> = { minimumLength: 14, maxAgeDays: 90, reusePrevention: 24 };

/**
 * The IAM password policy fields set for `policy`, written out in the template:
 * every character class required (CIS, and the IAM_PASSWORD_POLICY rule's defaults),
 * users may change their own password, an expired password can still be changed.
 */
export function passwordPolicyProperties(policy: PasswordPolicy = {}): Record<string, number | boolean> {
  const p = { ...DEFAULT_PASSWORD_POLICY, ...policy };
  return {
    MinimumPasswordLength: p.minimumLength, MaxPasswordAge: p.maxAgeDays, PasswordReusePrevention: p.reusePrevention,
    RequireUppercaseCharacters: true, RequireLowercaseCharacters: true, RequireSymbols: true, RequireNumbers: true,
    AllowUsersToChangePassword: true, HardExpiry: false,
  };
}

/** The IAM_PASSWORD_POLICY Config rule's parameters for the policy set, so the rule checks what the stack sets. */
export function passwordPolicyRuleParameters(policy: PasswordPolicy = {}): Record<string, string> {
  const p = passwordPolicyProperties(policy);
  return {
    RequireUppercaseCharacters: String(p.RequireUppercaseCharacters), RequireLowercaseCharacters: String(p.RequireLowercaseCharacters),
    RequireSymbols: String(p.RequireSymbols), RequireNumbers: String(p.RequireNumbers),
    MinimumPasswordLength: String(p.MinimumPasswordLength), PasswordReusePrevention: String(p.PasswordReusePrevention), MaxPasswordAge: String(p.MaxPasswordAge),
  };
}

/** What each setting's custom resource may call: read, set and undo that one setting. */
const ACTIONS: Readonly<Record<Exclude<SettingName, 'ConfigServiceLinkedRole'>, string[]>> = {
  EbsEncryptionByDefault: ['ec2:GetEbsEncryptionByDefault', 'ec2:EnableEbsEncryptionByDefault', 'ec2:DisableEbsEncryptionByDefault'],
  S3BlockPublicAccess: ['s3:GetAccountPublicAccessBlock', 's3:PutAccountPublicAccessBlock'],
  PasswordPolicy: ['iam:GetAccountPasswordPolicy', 'iam:UpdateAccountPasswordPolicy', 'iam:DeleteAccountPasswordPolicy'],
};

/** Props of {@link AccountSettings}. */
export interface AccountSettingsConstructProps extends AccountSettingsProps {
  /** Encrypts the function's log group. */
  readonly key: kms.IKey;
  readonly logRetention: logs.RetentionDays;
  /** RETAIN keeps the settings when the stack is deleted; DESTROY puts back what was there before. */
  readonly removalPolicy: RemovalPolicy;
  /**
   * Whether this region sets the account-wide settings (the IAM password policy, S3 account Block
   * Public Access): exactly one region should, or deleting one region's stack would undo them for all.
   */
  readonly setsAccountWideSettings: RegionDecision;
  /**
   * Creates AWS Config's service-linked role when the account has none (a brand-new account);
   * never deletes it.
   * @default false
   */
  readonly configServiceLinkedRole?: boolean;
}

/**
 * Account settings that are safe by default, none of which CloudFormation has
 * a resource type for: EBS encryption by default, S3 account-level Block
 * Public Access and an IAM password policy. One small function (no provider
 * framework) reads each setting before it sets it and, on delete, puts back
 * only what it changed.
 */
export class AccountSettings extends Construct {
  readonly function: HardenedFunction;
  readonly settings: Partial<Record<SettingName, CustomResource>> = {};
  private grantsOnAnyResource = false;

  constructor(scope: Construct, id: string, props: AccountSettingsConstructProps) {
    super(scope, id);
    this.function = new HardenedFunction(this, 'Handler', {
      entry: path.join(__dirname, 'account-settings', 'handler.ts'),
      description: 'Sets the security baseline\'s account settings and puts back what it changed on delete',
      timeout: Duration.minutes(1),
      memorySize: 256,
      encryptionKey: props.key,
      logRetention: props.logRetention,
      removalPolicy: props.removalPolicy,
    });
    if (props.configServiceLinkedRole) {
      // AWS Config's service-linked role, by path: the one role the function may read and create.
      const configRole = configServiceLinkedRoleArn();
      this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ['iam:GetRole'], resources: [configRole] }));
      this.function.role.addToPrincipalPolicy(new iam.PolicyStatement({
        actions: ['iam:CreateServiceLinkedRole'], resources: [configRole],
        conditions: { StringEquals: { 'iam:AWSServiceName': 'config.amazonaws.com' } },
      }));
      this.add('ConfigServiceLinkedRole', props);
    }
    if (props.ebsEncryptionByDefault ?? true) this.add('EbsEncryptionByDefault', props);
    const accountWide = props.setsAccountWideSettings;
    if ((props.s3BlockPublicAccess ?? true) && accountWide !== false) onlyWhere(this.add('S3BlockPublicAccess', props), accountWide);
    if (props.passwordPolicy !== false && accountWide !== false) {
      onlyWhere(this.add('PasswordPolicy', props, passwordPolicyProperties(props.passwordPolicy)), accountWide);
    }
    this.acknowledgeFunction();
  }

  private add(setting: SettingName, props: AccountSettingsConstructProps, extra: Record<string, unknown> = {}): CustomResource {
    const role = this.function.role;
    if (setting !== 'ConfigServiceLinkedRole') {
      role.addToPrincipalPolicy(new iam.PolicyStatement({ actions: ACTIONS[setting], resources: ['*'] }));
      this.grantsOnAnyResource = true;
    }
    const resource = new CustomResource(this, setting, {
      serviceToken: this.function.function.functionArn,
      resourceType: 'Custom::AccountSetting',
      properties: { Setting: setting, AccountId: Aws.ACCOUNT_ID, ...extra },
      removalPolicy: props.removalPolicy,
    });
    // The grants must exist before the function is first invoked.
    resource.node.addDependency(role);
    this.settings[setting] = resource;
    return resource;
  }

  private acknowledgeFunction(): void {
    const fn = this.function.function;
    const grants = this.function.role.grantsPolicy!;
    if (this.grantsOnAnyResource) acknowledge(grants, 'AwsSolutions-IAM5[Resource::*]', 'Account settings (EBS encryption by default, S3 account Block Public Access, the IAM password policy) are not resources: IAM accepts only "*" for their actions, which are limited to reading, setting and undoing these three settings.');
    for (const pack of ['Serverless', 'NIST.800.53.R5', 'HIPAA.Security']) {
      acknowledge(fn, `${pack}-LambdaDLQ`, 'CloudFormation invokes the function and waits for its answer; a failure fails the deployment, so nothing waits in a dead-letter queue to be retried.');
    }
    for (const pack of ['NIST.800.53.R5', 'HIPAA.Security', 'PCI.DSS.321']) {
      acknowledge(fn, `${pack}-LambdaConcurrency`, 'A few invocations per deployment; reserving concurrency would only take capacity from a brand-new account\'s small pool.');
    }
    for (const pack of CONFIG_RULE_PACKS) {
      acknowledge(fn, `${pack}-LambdaInsideVPC`, 'The function calls only the regional EC2, S3 Control and IAM endpoints and CloudFormation\'s response URL; a VPC would add NAT cost and nothing else.');
    }
  }
}
