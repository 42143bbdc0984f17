// Route 53's documented behaviour, applied to synthesized templates: which
// failover record answers, given the endpoints' health and the switch's data.
// Sources (Route 53 Developer Guide): "How Route 53 determines whether a health
// check is healthy" (alarm checks follow the alarm's data stream; insufficient
// data -> InsufficientDataHealthStatus, LastKnownStatus healthy when new;
// calculated checks count healthy children against HealthThreshold), "How
// Route 53 chooses records when health checking is configured" (primary healthy
// -> primary; else a healthy secondary; both unhealthy -> primary), "Values for
// failover alias records" (a health check and Evaluate Target Health on an alias:
// both must be healthy). CloudWatch: an alarm's missing-data treatment.
import type { CfnResource, CfnTemplate } from '../../lib/docs/template';

/** What is true of the world at the moment Route 53 answers. */
export interface Conditions {
  /** Whether the endpoints of a stack (its endpoint health checks, its alias targets) are healthy. */
  readonly endpointsUp: (stackId: string) => boolean;
  /** The switch metric's datapoints, one a minute, oldest first; undefined: nothing published that minute. */
  readonly switchData: readonly (number | undefined)[];
  /** Whether Route 53 can read the switch's data now (CloudWatch in the switch's region answers). @default true */
  readonly switchReadable?: boolean;
}

type Templates = Record<string, CfnTemplate>;
type AlarmState = 'OK' | 'ALARM' | 'INSUFFICIENT_DATA';

/** One failover record's answer. */
export interface Answer {
  readonly role: 'PRIMARY' | 'SECONDARY';
  readonly setIdentifier: string;
  readonly stackId: string;
}

/** The failover record Route 53 answers with for `name` (`app.example.com.`) and `type`. */
export function answer(templates: Templates, name: string, type: string, conditions: Conditions): Answer {
  const records = Object.entries(templates).flatMap(([stackId, t]) => Object.values(t.Resources ?? {})
    .filter((r) => r.Type === 'AWS::Route53::RecordSet' && r.Properties?.Name === name && r.Properties?.Type === type && r.Properties?.Failover)
    .map((r) => ({ stackId, record: r })));
  const byRole = (role: string) => {
    const found = records.filter((r) => r.record.Properties!.Failover === role);
    if (found.length !== 1) throw new Error(`${name} ${type}: ${found.length} ${role} records`);
    return found[0];
  };
  const primary = byRole('PRIMARY');
  const secondary = byRole('SECONDARY');
  const healthy = ({ stackId, record }: { stackId: string; record: CfnResource }) => recordHealthy(templates, stackId, record, conditions);
  const chosen = healthy(primary) || !healthy(secondary) ? primary : secondary;
  return { role: chosen.record.Properties!.Failover, setIdentifier: chosen.record.Properties!.SetIdentifier, stackId: chosen.stackId };
}

function recordHealthy(templates: Templates, stackId: string, record: CfnResource, conditions: Conditions): boolean {
  const p = record.Properties!;
  const checkHealthy = p.HealthCheckId === undefined || healthCheckHealthy(templates, stackId, refId(p.HealthCheckId), conditions);
  const targetHealthy = p.AliasTarget?.EvaluateTargetHealth !== true || conditions.endpointsUp(stackId);
  return checkHealthy && targetHealthy;
}

function refId(value: unknown): string {
  const ref = (value as { Ref?: string }).Ref;
  if (typeof ref !== 'string') throw new Error(`expected a Ref to a health check of the same template, got ${JSON.stringify(value)}`);
  return ref;
}

function healthCheckHealthy(templates: Templates, stackId: string, logicalId: string, conditions: Conditions): boolean {
  const resource = templates[stackId].Resources?.[logicalId];
  if (resource?.Type !== 'AWS::Route53::HealthCheck') throw new Error(`${stackId}/${logicalId} is not a health check`);
  const config = resource.Properties!.HealthCheckConfig;
  const status = typedHealth(templates, stackId, logicalId, config, conditions);
  return config.Inverted === true ? !status : status;
}

function typedHealth(templates: Templates, stackId: string, logicalId: string, config: Record<string, any>, conditions: Conditions): boolean {
  switch (config.Type) {
    case 'HTTPS':
    case 'HTTP':
    case 'TCP':
      return conditions.endpointsUp(stackId);
    case 'CALCULATED': {
      if (config.HealthThreshold === undefined) throw new Error(`${logicalId}: a calculated check without HealthThreshold`);
      const healthyChildren = (config.ChildHealthChecks as unknown[]).filter((c) => healthCheckHealthy(templates, stackId, refId(c), conditions)).length;
      return healthyChildren >= config.HealthThreshold;
    }
    case 'CLOUDWATCH_METRIC':
      return alarmCheckHealthy(templates, config, conditions);
    default:
      throw new Error(`${logicalId}: health check type ${config.Type} is not modelled`);
  }
}

