import { Duration, Stack, Token } from 'aws-cdk-lib';
import * as autoscaling from 'aws-cdk-lib/aws-autoscaling';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import * as sns from 'aws-cdk-lib/aws-sns';
import { Construct } from 'constructs';
import { acknowledge } from '../shared/compliance';
import { REGION, Validator } from '../shared/validation';

/** The CloudWatch namespace of the failover switches' metric. */
export const FAILOVER_SWITCH_NAMESPACE = 'AwsReferenceArchitectures/Failover';
/** The metric an operator puts 1 (fail over) or 0 (fail back) into, dimension `Switch`. */
export const FAILOVER_SWITCH_METRIC = 'FailoverSwitch';

/**
 * The regions whose CloudWatch alarms a Route 53 health check can read (the
 * `Region` values of the Route 53 API's AlarmIdentifier, commercial partition).
 */
export const ALARM_HEALTH_CHECK_REGIONS: readonly string[] = [
  'us-east-1', 'us-east-2', 'us-west-1', 'us-west-2', 'ca-central-1', 'ca-west-1', 'mx-central-1', 'sa-east-1',
  'eu-central-1', 'eu-central-2', 'eu-west-1', 'eu-west-2', 'eu-west-3', 'eu-north-1', 'eu-south-1', 'eu-south-2',
  'af-south-1', 'il-central-1', 'me-south-1', 'me-central-1',
  'ap-east-1', 'ap-east-2', 'ap-south-1', 'ap-south-2', 'ap-northeast-1', 'ap-northeast-2', 'ap-northeast-3',
  'ap-southeast-1', 'ap-southeast-2', 'ap-southeast-3', 'ap-southeast-4', 'ap-southeast-5', 'ap-southeast-6', 'ap-southeast-7',
];

/** Where a failover switch is: all a health check in another stack (any region) needs to read it. */
export interface FailoverSwitchRef {
  /** The switch's name: its alarm is `<switchName>-failover-switch`, its metric's `Switch` dimension `<switchName>`. */
  readonly switchName: string;
  /** The region of the switch's alarm: never the region it fails away from. */
  readonly region: string;
}

/** Props of {@link FailoverSwitch}. */
export interface FailoverSwitchProps {
  /**
   * The switch's name, unique in its account and region (the stages use
   * `<stage>-<primary region>`): letters, digits, `.`, `_` and `-`, at most 200.
   */
  readonly switchName: string;
  /**
   * The region the switch takes traffic away from. The switch's stack must be in
   * another region (the standby region, or us-east-1 unless that is the primary),
   * so that it works while the primary region is down.
   */
  readonly primaryRegion: string;
  /**
   * Topic told when the switch turns on and off (a topic of the switch's region).
   * @default none: the Domain's alarm on the PRIMARY's health check tells when traffic moves
   */
  readonly alarmTopic?: sns.ITopic;
}

const SWITCH_NAME = /^[A-Za-z0-9._-]{1,200}$/;

/** The switch's alarm name. */
export function switchAlarmName(ref: FailoverSwitchRef): string {
  return `${ref.switchName}-failover-switch`;
}

/**
 * The operator's command that turns the switch on (fail over: 1) or off (fail
 * back: 0). It calls CloudWatch's data plane in the switch's region only.
 */
export function switchCommand(ref: FailoverSwitchRef, on: boolean): string {
  return `aws cloudwatch put-metric-data --region ${ref.region} --namespace ${FAILOVER_SWITCH_NAMESPACE} `
    + `--metric-name ${FAILOVER_SWITCH_METRIC} --dimensions Switch=${ref.switchName} --value ${on ? 1 : 0}`;
}

/**
 * An operator's failover switch: a CloudWatch alarm, in a region other than the
 * primary's, on a metric nobody publishes but the operator. `put-metric-data`
 * with 1 puts it in ALARM, with 0 back to OK; missing data keeps its state, so
 * one call holds until the next. A {@link FailoverPrimaryHealthCheck} turns
 * the alarm into the PRIMARY records' health: no call in the failed region, no
 * Route 53 control-plane call (us-east-1), only CloudWatch's data plane in the
 * switch's region. Costs one standard alarm (about $0.10 a month).
 */
export class FailoverSwitch extends Construct {
  readonly alarm: cloudwatch.Alarm;
  /** What health checks elsewhere need to read the switch. */
  readonly ref: FailoverSwitchRef;

  constructor(scope: Construct, id: string, props: FailoverSwitchProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    validateFailoverSwitchProps(props, Token.isUnresolved(region) ? undefined : region);
    this.ref = { switchName: props.switchName, region };
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmName: switchAlarmName(this.ref),
      alarmDescription: `Failover switch of ${props.primaryRegion}: in ALARM, Route 53 answers with the SECONDARY records. `
        + `On: ${switchCommand(this.ref, true)}; off: the same with --value 0.`,
      metric: switchMetric(props.switchName),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      // The operator publishes once: between publications the switch keeps its position.
      treatMissingData: cloudwatch.TreatMissingData.IGNORE,
    });
    if (props.alarmTopic) {
      this.alarm.addAlarmAction(new actions.SnsAction(props.alarmTopic));
      this.alarm.addOkAction(new actions.SnsAction(props.alarmTopic));
    } else {
      const reason = 'The switch is an operator\'s control, not a failure signal: the alarm on each PRIMARY\'s health check (the Domain stack, us-east-1) notifies when traffic moves.';
      for (const rule of ['NIST.800.53.R5-CloudWatchAlarmAction', 'HIPAA.Security-CloudWatchAlarmAction']) acknowledge(this.alarm, rule, reason);
    }
  }
}

