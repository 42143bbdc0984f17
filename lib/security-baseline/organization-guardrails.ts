import { Aws, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as organizations from 'aws-cdk-lib/aws-organizations';
import * as s3 from 'aws-cdk-lib/aws-s3';
import { Construct } from 'constructs';
import { OrganizationGuardrailsProps } from './security-baseline-props';

/** Services whose calls go to us-east-1 or are global, left out of the region restriction (AWS's example SCP). */
export const GLOBAL_SERVICE_ACTIONS = [
  'a4b:*', 'acm:*', 'aws-marketplace-management:*', 'aws-marketplace:*', 'aws-portal:*', 'budgets:*', 'ce:*', 'chime:*',
  'cloudfront:*', 'config:*', 'cur:*', 'directconnect:*', 'ec2:DescribeRegions', 'ec2:DescribeTransitGateways',
  'ec2:DescribeVpnGateways', 'fms:*', 'globalaccelerator:*', 'health:*', 'iam:*', 'importexport:*', 'kms:*',
  'mobileanalytics:*', 'networkmanager:*', 'organizations:*', 'pricing:*', 'route53:*', 'route53domains:*',
  'route53-recovery-cluster:*', 'route53-recovery-control-config:*', 'route53-recovery-readiness:*', 's3:GetAccountPublic*',
  's3:ListAllMyBuckets', 's3:ListMultiRegionAccessPoints', 's3:PutAccountPublic*', 'shield:*', 'sts:*', 'support:*',
  'trustedadvisor:*', 'waf-regional:*', 'waf:*', 'wafv2:*', 'wellarchitected:*',
];

/** Calls that stop or blind the account's watchers. */
export const SECURITY_TAMPERING_ACTIONS = [
  'cloudtrail:StopLogging', 'cloudtrail:DeleteTrail', 'cloudtrail:UpdateTrail', 'cloudtrail:PutEventSelectors',
  'config:StopConfigurationRecorder', 'config:DeleteConfigurationRecorder', 'config:DeleteDeliveryChannel', 'config:PutConfigurationRecorder',
  'guardduty:DeleteDetector', 'guardduty:UpdateDetector', 'guardduty:DisassociateFromMasterAccount', 'guardduty:DisassociateFromAdministratorAccount',
  'guardduty:DeleteMembers', 'guardduty:StopMonitoringMembers',
  'securityhub:DisableSecurityHub', 'securityhub:BatchDisableStandards', 'securityhub:DisassociateFromAdministratorAccount',
];

/**
 * Organizations guardrails as the notes describe them (004): service control
 * policies for the member accounts (no leaving the organization, no stopping
 * CloudTrail, Config, GuardDuty or Security Hub, no root user, optionally only
 * some regions), and a data-perimeter bucket policy with `aws:PrincipalOrgID`.
 * Deploy from the management account, in one region: SCPs are global.
 */
export class OrganizationGuardrails extends Construct {
  readonly policies: organizations.CfnPolicy[] = [];

  constructor(scope: Construct, id: string, props: OrganizationGuardrailsProps) {
    super(scope, id);
    const exempt = props.exemptRoleArns ?? [`arn:${Aws.PARTITION}:iam::*:role/OrganizationAccountAccessRole`];
    this.addPolicy(props, 'DenyLeavingOrganization', 'Member accounts cannot leave the organization', [
      new iam.PolicyStatement({ sid: 'DenyLeavingOrganization', effect: iam.Effect.DENY, actions: ['organizations:LeaveOrganization'], resources: ['*'] }),
    ]);
    this.addPolicy(props, 'DenySecurityServiceTampering', 'No one but the exempt roles stops or changes CloudTrail, Config, GuardDuty or Security Hub', [
      new iam.PolicyStatement({
        sid: 'DenySecurityServiceTampering', effect: iam.Effect.DENY, actions: SECURITY_TAMPERING_ACTIONS, resources: ['*'],
        conditions: { ArnNotLike: { 'aws:PrincipalArn': exempt } },
      }),
    ]);
    this.addPolicy(props, 'DenyRootUser', 'The root user of a member account can do nothing', [
      new iam.PolicyStatement({
        sid: 'DenyRootUser', effect: iam.Effect.DENY, actions: ['*'], resources: ['*'],
        conditions: { StringLike: { 'aws:PrincipalArn': [`arn:${Aws.PARTITION}:iam::*:root`] } },
      }),
    ]);
    if (props.allowedRegions) {
      this.addPolicy(props, 'RestrictRegions', `Only ${props.allowedRegions.join(', ')} (global services excepted)`, [
        new iam.PolicyStatement({
          sid: 'DenyOtherRegions', effect: iam.Effect.DENY, notActions: GLOBAL_SERVICE_ACTIONS, resources: ['*'],
          conditions: { StringNotEquals: { 'aws:RequestedRegion': props.allowedRegions } },
        }),
      ]);
    }
  }

  private addPolicy(props: OrganizationGuardrailsProps, id: string, description: string, statements: iam.PolicyStatement[]): void {
    this.policies.push(new organizations.CfnPolicy(this, id, {
      // SCP names are unique in the organization: stack and region keep two deployments apart.
      name: `${Stack.of(this).stackName}-${Aws.REGION}-${id}`,
      description,
      type: 'SERVICE_CONTROL_POLICY',
      content: new iam.PolicyDocument({ statements }).toJSON(),
      targetIds: props.targetIds,
    }));
  }
}

/**
 * The notes' `aws:PrincipalOrgID` example as a data perimeter on a bucket:
 * principals outside the organization are denied, AWS services delivering
 * to the bucket (CloudTrail, Config, S3 logging) excepted.
 */
export function restrictToOrganization(bucket: s3.IBucket, organizationId: string): void {
  bucket.addToResourcePolicy(new iam.PolicyStatement({
    sid: 'DenyPrincipalsOutsideTheOrganization',
    effect: iam.Effect.DENY,
    principals: [new iam.AnyPrincipal()],
    actions: ['s3:*'],
    resources: [bucket.bucketArn, bucket.arnForObjects('*')],
    conditions: {
      StringNotEqualsIfExists: { 'aws:PrincipalOrgID': organizationId },
      BoolIfExists: { 'aws:PrincipalIsAWSService': 'false' },
    },
  }));
}
