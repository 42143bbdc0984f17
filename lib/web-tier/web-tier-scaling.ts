import { Duration } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import { WebTierProps } from './web-tier-props';

/**
 * The scaling policies of the notes, each optional: target tracking on CPU
 * and on requests per target, step scaling on CPU, scheduled actions. Target
 * tracking policies both scale out and in.
 */
export function addScalingPolicies(asg: autoscaling.AutoScalingGroup, props: WebTierProps): void {
  asg.scaleOnCpuUtilization('CpuTarget', { targetUtilizationPercent: props.cpuTarget ?? 50 });
  if (props.requestsPerTargetPerMinute !== undefined) {
    asg.scaleOnRequestCount('RequestsTarget', { targetRequestsPerMinute: props.requestsPerTargetPerMinute });
  }
  if (props.stepScaling) {
    const s = props.stepScaling;
    asg.scaleOnMetric('CpuSteps', {
      metric: new cloudwatch.Metric({
        namespace: 'AWS/EC2',
        metricName: 'CPUUtilization',
        dimensionsMap: { AutoScalingGroupName: asg.autoScalingGroupName },
        statistic: 'Average',
        period: Duration.minutes(1),
      }),
      adjustmentType: autoscaling.AdjustmentType.CHANGE_IN_CAPACITY,
      scalingSteps: [
        { upper: s.scaleInBelow ?? 30, change: -(s.scaleInBy ?? 1) },
        { lower: s.scaleOutAbove ?? 70, change: s.scaleOutBy ?? 2 },
      ],
    });
  }
  for (const schedule of props.schedules ?? []) {
    asg.scaleOnSchedule(schedule.name, {
      schedule: autoscaling.Schedule.expression(schedule.cron),
      timeZone: props.timeZone ?? 'UTC',
      minCapacity: schedule.min,
      desiredCapacity: schedule.desired,
      maxCapacity: schedule.max,
    });
  }
}
