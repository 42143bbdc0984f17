import { Duration } from 'aws-cdk-lib';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as logs from 'aws-cdk-lib/aws-logs';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';

/** One CIS AWS Foundations metric filter: what it catches and its CloudWatch Logs pattern. */
export interface CisFilter {
  /** Construct id and metric name. */
  readonly name: string;
  readonly description: string;
  readonly pattern: string;
  /** Matching events in 5 minutes that raise the alarm. @default 1 */
  readonly alarmAt?: number;
}

const anyEvent = (...names: string[]) => names.map((n) => `($.eventName = ${n})`).join(' || ');
const anyQuoted = (...names: string[]) => names.map((n) => `($.eventName = "${n}")`).join(' || ');

/**
 * The metric filters of the CIS AWS Foundations Benchmark (monitoring section),
 * as AWS Security Hub's CloudWatch.1-14 controls check them: what an attacker
 * or a mistake does to an account.
 */
export const CIS_FILTERS: readonly CisFilter[] = [
  { name: 'RootAccountUse', description: 'The root user was used', pattern: '{ $.userIdentity.type = "Root" && $.userIdentity.invokedBy NOT EXISTS && $.eventType != "AwsServiceEvent" }' },
  // Consoles and SDKs probe permissions all day: one refusal is noise, five in 5 minutes is a pattern.
  { name: 'UnauthorizedApiCalls', description: 'API calls were refused for lack of permission (5 or more in 5 minutes)', pattern: '{ ($.errorCode = "*UnauthorizedOperation") || ($.errorCode = "AccessDenied*") }', alarmAt: 5 },
  // A mistyped password is noise, three failures in 5 minutes look like guessing.
  { name: 'ConsoleSignInFailures', description: 'Console sign-ins failed (3 or more in 5 minutes)', pattern: '{ ($.eventName = ConsoleLogin) && ($.errorMessage = "Failed authentication") }', alarmAt: 3 },
  { name: 'ConsoleSignInWithoutMfa', description: 'An IAM user signed in to the console without MFA', pattern: '{ ($.eventName = "ConsoleLogin") && ($.additionalEventData.MFAUsed != "Yes") && ($.userIdentity.type = "IAMUser") && ($.responseElements.ConsoleLogin = "Success") }' },
  { name: 'IamPolicyChanges', description: 'An IAM policy was created, changed, attached or detached', pattern: `{ ${anyEvent('DeleteGroupPolicy', 'DeleteRolePolicy', 'DeleteUserPolicy', 'PutGroupPolicy', 'PutRolePolicy', 'PutUserPolicy', 'CreatePolicy', 'DeletePolicy', 'CreatePolicyVersion', 'DeletePolicyVersion', 'AttachRolePolicy', 'DetachRolePolicy', 'AttachUserPolicy', 'DetachUserPolicy', 'AttachGroupPolicy', 'DetachGroupPolicy')} }` },
  { name: 'CloudTrailChanges', description: 'A trail was created, changed, stopped or deleted', pattern: `{ ${anyEvent('CreateTrail', 'UpdateTrail', 'DeleteTrail', 'StartLogging', 'StopLogging')} }` },
  { name: 'ConfigChanges', description: 'AWS Config recording or delivery was stopped or changed', pattern: `{ ($.eventSource = config.amazonaws.com) && (${anyEvent('StopConfigurationRecorder', 'DeleteDeliveryChannel', 'PutDeliveryChannel', 'PutConfigurationRecorder')}) }` },
  { name: 'KmsKeyDisabledOrDeleted', description: 'A KMS key was disabled or scheduled for deletion', pattern: `{ ($.eventSource = kms.amazonaws.com) && (${anyEvent('DisableKey', 'ScheduleKeyDeletion')}) }` },
  { name: 'SecurityGroupChanges', description: 'A security group was created, changed or deleted', pattern: `{ ${anyEvent('AuthorizeSecurityGroupIngress', 'AuthorizeSecurityGroupEgress', 'RevokeSecurityGroupIngress', 'RevokeSecurityGroupEgress', 'CreateSecurityGroup', 'DeleteSecurityGroup')} }` },
  { name: 'NetworkAclChanges', description: 'A network ACL was created, changed or deleted', pattern: `{ ${anyEvent('CreateNetworkAcl', 'CreateNetworkAclEntry', 'DeleteNetworkAcl', 'DeleteNetworkAclEntry', 'ReplaceNetworkAclEntry', 'ReplaceNetworkAclAssociation')} }` },
  { name: 'NetworkGatewayChanges', description: 'An internet or customer gateway was created, attached, detached or deleted', pattern: `{ ${anyEvent('CreateCustomerGateway', 'DeleteCustomerGateway', 'AttachInternetGateway', 'CreateInternetGateway', 'DeleteInternetGateway', 'DetachInternetGateway')} }` },
  { name: 'RouteTableChanges', description: 'A route or route table was created, changed or deleted', pattern: `{ ($.eventSource = ec2.amazonaws.com) && (${anyEvent('CreateRoute', 'CreateRouteTable', 'ReplaceRoute', 'ReplaceRouteTableAssociation', 'DeleteRouteTable', 'DeleteRoute', 'DisassociateRouteTable')}) }` },
  { name: 'VpcChanges', description: 'A VPC or VPC peering connection was created, changed or deleted', pattern: `{ ${anyEvent('CreateVpc', 'DeleteVpc', 'ModifyVpcAttribute', 'AcceptVpcPeeringConnection', 'CreateVpcPeeringConnection', 'DeleteVpcPeeringConnection', 'RejectVpcPeeringConnection', 'AttachClassicLinkVpc', 'DetachClassicLinkVpc', 'DisableVpcClassicLink', 'EnableVpcClassicLink')} }` },
  { name: 'OrganizationsChanges', description: 'AWS Organizations: an account, OU, policy or handshake was created, changed, moved or deleted', pattern: `{ ($.eventSource = organizations.amazonaws.com) && (${anyQuoted('AcceptHandshake', 'AttachPolicy', 'CreateAccount', 'CreateOrganizationalUnit', 'CreatePolicy', 'DeclineHandshake', 'DeleteOrganization', 'DeleteOrganizationalUnit', 'DeletePolicy', 'DetachPolicy', 'DisablePolicyType', 'EnablePolicyType', 'InviteAccountToOrganization', 'LeaveOrganization', 'MoveAccount', 'RemoveAccountFromOrganization', 'UpdatePolicy', 'UpdateOrganizationalUnit')}) }` },
  { name: 'S3BucketPolicyChanges', description: 'A bucket policy, ACL, CORS, lifecycle or replication configuration was changed', pattern: `{ ($.eventSource = s3.amazonaws.com) && (${anyEvent('PutBucketAcl', 'PutBucketPolicy', 'PutBucketCors', 'PutBucketLifecycle', 'PutBucketReplication', 'DeleteBucketPolicy', 'DeleteBucketCors', 'DeleteBucketLifecycle', 'DeleteBucketReplication')}) }` },
];