/** The switch's metric: standard resolution and a plain statistic over one minute, what Route 53 can read. */
function switchMetric(switchName: string): cloudwatch.Metric {
  return new cloudwatch.Metric({
    namespace: FAILOVER_SWITCH_NAMESPACE,
    metricName: FAILOVER_SWITCH_METRIC,
    dimensionsMap: { Switch: switchName },
    statistic: 'Maximum',
    period: Duration.minutes(1),
  });
}

/** Props of {@link FailoverScaleUp}. */
export interface FailoverScaleUpProps {
  /** The switch whose turning on scales the group up: in the group's region. */
  readonly failoverSwitch: FailoverSwitchRef;
  /** The standby's Auto Scaling group. */
  readonly autoScalingGroup: autoscaling.IAutoScalingGroup;
  /** The group's desired capacity once the switch is turned on (the stages give the primary's minimum). */
  readonly capacity: number;
}

/**
 * Scales a standby's Auto Scaling group to `capacity` when the operator turns
 * the switch on: an alarm of the group's stack on the switch's metric, whose
 * action is a step scaling policy with ExactCapacity. A pilot light (zero
 * instances) cannot pass the SECONDARY's health check, and Route 53 answers
 * with the PRIMARY while both are unhealthy: this is what lets its traffic move.
 *
 * The alarm is not the switch's own: CloudWatch repeats an Auto Scaling action
 * every minute the alarm stays in its state (other actions run only on a
 * transition), so the switch's alarm, which holds ALARM for the whole failover,
 * would reset the group to `capacity` every minute, undoing target tracking's
 * scale-out under load. This alarm treats missing data as not breaching: it is in
 * ALARM only in the minute the operator publishes 1, so the group is set once;
 * then its own scaling policies follow the load. It has no OK action: turning the
 * switch off does not scale in under traffic still arriving (resolvers' TTL);
 * target tracking takes the group back to its minimum as the traffic leaves.
 * Same region, no export between the switch's stack and the group's.
 */
export class FailoverScaleUp extends Construct {
  readonly alarm: cloudwatch.Alarm;
  readonly policy: autoscaling.StepScalingAction;

  constructor(scope: Construct, id: string, props: FailoverScaleUpProps) {
    super(scope, id);
    const region = Stack.of(this).region;
    const v = new Validator('FailoverScaleUp props');
    v.check(!Token.isUnresolved(region) && region === props.failoverSwitch.region, 'failoverSwitch.region', props.failoverSwitch.region,
      `expected the group's stack's region (${region}): an alarm's action scales a group of its own region only`);
    v.intRange('capacity', props.capacity, 1, 1000);
    v.throwIfInvalid();
    this.policy = new autoscaling.StepScalingAction(this, 'Policy', {
      autoScalingGroup: props.autoScalingGroup,
      adjustmentType: autoscaling.AdjustmentType.EXACT_CAPACITY,
      metricAggregationType: autoscaling.MetricAggregationType.MAXIMUM,
    });
    // Relative to the alarm's threshold (1): any value of 1 or more.
    this.policy.addAdjustment({ lowerBound: 0, adjustment: props.capacity });
    this.alarm = new cloudwatch.Alarm(this, 'Alarm', {
      alarmDescription: `Failover switch ${props.failoverSwitch.switchName} turned on: sets this standby group to ${props.capacity} instances, once (then its scaling policies follow the load)`,
      metric: switchMetric(props.failoverSwitch.switchName),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    this.alarm.addAlarmAction(new actions.AutoScalingAction(this.policy));
  }
}

/** Checks every rule, throwing one ConfigError listing all problems; `region` is the switch's stack's, when known. */
export function validateFailoverSwitchProps(props: FailoverSwitchProps, region: string | undefined): void {
  const v = new Validator('FailoverSwitch props');
  v.check(SWITCH_NAME.test(props.switchName), 'switchName', props.switchName, 'expected 1 to 200 letters, digits, ".", "_" or "-"');
  v.check(REGION.test(props.primaryRegion), 'primaryRegion', props.primaryRegion, 'expected an AWS region name such as "eu-west-1"');
  if (region === undefined) {
    v.fail('region', 'an environment-agnostic stack', 'the switch\'s health checks name its region: put the switch in a stack with env.region (the standby region)');
  } else {
    v.check(region !== props.primaryRegion, 'region', region, `the switch must work while ${props.primaryRegion} is down: put it in another region (the standby region)`);
    v.check(ALARM_HEALTH_CHECK_REGIONS.includes(region), 'region', region, `Route 53 health checks read alarms in ${ALARM_HEALTH_CHECK_REGIONS.join(', ')} only`);
  }
  v.throwIfInvalid();
}
