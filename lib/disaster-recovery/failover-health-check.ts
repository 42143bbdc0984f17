import { Stack, Token } from 'aws-cdk-lib';
import * as route53 from 'aws-cdk-lib/aws-route53';
import { Construct } from 'constructs';
import type { RecordHealthCheck } from '../domain/endpoint';
import { Validator } from '../shared/validation';
import { ALARM_HEALTH_CHECK_REGIONS, FailoverSwitchRef, switchAlarmName } from './failover-switch';

/** Props of {@link FailoverPrimaryHealthCheck}. */
export interface FailoverPrimaryHealthCheckProps {
  /** The operator's switch ({@link FailoverSwitch.ref}): in another region than this construct's stack. */
  readonly failoverSwitch: FailoverSwitchRef;
  /**
   * The endpoint's own health check. With `automatic`, the PRIMARY also stops
   * answering when it fails.
   * @default none (needs `automatic: false`)
   */
  readonly endpointHealthCheck?: route53.IHealthCheck;
  /**
   * Whether Route 53 fails over on its own when the endpoint's health check fails
   * (and back when it recovers), besides the switch. Without it only the
   * operator moves traffic: choose that when a failover needs steps DNS cannot
   * take (promoting the database), so that a flapping primary is not served.
   * @default true
   */
  readonly automatic?: boolean;
}

/**
 * The health check of a failover PRIMARY record: healthy while the switch is off
 * and (with `automatic`) the endpoint is healthy. A health check on the switch's
 * alarm (in ALARM: unhealthy; no data: its last known status, healthy when new)
 * and a calculated health check over it and the endpoint's, healthy only when
 * all its children are (threshold = number of children). Route 53 answers with
 * the PRIMARY only while this check and (alias) its target are healthy.
 */
export class FailoverPrimaryHealthCheck extends Construct {
  /** The health check on the switch's alarm. */
  readonly switchHealthCheck: route53.HealthCheck;
  /** The calculated health check the PRIMARY record answers by. */
  readonly healthCheck: route53.HealthCheck;

  constructor(scope: Construct, id: string, props: FailoverPrimaryHealthCheckProps) {
    super(scope, id);
    validateFailoverPrimaryHealthCheckProps(props, Stack.of(this).region);
    this.switchHealthCheck = new route53.HealthCheck(this, 'Switch', {
      type: route53.HealthCheckType.CLOUDWATCH_METRIC,
      alarmIdentifier: { name: switchAlarmName(props.failoverSwitch), region: props.failoverSwitch.region },
      // CloudWatch unreachable (or no data yet) keeps the switch where it was; a new switch is off.
      insufficientDataHealthStatus: route53.InsufficientDataHealthStatusEnum.LAST_KNOWN_STATUS,
    });
    const children = [this.switchHealthCheck, ...(props.automatic ?? true) ? [props.endpointHealthCheck!] : []];
    this.healthCheck = new route53.HealthCheck(this, 'Primary', {
      type: route53.HealthCheckType.CALCULATED,
      childHealthChecks: children,
      healthThreshold: children.length,
    });
  }
}

/** Checks every rule, throwing one ConfigError listing all problems. */
export function validateFailoverPrimaryHealthCheckProps(props: FailoverPrimaryHealthCheckProps, stackRegion: string): void {
  const v = new Validator('FailoverPrimaryHealthCheck props');
  const switchRegion = props.failoverSwitch.region;
  if (!Token.isUnresolved(switchRegion)) {
    v.check(ALARM_HEALTH_CHECK_REGIONS.includes(switchRegion), 'failoverSwitch.region', switchRegion, `Route 53 health checks read alarms in ${ALARM_HEALTH_CHECK_REGIONS.join(', ')} only`);
    if (!Token.isUnresolved(stackRegion)) {
      v.check(switchRegion !== stackRegion, 'failoverSwitch.region', switchRegion, `the switch of a PRIMARY in ${stackRegion} must be in another region, or it is down when the primary is`);
    }
  } else {
    v.fail('failoverSwitch.region', 'a token', 'expected the switch\'s region by name (a switch in a stack with env.region)');
  }
  v.check(props.automatic === false || props.endpointHealthCheck !== undefined, 'endpointHealthCheck', undefined,
    'automatic failover (the default) reads the endpoint\'s health check: give endpointHealthCheck, or automatic: false for a switch-only PRIMARY');
  v.throwIfInvalid();
}

/**
 * The {@link RecordHealthCheck} of a failover PRIMARY endpoint (DomainEndpointProps.recordHealthCheck):
 * a {@link FailoverPrimaryHealthCheck} over the endpoint's health check and the switch.
 */
export function failoverPrimaryHealthCheck(failoverSwitch: FailoverSwitchRef, automatic = true): RecordHealthCheck {
  return (scope, endpointHealthCheck) => new FailoverPrimaryHealthCheck(scope, 'FailoverHealthCheck', { failoverSwitch, endpointHealthCheck, automatic }).healthCheck;
}
