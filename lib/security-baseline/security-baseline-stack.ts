import { CfnOutput, Stack, StackProps } from 'aws-cdk-lib';
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
}

/** Deploys a {@link SecurityBaseline} and outputs what the smoke checks and operators look up. */
export class SecurityBaselineStack extends Stack {
  readonly baseline: SecurityBaseline;

  constructor(scope: Construct, id: string, props: SecurityBaselineStackProps = {}) {
    super(scope, id, props);
    this.baseline = new SecurityBaseline(this, 'SecurityBaseline', props.baseline);
    const b = this.baseline;
    new CfnOutput(this, 'TrailArn', { value: b.auditTrail.trail.trailArn, description: 'The multi-region trail' });
    new CfnOutput(this, 'LogBucketName', { value: b.auditTrail.bucket.bucketName, description: 'Trail files and Config snapshots' });
    new CfnOutput(this, 'TrailLogGroupName', { value: b.auditTrail.logGroup.logGroupName, description: 'The trail in CloudWatch Logs' });
    new CfnOutput(this, 'AlarmTopicArn', { value: b.alarmTopic.topicArn, description: 'Alarms and findings go here' });
    if (b.configRecorder) new CfnOutput(this, 'ConfigRecorderName', { value: b.configRecorder.recorder.ref, description: 'The AWS Config recorder' });
    if (b.detector) new CfnOutput(this, 'DetectorId', { value: b.detector.ref, description: 'The GuardDuty detector' });
    if (b.cisAlarms) {
      new CfnOutput(this, 'RootAccountUseAlarmName', { value: b.cisAlarms.alarms.RootAccountUse.alarmName, description: 'A CIS alarm the smoke test sets to ALARM to prove notifications arrive' });
    }
  }
}