/** Props of {@link CisAlarms}. */
export interface CisAlarmsProps {
  readonly logGroup: logs.ILogGroup;
  readonly namespace: string;
  readonly topic: sns.ITopic;
}

/**
 * A metric filter on the trail's log group and an alarm to the topic for each
 * {@link CIS_FILTERS} entry. The alarms notify on ALARM only: each is an event
 * count that returns to OK 5 minutes later, and an OK mail would double the noise.
 */
export class CisAlarms extends Construct {
  readonly alarms: Record<string, cloudwatch.Alarm> = {};

  constructor(scope: Construct, id: string, props: CisAlarmsProps) {
    super(scope, id);
    for (const filter of CIS_FILTERS) {
      const metricFilter = new logs.MetricFilter(this, filter.name, {
        logGroup: props.logGroup,
        filterPattern: logs.FilterPattern.literal(filter.pattern),
        metricNamespace: props.namespace,
        metricName: filter.name,
        metricValue: '1',
      });
      const alarm = new cloudwatch.Alarm(this, `${filter.name}Alarm`, {
        metric: metricFilter.metric({ statistic: 'Sum', period: Duration.minutes(5) }),
        threshold: filter.alarmAt ?? 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
        alarmDescription: `${filter.description} (CIS AWS Foundations metric filter ${filter.name})`,
      });
      alarm.addAlarmAction(new actions.SnsAction(props.topic));
      this.alarms[filter.name] = alarm;
    }
  }
}
