import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { SecurityBaseline } from './security-baseline';
import { SecurityBaselineProps } from './security-baseline-props';

/** Props of {@link SecurityBaselineStack}. */
export interface SecurityBaselineStackProps extends StackProps {
  /**
   * Props of the baseline.
   * @default the SecurityBaseline defaults
   */
  readonly baseline?: SecurityBaselineProps;
  /**
   * An existing SNS topic (same region) for the baseline's alarms and findings, imported as `baseline.alarmTopic`.
   * @default the baseline's own topic
   */
  readonly alarmTopicArn?: string;
}

/** Deploys a {@link SecurityBaseline} and outputs what the smoke checks and operators look up. */
export class SecurityBaselineStack extends Stack {
  readonly baseline: SecurityBaseline;

  constructor(scope: Construct, id: string, props: SecurityBaselineStackProps = {}) {
    super(scope, id, props);
    const alarmTopic = props.alarmTopicArn ? sns.Topic.fromTopicArn(this, 'AlarmTopic', props.alarmTopicArn) : props.baseline?.alarmTopic;
    this.baseline = new SecurityBaseline(this, 'SecurityBaseline', { ...props.baseline, alarmTopic });
    const b = this.baseline;
    // The account-wide outputs exist where the trail does (a condition in an agnostic stack with a home region).
    const home = typeof b.isHome === 'boolean' ? undefined : b.isHome;
    if (b.auditTrail) {
      new CfnOutput(this, 'TrailArn', { value: b.auditTrail.trail.attrArn, description: 'The multi-region trail', condition: home });
      new CfnOutput(this, 'LogBucketName', { value: b.auditTrail.bucket.bucketName, description: 'Trail files', condition: home });
      new CfnOutput(this, 'TrailLogGroupName', { value: b.auditTrail.logGroup.logGroupName, description: 'The trail in CloudWatch Logs', condition: home });
    }
    new CfnOutput(this, 'AlarmTopicArn', { value: b.alarmTopic.topicArn, description: 'Alarms and findings go here' });
    if (b.undeliveredFindingsTopic) {
      new CfnOutput(this, 'UndeliveredFindingsTopicArn', { value: b.undeliveredFindingsTopic.topicArn, description: 'The alarm on findings that could not reach the alarm topic goes here' });
    }
    if (b.configRecorder) {
      new CfnOutput(this, 'ConfigRecorderName', { value: b.configRecorder.recorder.ref, description: 'The AWS Config recorder' });
      new CfnOutput(this, 'ConfigBucketName', { value: b.configRecorder.bucket.bucketName, description: 'AWS Config snapshots and history' });
    }
    if (b.detector) new CfnOutput(this, 'DetectorId', { value: b.detector.ref, description: 'The GuardDuty detector' });
    if (b.cisAlarms) {
      new CfnOutput(this, 'RootAccountUseAlarmName', {
        value: b.cisAlarms.alarms.RootAccountUse.alarmName, description: 'A CIS alarm the smoke test sets to ALARM to prove notifications arrive', condition: home,
      });
    }
  }
}