/** The status of a health check on an alarm: OK healthy, ALARM unhealthy, otherwise InsufficientDataHealthStatus. */
function alarmCheckHealthy(templates: Templates, config: Record<string, any>, conditions: Conditions): boolean {
  const alarm = findAlarm(templates, config.AlarmIdentifier.Name);
  const states = alarmStates(alarm, conditions.switchData);
  const known = states.filter((s) => s !== 'INSUFFICIENT_DATA');
  const lastKnownHealthy = known.length === 0 || known[known.length - 1] === 'OK'; // a new check has no last status: healthy
  const now = (conditions.switchReadable ?? true) ? states[states.length - 1] ?? 'INSUFFICIENT_DATA' : 'INSUFFICIENT_DATA';
  if (now !== 'INSUFFICIENT_DATA') return now === 'OK';
  switch (config.InsufficientDataHealthStatus) {
    case 'Healthy': return true;
    case 'Unhealthy': return false;
    case 'LastKnownStatus': return lastKnownHealthy;
    default: throw new Error(`InsufficientDataHealthStatus ${config.InsufficientDataHealthStatus} is not modelled`);
  }
}

function findAlarm(templates: Templates, name: string): Record<string, any> {
  const alarms = Object.values(templates).flatMap((t) => Object.values(t.Resources ?? {}))
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.AlarmName === name);
  if (alarms.length !== 1) throw new Error(`${alarms.length} alarms named ${name}`);
  return alarms[0].Properties!;
}

const COMPARE: Record<string, (value: number, threshold: number) => boolean> = {
  GreaterThanOrEqualToThreshold: (v, t) => v >= t,
  GreaterThanThreshold: (v, t) => v > t,
  LessThanThreshold: (v, t) => v < t,
  LessThanOrEqualToThreshold: (v, t) => v <= t,
};

/** The alarm's state after each minute of data (one-period alarms of one datapoint a period). */
export function alarmStates(alarm: Record<string, any>, data: readonly (number | undefined)[]): AlarmState[] {
  if (alarm.EvaluationPeriods !== 1 || (alarm.DatapointsToAlarm ?? 1) !== 1 || alarm.Period !== 60) {
    throw new Error('only one-minute, one-period alarms are modelled');
  }
  const compare = COMPARE[alarm.ComparisonOperator];
  let state: AlarmState = 'INSUFFICIENT_DATA';
  return data.map((value) => {
    if (value !== undefined) state = compare(value, alarm.Threshold) ? 'ALARM' : 'OK';
    else if (alarm.TreatMissingData === 'breaching') state = 'ALARM';
    else if (alarm.TreatMissingData === 'notBreaching') state = 'OK';
    else if (alarm.TreatMissingData !== 'ignore') state = 'INSUFFICIENT_DATA'; // 'missing' (the default)
    return state;
  });
}

/**
 * The instance count of the Auto Scaling group in `stackId` after the switch's
 * data: its MinSize (no DesiredCapacity: CloudFormation starts it at MinSize),
 * or the ExactCapacity of a step policy that an alarm on the switch's metric
 * invoked in a minute it was in ALARM (CloudWatch runs an Auto Scaling action
 * every minute its alarm is in ALARM). Target tracking is not modelled.
 */
export function groupCapacityAfter(templates: Templates, stackId: string, switchData: readonly (number | undefined)[]): number {
  const resources = templates[stackId].Resources ?? {};
  const groups = Object.values(resources).filter((r) => r.Type === 'AWS::AutoScaling::AutoScalingGroup');
  if (groups.length !== 1) throw new Error(`${stackId}: ${groups.length} Auto Scaling groups`);
  let capacity = Number(groups[0].Properties!.DesiredCapacity ?? groups[0].Properties!.MinSize);
  const switchAlarms = Object.values(resources)
    .filter((r) => r.Type === 'AWS::CloudWatch::Alarm' && r.Properties?.Namespace === 'AwsReferenceArchitectures/Failover');
  const states = switchAlarms.map((a) => alarmStates(a.Properties!, switchData));
  switchData.forEach((_, minute) => switchAlarms.forEach((alarm, i) => {
    if (states[i][minute] !== 'ALARM') return;
    for (const action of (alarm.Properties!.AlarmActions ?? []) as unknown[]) {
      const policy = resources[refId(action)];
      if (policy?.Type !== 'AWS::AutoScaling::ScalingPolicy' || policy.Properties!.AdjustmentType !== 'ExactCapacity') continue;
      capacity = policy.Properties!.StepAdjustments[0].ScalingAdjustment;
    }
  }));
  return capacity;
}
